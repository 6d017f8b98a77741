ecsctx::events! {
    pub PAYMENT_CAPTURED = "capture_completed"
}

fn main() {}
