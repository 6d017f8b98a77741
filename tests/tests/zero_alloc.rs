//! After warm-up, logging the checkout event allocates nothing (hot-path habit 8).

mod alloc_counter;

use ecsctx::context::{self, Fields};
use ecsctx::trace::TraceContext;
use log::kv::Value as KV;
use log::Log;

#[global_allocator]
static A: alloc_counter::Counting = alloc_counter::Counting;
use alloc_counter::{allocs, assert_allocates_nothing_after_warm_up};

#[test]
fn checkout_event_allocates_nothing_after_warm_up() {
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_masker(None)
        .with_writer(std::io::sink())
        .build();
    let _t = context::bind_trace(TraceContext::new_root());
    let _c = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("user_id", &42)
            .with("session_id", "sess-1")
            .with("merchant_id", "m-1")
            .with("labels.region", "eu-west-1")
            .with(
                "keyloop",
                &serde_json::json!({"store_id": 7, "enterprise_id": 3}),
            ),
    );
    let kvs: [(&str, KV); 4] = [
        ("amount", KV::from(100)),
        ("currency", KV::from("KWD")),
        ("attempt", KV::from(1)),
        ("latency_ms", KV::from(12.5)),
    ];
    let log_one = || {
        logger.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("shop")
                .args(format_args!("payment_processed"))
                .key_values(&kvs)
                .build(),
        )
    };
    assert_allocates_nothing_after_warm_up("on the hot path", |_| log_one());
    // A foreign record with format arguments, too.
    let fmt_one = |n: u32| {
        logger.log(
            &log::Record::builder()
                .level(log::Level::Warn)
                .target("other")
                .args(format_args!("user {} paid {}", n, 100))
                .build(),
        )
    };
    // Warm-up: the first line records this shape's plan, the second joins it with the
    // layer's bytes (kept and reused from then on).
    fmt_one(0);
    fmt_one(1);
    let before = allocs();
    for n in 0..100 {
        fmt_one(n);
    }
    assert_eq!(allocs() - before, 0, "allocations for a formatted message");
}

#[test]
fn event_macro_allocates_nothing_after_warm_up() {
    // The installed logger: `event!` takes its direct path.
    ecsctx::Builder::new()
        .with_filter("info")
        .with_masker(None)
        .with_writer(std::io::sink())
        .init();
    let _c = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("user_id", &42)
            .with("keyloop.store_id", &7)
            .with_trace(TraceContext::new_root()),
    );
    let event = |n: u64| {
        ecsctx::event!(info, "payment_processed", amount = n, currency = "KWD", ok = true, latency_ms = 12.5, ip:% = "203.0.113.9");
    };
    assert_allocates_nothing_after_warm_up("on the event! path", event);
}
