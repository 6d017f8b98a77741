//! The main job: the ECS lines of one simulated request.
//!
//! `cargo run --example quickstart`: a traceparent received, request context bound,
//! events (ours, with PII that gets tokenized, and another crate's), an error, and the
//! traceparent for the outbound call.

use ecsctx::context::{self, Fields};
use ecsctx::pii::{Config, Keyset, Pii};
use ecsctx::trace::{self, TraceContext};
use ecsctx::{bind, event};

/// A demo token keyset (never use a published key in production: load yours from a file
/// or Vault with `PII_TOKEN_KEYSET_PATH` / `PII_PROVIDER=vault`).
const DEMO_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "demo1", "keys": {"demo1": {"alg": "HMAC-SHA-256", "key_b64": "ZGVtby1rZXktZm9yLXRoZS1xdWlja3N0YXJ0LTMyYnk"}}}"#;

fn main() {
    let keyset = Keyset::parse_token(DEMO_KEYSET.as_bytes(), "demo keyset").expect("demo keyset");
    ecsctx::pii::configure_with(
        Pii::new(Config::keysets(keyset, None).with_env("dev")).expect("pii"),
    );

    ecsctx::Builder::new()
        .with_filter("info")
        .with_service_name("checkout")
        .with_service_version("1.4.2")
        .with_project_name(&std::env::var("PROJECT_NAME").unwrap_or_else(|_| "payments".into()))
        .with_environment(&std::env::var("ENVIRONMENT").unwrap_or_else(|_| "dev".into()))
        .init();

    // An inbound request: the caller sent a W3C traceparent.
    let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let _request = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("http.request.method", "POST")
            .with("url.path", "/v1/payments")
            .with("labels.region", "eu-west-1")
            .with_trace(TraceContext::from_headers(Some(incoming), None)),
    );
    bind!(session_id = "sess-8f2c", merchant_id = "m-1001");
    event!(info, "http_request_received");

    // After authentication: every later line of the request carries the user.
    bind!(unscoped: user_id = 42);
    event!(
        info,
        "payment_processed",
        amount = 100,
        currency = "KWD",
        payload = { customer_email: "john.doe@example.com", customer_name: "John Doe" },
    );

    // Another crate's record goes through the same pipeline (and its message is masked).
    log::warn!(target: "gateway::client", latency_ms = 812.5; "gateway slow for card 4111 1111 1111 1111");

    let err = std::io::Error::new(std::io::ErrorKind::TimedOut, "gateway timed out");
    event!(
        error,
        "gateway_call_failed",
        error = err,
        event.outcome = "failure"
    );

    // The traceparent for the outbound call carries the span id we logged.
    let outbound = trace::build_traceparent().unwrap_or_default();
    event!(info, "outbound_call", url.full = "https://gateway.example/v2/charge", traceparent:% = outbound);
    log::logger().flush();
}
