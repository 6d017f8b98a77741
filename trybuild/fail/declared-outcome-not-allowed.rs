ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed" { terminal }
}

fn main() {
    ecsctx::event!(info, PAYMENT_CAPTURED, outcome = "ok");
}
