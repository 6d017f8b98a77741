const PAYMENT_CAPTURED: &str = "payment_captured";

fn main() {
    ecsctx::event!(info, PAYMENT_CAPTURED, amount = 100);
}
