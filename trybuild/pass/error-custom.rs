use ecsctx::event;

use std::fmt;

#[derive(Debug)]
struct GatewayError {
    source: std::io::Error,
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gateway call failed")
    }
}

impl std::error::Error for GatewayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn main() {
    let err = GatewayError {
        source: std::io::Error::other("timeout"),
    };
    event!(error, "gateway_call_failed", error = err);
}
