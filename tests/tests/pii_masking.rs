//! The masker on whole documents: the reference README's dry run, ECS fields, redaction,
//! idempotency, configuration, and a property test that no generated PII survives.

mod pii_common;

use ecsctx::pii::{Config, Keyset, Pii, PiiMasker};
use pii_common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

fn masker() -> (Pii, PiiMasker) {
    let p = pii("prod");
    (p.clone(), PiiMasker::new().with_pii(p))
}

#[test]
fn reference_readme_dry_run() {
    let (p, m) = masker();
    let doc = json!({
        "message": "payment processed",
        "extra": {"customer_name": "John Doe", "email": "john@example.com", "amount": 100,
                  "gateway_name": "knet"}
    });
    let out = mask_doc(&m, &doc);
    assert_dry_run(&out["extra"], &p);
    assert_eq!(out["message"], "payment processed");
}

#[test]
fn whole_document() {
    let (p, m) = masker();
    let doc = json!({
        "service": {"name": "checkout"},
        "host": {"name": "web-1", "hostname": "web-1.internal"},
        "log": {"logger": "app.payments"},
        "event": {"action": "charge"},
        "client": {"address": "10.0.0.7", "user": {"email": "Ann@Example.org", "name": "ann"}},
        "user": {"name": "jdoe", "full_name": "Jane Doe", "email": "jane@example.com", "id": "u-1"},
        "url": {"domain": "shop.example.com"},
        "labels": {"region": "kw", "customer_phone": "+965 5555 1234"},
        "headers": {"Authorization": "Bearer abcdefghijklmnop1234", "Cookie": "session=abc"},
        "http": {"request": {"headers": {"x-api-key": "k-1234567890"},
                 "body": {"content": "call me at +1 (555) 123-4567 or mail bob@example.com"}}},
        "payload": {"items": [{"phone": "+96555551234", "sku": "A-1"}],
                    "card": "4111 1111 1111 1111", "note": "paid with 5500-0000-0000-0004",
                    "order_id": "ORD-2024-01-01", "when": "2024-01-01 12:00:00",
                    "trace": "4bf92f3577b34da6a3ce929d0e0e4736",
                    "uuid": "550e8400-e29b-41d4-a716-446655440000"},
        "error": {"type": "ValueError", "message": "bad email x@y.io"}
    });
    let out = mask_doc(&m, &doc);
    assert_eq!(out["service"]["name"], "checkout");
    assert_eq!(out["host"], doc["host"]);
    assert_eq!(out["log"], doc["log"]);
    assert_eq!(out["event"], doc["event"]);
    assert_eq!(out["client"]["address"], "10.0.0.7");
    assert_eq!(
        out["client"]["user"]["email"],
        p.tokenize("ann@example.org", "email").unwrap()
    );
    assert_eq!(
        out["user"]["full_name"],
        p.tokenize("Jane Doe", "generic").unwrap()
    );
    assert_eq!(
        out["user"]["email"],
        p.tokenize("jane@example.com", "email").unwrap()
    );
    assert_eq!(out["user"]["id"], "u-1");
    assert_eq!(out["url"], doc["url"]);
    assert_eq!(out["labels"]["region"], "kw");
    assert_eq!(
        out["labels"]["customer_phone"],
        p.tokenize("+96555551234", "phone").unwrap()
    );
    assert_eq!(out["headers"]["Authorization"], "Bearer abcd****1234");
    assert_eq!(out["headers"]["Cookie"], "****");
    assert_eq!(out["http"]["request"]["headers"]["x-api-key"], "****");
    let body = out["http"]["request"]["body"]["content"].as_str().unwrap();
    assert_eq!(
        body,
        format!(
            "call me at {} or mail {}",
            p.tokenize("+15551234567", "phone").unwrap(),
            p.tokenize("bob@example.com", "email").unwrap()
        )
    );
    assert_eq!(
        out["payload"]["items"][0]["phone"],
        p.tokenize("+96555551234", "phone").unwrap()
    );
    assert_eq!(out["payload"]["items"][0]["sku"], "A-1");
    assert_eq!(out["payload"]["card"], "411111******1111");
    assert_eq!(out["payload"]["note"], "paid with 550000******0004");
    for k in ["order_id", "when", "trace", "uuid"] {
        assert_eq!(out["payload"][k], doc["payload"][k], "{k} is not PII");
    }
    assert_eq!(out["error"]["type"], "ValueError");
    assert_eq!(
        out["error"]["message"],
        format!("bad email {}", p.tokenize("x@y.io", "email").unwrap())
    );
}

#[test]
fn redacted_when_unconfigured_and_idempotent() {
    // No process-wide configuration in this test binary (and no PII_* variables):
    // tokens become [PII_REDACTED], never plaintext.
    if std::env::var_os("PII_PROVIDER").is_some()
        || std::env::var_os("PII_TOKEN_KEYSET_PATH").is_some()
    {
        eprintln!("PII_* variables are set: skipping the unconfigured check");
        return;
    }
    let m = PiiMasker::new();
    let out = mask_doc(
        &m,
        &json!({"extra": {"customer_name": "John Doe",
        "note": "mail john@example.com", "card": "4111111111111111"}}),
    );
    assert_eq!(out["extra"]["customer_name"], "[PII_REDACTED]");
    assert_eq!(out["extra"]["note"], "mail [PII_REDACTED]");
    assert_eq!(out["extra"]["card"], "411111******1111");

    // A file keyset that is missing is "unavailable": redacted too.
    let missing = Pii::new(Config::file("/nonexistent/ecsctx/token.json")).unwrap();
    let m = PiiMasker::new().with_pii(missing);
    assert_eq!(m.mask("extra.email", "john@example.com"), "[PII_REDACTED]");

    // Masking a masked document changes nothing.
    let (_, m) = masker();
    let doc = json!({"extra": {"customer_name": "John Doe", "note": "mail john@example.com, call +965 5555 1234",
        "card": "4111 1111 1111 1111", "secret": "penc:v1:rk1:QEFCQ0RFRkdISUpLiDvV734yqm4SdyhJ6Do9Fz3t8u4Q7SFyYjfVU1PjUyKeD2PP"},
        "headers": {"authorization": "Bearer abcdefghijklmnop1234"}});
    let once = mask_doc(&m, &doc);
    assert_eq!(mask_doc(&m, &once), once);
    assert_eq!(once["extra"]["secret"], doc["extra"]["secret"]);
}

#[test]
fn configuration_in_code_and_env() {
    let p = pii("prod");
    let m = PiiMasker::new()
        .with_pii(p.clone())
        .with_sensitive_keys(["iban"])
        .with_safe_keys(["product_name"])
        .unwrap()
        .with_exempt_paths(["payload.items.[].*", "extra.*.name"]);
    let out = mask_doc(
        &m,
        &json!({
            "extra": {"IBAN": "KW81CBKU0000000000001234560101", "product_name": "Shoes",
                      "merchant": {"name": "ACME"}, "customer_name": "John"},
            "payload": {"items": [{"name": "Shoes", "owner_name": "Ann <ann@example.com>"}]}
        }),
    );
    assert_eq!(
        out["extra"]["IBAN"],
        p.tokenize("KW81CBKU0000000000001234560101", "generic")
            .unwrap()
    );
    assert_eq!(out["extra"]["product_name"], "Shoes");
    assert_eq!(out["extra"]["merchant"]["name"], "ACME");
    assert_eq!(
        out["extra"]["customer_name"],
        p.tokenize("John", "generic").unwrap()
    );
    assert_eq!(out["payload"]["items"][0]["name"], "Shoes");
    // Exempt from key-based masking, but the email inside is still scrubbed.
    assert_eq!(
        out["payload"]["items"][0]["owner_name"],
        format!("Ann <{}>", p.tokenize("ann@example.com", "email").unwrap())
    );

    std::env::set_var("ECSCTX_MASK_SENSITIVE_KEYS", "iban, passport");
    std::env::set_var("ECSCTX_MASK_SAFE_KEYS", "product_name");
    std::env::set_var("ECSCTX_MASK_EXEMPT_PATHS", "payload.items.[].*");
    let m = PiiMasker::from_env().with_pii(p.clone());
    let out = mask_doc(
        &m,
        &json!({"extra": {"passport_no": "K1234567", "product_name": "Shoes"},
        "payload": {"items": [{"name": "Shoes"}]}}),
    );
    assert_eq!(
        out["extra"]["passport_no"],
        // A national id: the `ssn` token, as the newer Python package writes it.
        p.tokenize("K1234567", "ssn").unwrap()
    );
    assert_eq!(out["extra"]["product_name"], "Shoes");
    assert_eq!(out["payload"]["items"][0]["name"], "Shoes");
}

#[test]
fn keys_that_are_pii() {
    let (p, m) = masker();
    let out = mask_doc(
        &m,
        &json!({"extra": {"john@example.com": 1, "4111111111111111": 2, "plain": 3}}),
    );
    let keys: Vec<&String> = out["extra"].as_object().unwrap().keys().collect();
    assert!(keys.contains(&&p.tokenize("john@example.com", "email").unwrap()));
    assert!(keys.contains(&&"411111******1111".to_owned()));
    assert!(keys.contains(&&"plain".to_owned()));
}

#[test]
fn unicode_phone_and_email() {
    let (p, m) = masker();
    let v = "اتصل +٩٦٥ ٥٥٥٥ ١٢٣٤ أو Élodie@Exemple.fr";
    let out = m.mask("message", v);
    assert_eq!(
        out,
        format!(
            "اتصل {} أو {}",
            p.tokenize("+٩٦٥ ٥٥٥٥ ١٢٣٤", "phone").unwrap(),
            p.tokenize("élodie@exemple.fr", "email").unwrap()
        )
    );
}

// === property test ===

fn luhn_complete(prefix: &[u32]) -> Vec<u32> {
    // Append the check digit that makes the number Luhn-valid.
    let mut sum = 0;
    for (i, d) in prefix.iter().rev().enumerate() {
        sum += if i % 2 == 0 {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            *d
        };
    }
    let mut v = prefix.to_vec();
    v.push((10 - sum % 10) % 10);
    v
}

#[derive(Debug, Clone)]
enum Gen {
    Email(String),
    Phone(String),
    Card(String, String),
    Name(String),
}

fn email() -> impl Strategy<Value = Gen> {
    (
        "[a-z][a-z0-9._+-]{0,10}[a-z0-9]",
        "[a-z][a-z0-9-]{0,8}[a-z]",
        "(com|org|io|co\\.uk|net)",
        any::<bool>(),
    )
        .prop_map(|(l, d, t, up)| {
            let e = format!("{l}@{d}.{t}");
            Gen::Email(if up { e.to_uppercase() } else { e })
        })
}

fn phone() -> impl Strategy<Value = Gen> {
    (
        prop::bool::ANY,
        "[1-9][0-9]{2}",
        "[0-9]{4}",
        "[0-9]{4}",
        prop::sample::select(vec![" ", "-", ""]),
    )
        .prop_map(|(plus, a, b, c, sep)| {
            Gen::Phone(format!(
                "{}{a}{sep}{b}{sep}{c}",
                if plus { "+" } else { "" }
            ))
        })
}

fn card() -> impl Strategy<Value = Gen> {
    (
        prop::collection::vec(0u32..10, 12..18),
        prop::sample::select(vec![" ", "-", ""]),
    )
        .prop_map(|(mut digits, sep)| {
            digits[0] = 4;
            let d = luhn_complete(&digits);
            let plain: String = d
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap())
                .collect();
            let grouped: Vec<String> = plain
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect();
            Gen::Card(plain, grouped.join(sep))
        })
}

fn name() -> impl Strategy<Value = Gen> {
    ("[A-Z][a-z]{3,8}", "[A-Z][a-z]{3,10}").prop_map(|(f, l)| Gen::Name(format!("{f} {l}")))
}

fn any_pii() -> impl Strategy<Value = Gen> {
    prop_oneof![email(), phone(), card(), name()]
}

/// Places a value in a random spot of a document: under a sensitive key, inside a free
/// text (message, label, header, nested arrays), or as a key.
fn place(doc: &mut Value, item: &Gen, spot: u8, filler: &str) {
    let text = match item {
        Gen::Email(s) | Gen::Phone(s) | Gen::Name(s) => s.clone(),
        Gen::Card(_, g) => g.clone(),
    };
    // A comma after the filler: digits right after an id, time or count word
    // (`pid 10000000000`, `order 12345678`) are that by design, not a phone.
    let sentence = format!("{filler}, {text} {filler}");
    let is_name = matches!(item, Gen::Name(_));
    match spot % 7 {
        0 => doc["extra"]["customer_name"] = json!(text),
        1 => doc["labels"]["recipient"] = json!(text),
        2 => doc["payload"]["items"] = json!([{"contact": {"mobile": [text]}}]),
        3 => doc["headers"]["x-shipping-address"] = json!(text),
        4 if !is_name => doc["message"] = json!(sentence),
        5 if !is_name => doc["payload"]["notes"] = json!([[sentence]]),
        6 if !is_name => {
            doc["extra"]["by_key"] = json!({ text: 1 });
        }
        _ => doc["user"]["full_name"] = json!(text),
    }
}

fn leaks(out: &str, item: &Gen) -> Option<String> {
    match item {
        Gen::Email(e) => out
            .to_lowercase()
            .contains(&e.to_lowercase())
            .then(|| e.clone()),
        Gen::Phone(p) => {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            let squeezed: String = out.chars().filter(char::is_ascii_digit).collect();
            (out.contains(p.as_str()) || squeezed.contains(&digits)).then(|| p.clone())
        }
        Gen::Card(plain, grouped) => {
            let squeezed: String = out.chars().filter(char::is_ascii_digit).collect();
            (out.contains(grouped.as_str()) || squeezed.contains(plain.as_str()))
                .then(|| plain.clone())
        }
        Gen::Name(n) => out.contains(n.as_str()).then(|| n.clone()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_generated_pii_survives(
        items in prop::collection::vec((any_pii(), any::<u8>()), 1..4),
        filler in "[a-z ]{0,12}",
    ) {
        let p = pii("prod");
        let m = PiiMasker::new().with_pii(p);
        let mut doc = json!({"@timestamp": "2024-01-01T00:00:00.000Z", "log.level": "info",
            "message": "checkout", "service": {"name": "checkout"}, "extra": {}, "labels": {},
            "payload": {}, "headers": {}, "user": {}});
        for (item, spot) in &items {
            place(&mut doc, item, *spot, &filler);
        }
        let out = mask_doc(&m, &doc);
        let text = serde_json::to_string(&out).unwrap();
        // Still a JSON document, with the ECS fields it had.
        let back: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back["service"]["name"], "checkout");
        prop_assert_eq!(&back["@timestamp"], "2024-01-01T00:00:00.000Z");
        // Only the fields that were not overwritten by later items must be clean; check the
        // whole output for every item that is still placed.
        let placed_text = serde_json::to_string(&doc).unwrap();
        for (item, _) in &items {
            if leaks(&placed_text, item).is_some() {
                prop_assert!(leaks(&text, item).is_none(), "leaked {:?} in {}", item, text);
            }
        }
    }
}

#[test]
fn masker_with_file_keysets() {
    // A masker configured through a keyset file sees the same tokens.
    let dir = std::env::temp_dir().join(format!("ecsctx-pii-mask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token.json");
    std::fs::write(&path, TOKEN_KEYSET).unwrap();
    let from_file = Pii::new(Config::file(&path).with_env("prod")).unwrap();
    let inline = Pii::new(
        Config::keysets(
            Keyset::parse_token(TOKEN_KEYSET.as_bytes(), "inline").unwrap(),
            None,
        )
        .with_env("prod"),
    )
    .unwrap();
    let m = PiiMasker::new().with_pii(from_file);
    assert_eq!(
        m.mask("extra.email", "a@b.io"),
        inline.tokenize("a@b.io", "email").unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
