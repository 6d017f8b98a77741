use ecsctx::event;

fn main() {
    let name = "payment_processed";
    event!(info, name);
}
