use ecsctx::event;

fn main() {
    event!(info, "payment_processed", amount = 100, currency = "KWD", amount = 200);
}
