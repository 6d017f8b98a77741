use ecsctx::event;

fn main() {
    let e = std::io::Error::other("timeout");
    event!(error, "gateway_call_failed", error = { message: e.to_string(), type: "Timeout" });
    event!(error, "gateway_call_failed", error.message = "boom", error.code = "E42");
}
