ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture completed"
}

fn main() {}
