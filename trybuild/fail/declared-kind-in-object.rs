ecsctx::events! {
    pub PAYMENT_CAPTURED = "payment.capture_completed" { kind: event }
}

fn main() {
    ecsctx::event!(info, PAYMENT_CAPTURED, event = { kind: "alert", outcome: "success" });
}
