use ecsctx::bind;

fn main() {
    bind!(error = "boom");
}
