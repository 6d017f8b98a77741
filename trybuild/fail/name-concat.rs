use ecsctx::event;

fn main() {
    event!(info, concat!("payment_", "processed"));
}
