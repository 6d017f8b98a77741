use ecsctx::event;

fn main() {
    event!(info, "payment_processed", "amount" = 100);
}
