use ecsctx::event;

struct Order {
    #[allow(dead_code)]
    id: u64,
}

fn main() {
    let order = Order { id: 7 };
    event!(info, "order_placed", transaction.id = order);
}
