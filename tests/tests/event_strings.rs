//! An `event!` call site's name and target are written as checked where its `static` is
//! made: as they are when they hold nothing JSON escapes, escaped otherwise, and
//! cut at the configured length cap either way. Each line must parse back to the
//! strings given.

use ecsctx::event;
use ecsctx::testing::capture;
use serde_json::Value;

/// A target that only the runtime sees (not a literal).
const QUOTED_TARGET: &str = "audit \"q\"\\x";

fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        ecsctx::Builder::new()
            .with_filter("info")
            .with_max_value_len(16)
            .init()
    });
}

fn one(lines: Vec<Value>) -> Value {
    assert_eq!(lines.len(), 1, "{lines:#?}");
    lines.into_iter().next().unwrap()
}

#[test]
fn plain_names_and_targets_are_written_as_they_are() {
    install();
    let line = one(capture(|| event!(info, "paid")));
    assert_eq!(line["message"], "paid");
    assert_eq!(line["log"]["logger"], module_path!());
    let line = one(capture(|| event!(target: "audit", info, "paiement_réussi")));
    assert_eq!(line["message"], "paiement_réussi");
    assert_eq!(line["log"]["logger"], "audit");
}

#[test]
fn names_and_targets_that_need_escapes_are_escaped() {
    install();
    let line = one(capture(|| event!(target: "a\"b\\c", info, "say_\"hi\"")));
    assert_eq!(line["message"], "say_\"hi\"");
    assert_eq!(line["log"]["logger"], "a\"b\\c");
    let line = one(capture(|| event!(target: QUOTED_TARGET, info, "x\\y")));
    assert_eq!(line["message"], "x\\y");
    assert_eq!(line["log"]["logger"], QUOTED_TARGET);
    // Escapes written in the literal (a control character, a tab) and raw strings: the
    // macro reads the literal's value, not its source text.
    let line = one(capture(|| event!(target: "a\tb", info, "a\u{1}b")));
    assert_eq!(line["message"], "a\u{1}b");
    assert_eq!(line["log"]["logger"], "a\tb");
    let line = one(capture(|| event!(target: r#"q"t"#, info, r"back\slash")));
    assert_eq!(line["message"], "back\\slash");
    assert_eq!(line["log"]["logger"], "q\"t");
}

mod events {
    ecsctx::events! {
        pub RUN_DONE = "jobs.run_ended"
        pub REPORT_BUILT = "reports.monthly_report_built"
    }
}

#[test]
fn a_declared_event_s_action_is_its_message_within_the_cap() {
    install();
    let line = one(capture(|| event!(info, events::RUN_DONE)));
    assert_eq!(line["message"], "jobs.run_ended");
    assert_eq!(line["event"]["action"], "jobs.run_ended");
    // (Over the 16-byte cap: the message is cut as any string is.)
    let line = one(capture(|| event!(info, events::REPORT_BUILT)));
    assert_eq!(
        line["message"],
        "reports.monthly_…[ecsctx: truncated 12 bytes]"
    );
}

#[test]
fn names_and_targets_over_the_length_cap_are_cut_like_any_string() {
    install();
    let line = one(capture(
        || event!(target: "checkout_service_target", info, "payment_processed_twice"),
    ));
    assert_eq!(
        line["message"],
        "payment_processe…[ecsctx: truncated 7 bytes]"
    );
    assert_eq!(
        line["log"]["logger"],
        "checkout_service…[ecsctx: truncated 7 bytes]"
    );
}
