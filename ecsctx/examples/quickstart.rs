//! The main job: the ECS lines of one simulated request.
//!
//! `cargo run --example quickstart` — context bound, a traceparent received, a few events
//! (ours and another crate's), an error, and the traceparent for an outbound call.

use std::io;

use ecsctx::context::{self, Fields};
use ecsctx::trace::{self, TraceContext};

fn main() {
    ecsctx::Builder::new()
        .with_service_name("checkout")
        .with_service_version("1.4.2")
        .with_project_name(&std::env::var("PROJECT_NAME").unwrap_or_else(|_| "payments".into()))
        .with_environment(&std::env::var("ENVIRONMENT").unwrap_or_else(|_| "dev".into()))
        .init();

    // An inbound request: the caller sent a W3C traceparent.
    let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let _trace = context::bind_trace(TraceContext::from_headers(Some(incoming), None));
    let _request = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("http.request.method", "POST")
            .with("url.path", "/v1/payments")
            .with("session_id", "sess-8f2c")
            .with("merchant_id", "m-1001")
            .with("labels.region", "eu-west-1"),
    );
    log::info!("request received");

    // After authentication: everything from here on carries the user.
    context::bind_unscoped(Fields::new().with("user_id", &42));
    log::info!(amount = 100, currency = "KWD", attempt = 1; "payment_processed");

    // Another crate's record with format args and key-values goes through the same pipeline.
    log::warn!(target: "gateway::client", latency_ms = 812.5; "gateway slow: {} ms", 812);

    let err = io::Error::new(io::ErrorKind::TimedOut, "gateway timed out");
    log::error!(error:err = err; "gateway_call_failed");

    // The traceparent for the outbound call carries the span id we logged.
    let outbound = trace::build_traceparent().unwrap_or_default();
    log::info!(traceparent = outbound.as_str(); "outbound_call");
    log::logger().flush();
}
