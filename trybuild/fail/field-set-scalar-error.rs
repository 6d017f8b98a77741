use ecsctx::event;

fn main() {
    event!(error, "gateway_call_failed", error = "boom");
}
