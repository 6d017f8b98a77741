use ecsctx::bind;

fn main() {
    bind!();
}
