//! The "checkout event": context bound once per request, then 8 `info` events, each
//! rendered into an in-memory sink. Compared, in the same run, with
//! - the floor: the identical final document from a pre-built `#[derive(Serialize)]`
//!   struct through `serde_json::to_writer`;
//! - `tracing-subscriber`'s JSON formatter (context in a span);
//! - `slog-json` (context in a child logger).
//!
//! ecsctx runs in its default configuration, the PII masker on;
//! `ECSCTX_BENCH_MASKER=off` measures it with masking off (a figure labelled as such).
//!
//! `cargo bench -p ecsctx --bench checkout`

#[path = "common/mod.rs"]
mod common;
use common::{checkout_event, request_fields, tracing_checkout_event, tracing_request_span};

use std::hint::black_box;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ecsctx::context;
use ecsctx::sink::Sink;
use ecsctx::trace::TraceContext;
use serde::Serialize;

const EVENTS: u64 = 8;

/// An in-memory sink shared by every contender; cleared when it grows past 1 MiB.
#[derive(Clone, Default)]
struct Mem(Arc<Mutex<Vec<u8>>>);

impl Mem {
    fn put(&self, b: &[u8]) {
        let mut v = self.0.lock().unwrap();
        if v.len() > 1 << 20 {
            v.clear();
        }
        v.extend_from_slice(b);
    }
}

impl Sink for Mem {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.put(line);
        Ok(())
    }
}

impl Write for Mem {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.put(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One request: the context bound once, then the 8 events.
#[inline(always)]
fn request(event: impl FnMut()) {
    let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
    events(event);
}

/// The 8 events of a request.
#[inline(always)]
fn events(mut event: impl FnMut()) {
    for _ in 0..EVENTS {
        event();
    }
}

/// The same event through `log`'s key-value macros (what another crate's records cost).
#[inline(always)]
fn checkout_log_kv() {
    log::info!(amount = 100, currency = "KWD", attempt = 1, latency_ms = 12.5; "payment_processed");
}

/// The same record with one more value captured by `Display` (`key:% = x`): a value no
/// key-list shape serves, so the record takes the general path (where each key's place
/// is remembered per thread).
#[inline(always)]
fn checkout_log_kv_display() {
    let order = format_args!("ORD-{}", 7);
    log::info!(amount = 100, currency = "KWD", attempt = 1, latency_ms = 12.5, order:% = order; "payment_processed");
}

// === the floor ===

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "@timestamp")]
    ts: &'a str,
    #[serde(rename = "log.level")]
    level: &'a str,
    message: &'a str,
    #[serde(rename = "ecs.version")]
    ecs_version: &'a str,
    extra: Extra<'a>,
    log: Log<'a>,
    client: Ip<'a>,
    labels: Labels<'a>,
    merchant_id: &'a str,
    session_id: &'a str,
    span: Id<'a>,
    trace: Id<'a>,
    user: UserId,
    project: Name<'a>,
    service: Service<'a>,
}
#[derive(Serialize)]
struct Extra<'a> {
    amount: u64,
    attempt: u64,
    currency: &'a str,
    latency_ms: f64,
    keyloop: Keyloop,
}
#[derive(Serialize)]
struct Keyloop {
    enterprise_id: u64,
    store_id: u64,
}
#[derive(Serialize)]
struct Log<'a> {
    logger: &'a str,
}
#[derive(Serialize)]
struct Ip<'a> {
    ip: &'a str,
}
#[derive(Serialize)]
struct Labels<'a> {
    region: &'a str,
}
#[derive(Serialize)]
struct Id<'a> {
    id: &'a str,
}
#[derive(Serialize)]
struct UserId {
    id: u64,
}
#[derive(Serialize)]
struct Name<'a> {
    name: &'a str,
}
#[derive(Serialize)]
struct Service<'a> {
    name: &'a str,
    version: &'a str,
}

/// The same data as flat dotted keys (`"client.ip"`), the other form of the floor: no
/// nesting, so cheaper to write (ECS consumers accept both).
#[derive(Serialize)]
struct FlatDoc<'a> {
    #[serde(rename = "@timestamp")]
    ts: &'a str,
    #[serde(rename = "log.level")]
    level: &'a str,
    message: &'a str,
    #[serde(rename = "ecs.version")]
    ecs_version: &'a str,
    #[serde(rename = "extra.amount")]
    amount: u64,
    #[serde(rename = "extra.attempt")]
    attempt: u64,
    #[serde(rename = "extra.currency")]
    currency: &'a str,
    #[serde(rename = "extra.latency_ms")]
    latency_ms: f64,
    #[serde(rename = "extra.keyloop.enterprise_id")]
    enterprise_id: u64,
    #[serde(rename = "extra.keyloop.store_id")]
    store_id: u64,
    #[serde(rename = "log.logger")]
    logger: &'a str,
    #[serde(rename = "client.ip")]
    ip: &'a str,
    #[serde(rename = "labels.region")]
    region: &'a str,
    merchant_id: &'a str,
    session_id: &'a str,
    #[serde(rename = "span.id")]
    span_id: &'a str,
    #[serde(rename = "trace.id")]
    trace_id: &'a str,
    #[serde(rename = "user.id")]
    user_id: u64,
    #[serde(rename = "project.name")]
    project: &'a str,
    #[serde(rename = "service.name")]
    service_name: &'a str,
    #[serde(rename = "service.version")]
    service_version: &'a str,
}

fn flat_floor_doc() -> FlatDoc<'static> {
    let d = floor_doc();
    FlatDoc {
        ts: d.ts,
        level: d.level,
        message: d.message,
        ecs_version: d.ecs_version,
        amount: d.extra.amount,
        attempt: d.extra.attempt,
        currency: d.extra.currency,
        latency_ms: d.extra.latency_ms,
        enterprise_id: d.extra.keyloop.enterprise_id,
        store_id: d.extra.keyloop.store_id,
        logger: d.log.logger,
        ip: d.client.ip,
        region: d.labels.region,
        merchant_id: d.merchant_id,
        session_id: d.session_id,
        span_id: d.span.id,
        trace_id: d.trace.id,
        user_id: d.user.id,
        project: d.project.name,
        service_name: d.service.name,
        service_version: d.service.version,
    }
}

fn floor_doc() -> Doc<'static> {
    Doc {
        ts: "2025-01-13T10:30:00.123Z",
        level: "info",
        message: "payment_processed",
        ecs_version: "1.12.0",
        extra: Extra {
            amount: 100,
            attempt: 1,
            currency: "KWD",
            latency_ms: 12.5,
            keyloop: Keyloop {
                enterprise_id: 3,
                store_id: 7,
            },
        },
        log: Log { logger: "checkout" },
        client: Ip { ip: "203.0.113.9" },
        labels: Labels {
            region: "eu-west-1",
        },
        merchant_id: "m-1001",
        session_id: "sess-8f2c91",
        span: Id {
            id: "00f067aa0ba902b7",
        },
        trace: Id {
            id: "4bf92f3577b34da6a3ce929d0e0e4736",
        },
        user: UserId { id: 42 },
        project: Name { name: "payments" },
        service: Service {
            name: "checkout",
            version: "1.0.0",
        },
    }
}

ecsctx::events! {
    /// The checkout's payment event, declared.
    PAYMENT_PROCESSED = "checkout.payment_processed" {
        kind: event, category: [web], type: [info], terminal,
    }
}

fn declared_event() {
    ecsctx::event!(
        target: "checkout",
        info,
        PAYMENT_PROCESSED,
        outcome = ecsctx::ecs::Outcome::Success,
        amount = 100,
        currency = "KWD",
        attempt = 1,
        latency_ms = 12.5
    );
}

fn dotted_equivalent_event() {
    ecsctx::event!(
        target: "checkout",
        info,
        "checkout.payment_processed",
        event.action = "checkout.payment_processed",
        event.kind = "event",
        event.category = ["web"],
        event.type = ["info"],
        event.outcome = "success",
        amount = 100,
        currency = "KWD",
        attempt = 1,
        latency_ms = 12.5
    );
}

fn bench(c: &mut Criterion) {
    let mem = Mem::default();
    ecsctx::Builder::new()
        .with_filter("info")
        .with_service_name("checkout")
        .with_service_version("1.0.0")
        .with_project_name("payments")
        // The default configuration: the PII masker on (`ECSCTX_BENCH_MASKER=off` for the
        // figure without it, labelled as such).
        .with_masker(
            if std::env::var("ECSCTX_BENCH_MASKER").is_ok_and(|v| v == "off") {
                None
            } else {
                Some(Arc::new(ecsctx::pii::PiiMasker::new()) as Arc<dyn ecsctx::mask::Masker>)
            },
        )
        .with_sink(mem.clone())
        .init();

    // Sanity: the document we compare against is the one ecsctx writes, both ways.
    let floor: serde_json::Value = serde_json::to_value(floor_doc()).unwrap();
    // The flat floor is the same document once its dotted keys are nested.
    assert_eq!(
        nest(serde_json::to_value(flat_floor_doc()).unwrap()),
        floor,
        "the flat floor must hold the same data"
    );
    for event in [checkout_event as fn(), checkout_log_kv] {
        mem.0.lock().unwrap().clear();
        request(event);
        let v = mem.0.lock().unwrap();
        let mut lines = v.split(|b| *b == b'\n').filter(|l| !l.is_empty());
        let ours: serde_json::Value = serde_json::from_slice(lines.next().unwrap()).unwrap();
        assert_eq!(lines.count() + 1, EVENTS as usize);
        assert_same_document(&ours, &floor);
    }

    let mut g = c.benchmark_group("checkout_request_8_events");
    g.throughput(Throughput::Elements(EVENTS));
    g.measurement_time(Duration::from_secs(4));

    g.bench_function("ecsctx_event", |b| b.iter(|| request(checkout_event)));
    g.bench_function("ecsctx_log_kv", |b| b.iter(|| request(checkout_log_kv)));
    g.bench_function("ecsctx_log_kv_display", |b| {
        b.iter(|| request(checkout_log_kv_display))
    });
    {
        let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
        g.bench_function("ecsctx_event_events_only", |b| {
            b.iter(|| events(checkout_event))
        });
        g.bench_function("ecsctx_log_kv_events_only", |b| {
            b.iter(|| events(checkout_log_kv))
        });
    }
    {
        // A declared event against the same event written with dotted fields (issue
        // #14: within 1.05×).
        let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
        g.bench_function("ecsctx_event_declared", |b| {
            b.iter(|| events(declared_event))
        });
        g.bench_function("ecsctx_event_declared_dotted_equivalent", |b| {
            b.iter(|| events(dotted_equivalent_event))
        });
    }
    g.bench_function("ecsctx_bind_and_first_event", |b| {
        b.iter(|| {
            let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
            checkout_event();
        })
    });
    g.bench_function("ecsctx_bind_only", |b| {
        b.iter(|| {
            let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
        })
    });

    let doc = floor_doc();
    let mut w = mem.clone();
    let mut line = Vec::with_capacity(1024);
    g.bench_function("serde_json_floor", |b| {
        b.iter(|| {
            events(|| {
                // A reused buffer and one write per line, as ecsctx does.
                line.clear();
                serde_json::to_writer(&mut line, black_box(&doc)).unwrap();
                line.push(b'\n');
                w.write_all(&line).unwrap();
            })
        })
    });

    let flat = flat_floor_doc();
    g.bench_function("serde_json_floor_flat", |b| {
        b.iter(|| {
            events(|| {
                line.clear();
                serde_json::to_writer(&mut line, black_box(&flat)).unwrap();
                line.push(b'\n');
                w.write_all(&line).unwrap();
            })
        })
    });

    {
        use tracing_subscriber::fmt::format::FmtSpan;
        let tmem = mem.clone();
        let sub = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_span_events(FmtSpan::NONE)
            .with_writer(move || tmem.clone())
            .finish();
        let _d = tracing::subscriber::set_default(sub);
        g.bench_function("tracing_subscriber_json", |b| {
            b.iter(|| {
                let tc = TraceContext::new_root();
                let span = tracing_request_span(&tc);
                let _e = span.enter();
                events(tracing_checkout_event);
            })
        });
    }

    // `tracing` events through ecsctx's layer (`--features tracing`): the request's
    // context bound with ecsctx as the tower layer does, the events inside a span.
    #[cfg(feature = "tracing")]
    {
        use tracing_subscriber::layer::SubscriberExt;
        let sub =
            tracing_subscriber::registry().with(ecsctx::integrations::tracing::TracingLayer::new());
        let _d = tracing::subscriber::set_default(sub);
        g.bench_function("ecsctx_tracing_layer", |b| {
            b.iter(|| {
                let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
                let span = tracing::info_span!("handler");
                let _e = span.enter();
                events(tracing_checkout_event);
            })
        });
    }

    {
        use slog::{o, Drain};
        let drain = slog_json::Json::new(mem.clone())
            .add_default_keys()
            .build()
            .fuse();
        let drain = Mutex::new(drain).fuse();
        let root = slog::Logger::root(
            drain,
            o!("ecs.version" => "1.12.0", "service.name" => "checkout", "service.version" => "1.0.0", "project.name" => "payments"),
        );
        g.bench_function("slog_json", |b| {
            b.iter(|| {
                let tc = TraceContext::new_root();
                let child = root.new(o!(
                    "trace.id" => tc.trace_id().to_string(),
                    "span.id" => tc.span_id().to_string(),
                    "client.ip" => "203.0.113.9",
                    "user.id" => 42,
                    "session_id" => "sess-8f2c91",
                    "merchant_id" => "m-1001",
                    "labels.region" => "eu-west-1",
                    "keyloop.store_id" => 7,
                    "keyloop.enterprise_id" => 3,
                ));
                events(|| {
                    slog::info!(child, "payment_processed"; "amount" => 100, "currency" => "KWD", "attempt" => 1, "latency_ms" => 12.5)
                });
            })
        });
    }
    g.finish();

    // Issue 3: `event!` against the same event through `log`'s key-value macros.
    let mut g = c.benchmark_group("event_macro_8_events");
    g.throughput(Throughput::Elements(EVENTS));
    {
        let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
        g.bench_function("log_kv_macro", |b| {
            b.iter(|| {
                events(|| {
                    log::info!(amount = 100, currency = "KWD", attempt = 1, latency_ms = 12.5, "keyloop.region" = "eu"; "payment_processed")
                })
            })
        });
        g.bench_function("event_macro", |b| {
            b.iter(|| {
                events(|| {
                    ecsctx::event!(info, "payment_processed", amount = 100, currency = "KWD", attempt = 1, latency_ms = 12.5, keyloop = { region: "eu" })
                })
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("disabled_level");
    g.bench_function("log_debug_disabled", |b| {
        b.iter(|| log::debug!(amount = black_box(100); "payment_processed"))
    });
    g.bench_function("event_debug_disabled", |b| {
        b.iter(|| ecsctx::event!(debug, "payment_processed", amount = black_box(100)))
    });
    g.finish();

    pii_group(c);
}

/// The floor's document and ours have the same members with the same values, except the
/// ids and the time, which differ per request.
/// `{"a.b": 1}` as `{"a": {"b": 1}}` (top-level keys except `@timestamp`, `log.level`,
/// `ecs.version`, which the ECS logging spec keeps dotted).
fn nest(flat: serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (k, v) in flat.as_object().unwrap() {
        if matches!(k.as_str(), "@timestamp" | "log.level" | "ecs.version") {
            out.insert(k.clone(), v.clone());
            continue;
        }
        let mut cur = &mut out;
        let mut parts = k.split('.').peekable();
        while let Some(p) = parts.next() {
            if parts.peek().is_none() {
                cur.insert(p.to_owned(), v.clone());
            } else {
                cur = cur
                    .entry(p)
                    .or_insert_with(|| serde_json::Value::Object(Default::default()))
                    .as_object_mut()
                    .unwrap();
            }
        }
    }
    serde_json::Value::Object(out)
}

fn assert_same_document(ours: &serde_json::Value, floor: &serde_json::Value) {
    let mut ours = ours.clone();
    let mut floor = floor.clone();
    for doc in [&mut ours, &mut floor] {
        doc["@timestamp"] = serde_json::Value::Null;
        doc["trace"]["id"] = serde_json::Value::Null;
        doc["span"]["id"] = serde_json::Value::Null;
    }
    assert_eq!(ours, floor, "the floor must write the same document");
}

/// Issue 4: the checkout event with the PII masker installed, plain and with PII fields
/// in a payload, through one logger called directly (the global one has masking off).
fn pii_group(c: &mut Criterion) {
    use ecsctx::pii::PiiMasker;
    use log::kv::Value as KV;
    use log::Log;
    let pii = common::pii();
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(Mem::default())
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii))))
        .build();
    let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
    let plain: [(&str, KV); 4] = [
        ("amount", KV::from(100)),
        ("currency", KV::from("KWD")),
        ("attempt", KV::from(1)),
        ("latency_ms", KV::from(12.5)),
    ];
    let with_pii: [(&str, KV); 7] = [
        ("amount", KV::from(100)),
        ("currency", KV::from("KWD")),
        ("attempt", KV::from(1)),
        ("latency_ms", KV::from(12.5)),
        ("payload.customer_email", KV::from("john.doe@example.com")),
        ("payload.customer_name", KV::from("John Doe")),
        ("payload.phone", KV::from("+965 5512 3456")),
    ];
    // The checkout event with these key-values, through the masking logger.
    let event = |kvs: &[(&str, KV)]| {
        logger.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("checkout")
                .args(format_args!("payment_processed"))
                .key_values(&kvs)
                .build(),
        )
    };
    let mut g = c.benchmark_group("checkout_event_masked");
    for (name, kvs) in [("plain", &plain[..]), ("with_pii", &with_pii[..])] {
        g.bench_function(name, |b| b.iter(|| event(kvs)));
    }
    // Every event about another customer: the token memo never hits (the worst case; a
    // request usually logs one customer on several lines).
    let people: Vec<[String; 3]> = (0..4096)
        .map(|i| {
            [
                format!("customer{i}@example.com"),
                format!("Customer Number{i}"),
                format!("+965 55{:06}", i),
            ]
        })
        .collect();
    let mut i = 0;
    g.bench_function("with_pii_new_customer_each_event", |b| {
        b.iter(|| {
            i = (i + 1) % people.len();
            let [email, name, phone] = &people[i];
            event(&[
                ("amount", KV::from(100)),
                ("currency", KV::from("KWD")),
                ("attempt", KV::from(1)),
                ("latency_ms", KV::from(12.5)),
                ("payload.customer_email", KV::from(email.as_str())),
                ("payload.customer_name", KV::from(name.as_str())),
                ("payload.phone", KV::from(phone.as_str())),
            ])
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
