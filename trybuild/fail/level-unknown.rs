use ecsctx::event;

fn main() {
    event!(warning, "limit_reached");
}
