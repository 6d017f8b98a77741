ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed" { kind: evnt }
}

fn main() {}
