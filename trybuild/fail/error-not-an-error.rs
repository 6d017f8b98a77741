use ecsctx::event;

fn main() {
    let message = String::from("boom");
    event!(error, "gateway_call_failed", error = message);
}
