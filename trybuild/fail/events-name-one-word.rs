ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.captured"
}

fn main() {}
