use ecsctx::bind;

fn main() {
    let ip = String::from("10.0.0.1");
    bind!(ip = ip);
}
