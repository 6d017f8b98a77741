//! Golden tests of the output contract: one exact document per case.

mod common;

use common::{log_kv, logger, strip_ts, Buf};
use ecsctx::context::{self, Context, Fields};
use ecsctx::trace::{self, TraceContext};
use ecsctx::Builder;
use log::kv::Value as KV;
use log::Level::*;
use serde_json::{json, Value};

const SERVICE: fn() -> Value = || json!({"name": "checkout", "version": "1.0.0"});

fn base(level: &str, msg: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("log.level".into(), level.into());
    m.insert("message".into(), msg.into());
    m.insert("ecs.version".into(), "1.12.0".into());
    m.insert("log".into(), json!({"logger": "shop::checkout"}));
    m.insert("service".into(), SERVICE());
    m.insert("project".into(), json!({"name": "payments"}));
    m
}

fn with(mut m: serde_json::Map<String, Value>, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

fn one(buf: &Buf) -> Value {
    let mut lines = buf.lines();
    assert_eq!(lines.len(), 1, "{}", buf.text());
    strip_ts(lines.remove(0))
}

#[test]
fn plain_event() {
    let (l, buf) = logger(Builder::new());
    log_kv(
        &l,
        Info,
        "payment_processed",
        &[
            ("amount", KV::from(100)),
            ("currency", KV::from("KWD")),
            ("attempt", KV::from(1u8)),
            ("latency_ms", KV::from(12.5)),
        ],
    );
    assert_eq!(
        one(&buf),
        with(
            base("info", "payment_processed"),
            json!({
                "extra": {"amount": 100, "currency": "KWD", "attempt": 1, "latency_ms": 12.5}
            })
        )
    );
}

#[test]
fn key_order_and_top_level_dotted_keys() {
    let (l, buf) = logger(Builder::new());
    log_kv(
        &l,
        Warn,
        "x",
        &[
            ("log.level", KV::from("spoof")),
            ("message", KV::from("spoof")),
        ],
    );
    let text = buf.text();
    assert!(text.starts_with("{\"@timestamp\":\""), "{text}");
    let after_ts = &text[40..];
    assert!(
        after_ts
            .starts_with(",\"log.level\":\"warn\",\"message\":\"x\",\"ecs.version\":\"1.12.0\","),
        "{text}"
    );
    assert!(text.ends_with("}\n") && text.matches('\n').count() == 1);
    // User keys cannot overwrite the header: they are kept under `extra`.
    let v = one(&buf);
    assert_eq!(
        v["extra"],
        json!({"log": {"level": "spoof"}, "message": "spoof"})
    );
    assert_eq!(v["log.level"], "warn");
}

#[test]
fn bound_context_nested_scopes_and_unscoped() {
    let (l, buf) = logger(Builder::new());
    {
        let _a = context::bind(Fields::new().with("session_id", "s-1").with("user_id", &42));
        log_kv(&l, Info, "outer", &[]);
        {
            let _b = context::bind(
                Fields::new()
                    .with("merchant_id", "m-9")
                    .with("user.domain", "corp")
                    .with("session_id", "s-2"),
            );
            log_kv(&l, Info, "inner", &[]);
        }
        log_kv(&l, Info, "outer-again", &[]);
    }
    Context::empty().run(|| {
        context::bind_unscoped(Fields::new().with("orn", "ORN-1").with("pg_code", "knet"));
        context::bind_unscoped(Fields::new().with("reference_number", "R-7"));
        log_kv(&l, Info, "unscoped", &[]);
    });
    log_kv(&l, Info, "after", &[]);
    let lines: Vec<Value> = buf.lines().into_iter().map(strip_ts).collect();
    assert_eq!(
        lines[0],
        with(
            base("info", "outer"),
            json!({"session_id": "s-1", "user": {"id": 42}})
        )
    );
    assert_eq!(
        lines[1],
        with(
            base("info", "inner"),
            json!({
                "session_id": "s-2", "merchant_id": "m-9", "user": {"id": 42, "domain": "corp"}
            })
        )
    );
    assert_eq!(
        lines[2],
        lines[0]
            .as_object()
            .map(|m| {
                let mut m = m.clone();
                m.insert("message".into(), "outer-again".into());
                Value::Object(m)
            })
            .unwrap()
    );
    assert_eq!(
        lines[3],
        with(
            base("info", "unscoped"),
            json!({
                "payment": {"orn": "ORN-1", "pg_code": "knet", "reference": "R-7"}
            })
        )
    );
    assert_eq!(lines[4], Value::Object(base("info", "after")));
}

#[test]
fn event_fields_win_over_context_and_merge_deeply() {
    let (l, buf) = logger(Builder::new());
    let _a = context::bind(
        Fields::new()
            .with("keyloop", &json!({"store_id": 1, "enterprise_id": 2}))
            .with("http.request.method", "GET")
            .with("service.name", "bound-service"),
    );
    log_kv(
        &l,
        Info,
        "e",
        &[
            ("keyloop.store_id", KV::from(9)),
            ("http.response.status_code", KV::from(200)),
            ("amount", KV::from(1)),
        ],
    );
    let v = one(&buf);
    assert_eq!(
        v["extra"],
        json!({"keyloop": {"store_id": 9, "enterprise_id": 2}, "amount": 1})
    );
    assert_eq!(
        v["http"],
        json!({"request": {"method": "GET"}, "response": {"status_code": 200}})
    );
    // Bound context beats service metadata; the rest of `service` is kept.
    assert_eq!(
        v["service"],
        json!({"name": "bound-service", "version": "1.0.0"})
    );
}

#[test]
fn extra_namespace_and_dotted_keys() {
    let (l, buf) = logger(Builder::new());
    let nested = json!({"store_id": 5});
    log_kv(
        &l,
        Info,
        "e",
        &[
            ("keyloop", KV::from_serde(&nested)),
            ("http.request.method", KV::from("POST")),
            ("url.path", KV::from("/pay")),
            ("order.lines.count", KV::from(3)),
        ],
    );
    let v = one(&buf);
    assert_eq!(
        v["extra"],
        json!({"keyloop": {"store_id": 5}, "order": {"lines": {"count": 3}}})
    );
    assert_eq!(v["http"], json!({"request": {"method": "POST"}}));
    assert_eq!(v["url"], json!({"path": "/pay"}));
}

#[test]
fn allowlist_from_code() {
    let (l, buf) = logger(Builder::new().with_root_fields(["tenant"]));
    log_kv(
        &l,
        Info,
        "e",
        &[("tenant", KV::from("acme")), ("amount", KV::from(1))],
    );
    let v = one(&buf);
    assert_eq!(v["tenant"], "acme");
    assert_eq!(v["extra"], json!({"amount": 1}));
}

#[test]
fn labels_are_flat_and_sanitized() {
    let (l, buf) = logger(Builder::new());
    let nested = json!({"a.b": 1, "c": {"d": true}, "list": [1, 2]});
    log_kv(
        &l,
        Info,
        "e",
        &[
            ("labels.region", KV::from("eu")),
            ("labels.team.name", KV::from("core")),
            ("labels.we*ird\\key", KV::from(1)),
            ("labels", KV::from_serde(&nested)),
        ],
    );
    let v = one(&buf);
    assert_eq!(
        v["labels"],
        json!({
            "region": "eu", "team_name": "core", "we_ird_key": 1,
            "a_b": 1, "c": "{\"d\":true}", "list": "[1,2]"
        })
    );
}

#[test]
fn flat_values_on_field_sets_are_repaired() {
    let (l, buf) = logger(Builder::new());
    log_kv(
        &l,
        Error,
        "e",
        &[
            ("error", KV::from("boom")),
            ("user", KV::from("bob")),
            ("http", KV::from(7)),
        ],
    );
    let v = one(&buf);
    assert_eq!(v["error"], json!({"message": "boom"}));
    assert_eq!(v["extra"], json!({"user": "bob", "http": 7}));
    assert!(v.get("user").is_none() && v.get("http").is_none());
}

#[test]
fn error_capture_becomes_error_object() {
    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("payment failed")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let (l, buf) = logger(Builder::new());
    let e = Outer(std::io::Error::other("socket closed"));
    log_kv(&l, Error, "e", &[("error", KV::from_dyn_error(&e))]);
    let v = one(&buf);
    assert_eq!(
        v["error"],
        json!({"message": "payment failed", "stack_trace": "payment failed\ncaused by: socket closed"})
    );
}

#[test]
fn traceparent_in_and_out() {
    let (l, buf) = logger(Builder::new());
    let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let cases = [
        (Some(valid), true),
        (
            Some("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
            false,
        ),
        (
            Some("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
            false,
        ),
        (
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
            false,
        ),
        (Some("not a header"), false),
        (None, false),
    ];
    for (header, kept) in cases {
        let tc = TraceContext::from_headers(header, None);
        let _g = context::bind_trace(tc.clone());
        log_kv(&l, Info, "traced", &[]);
        let v = buf.lines().pop().unwrap();
        let trace_id = v["trace"]["id"].as_str().unwrap().to_owned();
        let span_id = v["span"]["id"].as_str().unwrap().to_owned();
        assert_eq!(trace_id.len(), 32);
        assert!(trace_id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(span_id.len(), 16);
        assert_eq!(
            kept,
            trace_id == "4bf92f3577b34da6a3ce929d0e0e4736",
            "{header:?}"
        );
        // Outbound: our trace, the span we logged as parent, the incoming flags.
        let out = trace::build_traceparent().unwrap();
        assert_eq!(out, format!("00-{trace_id}-{span_id}-01"));
    }
    assert_eq!(trace::build_traceparent(), None);
}

#[test]
fn non_finite_floats_control_chars_and_unicode() {
    let (l, buf) = logger(Builder::new());
    log_kv(
        &l,
        Info,
        "e",
        &[
            ("nan", KV::from(f64::NAN)),
            ("inf", KV::from(f64::INFINITY)),
            ("ninf", KV::from(f64::NEG_INFINITY)),
            ("ctl", KV::from("a\u{0}b\u{1f}c\n\t\"\\")),
            ("uni", KV::from("مرحبا 😀 ü\u{2028}")),
        ],
    );
    let v = one(&buf);
    assert_eq!(
        v["extra"],
        json!({
            "nan": "NaN", "inf": "inf", "ninf": "-inf",
            "ctl": "a\u{0}b\u{1f}c\n\t\"\\", "uni": "مرحبا 😀 ü\u{2028}"
        })
    );
    assert!(!buf.text().trim_end().contains('\n'));
}

#[test]
fn huge_and_deeply_nested_values_still_make_a_valid_line() {
    let (l, buf) = logger(Builder::new());
    let huge = "x".repeat(1 << 20);
    let mut deep = json!("bottom");
    for i in 0..100 {
        deep = json!({ format!("l{i}"): deep });
    }
    let mut deep_arr = json!(1);
    for _ in 0..100 {
        deep_arr = json!([deep_arr]);
    }
    log_kv(
        &l,
        Info,
        "e",
        &[
            ("huge", KV::from(huge.as_str())),
            ("deep", KV::from_serde(&deep)),
            ("deep_arr", KV::from_serde(&deep_arr)),
        ],
    );
    let v = one(&buf);
    let h = v["extra"]["huge"].as_str().unwrap();
    assert!(
        h.len() < 32_766 && h.ends_with("…[ecsctx: truncated 1016576 bytes]"),
        "{}",
        &h[h.len() - 40..]
    );
    // Nested objects stop at the depth cap and keep the rest as JSON text.
    let mut cur = &v["extra"]["deep"];
    let mut depth = 2;
    while cur.is_object() {
        cur = cur.as_object().unwrap().values().next().unwrap();
        depth += 1;
    }
    assert!(depth <= 11, "depth {depth}");
    assert!(
        cur.as_str().unwrap().contains("bottom") || cur.as_str().unwrap().contains("nesting limit")
    );
    assert!(buf.text().contains("nesting limit reached"));
}

#[test]
fn writer_failure_is_counted_not_raised() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("disk full"))
        }
    }
    let l = Builder::new()
        .with_filter("trace")
        .with_writer(Broken)
        .build();
    let before = ecsctx::stats().write_errors;
    for _ in 0..3 {
        log_kv(&l, Info, "e", &[]);
    }
    log::Log::flush(&l);
    assert!(ecsctx::stats().write_errors >= before + 3);
}

#[test]
fn level_filter_directives() {
    let buf = Buf::default();
    let l = Builder::new()
        .with_filter("warn,shop::checkout=debug")
        .with_writer(buf.clone())
        .build();
    use log::Log;
    let rec = |target: &'static str, level| {
        l.log(
            &log::Record::builder()
                .level(level)
                .target(target)
                .args(format_args!("m"))
                .build(),
        )
    };
    rec("shop::checkout", Debug);
    rec("shop::checkout", Trace);
    rec("hyper", Info);
    rec("hyper", Warn);
    assert_eq!(buf.lines().len(), 2);
    assert_eq!(l.max_level(), log::LevelFilter::Debug);
}

#[test]
fn origin_fields_are_opt_in() {
    let (l, buf) = logger(Builder::new().with_origin(true));
    use log::Log;
    l.log(
        &log::Record::builder()
            .level(Info)
            .target("shop::checkout")
            .file(Some("src/pay.rs"))
            .line(Some(12))
            .args(format_args!("m"))
            .build(),
    );
    assert_eq!(
        one(&buf)["log"],
        json!({"logger": "shop::checkout", "origin": {"file": {"name": "src/pay.rs", "line": 12}}})
    );
}

#[test]
fn ecs_version_and_service_environment_are_configurable() {
    let (l, buf) = logger(
        Builder::new()
            .with_ecs_version("8.17.0")
            .with_environment("prod"),
    );
    log_kv(&l, Info, "e", &[]);
    let v = one(&buf);
    assert_eq!(v["ecs.version"], "8.17.0");
    assert_eq!(v["service"]["environment"], "prod");
}

#[test]
fn pretty_format() {
    let buf = Buf::default();
    let l = Builder::new()
        .with_format(ecsctx::Format::Pretty)
        .with_color(false)
        .with_filter("info")
        .with_writer(buf.clone())
        .build();
    let tc = TraceContext::from_headers(
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        None,
    );
    let _g = context::bind(Fields::new().with("session_id", "s-1").with_trace(tc));
    log_kv(&l, Info, "payment_processed", &[("amount", KV::from(100))]);
    log_kv(&l, Info, "receipt_sent", &[("channel", KV::from("email"))]);
    let t = buf.text();
    let lines: Vec<&str> = t.lines().collect();
    // The event's fields first, then the request marker and the context, which the next
    // line of the request leaves out.
    assert!(
        lines[0].ends_with(" INFO  payment_processed amount=100 [4bf92f35] session_id=s-1"),
        "{t}"
    );
    assert!(
        lines[1].ends_with(" INFO  receipt_sent channel=email [4bf92f35]"),
        "{t}"
    );

    let buf = Buf::default();
    let l = Builder::new()
        .with_format(ecsctx::Format::PrettyFull)
        .with_color(false)
        .with_writer(buf.clone())
        .build();
    log_kv(&l, Info, "receipt_sent", &[]);
    let t = buf.text();
    assert!(
        t.contains(" session_id=s-1") && t.contains(" span.id="),
        "{t}"
    );
}

#[test]
fn a_panicking_value_does_not_crash_the_caller() {
    struct Bomb;
    impl std::fmt::Display for Bomb {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("boom in Display")
        }
    }
    let (l, buf) = logger(Builder::new());
    log_kv(&l, Warn, "e", &[("v", KV::from_display(&Bomb))]);
    // The thread's buffers are still usable afterwards.
    log_kv(&l, Info, "after", &[("n", KV::from(1))]);
    let lines = buf.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["message"],
        "[ecsctx: a logged value panicked while rendering]"
    );
    assert_eq!(lines[0]["log.level"], "warn");
    assert_eq!(lines[1]["extra"]["n"], 1);
}

#[test]
fn foreign_records_through_the_log_macros() {
    let lines = ecsctx::testing::capture(|| {
        let _g = context::bind(Fields::new().with("session_id", "s-9"));
        log::info!("user {} paid {}", 42, "100 KWD");
        log::warn!(order_id = 7, "http.request.method" = "POST"; "late");
        log::error!(target: "gateway::client", error:err = std::io::Error::other("reset"); "call failed");
    });
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["message"], "user 42 paid 100 KWD");
    assert_eq!(lines[0]["session_id"], "s-9");
    assert_eq!(lines[1]["message"], "late");
    assert_eq!(lines[1]["extra"], json!({"order_id": 7}));
    assert_eq!(lines[1]["http"], json!({"request": {"method": "POST"}}));
    assert_eq!(lines[2]["log"]["logger"], "gateway::client");
    assert_eq!(lines[2]["error"], json!({"message": "reset"}));
    for l in &lines {
        assert_eq!(l["session_id"], "s-9");
    }
}
