//! End to end: lines written by the real logger with the PII masker installed.
//!
//! The masker is installed explicitly with `Builder::with_masker`, with an in-memory
//! keyset (the default masker, `PiiMasker::from_env()`, would need `PII_*` variables).

mod pii_common;

use std::sync::{Arc, OnceLock};

use ecsctx::context::{self, Fields};
use ecsctx::pii::{Pii, PiiMasker};
use ecsctx::testing::capture;
use pii_common::*;
use proptest::prelude::*;
use serde_json::Value;

fn setup() -> &'static Pii {
    static PII: OnceLock<Pii> = OnceLock::new();
    PII.get_or_init(|| {
        let p = pii("prod");
        let masker = PiiMasker::new().with_pii(p.clone());
        ecsctx::Builder::new()
            .with_filter("trace")
            .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
            .with_masker(Some(Arc::new(masker)))
            .try_init()
            .expect("the first logger of this test binary");
        p
    })
}

#[test]
fn reference_readme_dry_run_through_the_logger() {
    let p = setup();
    let lines = capture(|| {
        log::info!(customer_name = "John Doe", email = "john@example.com", amount = 100,
                   gateway_name = "knet"; "payment_processed");
    });
    assert_dry_run(&lines[0]["extra"], p);
}

#[test]
fn foreign_message_bound_context_and_ecs_fields() {
    let p = setup();
    let lines = capture(|| {
        let _g = context::bind(
            Fields::new()
                .with("customer_email", "Ann@Example.org")
                .with("labels.recipient", "Bob Smith")
                .with("user.email", "jane@example.com"),
        );
        let (email, phone, card) = ("john@example.com", "+965 5555 1234", "4111-1111-1111-1111");
        // A runtime-formatted foreign message (a literal without arguments is written as is
        // by the renderer: it holds no runtime data).
        log::warn!(target: "gateway::client", card = "4111 1111 1111 1111";
                   "charge failed for {email}, phone {phone}, card {card}");
    });
    let l = &lines[0];
    let text = serde_json::to_string(l).unwrap();
    for plain in [
        "john@example.com",
        "5555 1234",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "Ann@Example.org",
        "Bob Smith",
        "jane@example.com",
    ] {
        assert!(!text.contains(plain), "{plain} leaked: {text}");
    }
    assert_eq!(
        l["message"],
        format!(
            "charge failed for {}, phone {}, card 411111******1111",
            p.tokenize("john@example.com", "email").unwrap(),
            p.tokenize("+965 5555 1234", "phone").unwrap()
        )
    );
    assert_eq!(l["extra"]["card"], "411111******1111");
    assert_eq!(l["log"]["logger"], "gateway::client");
    assert_eq!(
        l["extra"]["customer_email"],
        p.tokenize("ann@example.org", "email").unwrap()
    );
    assert_eq!(
        l["user"]["email"],
        p.tokenize("jane@example.com", "email").unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random emails, phones and names in messages and fields of real log lines never show
    /// in plain text, and every line is still JSON with its ECS header.
    #[test]
    fn logged_pii_never_appears(
        local in "[a-z][a-z0-9.]{0,8}[a-z0-9]",
        domain in "[a-z]{2,9}\\.(com|org|io)",
        phone in "\\+[1-9][0-9]{2} [0-9]{4} [0-9]{4}",
        name in "[A-Z][a-z]{3,8} [A-Z][a-z]{3,9}",
        spot in 0u8..4,
    ) {
        setup();
        let email = format!("{local}@{domain}");
        let lines = capture(|| match spot {
            0 => log::info!(customer_name = name.as_str(), contact_email = email.as_str(); "signup"),
            1 => log::info!(target: "other", "signup {} {} {}", email, phone, "ok"),
            2 => log::info!(note = format!("call {phone} or write {email}").as_str(),
                            billing_name = name.as_str(); "note"),
            _ => {
                let _g = context::bind(Fields::new().with("recipient", name.as_str())
                    .with("labels.phone", phone.as_str()));
                log::info!(email = email.as_str(); "bound");
            }
        });
        prop_assert_eq!(lines.len(), 1);
        let text = serde_json::to_string(&lines[0]).unwrap();
        prop_assert!(!text.contains(&email), "{}", text);
        prop_assert!(!text.contains(&phone), "{}", text);
        if spot != 1 {
            prop_assert!(!text.contains(&name), "{}", text);
        }
        prop_assert!(matches!(lines[0]["@timestamp"], Value::String(_)));
        prop_assert!(lines[0]["log.level"].is_string() || lines[0]["log"]["level"].is_string());
    }
}
