//! Runtime behaviour of `event!` and `bind!`: where every field lands, that a
//! disabled level evaluates nothing, and that bindings nest and unwind, also
//! across `.await`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;

use ecsctx::testing::{capture, capture_future};
use ecsctx::{bind, event};
use serde_json::{json, Value};

/// Tests read-lock this; the one that lowers `log::max_level()` write-locks it.
static MAX_LEVEL: RwLock<()> = RwLock::new(());

fn shared() -> std::sync::RwLockReadGuard<'static, ()> {
    MAX_LEVEL.read().unwrap_or_else(|e| e.into_inner())
}

fn one(lines: Vec<Value>) -> Value {
    assert_eq!(lines.len(), 1, "{lines:#?}");
    lines.into_iter().next().unwrap()
}

#[derive(Debug)]
struct GatewayError {
    source: std::io::Error,
}

impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("gateway call failed")
    }
}

impl std::error::Error for GatewayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[test]
fn event_places_every_field() {
    let _g = shared();
    let store_id = 7;
    let enterprise_id = "ent-1";
    let line = one(capture(|| {
        event!(
            info,
            "webhook_received",
            amount = 100,
            currency = "KWD",
            http.request.method = "POST",
            http = { response: { status_code: 200 } },
            keyloop = { store_id, enterprise_id, region: { code: "eu" } },
            user.id = "u-1",
            event.action = "user-login",
            event.outcome = "success",
            event.category = ["web", "authentication"],
            labels = { region: "eu-west-1" },
            session_id = "s-1",
            payment.orn = "ORN-1",
        )
    }));
    assert_eq!(line["message"], "webhook_received");
    assert_eq!(line["log.level"], "info");
    assert!(line["@timestamp"].is_string());
    assert!(line["ecs.version"].is_string());
    assert_eq!(line["extra"]["amount"], 100);
    assert_eq!(line["extra"]["currency"], "KWD");
    assert_eq!(line["http"]["request"]["method"], "POST");
    assert_eq!(line["http"]["response"]["status_code"], 200);
    assert_eq!(
        line["extra"]["keyloop"],
        json!({ "store_id": 7, "enterprise_id": "ent-1", "region": { "code": "eu" } })
    );
    assert_eq!(line["user"]["id"], "u-1");
    assert_eq!(line["event"]["action"], "user-login");
    assert_eq!(line["event"]["outcome"], "success");
    assert_eq!(line["event"]["category"], json!(["web", "authentication"]));
    assert_eq!(line["labels"]["region"], "eu-west-1");
    assert_eq!(line["session_id"], "s-1");
    assert_eq!(line["payment"]["orn"], "ORN-1");
    assert!(
        line.get("keyloop").is_none(),
        "custom keys go under extra: {line}"
    );
}

#[test]
fn event_levels_and_target() {
    let _g = shared();
    let lines = capture(|| {
        event!(trace, "t");
        event!(debug, "d");
        event!(warn, "w");
        event!(error, "e");
        event!(target: "audit", warn, "limit_reached", limit:% = 10);
    });
    let levels: Vec<_> = lines.iter().map(|l| l["log.level"].clone()).collect();
    assert_eq!(levels, ["trace", "debug", "warn", "error", "warn"]);
    assert_eq!(lines[4]["log"]["logger"], "audit");
    assert_eq!(lines[4]["extra"]["limit"], "10");
    assert_eq!(lines[0]["log"]["logger"], module_path!());
}

#[test]
fn event_capture_modifiers() {
    let _g = shared();
    #[derive(Debug, serde::Serialize)]
    struct Cart {
        items: u32,
        total: f64,
    }
    let cart = Cart {
        items: 3,
        total: 9.5,
    };
    let ip = std::net::Ipv4Addr::new(10, 0, 0, 1);
    let line = one(capture(|| {
        event!(
            info,
            "checkout",
            shown:% = ip,
            dbg:? = "quoted",
            cart:serde = cart,
            plain = 1.5,
            flag = true,
            nothing = None::<u32>,
        )
    }));
    assert_eq!(line["extra"]["shown"], "10.0.0.1");
    assert_eq!(line["extra"]["dbg"], "\"quoted\"");
    assert_eq!(line["extra"]["cart"], json!({ "items": 3, "total": 9.5 }));
    assert_eq!(line["extra"]["plain"], 1.5);
    assert_eq!(line["extra"]["flag"], true);
}

#[test]
fn event_error_field_set() {
    let _g = shared();
    let err = GatewayError {
        source: std::io::Error::other("timeout"),
    };
    let io = std::io::Error::other("disk full");
    let lines = capture(|| {
        event!(error, "gateway_call_failed", error = err);
        event!(error, "write_failed", error = io);
        event!(error, "gateway_call_failed", error = { message: "boom", type: "Timeout" });
        let mut map = BTreeMap::new();
        map.insert("code", "E42");
        event!(error, "failed", error = map);
        let any = anyhow::anyhow!("card declined").context("charging card");
        event!(error, "charge_failed", error = any);
    });
    assert_eq!(lines.len(), 5);
    let e = &lines[0]["error"];
    assert_eq!(e["message"], "gateway call failed");
    assert!(e["type"].as_str().unwrap().ends_with("GatewayError"), "{e}");
    // One format for `event!` and `log` records: the error, then its causes.
    assert_eq!(e["stack_trace"], "gateway call failed\ncaused by: timeout");
    let e = &lines[1]["error"];
    assert_eq!(e["message"], "disk full");
    // The public path of the type, and the `ErrorKind` as ECS `error.code`.
    assert_eq!(e["type"], "std::io::Error");
    assert_eq!(e["code"], "Other");
    assert!(e.get("stack_trace").is_none(), "{e}");
    assert_eq!(
        lines[2]["error"],
        json!({ "message": "boom", "type": "Timeout" })
    );
    assert_eq!(lines[3]["error"], json!({ "code": "E42" }));
    let e = &lines[4]["error"];
    assert_eq!(e["message"], "charging card");
    assert_eq!(e["type"], "anyhow::Error");
    assert!(
        e["stack_trace"]
            .as_str()
            .unwrap()
            .starts_with("charging card\ncaused by: card declined"),
        "{e}"
    );
}

/// A service's own error type (its derived `Debug` names it).
#[derive(Debug)]
struct Declined {
    #[allow(dead_code)]
    code: u32,
}
impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("issuer declined")
    }
}
impl std::error::Error for Declined {}

/// An error with `depth` causes below it, each with a 100-character message.
#[derive(Debug)]
struct Deep(usize, Option<Box<Deep>>);
impl Deep {
    fn new(depth: usize) -> Self {
        Deep(depth, (depth > 0).then(|| Box::new(Deep::new(depth - 1))))
    }
}
impl std::fmt::Display for Deep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "level {:>5} {}", self.0, "x".repeat(88))
    }
}
impl std::error::Error for Deep {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_deref().map(|d| d as _)
    }
}

#[test]
fn anyhow_error_code_names_the_root_cause_and_stack_traces_are_capped() {
    let _g = shared();
    let lines = capture(|| {
        let typed = anyhow::Error::new(Declined { code: 51 }).context("charging card");
        event!(error, "charge_failed", error = typed);
        let io = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::NotFound))
            .context("reading config");
        event!(error, "config_failed", error = io);
        let plain = anyhow::anyhow!("card declined");
        event!(error, "charge_failed", error = plain);
        event!(error, "deep_failed", error = Deep::new(300));
    });
    let e = &lines[0]["error"];
    assert_eq!(
        (&e["type"], &e["code"]),
        (&json!("anyhow::Error"), &json!("Declined")),
        "{e}"
    );
    assert_eq!(lines[1]["error"]["code"], "NotFound", "{}", lines[1]);
    assert!(lines[2]["error"].get("code").is_none(), "{}", lines[2]);
    // 301 errors of 100 bytes: cut at 8 KiB (the default), with a marker that says so.
    let trace = lines[3]["error"]["stack_trace"].as_str().unwrap();
    assert!(trace.starts_with("level   300"), "{trace:.200}");
    let (kept, marker) = trace.rsplit_once('\n').unwrap();
    assert!(kept.len() <= 8192, "{}", kept.len());
    assert!(kept.len() > 8000, "{}", kept.len());
    assert!(
        marker.starts_with("[ecsctx: stack trace cut at 8192 bytes, "),
        "{marker}"
    );
}

#[test]
fn typed_values_at_ecs_fields_are_written_as_ecs_wants_them() {
    use ecsctx::ecs::{Category, Outcome};
    use std::time::{Duration, SystemTime};
    let _g = shared();
    let start = SystemTime::UNIX_EPOCH + Duration::from_millis(1_733_400_000_123);
    let ip: std::net::IpAddr = "203.0.113.9".parse().unwrap();
    let status: u16 = 503;
    let lines = capture(|| {
        event!(
            warn,
            "gateway_replied",
            event.start = start,
            event.outcome = Outcome::Failure,
            event.category = [Category::Network, Category::Web],
            client.ip = ip,
            http.response.status_code = status
        );
    });
    let l = &lines[0];
    assert_eq!(l["event"]["start"], "2024-12-05T12:00:00.123Z", "{l}");
    assert_eq!(l["event"]["outcome"], "failure");
    assert_eq!(l["event"]["category"], json!(["network", "web"]));
    assert_eq!(l["client"]["ip"], "203.0.113.9");
    assert_eq!(l["http"]["response"]["status_code"], 503);
}

/// An ECS `keyword`/`text` field takes a `Display` value without a modifier, in `event!`
/// and `bind!` (a custom key still needs one, as before), masked like any string.
#[test]
fn display_values_at_ecs_text_fields() {
    struct OrderId(u64);
    impl std::fmt::Display for OrderId {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "ORD-{}", self.0)
        }
    }
    struct Email(&'static str);
    impl std::fmt::Display for Email {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    let _g = shared();
    let lines = capture(|| {
        bind!(organization.id = OrderId(1));
        event!(
            info,
            "order_placed",
            transaction.id = OrderId(7),
            user.email = Email("john.doe@example.com"),
            user.domain = "corp"
        );
    });
    let l = &lines[0];
    assert_eq!(l["transaction"]["id"], "ORD-7", "{l}");
    assert_eq!(l["organization"]["id"], "ORD-1", "{l}");
    assert_eq!(l["user"]["domain"], "corp");
    let email = l["user"]["email"].as_str().unwrap();
    assert!(!email.contains("john.doe"), "{email}");
}

/// A socket address at an `ip` field is written as its IP (the port is not part of it),
/// in `event!` and in `bind!`, bare, borrowed or in an `Option`.
#[test]
fn socket_addresses_at_ip_fields_are_their_ip() {
    use std::net::{SocketAddr, SocketAddrV6};
    let _g = shared();
    let peer: SocketAddr = "198.51.100.7:44321".parse().unwrap();
    let v6: SocketAddrV6 = "[2001:db8::1]:443".parse().unwrap();
    let maybe: Option<SocketAddr> = Some(peer);
    let lines = capture(|| {
        bind!(client.ip = peer);
        event!(
            info,
            "accepted",
            source.ip = &peer,
            destination.ip = v6,
            server.ip = maybe
        );
    });
    let l = &lines[0];
    assert_eq!(l["client"]["ip"], "198.51.100.7", "{l}");
    assert_eq!(l["source"]["ip"], "198.51.100.7");
    assert_eq!(l["destination"]["ip"], "2001:db8::1");
    assert_eq!(l["server"]["ip"], "198.51.100.7");
}

#[test]
#[allow(deprecated)]
fn ecs_event_alias_is_event() {
    let _g = shared();
    let line = one(capture(
        || event!(info, "login", ecs_event = { action: "user-login", outcome: "success" }),
    ));
    assert_eq!(
        line["event"],
        json!({ "action": "user-login", "outcome": "success" })
    );
    assert!(line.get("ecs_event").is_none() && line["extra"].get("ecs_event").is_none());
}

#[test]
fn disabled_level_evaluates_nothing() {
    let _exclusive = MAX_LEVEL.write().unwrap_or_else(|e| e.into_inner());
    // Install the capture logger first, then lower the global maximum.
    let _ = capture(|| ());
    let before = log::max_level();
    let calls = AtomicUsize::new(0);
    let side_effect = || {
        calls.fetch_add(1, Ordering::SeqCst);
        1
    };
    log::set_max_level(log::LevelFilter::Warn);
    let lines = capture(|| {
        event!(info, "skipped", n = side_effect(), m:% = side_effect(), o = { p: side_effect() });
        event!(debug, "skipped", n = side_effect());
        event!(warn, "kept", n = side_effect());
    });
    log::set_max_level(before);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["message"], "kept");
}

#[test]
fn bind_nests_and_unwinds() {
    let _g = shared();
    let lines = capture(|| {
        bind!(session_id = "outer", labels.region = "eu-west-1");
        event!(info, "a");
        {
            bind!(session_id = "inner", user_id = 7, ip = "10.0.0.1");
            event!(info, "b");
            {
                let store_id = 3;
                bind!(keyloop = { store_id }, span_id = "00f067aa0ba902b7");
                event!(info, "c");
            }
            event!(info, "d");
        }
        event!(info, "e");
    });
    assert_eq!(lines.len(), 5);
    let sessions: Vec<_> = lines.iter().map(|l| l["session_id"].clone()).collect();
    assert_eq!(sessions, ["outer", "inner", "inner", "inner", "outer"]);
    assert!(lines.iter().all(|l| l["labels"]["region"] == "eu-west-1"));
    assert_eq!(lines[1]["user"]["id"], 7);
    assert_eq!(lines[1]["client"]["ip"], "10.0.0.1");
    assert_eq!(lines[2]["extra"]["keyloop"]["store_id"], 3);
    assert_eq!(lines[2]["span"]["id"], "00f067aa0ba902b7");
    assert!(lines[3]["extra"].get("keyloop").is_none(), "{}", lines[3]);
    assert!(lines[3].get("span").is_none(), "{}", lines[3]);
    assert!(lines[4].get("user").is_none(), "{}", lines[4]);
    assert!(lines[4].get("client").is_none(), "{}", lines[4]);
}

#[test]
fn bind_in_closure_and_unscoped() {
    let _g = shared();
    let lines = capture(|| {
        let n = bind!(session_id = "run", in: || {
            event!(info, "inside");
            41 + 1
        });
        assert_eq!(n, 42);
        event!(info, "after_run");
        {
            bind!(session_id = "block");
            bind!(unscoped: user_id = 9, limit:? = "x");
            event!(info, "merged");
        }
        event!(info, "after_block");
    });
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["session_id"], "run");
    assert!(lines[1].get("session_id").is_none(), "{}", lines[1]);
    assert_eq!(lines[2]["session_id"], "block");
    assert_eq!(lines[2]["user"]["id"], 9);
    assert_eq!(lines[2]["extra"]["limit"], "\"x\"");
    assert!(lines[3].get("user").is_none(), "{}", lines[3]);
}

#[test]
fn bind_error_and_field_sets() {
    let _g = shared();
    let lines = capture(|| {
        let err = std::io::Error::other("boom");
        let mut user = BTreeMap::new();
        user.insert("domain", "corp");
        bind!(error = err, user = user, shown:% = 5);
        event!(error, "failed");
    });
    let line = one(lines);
    assert_eq!(line["error"]["message"], "boom");
    assert_eq!(line["error"]["type"], "std::io::Error");
    assert_eq!(line["user"]["domain"], "corp");
    assert_eq!(line["extra"]["shown"], "5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// The guard only keeps the max-level test from running meanwhile; nothing awaits it.
#[allow(clippy::await_holding_lock)]
async fn bind_across_await() {
    let _g = shared();
    async fn handle(tag: &'static str) {
        event!(info, "start", tag = tag);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        tokio::task::yield_now().await;
        event!(info, "after_await", tag = tag);
    }
    let ((), lines) = capture_future(async {
        let a = bind!(session_id = "a", in_future: handle("a"));
        let b = bind!(session_id = "b", user_id = 2, in_future: handle("b"));
        tokio::join!(a, b);
        event!(info, "outside");
    })
    .await;
    assert_eq!(lines.len(), 5, "{lines:#?}");
    for line in &lines[..4] {
        let tag = &line["extra"]["tag"];
        assert_eq!(&line["session_id"], tag, "{line}");
        assert_eq!(line["user"]["id"] == 2, tag == "b", "{line}");
    }
    assert_eq!(lines[4]["message"], "outside");
    assert!(lines[4].get("session_id").is_none(), "{}", lines[4]);
}

/// A `Display` value that panics on the direct path (before and after its call site's
/// shape is known) leaves a marker line and never reaches the caller.
#[test]
fn a_panicking_value_in_an_event_is_a_marker_line() {
    struct Maybe(bool);
    impl std::fmt::Display for Maybe {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            if self.0 {
                panic!("boom in Display");
            }
            f.write_str("fine")
        }
    }
    let lines = ecsctx::testing::capture(|| {
        for i in 0..5u64 {
            ecsctx::event!(info, "step", n = i, v:% = Maybe(i == 0 || i == 3));
        }
        ecsctx::event!(info, "after", n = 9u64);
    });
    assert_eq!(lines.len(), 6);
    for (i, line) in lines.iter().take(5).enumerate() {
        if i == 0 || i == 3 {
            assert_eq!(
                line["message"],
                "[ecsctx: a logged value panicked while rendering]"
            );
        } else {
            assert_eq!(line["message"], "step");
            assert_eq!(line["extra"]["n"], i as u64);
            assert_eq!(line["extra"]["v"], "fine");
        }
    }
    assert_eq!(lines[5]["extra"]["n"], 9);
}

/// Code that runs while a line is rendered (a `Display` impl) still sees the context.
#[test]
fn a_value_rendered_inside_a_scope_sees_its_context() {
    struct Peek(std::cell::RefCell<Option<Value>>);
    impl std::fmt::Display for Peek {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            *self.0.borrow_mut() = Some(ecsctx::context::Context::current().fields_json());
            f.write_str("peeked")
        }
    }
    let peek = Peek(Default::default());
    let lines = capture(|| {
        bind!(session_id = "s-7");
        event!(info, "peek", v:% = peek);
    });
    assert_eq!(lines[0]["extra"]["v"], "peeked");
    assert_eq!(peek.0.borrow().as_ref().unwrap()["session_id"], "s-7");
}

/// `event!` and a `log` record write one error in one format (`error.type` only where the
/// type is known: `event!`).
#[test]
fn event_and_record_errors_share_one_format() {
    let _g = shared();
    // `log`'s `:err` capture borrows for `'static`.
    let err: &'static GatewayError = Box::leak(Box::new(GatewayError {
        source: std::io::Error::other("timeout"),
    }));
    let lines = capture(|| {
        event!(error, "gateway_call_failed", error = *err);
        log::error!(error:err = err; "gateway_call_failed");
    });
    assert_eq!(lines.len(), 2);
    let (from_event, from_record) = (&lines[0]["error"], &lines[1]["error"]);
    assert_eq!(from_event["message"], from_record["message"]);
    assert_eq!(from_event["stack_trace"], from_record["stack_trace"]);
    assert_eq!(
        from_record["stack_trace"],
        "gateway call failed\ncaused by: timeout"
    );
    assert!(from_event["type"]
        .as_str()
        .unwrap()
        .ends_with("GatewayError"));
}

/// `error.type` says something: an OS error's kind is `error.code`; a boxed `dyn Error`
/// (whose type name names only the box) has no `error.type`.
#[test]
fn io_error_kinds_and_boxed_errors() {
    let _g = shared();
    let missing = std::fs::File::open("/nonexistent/ecsctx/file").unwrap_err();
    let boxed: Box<dyn std::error::Error + Send + Sync> = "bad input".into();
    let lines = capture(|| {
        event!(error, "open_failed", error = missing);
        event!(error, "parse_failed", error = boxed);
    });
    assert_eq!(lines[0]["error"]["type"], "std::io::Error");
    assert_eq!(lines[0]["error"]["code"], "NotFound");
    assert_eq!(lines[1]["error"], json!({ "message": "bad input" }));
}

/// A value written as an expression with an operator looser than `&` (`a + b`,
/// `x as u64`, a range) is one value, at typed ECS fields and elsewhere, in `event!` and
/// `bind!` (the expansion takes its address: it used to be `(&a) + b`).
#[test]
fn operator_expressions_are_one_value() {
    let _g = shared();
    let base: i64 = 1_500_000;
    let n: u32 = 7;
    let line = one(capture(|| {
        ecsctx::bind!(user.id = n + 1, attempts = n as u64 * 2);
        event!(
            info,
            "timed",
            event.duration = base + i64::from(n),
            http.response.status_code = 200 + 4,
            amount = n as f64 / 2.0,
            within:? = 1..3,
        )
    }));
    assert_eq!(line["event"]["duration"], 1_500_007);
    assert_eq!(line["http"]["response"]["status_code"], 204);
    assert_eq!(line["extra"]["amount"], 3.5);
    assert_eq!(line["extra"]["within"], "1..3");
    assert_eq!(line["user"]["id"], 8);
    assert_eq!(line["extra"]["attempts"], 14);
}
