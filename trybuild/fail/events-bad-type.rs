ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed" { kind: event, category: [web], type: [sent] }
}

fn main() {}
