use ecsctx::bind;

fn main() {
    let code = 42;
    bind!(error = code);
}
