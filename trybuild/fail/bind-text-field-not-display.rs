use ecsctx::bind;

struct Order {
    #[allow(dead_code)]
    id: u64,
}

fn main() {
    let order = Order { id: 7 };
    bind!(transaction.id = order);
}
