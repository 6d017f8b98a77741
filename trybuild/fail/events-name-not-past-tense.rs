ecsctx::events! {
    pub PAYMENT_CAPTURE = "payment.capture_complete"
}

fn main() {}
