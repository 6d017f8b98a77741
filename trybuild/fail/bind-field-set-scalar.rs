use ecsctx::bind;

fn main() {
    bind!(user = "bob");
}
