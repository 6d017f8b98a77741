use ecsctx::event;

struct Order {
    id: u64,
}

fn main() {
    let order = Order { id: 1 };
    event!(info, "order_created", order = order);
    let _ = order.id;
}
