//! Golden tests: the ECS `error` object of each shape of error a Rust service logs, through
//! `event!`, `bind!` and `log` records, written out whole (issue #13: "errors that help in
//! Kibana"). A change to any of them is a change users see in their dashboards.

use std::fmt;

use ecsctx::testing::capture;
use ecsctx::{bind, event};
use serde_json::{json, Value};

#[derive(Debug)]
struct Declined {
    code: u32,
}
impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "card declined ({})", self.code)
    }
}
impl std::error::Error for Declined {}

#[derive(Debug)]
struct ChargeFailed {
    source: Declined,
}
impl fmt::Display for ChargeFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("charge failed")
    }
}
impl std::error::Error for ChargeFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn error_of(lines: Vec<Value>) -> Value {
    assert_eq!(lines.len(), 1, "{lines:#?}");
    lines[0]["error"].clone()
}

fn event_error<E: std::error::Error>(e: &E) -> Value {
    error_of(capture(|| event!(error, "failed", error = e)))
}

#[test]
fn a_service_error_without_a_cause() {
    assert_eq!(
        event_error(&Declined { code: 51 }),
        json!({"message": "card declined (51)", "type": "error_shapes::Declined"})
    );
}

#[test]
fn a_service_error_with_its_cause_chain() {
    assert_eq!(
        event_error(&ChargeFailed {
            source: Declined { code: 51 }
        }),
        json!({
            "message": "charge failed",
            "type": "error_shapes::ChargeFailed",
            "stack_trace": "charge failed\ncaused by: card declined (51)"
        })
    );
}

#[test]
fn io_errors_carry_their_kind_as_the_code() {
    let e = std::io::Error::new(std::io::ErrorKind::NotFound, "receipt.pdf");
    assert_eq!(
        event_error(&e),
        json!({"message": "receipt.pdf", "type": "std::io::Error", "code": "NotFound"})
    );
    let os = std::io::Error::from_raw_os_error(2);
    let v = event_error(&os);
    assert_eq!(v["type"], "std::io::Error");
    assert_eq!(v["code"], "NotFound");
    assert!(
        v["message"].as_str().unwrap().contains("No such file"),
        "{v}"
    );
}

/// The object with a captured backtrace's frames taken out of `stack_trace` (anyhow
/// captures one when RUST_BACKTRACE/RUST_LIB_BACKTRACE ask for it: its frames follow the
/// cause chain, the service's own first, the runtime's folded); a trace that was only
/// frames goes. The frames, when there are, must show the caller.
fn without_frames(mut v: Value, caller: &str) -> Value {
    let Some(trace) = v["stack_trace"].as_str().map(str::to_owned) else {
        return v;
    };
    let Some((chain, frames)) = trace.split_once("\n   ") else {
        return v;
    };
    assert!(frames.contains(caller), "{frames}");
    if chain == v["message"] {
        v.as_object_mut().unwrap().remove("stack_trace");
    } else {
        v["stack_trace"] = json!(chain);
    }
    v
}

/// `io::Error::other(inner)`: the kind (`Other`) says nothing, so the code names what
/// `inner` is; the message is `inner`'s, and its causes follow.
#[test]
fn io_errors_around_a_service_error_name_it() {
    let e = std::io::Error::other(Declined { code: 51 });
    assert_eq!(
        event_error(&e),
        json!({"message": "card declined (51)", "type": "std::io::Error", "code": "Declined"})
    );
    let e = std::io::Error::other(ChargeFailed {
        source: Declined { code: 51 },
    });
    assert_eq!(
        event_error(&e),
        json!({
            "message": "charge failed",
            "type": "std::io::Error",
            "code": "ChargeFailed",
            "stack_trace": "charge failed\ncaused by: card declined (51)"
        })
    );
    // A message alone (`io::Error::other("…")`) keeps the kind.
    assert_eq!(
        event_error(&std::io::Error::other("disk full")),
        json!({"message": "disk full", "type": "std::io::Error", "code": "Other"})
    );
}

#[test]
fn anyhow_errors_name_their_root_cause() {
    let here = "error_shapes::anyhow_errors_name_their_root_cause";
    let e = anyhow::Error::new(Declined { code: 51 }).context("charging card");
    assert_eq!(
        without_frames(
            error_of(capture(|| event!(error, "failed", error = e))),
            here
        ),
        json!({
            "message": "charging card",
            "type": "anyhow::Error",
            "code": "Declined",
            "stack_trace": "charging card\ncaused by: card declined (51)"
        })
    );
    let plain = anyhow::anyhow!("gateway unreachable");
    assert_eq!(
        without_frames(
            error_of(capture(|| event!(error, "failed", error = plain))),
            here
        ),
        json!({"message": "gateway unreachable", "type": "anyhow::Error"})
    );
}

#[test]
fn boxed_errors_report_what_they_can_never_a_generic_name() {
    let boxed: Box<dyn std::error::Error + Send + Sync> = "timeout after 3 attempts".into();
    assert_eq!(
        error_of(capture(|| event!(error, "failed", error = boxed))),
        json!({"message": "timeout after 3 attempts"})
    );
}

#[test]
fn bound_errors_are_the_same_object() {
    let e = ChargeFailed {
        source: Declined { code: 5 },
    };
    let lines = capture(|| {
        bind!(error = &e);
        event!(info, "retrying");
    });
    assert_eq!(
        error_of(lines),
        json!({
            "message": "charge failed",
            "type": "error_shapes::ChargeFailed",
            "stack_trace": "charge failed\ncaused by: card declined (5)"
        })
    );
}

#[test]
fn log_records_write_the_same_object_without_a_type() {
    static E: ChargeFailed = ChargeFailed {
        source: Declined { code: 5 },
    };
    let err: &(dyn std::error::Error + 'static) = &E;
    assert_eq!(
        error_of(capture(|| log::error!(error:err = err; "failed"))),
        json!({"message": "charge failed", "stack_trace": "charge failed\ncaused by: card declined (5)"})
    );
    // A flat string from another crate is repaired into the object.
    assert_eq!(
        error_of(capture(|| log::error!(error = "boom"; "failed"))),
        json!({"message": "boom"})
    );
}

#[test]
fn error_fields_written_out_stay_as_written() {
    assert_eq!(
        error_of(capture(|| event!(
            error,
            "failed",
            error.message = "limit exceeded",
            error.code = "E42"
        ))),
        json!({"message": "limit exceeded", "code": "E42"})
    );
}
