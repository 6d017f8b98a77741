ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed" { kind: event, terminal }
}

fn main() {
    ecsctx::event!(info, PAYMENT_CAPTURED, amount = 100);
}
