use ecsctx::event;

fn main() {
    event!(info, "order_created", event.created = "yesterday");
}
