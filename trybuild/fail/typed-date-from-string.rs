use ecsctx::event;

fn main() {
    let when = String::from("yesterday");
    event!(info, "order_created", event.created = when);
}
