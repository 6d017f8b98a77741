//! The default logger masks every line: foreign messages (literal or formatted), fields
//! and bound context; `event!` names are static and left as they are.

use ecsctx::context::{self, Fields};
use ecsctx::event;

#[test]
fn foreign_messages_are_masked_event_names_are_not() {
    let lines = ecsctx::testing::capture(|| {
        log::warn!("refund to john@example.com failed");
        log::warn!("card {} declined", "4111 1111 1111 1111");
        event!(
            info,
            "payment_processed",
            customer_email = "john@example.com"
        );
        let _g = context::bind(Fields::new().with("customer_name", "John Doe"));
        log::info!(note = "call +96512345678"; "bound");
    });
    let text: String = lines.iter().map(|l| l.to_string()).collect();
    for secret in [
        "john@example.com",
        "4111 1111 1111 1111",
        "4111111111111111",
        "John Doe",
        "96512345678",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(lines[2]["message"], "payment_processed");
    assert!(
        lines[1]["message"].as_str().unwrap().contains("411111"),
        "{}",
        lines[1]
    );
    assert!(lines[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("refund to "));
}
