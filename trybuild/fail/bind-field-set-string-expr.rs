use ecsctx::bind;

fn main() {
    let name = String::from("bob");
    bind!(user = name);
}
