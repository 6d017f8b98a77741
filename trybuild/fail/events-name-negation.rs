ecsctx::events! {
    pub PAYMENT_NOT_CAPTURED = "payment.not_captured"
}

fn main() {}
