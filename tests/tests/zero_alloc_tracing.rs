//! After warm-up, a `tracing` event through `TracingLayer` allocates nothing: its fields
//! and message are recorded into buffers the thread reuses, and its line is rendered as
//! an `event!`'s is (hot-path habit 8). In a binary of its own: it installs the logger.

mod alloc_counter;

use ecsctx::context::{self, Fields};
use ecsctx::trace::TraceContext;
use tracing_subscriber::layer::SubscriberExt;

#[global_allocator]
static A: alloc_counter::Counting = alloc_counter::Counting;
use alloc_counter::assert_allocates_nothing_after_warm_up;

#[test]
fn a_tracing_event_allocates_nothing_after_warm_up() {
    // The default masker, with the installed logger the layer writes through.
    ecsctx::Builder::new()
        .with_filter("info")
        .with_writer(std::io::sink())
        .init();
    let sub =
        tracing_subscriber::registry().with(ecsctx::integrations::tracing::TracingLayer::new());
    let _d = tracing::subscriber::set_default(sub);
    let _c = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("user_id", &42)
            .with("session_id", "sess-1")
            .with_trace(TraceContext::new_root()),
    );
    let span = tracing::info_span!("checkout", merchant_id = "m-1001", attempt = 1);
    let _e = span.enter();
    let one = |i: u64| {
        tracing::info!(
            target: "checkout",
            amount = 100,
            currency = "KWD",
            order = %format_args!("ORD-{i}"),
            latency_ms = 12.5,
            "payment processed for order {i}"
        )
    };
    assert_allocates_nothing_after_warm_up("per tracing event", one);
}
