//! The leak-test kit of `ecsctx::testing`: `find_leaks` finds planted values wherever
//! they are in a line, short values only as whole words; `assert_no_leaks` lists them;
//! and the proptest recipe a service copies to prove its logs never carry a secret.
//!
//! This test binary uses the default logger (installed by `capture`, default masker).

use std::panic::{catch_unwind, AssertUnwindSafe};

use ecsctx::testing::{assert_no_leaks, capture, find_leaks, Leak};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Leaks by line, path, value: the order does not depend on how `serde_json` orders
/// object keys.
fn sorted(mut leaks: Vec<Leak>) -> Vec<Leak> {
    leaks.sort_by(|a, b| (a.line, &a.path, &a.value).cmp(&(b.line, &b.path, &b.value)));
    leaks
}

fn leak(line: usize, path: &str, value: &str) -> Leak {
    Leak {
        line,
        path: path.to_owned(),
        value: value.to_owned(),
    }
}

// === where the kit looks ===

#[test]
fn finds_a_planted_value_in_messages() {
    let lines = [
        json!({"message": "login ok"}),
        json!({"message": "reset link sent with code Zq81-plant-K2"}),
    ];
    assert_eq!(
        find_leaks(&lines, &["Zq81-plant-K2"]),
        [leak(1, "message", "Zq81-plant-K2")]
    );
}

#[test]
fn finds_a_planted_value_in_a_captured_line() {
    // A value the masker has no reason to mask (a theme name): the kit sees it through
    // a real capture, in the message and in fields.
    let theme = "blue-falcon-77";
    let lines = capture(|| {
        log::info!(theme = theme; "switched to {theme}");
        ecsctx::event!(info, "theme_applied", theme = theme);
    });
    assert_eq!(
        sorted(find_leaks(&lines, &[theme])),
        [
            leak(0, "extra.theme", theme),
            leak(0, "message", theme),
            leak(1, "extra.theme", theme),
        ],
        "{lines:#?}"
    );
}

#[test]
fn finds_planted_values_in_nested_values_keys_and_arrays() {
    let lines = [json!({
        "message": "checkout",
        "extra": {
            "payment": {"card": {"number": "4111111111111111", "expiry": "12/30"}},
            "cards_by_number": {"4111111111111111": {"tries": 2}},
            "attempts": [{"password": "hunter2"}, ["x", "hunter2x"]],
            "debug": {"a.b": "pw=hunter2"},
            "amount": 4111111111111111_u64,
        },
        "labels": {"hunter2": "k"},
    })];
    assert_eq!(
        sorted(find_leaks(&lines, &["4111111111111111", "hunter2"])),
        [
            leak(0, "extra.amount", "4111111111111111"),
            leak(0, "extra.attempts[0].password", "hunter2"),
            leak(0, "extra.attempts[1][1]", "hunter2"),
            leak(
                0,
                "extra.cards_by_number.4111111111111111 (key)",
                "4111111111111111"
            ),
            leak(0, r#"extra.debug["a.b"]"#, "hunter2"),
            leak(0, "extra.payment.card.number", "4111111111111111"),
            leak(0, "labels.hunter2 (key)", "hunter2"),
        ]
    );
}

#[test]
fn finds_a_value_escaped_inside_a_logged_json_string() {
    // A body logged as a string, itself JSON: the quote of the password is escaped.
    let password = r#"pa"ss\word9"#;
    let body = json!({ "password": password }).to_string();
    let lines = [json!({"http": {"request": {"body": {"content": body}}}})];
    assert_eq!(
        find_leaks(&lines, &[password]),
        [leak(0, "http.request.body.content", password)]
    );
}

#[test]
fn a_short_value_matches_only_as_a_whole_word() {
    let innocent = [json!({
        "@timestamp": "2025-01-13T10:30:00.123Z",
        "extra": {
            "created_at": "2025-01-13T10:30:00.123Z",
            "token": "tok_a123b",
            "card": "411111******1123",
            "order": "A1234",
            "count": 1234,
            "id": "x123",
        },
        "trace": {"id": "0af7651916cd43dd8448eb211c801230"},
    })];
    assert_eq!(find_leaks(&innocent, &["123"]), []);

    let leaking = [json!({
        "message": "cvv=123",
        "extra": {"cvv": "123", "n": 123, "list": "[123]", "sentence": "code 123."},
    })];
    let paths: Vec<String> = sorted(find_leaks(&leaking, &["123"]))
        .into_iter()
        .map(|l| l.path)
        .collect();
    assert_eq!(
        paths,
        [
            "extra.cvv",
            "extra.list",
            "extra.n",
            "extra.sentence",
            "message"
        ]
    );

    // From 4 characters on, a value matches inside a longer word too.
    assert_eq!(
        find_leaks(&[json!({"extra": {"order": "A1234"}})], &["1234"]),
        [leak(0, "extra.order", "1234")]
    );
}

#[test]
fn empty_and_repeated_planted_values() {
    let lines = [json!({"message": "hunter2"})];
    assert_eq!(find_leaks(&lines, &[""]), []);
    assert_eq!(
        find_leaks(&lines, &["hunter2", "hunter2"]),
        [leak(0, "message", "hunter2")]
    );
}

#[test]
fn assert_no_leaks_lists_every_leak() {
    let lines = [
        json!({"message": "ok"}),
        json!({"message": "pw hunter2", "extra": {"cvv": "737"}}),
    ];
    assert_no_leaks(&lines[..1], &["hunter2", "737"]);
    let err = catch_unwind(AssertUnwindSafe(|| {
        assert_no_leaks(&lines, &["hunter2", "737"])
    }))
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.starts_with("2 planted value(s) leaked"), "{msg}");
    assert!(msg.contains(r#"line 1, message: "hunter2""#), "{msg}");
    assert!(msg.contains(r#"line 1, extra.cvv: "737""#), "{msg}");
    assert!(msg.contains("line 1: {"), "{msg}");
}

#[test]
fn the_default_masker_leaks_nothing_of_a_login() {
    let lines = capture(|| {
        log::info!(user = "alice", password = "hunter2"; "login");
        ecsctx::event!(
            info,
            "card_checked",
            card_number = "4111111111111111",
            cvv = 737
        );
    });
    assert_eq!(lines.len(), 2);
    assert_no_leaks(&lines, &["hunter2", "4111111111111111", "737"]);
}

// === the recipe: generated secrets through the service's code path ===
//
// Copy this into a service: replace `checkout` with the code that logs (a handler, a
// client, a job), generate the secrets it handles, capture, assert. Cases: proptest's
// default (256), `PROPTEST_CASES` to change.

/// The service's code path under test: here, what a checkout handler logs.
fn checkout(user: &str, password: &str, card: &str, cvv: &str) {
    log::info!(user = user, password = password; "login");
    // Amounts of 2 digits: a 3- or 4-digit CVV can never be found in them by chance.
    let body = json!({"card": {"number": card, "cvv": cvv}, "amount": 25});
    log::info!(request:serde = body, body = body.to_string().as_str(); "gateway_request");
    ecsctx::event!(
        info,
        "card_authorized",
        card_number = card,
        cvv = cvv,
        amount = 25,
        currency = "KWD"
    );
}

/// A Luhn-valid 16-digit Visa test number.
fn card() -> impl Strategy<Value = String> {
    "4[0-9]{14}".prop_map(|body| {
        let sum: u32 = body
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            })
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    })
}

proptest! {
    #[test]
    fn checkout_logs_never_carry_a_secret(
        password in "[A-Za-z][A-Za-z0-9!$%^*_+~.-]{8,18}[0-9]",
        cvv in "[0-9]{3,4}",
        card in card(),
    ) {
        // The masked card keeps the first 6 and last 4 digits (PCI allows it): a CVV
        // that is part of the card number would be found there, rightly but uselessly.
        prop_assume!(!card.contains(cvv.as_str()));
        let lines = capture(|| checkout("alice", &password, &card, &cvv));
        prop_assert_eq!(lines.len(), 3);
        assert_no_leaks(&lines, &[&password, &cvv, &card]);
        let masked = format!("{}******{}", &card[..6], &card[12..]);
        let event: &Value = &lines[2];
        prop_assert_eq!(event["extra"]["card_number"].as_str(), Some(masked.as_str()));
    }
}
