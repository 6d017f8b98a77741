use ecsctx::event;

fn main() {
    event!(info, "");
}
