ecsctx::events! {
    pub PaymentCaptured = "payment.capture_completed"
}

fn main() {}
