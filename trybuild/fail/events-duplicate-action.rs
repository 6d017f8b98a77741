ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed"
    pub CAPTURE_DONE = "payment.capture_completed"
}

fn main() {}
