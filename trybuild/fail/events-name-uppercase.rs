ecsctx::events! {
    pub PAYMENT_CAPTURED = "Payment.Capture_Completed"
}

fn main() {}
