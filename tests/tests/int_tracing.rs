//! `tracing` events (what axum, hyper, tower-http, sqlx and reqwest emit) through
//! `ecsctx::integrations::tracing::TracingLayer`: structured, with their spans' fields,
//! masked by field name, and no span bookkeeping lines. And what a test of an axum app
//! does (`capture_future(app.oneshot(req))`) with a plain `EcsLayer`.

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use ecsctx::integrations::tracing::TracingLayer;
use ecsctx::testing::{capture, capture_future};
use serde_json::Value;
use tower::ServiceExt;
use tracing_subscriber::layer::SubscriberExt;

fn subscriber() -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::registry().with(TracingLayer::new())
}

fn with_layer<R>(f: impl FnOnce() -> R) -> Vec<Value> {
    capture(|| tracing::subscriber::with_default(subscriber(), f))
}

#[test]
fn event_fields_are_fields_and_span_fields_reach_every_event_in_the_span() {
    let lines = with_layer(|| {
        let span = tracing::info_span!("checkout", session_id = "s-7", attempt = 1);
        let _e = span.enter();
        tracing::info!(
            amount = 100,
            currency = "KWD",
            ok = true,
            latency_ms = 12.5,
            "payment_processed"
        );
        tracing::warn!(attempt = 2, "retrying");
    });
    assert_eq!(
        lines.len(),
        2,
        "one line per event, none for the span: {lines:?}"
    );
    let first = &lines[0];
    assert_eq!(first["message"], "payment_processed");
    assert_eq!(first["log.level"], "info");
    assert_eq!(first["session_id"], "s-7");
    assert_eq!(first["extra"]["amount"], 100);
    assert_eq!(first["extra"]["currency"], "KWD");
    assert_eq!(first["extra"]["ok"], true);
    assert_eq!(first["extra"]["latency_ms"], 12.5);
    assert_eq!(first["extra"]["attempt"], 1);
    // The event's own field wins over its span's.
    assert_eq!(lines[1]["extra"]["attempt"], 2);
    assert_eq!(lines[1]["session_id"], "s-7");
    assert_eq!(lines[1]["log.level"], "warn");
}

/// The line of the event `f` logs, without its timestamp.
fn without_time(mut line: Value) -> Value {
    line.as_object_mut().unwrap().remove("@timestamp");
    line
}

/// A call site that repeats (its key list's shape is remembered per thread) writes the
/// same line as one seen for the first time: when its values change kind (a number, then
/// text at a field ECS types `long`) and when the span it runs in changes its fields.
#[test]
fn a_repeated_call_site_writes_the_lines_of_a_first_one() {
    fn status(v: &dyn Fn()) {
        v()
    }
    // On a thread of its own: nothing remembered from the lines before.
    let alone = |f: &(dyn Fn() + Sync)| {
        std::thread::scope(|s| s.spawn(|| without_time(with_layer(f).remove(0))).join()).unwrap()
    };
    let number = || tracing::info!(http.response.status_code = 200, amount = 1, "done");
    let text = || {
        tracing::info!(
            http.response.status_code = "two hundred",
            amount = 1,
            "done"
        )
    };
    let in_span = |session: &str| {
        let span = tracing::info_span!("checkout", session_id = session);
        let _e = span.enter();
        tracing::info!(amount = 7, "in_span");
    };
    let in_other_span = || {
        let span = tracing::info_span!("refund", merchant_id = "m-1");
        let _e = span.enter();
        tracing::info!(amount = 7, "in_span");
    };
    let repeated = with_layer(|| {
        for _ in 0..3 {
            status(&number);
        }
        status(&text);
        status(&number);
        in_span("s-1");
        in_span("s-2");
        in_other_span();
        in_span("s-3");
    });
    let expected = [
        alone(&number),
        alone(&number),
        alone(&number),
        alone(&text),
        alone(&number),
        alone(&|| in_span("s-1")),
        alone(&|| in_span("s-2")),
        alone(&in_other_span),
        alone(&|| in_span("s-3")),
    ];
    assert_eq!(repeated.len(), expected.len());
    for (got, want) in repeated.into_iter().zip(expected) {
        assert_eq!(without_time(got), want);
    }
    // What the lines hold: the text is not at the `long` field.
    let t = alone(&text);
    assert_ne!(t["http"]["response"]["status_code"], "two hundred", "{t}");
    assert_eq!(alone(&number)["http"]["response"]["status_code"], 200);
    assert_eq!(alone(&|| in_span("s-2"))["session_id"], "s-2");
    assert_eq!(alone(&in_other_span)["merchant_id"], "m-1");
}

/// A call site's message that the masker kept is not scanned again when it repeats
/// (the key list remembers it): a message with PII is masked on every line, and a
/// formatted message that changes is masked by what it holds each time.
#[test]
fn a_call_sites_message_is_masked_on_every_line() {
    let lines = with_layer(|| {
        for who in [
            "bob",
            "bob",
            "jane@example.com",
            "bob",
            "call +1 212 555 0134",
            "bob",
        ] {
            tracing::info!(amount = 1, "order for {who}");
        }
        // (Key lists of their own: each is the first message of its list.)
        for _ in 0..3 {
            tracing::info!(refund = 1, "refund for jane@example.com");
            tracing::info!(done = 1, "refund done");
        }
    });
    let messages: Vec<&str> = lines
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "order for bob",
            "order for bob",
            "order for [PII_REDACTED]",
            "order for bob",
            "order for call [PII_REDACTED]",
            "order for bob",
            "refund for [PII_REDACTED]",
            "refund done",
            "refund for [PII_REDACTED]",
            "refund done",
            "refund for [PII_REDACTED]",
            "refund done",
        ]
    );
}

#[derive(Debug)]
struct Inner;
impl std::fmt::Display for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection refused")
    }
}
impl std::error::Error for Inner {}

#[derive(Debug)]
struct Outer(Inner);
impl std::fmt::Display for Outer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("gateway unreachable")
    }
}
impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// `extra`'s keys among `names` that a line carries, sorted.
fn span_keys(line: &Value, names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names
        .iter()
        .filter(|n| !line["extra"][*n].is_null())
        .map(|n| format!("{n}={}", line["extra"][*n]))
        .collect();
    v.sort();
    v
}

/// A line's spans are the registry's scope of the event: its current span (the latest
/// entered that is not entered a second time) and that span's parents, with the fields
/// they have when the event is logged. The layer asks the registry on every event; these
/// are the cases where a layer's own view of the entered spans could go wrong.
#[test]
fn span_fields_follow_the_registry_scope_through_enter_exit_record_and_nesting() {
    const K: &[&str] = &["k_a", "k_b", "k_outer", "k_inner", "order_ref", "k_root"];
    let lines = with_layer(|| {
        // A field recorded after the span was entered reaches the next event.
        let a = tracing::info_span!("a", k_a = 1, order_ref = tracing::field::Empty);
        let ea = a.enter();
        tracing::info!("before_record");
        a.record("order_ref", "r-7");
        tracing::info!("after_record");
        // A child span: its fields, then its parent's.
        let b = tracing::info_span!("b", k_b = 2);
        let eb = b.enter();
        tracing::info!("in_b");
        // `a` entered again inside `b`: `b` stays the current span.
        let ea2 = a.enter();
        tracing::info!("a_again_in_b");
        drop(ea2);
        drop(eb);
        tracing::info!("back_in_a");
        drop(ea);
        tracing::info!("outside");
        // A span whose parent was never entered on this thread.
        let outer = tracing::info_span!("outer", k_outer = 3);
        let inner = tracing::info_span!(parent: &outer, "inner", k_inner = 4);
        inner.in_scope(|| tracing::info!("inner_only_entered"));
        // Spans left out of order: the one still entered is current.
        let o = outer.clone().entered();
        let root = tracing::info_span!(parent: None, "root", k_root = 5).entered();
        drop(o);
        tracing::info!("root_after_outer_left");
        drop(root);
        // An event with an explicit parent.
        tracing::info!(parent: &inner, "explicit_parent");
        tracing::info!(parent: None, "explicit_root");
    });
    let by_msg = |m: &str| {
        let l = lines
            .iter()
            .find(|l| l["message"] == m)
            .unwrap_or_else(|| panic!("no line {m}: {lines:?}"));
        span_keys(l, K)
    };
    assert_eq!(by_msg("before_record"), ["k_a=1"]);
    assert_eq!(by_msg("after_record"), ["k_a=1", "order_ref=\"r-7\""]);
    assert_eq!(by_msg("in_b"), ["k_a=1", "k_b=2", "order_ref=\"r-7\""]);
    assert_eq!(
        by_msg("a_again_in_b"),
        ["k_a=1", "k_b=2", "order_ref=\"r-7\""]
    );
    assert_eq!(by_msg("back_in_a"), ["k_a=1", "order_ref=\"r-7\""]);
    assert_eq!(by_msg("outside"), Vec::<String>::new());
    assert_eq!(by_msg("inner_only_entered"), ["k_inner=4", "k_outer=3"]);
    assert_eq!(by_msg("root_after_outer_left"), ["k_root=5"]);
    assert_eq!(by_msg("explicit_parent"), ["k_inner=4", "k_outer=3"]);
    assert_eq!(by_msg("explicit_root"), Vec::<String>::new());
}

/// Two subscribers on one thread (a scoped default inside another): each line has the
/// spans of its own subscriber only, though both registries number their spans alike.
#[test]
fn a_nested_subscriber_sees_only_its_own_spans() {
    const K: &[&str] = &["k_outer", "k_inner"];
    let lines = with_layer(|| {
        let outer = tracing::info_span!("outer", k_outer = 1);
        let _e = outer.enter();
        tracing::subscriber::with_default(subscriber(), || {
            tracing::info!("inner_without_span");
            let inner = tracing::info_span!("inner", k_inner = 2);
            let _e = inner.enter();
            tracing::info!("inner_with_span");
        });
        tracing::info!("outer_again");
    });
    let keys = |m: &str| span_keys(lines.iter().find(|l| l["message"] == m).unwrap(), K);
    assert_eq!(keys("inner_without_span"), Vec::<String>::new());
    assert_eq!(keys("inner_with_span"), ["k_inner=2"]);
    assert_eq!(keys("outer_again"), ["k_outer=1"]);
}

/// With a per-layer filter that leaves a span out, the lines skip that span's fields as
/// the registry's filtered scope does, also when the left-out span is the innermost.
#[test]
fn a_span_a_per_layer_filter_leaves_out_adds_no_fields() {
    use tracing_subscriber::filter::filter_fn;
    use tracing_subscriber::Layer as _;
    const K: &[&str] = &["k_outer", "k_hidden", "k_inner"];
    let sub = tracing_subscriber::registry()
        .with(TracingLayer::new().with_filter(filter_fn(|m| m.name() != "hidden")));
    let lines = capture(|| {
        tracing::subscriber::with_default(sub, || {
            let outer = tracing::info_span!("outer", k_outer = 1);
            let _o = outer.enter();
            let hidden = tracing::info_span!("hidden", k_hidden = 2);
            let _h = hidden.enter();
            tracing::info!("in_hidden");
            let inner = tracing::info_span!("inner", k_inner = 3);
            let _i = inner.enter();
            tracing::info!("in_inner");
        })
    });
    let keys = |m: &str| span_keys(lines.iter().find(|l| l["message"] == m).unwrap(), K);
    assert_eq!(keys("in_hidden"), ["k_outer=1"]);
    assert_eq!(keys("in_inner"), ["k_inner=3", "k_outer=1"]);
}

/// A span entered on two threads: a field one thread records reaches the other's next
/// event, and each thread's lines have the span it entered.
#[test]
fn a_field_recorded_on_another_thread_reaches_the_next_event() {
    let lines = with_layer(|| {
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        let ctx = ecsctx::context::Context::current();
        let span = tracing::info_span!("job", job_ref = "j-1", step = tracing::field::Empty);
        let _e = span.enter();
        tracing::info!("main_before");
        std::thread::scope(|s| {
            s.spawn(|| {
                ctx.run(|| {
                    tracing::dispatcher::with_default(&dispatch, || {
                        span.in_scope(|| tracing::info!("worker"));
                        span.record("step", 2);
                    })
                })
            });
        });
        tracing::info!("main_after");
    });
    let line = |m: &str| lines.iter().find(|l| l["message"] == m).unwrap();
    assert_eq!(line("main_before")["extra"]["job_ref"], "j-1");
    assert!(line("main_before")["extra"]["step"].is_null());
    assert_eq!(line("worker")["extra"]["job_ref"], "j-1");
    assert_eq!(line("main_after")["extra"]["step"], 2);
}

#[test]
fn an_error_field_is_the_ecs_error_field_set() {
    let err = Outer(Inner);
    let lines = with_layer(|| {
        tracing::error!(error = &err as &dyn std::error::Error, "charge_failed");
        tracing::error!(error = "boom", "flat_error");
    });
    assert_eq!(lines[0]["error"]["message"], "gateway unreachable");
    assert_eq!(
        lines[0]["error"]["stack_trace"],
        "gateway unreachable\ncaused by: connection refused"
    );
    assert_eq!(lines[1]["error"]["message"], "boom");
}

#[test]
fn fields_are_masked_by_name_with_the_token_of_the_value() {
    use ecsctx::pii::{self, Config, Keyset};
    let ks = Keyset::parse_token(
        br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#,
        "test",
    )
    .unwrap();
    pii::configure(Config::keysets(ks, None).with_env("prod")).unwrap();
    let addr = "john.doe@example.com";
    let lines = with_layer(|| {
        tracing::info!(customer_email = %addr, password = "hunter2", "login");
    });
    let text = lines[0].to_string();
    assert!(
        !text.contains("john.doe") && !text.contains("hunter2"),
        "{text}"
    );
    assert_eq!(
        lines[0]["extra"]["customer_email"],
        pii::tokenize(addr, "email").unwrap(),
        "the token of the address, not of `customer_email=…` text"
    );
}

#[tokio::test]
async fn tower_http_trace_lines_are_ecs_fields() {
    let app = Router::new()
        .route("/pay", get(|| async { "paid" }))
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let _default = tracing::subscriber::set_default(subscriber());
    let (status, lines) = capture_future(async {
        let resp = app
            .oneshot(Request::get("/pay").body(Body::empty()).unwrap())
            .await
            .unwrap();
        resp.status()
    })
    .await;
    assert_eq!(status, 200);
    let done: Vec<_> = lines
        .iter()
        .filter(|l| l["message"] == "finished processing request")
        .collect();
    assert_eq!(done.len(), 1, "{lines:#?}");
    let l = done[0];
    assert_eq!(l["http"]["response"]["status_code"], 200);
    assert_eq!(l["http"]["request"]["method"], "GET");
    assert_eq!(l["url"]["original"], "/pay");
    assert_eq!(l["http"]["version"], "1.1");
    assert!(l["event"]["duration"].is_u64(), "{l}");
    assert!(
        lines
            .iter()
            .all(|l| !l["message"].as_str().unwrap().starts_with("->")
                && !l["message"].as_str().unwrap().starts_with("<-")),
        "no span bookkeeping: {lines:#?}"
    );
}

#[tokio::test]
async fn a_test_capture_gets_the_lines_of_a_request_through_a_plain_ecs_layer() {
    async fn handler() -> &'static str {
        log::info!("handler_line");
        "ok"
    }
    // No `with_base_context`: the request still starts clean, but inside the capture.
    let app = Router::new()
        .route("/x", get(handler))
        .layer(ecsctx::integrations::tower::EcsLayer::new());
    let (status, lines) = capture_future(async {
        app.oneshot(
            Request::get("/x")
                .header(
                    "traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
        .status()
    })
    .await;
    assert_eq!(status, 200);
    let line = lines
        .iter()
        .find(|l| l["message"] == "handler_line")
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(line["trace"]["id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(line["url"]["path"], "/x");
}

/// A repeated message that needs escapes (the key list remembers it as kept, not as
/// plain) is written escaped on every line, not in one copy.
#[test]
fn a_repeated_message_with_quotes_stays_escaped() {
    let lines = with_layer(|| {
        for n in 0..3 {
            tracing::info!(n = n, "say \"hi\"\tthen\\go");
        }
    });
    assert_eq!(lines.len(), 3);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line["message"], "say \"hi\"\tthen\\go");
        assert_eq!(line["extra"]["n"], n);
    }
}

/// An error recorded again on a span takes the place of the one before: the events
/// inside carry the last one.
#[test]
fn an_error_recorded_again_on_a_span_replaces_the_one_before() {
    #[derive(Debug)]
    struct Failure(&'static str);
    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Failure {}
    let lines = with_layer(|| {
        let span = tracing::info_span!("job", error = tracing::field::Empty);
        let _e = span.enter();
        for msg in ["first failure", "second failure", "third failure"] {
            span.record("error", &Failure(msg) as &dyn std::error::Error);
            tracing::warn!("retrying");
        }
    });
    let got: Vec<&Value> = lines.iter().map(|l| &l["error"]["message"]).collect();
    assert_eq!(got, ["first failure", "second failure", "third failure"]);
}
