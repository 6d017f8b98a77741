use ecsctx::bind;

fn main() {
    bind!(ip = "localhost");
}
