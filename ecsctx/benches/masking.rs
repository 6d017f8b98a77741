//! The cost of PCI-grade masking in the default configuration (the masker on), for the
//! checkout event with no sensitive data and for the same event carrying a credential,
//! a CVV and a card number in text.
//!
//! - `masking_records`: `log` records (how other crates log) through two loggers built in
//!   this process, one with the default masker and one with masking off: both ratios
//!   come from one run.
//! - `masking_event_macro`: `event!` through the installed logger, which has the default
//!   masker unless `ECSCTX_BENCH_MASKER=off` (run it twice to compare on and off):
//!
//! ```text
//! cargo bench -p ecsctx --bench masking
//! ECSCTX_BENCH_MASKER=off cargo bench -p ecsctx --bench masking -- masking_event_macro
//! ```

#[path = "common/mod.rs"]
mod common;
use common::{checkout_event, pii, request_fields};

use std::hint::black_box;
use std::io;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use ecsctx::context;
use ecsctx::pii::PiiMasker;
use ecsctx::sink::Sink;
use ecsctx::trace::TraceContext;
use log::kv::Value as KV;
use log::Log;

/// The text of the sensitive event: a credential, a CVV and a card number.
const REPLY: &str =
    "gateway declined: auth password=Hunter2!x for card 4111 1111 1111 1111 cvv 123 retry";

/// Drops every line (the cost measured is rendering and masking).
struct Null;
impl Sink for Null {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        black_box(line);
        Ok(())
    }
}

fn records(c: &mut Criterion) {
    let on = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(Null)
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii()))))
        .build();
    let off = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(Null)
        .with_masker(None)
        .build();
    let plain: [(&str, KV); 4] = [
        ("amount", KV::from(100)),
        ("currency", KV::from("KWD")),
        ("attempt", KV::from(1)),
        ("latency_ms", KV::from(12.5)),
    ];
    let sensitive: [(&str, KV); 5] = [
        ("amount", KV::from(100)),
        ("currency", KV::from("KWD")),
        ("attempt", KV::from(1)),
        ("latency_ms", KV::from(12.5)),
        ("gateway_reply", KV::from(REPLY)),
    ];
    let log = |l: &dyn Log, kvs: &[(&str, KV)]| {
        l.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("checkout")
                .args(format_args!("payment_processed"))
                .key_values(&kvs)
                .build(),
        )
    };
    let mut g = c.benchmark_group("masking_records");
    for (name, logger) in [("masker_on", &on), ("masker_off", &off)] {
        // A context per logger: a frame keeps its rendered layer for one logger.
        let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
        g.bench_function(format!("plain/{name}"), |b| b.iter(|| log(logger, &plain)));
        g.bench_function(format!("sensitive/{name}"), |b| {
            b.iter(|| log(logger, &sensitive))
        });
    }
    g.finish();
}

fn event_macro(c: &mut Criterion) {
    let off = std::env::var("ECSCTX_BENCH_MASKER").is_ok_and(|v| v == "off");
    let masker: Option<Arc<dyn ecsctx::mask::Masker>> = if off {
        None
    } else {
        Some(Arc::new(PiiMasker::new().with_pii(pii())))
    };
    ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(Null)
        .with_masker(masker)
        .init();
    let label = if off { "masker_off" } else { "masker_on" };
    let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
    let mut g = c.benchmark_group("masking_event_macro");
    g.bench_function(format!("plain/{label}"), |b| b.iter(checkout_event));
    g.bench_function(format!("sensitive/{label}"), |b| {
        b.iter(|| {
            ecsctx::event!(
                info,
                "payment_processed",
                amount = 100,
                currency = "KWD",
                attempt = 1,
                latency_ms = 12.5,
                gateway_reply = black_box(REPLY)
            )
        })
    });
    g.finish();
}

fn scanner(c: &mut Criterion) {
    use ecsctx::mask::Masker;
    let m = PiiMasker::new().with_pii(pii());
    let mut out = String::with_capacity(256);
    let mut g = c.benchmark_group("masking_scan");
    for (name, value) in [
        ("clean_word", "KWD"),
        // A message of one word (a `tracing` event's, a record's): past the length of a
        // published token's prefix check.
        ("clean_long_word", "payment_processed"),
        // What requests bind: an id, a region (the plain-token path).
        ("clean_id", "sess-8f2c91"),
        ("clean_region", "eu-west-1"),
        ("clean_ipv4", "203.0.113.9"),
        (
            "clean_sentence",
            "payment accepted for order ORD-2024-0001 at 12:30:45 in 35 ms",
        ),
        ("sensitive_sentence", REPLY),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                black_box(m.mask_str(black_box("extra.note"), black_box(value), &mut out));
            })
        });
    }
    // A bound dotted key (its verdict is memoized per thread).
    g.bench_function("key_dotted", |b| {
        b.iter(|| {
            out.clear();
            black_box(m.mask_key("", black_box("keyloop.enterprise_id"), &mut out));
        })
    });
    g.finish();
}

criterion_group!(benches, records, event_macro, scanner);
criterion_main!(benches);
