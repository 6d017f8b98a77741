//! Declared events (`events!`): they render exactly as the same event written with
//! dotted fields, reasons are written by name, the catalog lists every declaration, and
//! `timed` reports the work it measured.

use std::time::{Duration, SystemTime};

use ecsctx::ecs::Outcome;
use ecsctx::event;
use ecsctx::testing::capture;
use serde_json::Value;

/// Why a PSP call failed.
#[derive(Debug)]
pub enum PgFailure {
    Timeout,
    #[allow(dead_code)]
    Declined,
}

mod events {
    use super::PgFailure;

    ecsctx::events! {
        /// A PSP replied to a payment request.
        pub PG_RESPONSE_RECEIVED = "pg.response_received" {
            kind: event, category: [network], type: [connection],
            terminal,
            required: { payment.pg_code, session_id },
            reasons: PgFailure,
        }
        /// A refund was sent.
        pub REFUND_SENT = "payment.refund_sent" { kind: event, category: [web], type: [info] }
        pub REPORT_BUILT = "reports.report_built" { kind: event, category: [process], terminal }
        pub BARE_DONE = "jobs.run_completed"
    }
}

mod snake {
    // `event_naming = "snake"` in this crate's Cargo.toml: no past tense needed.
    ecsctx::events! {
        pub CACHE_WARMUP = "cache.warmup"
    }
}

use events::{BARE_DONE, PG_RESPONSE_RECEIVED, REFUND_SENT, REPORT_BUILT};

/// The same values as a parsed line, keys in any order.
fn same(a: &Value, b: &Value) {
    let strip = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("@timestamp");
        v
    };
    assert_eq!(strip(a), strip(b));
}

#[test]
fn a_declared_event_renders_as_its_dotted_equivalent() {
    let lines = capture(|| {
        event!(
            warn,
            PG_RESPONSE_RECEIVED,
            outcome = Outcome::Failure,
            reason = PgFailure::Timeout,
            payment.pg_code = "knet",
            session_id = "s-1",
            latency_ms = 12
        );
        event!(
            warn,
            "pg.response_received",
            event.action = "pg.response_received",
            event.kind = "event",
            event.category = ["network"],
            event.type = ["connection"],
            event.outcome = "failure",
            event.reason = "Timeout",
            payment.pg_code = "knet",
            session_id = "s-1",
            latency_ms = 12
        );
        event!(info, REFUND_SENT, amount = 100);
        event!(
            info,
            "payment.refund_sent",
            event.action = "payment.refund_sent",
            event.kind = "event",
            event.category = ["web"],
            event.type = ["info"],
            amount = 100
        );
        event!(info, BARE_DONE);
        event!(
            info,
            "jobs.run_completed",
            event.action = "jobs.run_completed"
        );
        event!(info, snake::CACHE_WARMUP);
    });
    assert_eq!(lines.len(), 7, "{lines:#?}");
    same(&lines[0], &lines[1]);
    same(&lines[2], &lines[3]);
    same(&lines[4], &lines[5]);
    assert_eq!(lines[0]["message"], "pg.response_received");
    assert_eq!(lines[0]["event"]["reason"], "Timeout");
    assert_eq!(
        lines[0]["event"]["category"],
        serde_json::json!(["network"])
    );
    assert_eq!(
        lines[4]["event"],
        serde_json::json!({"action": "jobs.run_completed"})
    );
    assert_eq!(lines[6]["event"]["action"], "cache.warmup");
}

/// A required field is covered by itself, by a field under it, or by an object given
/// above it; `outcome` alone takes the variable of that name.
#[test]
fn required_fields_by_path() {
    mod decl {
        ecsctx::events! {
            pub USER_SEEN = "auth.user_seen" { terminal, required: { user, payment.pg_code } }
        }
    }
    let mut payment = std::collections::BTreeMap::new();
    payment.insert("pg_code", "knet");
    let outcome = Outcome::Success;
    let lines = capture(|| {
        event!(info, decl::USER_SEEN, outcome, user.name = "bob", payment:serde = payment);
    });
    assert_eq!(lines[0]["event"]["outcome"], "success");
    assert_eq!(lines[0]["payment"]["pg_code"], "knet");
}

#[test]
fn the_catalog_lists_each_declaration() {
    let names: Vec<_> = events::catalog()
        .iter()
        .map(|i| (i.name, i.action))
        .collect();
    assert_eq!(
        names,
        [
            ("PG_RESPONSE_RECEIVED", "pg.response_received"),
            ("REFUND_SENT", "payment.refund_sent"),
            ("REPORT_BUILT", "reports.report_built"),
            ("BARE_DONE", "jobs.run_completed"),
        ]
    );
    let pg = events::catalog()[0];
    assert_eq!(pg.doc, "A PSP replied to a payment request.");
    assert!(pg.terminal);
    assert_eq!(pg.required, ["payment.pg_code", "session_id"]);
    assert_eq!(pg.reasons, Some("PgFailure"));
    assert_eq!(pg.kind, Some("event"));
    assert_eq!(pg.event_type, ["connection"]);
    assert_eq!(snake::catalog().len(), 1);
}

#[test]
fn timed_reports_start_end_duration_and_outcome() {
    let before = SystemTime::now();
    let lines = capture(|| {
        let t = ecsctx::timed(REPORT_BUILT);
        std::thread::sleep(Duration::from_millis(30));
        t.success();
        // Dropped without an outcome: a failure.
        let _t = ecsctx::timed(REFUND_SENT);
    });
    let after = SystemTime::now();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let e = &lines[0]["event"];
    assert_eq!(lines[0]["message"], "reports.report_built");
    assert_eq!(lines[0]["log.level"], "info");
    // The declaring module is the line's logger (and what level directives match).
    assert_eq!(lines[0]["log"]["logger"], "declared_events::events");
    assert_eq!(e["action"], "reports.report_built");
    assert_eq!(e["category"], serde_json::json!(["process"]));
    assert_eq!(e["outcome"], "success");
    let ns = e["duration"].as_u64().expect("a number of nanoseconds");
    // The sleep, and no more than the whole test took.
    let whole = after.duration_since(before).unwrap().as_nanos() as u64;
    assert!(ns >= 30_000_000 && ns <= whole, "{ns} of {whole}");
    // RFC 3339 in UTC with milliseconds, start before end, `duration` apart.
    let start = e["start"].as_str().unwrap();
    let end = e["end"].as_str().unwrap();
    assert_eq!((start.len(), end.len()), (24, 24), "{start} {end}");
    assert!(start.ends_with('Z') && start < end, "{start} {end}");
    assert_eq!(lines[1]["event"]["outcome"], "failure");
    assert_eq!(lines[1]["log.level"], "warn");
}
