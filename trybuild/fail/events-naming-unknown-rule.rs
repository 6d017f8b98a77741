ecsctx::events! {
    #![naming = "loose"]
    pub PAYMENT_CAPTURED = "payment.captured"
}

fn main() {}
