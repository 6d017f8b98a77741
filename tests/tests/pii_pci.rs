//! PCI-grade masking, end to end: what a service logs through `log` records and
//! `event!` (fields, messages, nested serde payloads, arrays, labels, bound context)
//! and exactly what reaches the line, with the default masker and a token keyset
//! configured process-wide (env `test`).
//!
//! Expected tokens come from `Pii::tokenize(value, field_type)`, so an analyst can find
//! a masked value again by tokenizing it.

mod pii_common;

use std::sync::{Arc, OnceLock};

use ecsctx::context::{self, Fields};
use ecsctx::mask::Masker;
use ecsctx::pii::{Config, Labels, Pack, Pii, PiiMasker};
use ecsctx::testing::capture;
use ecsctx::{bind, event, EcsLogger};
use serde_json::{json, Value};

// === setup ===

/// The process-wide PII configuration (token keyset, env `test`) and the installed
/// logger with its default masker. Every test calls this first.
fn setup() -> &'static Pii {
    static PII: OnceLock<Pii> = OnceLock::new();
    PII.get_or_init(|| {
        let p = Pii::new(Config::keysets(pii_common::token_keyset(), None).with_env("test"))
            .expect("token keyset");
        ecsctx::pii::configure_with(p.clone());
        ecsctx::Builder::new()
            .with_filter("trace")
            .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
            .try_init()
            .expect("the first logger of this test binary");
        p
    })
}

/// The token an analyst computes for `value` as `field_type`.
fn tok(value: &str, field_type: &str) -> String {
    setup().tokenize(value, field_type).unwrap()
}

/// The `secret` token of a credential.
fn sec(value: &str) -> String {
    tok(value, "secret")
}

fn one(lines: Vec<Value>) -> Value {
    assert_eq!(lines.len(), 1, "{lines:#?}");
    lines.into_iter().next().unwrap()
}

/// A logger that is not installed, with another masker; its lines go to the capture of
/// the test that calls it (`log::info!(logger: &l, …)`).
fn side_logger(masker: Option<Arc<dyn Masker>>) -> EcsLogger {
    ecsctx::Builder::new()
        .with_filter("trace")
        .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
        .with_masker(masker)
        .build()
}

/// A PII instance whose keyset is unavailable: masking writes labels, never plaintext.
fn no_keyset() -> Pii {
    Pii::new(Config::file("/nonexistent/ecsctx/pii_pci/token.json")).unwrap()
}

/// Runs `input` through every text route a service uses — a formatted `log` message, a
/// neutral `log` field, a neutral `event!` field, a nested serde payload inside an array
/// — and checks each comes out as `expected`.
#[track_caller]
fn check_text(input: &str, expected: &str) {
    setup();
    let lines = capture(|| {
        log::info!("{}", input);
        log::info!(note = input; "text_in_field");
        event!(info, "text_in_event", note = input);
        log::info!(payload:serde = json!({"deep": {"list": [input]}}); "text_in_payload");
    });
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(lines[0]["message"], expected, "log message of {input:?}");
    assert_eq!(
        lines[1]["extra"]["note"], expected,
        "log field of {input:?}"
    );
    assert_eq!(
        lines[2]["extra"]["note"], expected,
        "event! field of {input:?}"
    );
    assert_eq!(
        lines[3]["payload"]["deep"]["list"][0], expected,
        "nested payload of {input:?}"
    );
}

/// Runs `input` through a formatted `log` message, a neutral `log` field and a neutral
/// `event!` field, and checks that `secret` is in none of the lines (for inputs whose
/// masked form depends on more than the secret: labels, a whole header value).
#[track_caller]
fn check_hidden(input: &str, secret: &str) {
    setup();
    let lines = capture(|| {
        log::info!("{}", input);
        log::info!(note = input; "text_in_field");
        event!(info, "text_in_event", note = input);
    });
    assert_eq!(lines.len(), 3, "{lines:#?}");
    for l in &lines {
        assert!(!l.to_string().contains(secret), "{input:?} leaked: {l}");
    }
}

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

const PEM_BODY: [&str; 3] = [
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
    "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
    "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ",
];

fn pem(label: &str, eol: &str) -> String {
    format!(
        "-----BEGIN {label}-----{eol}{}{eol}-----END {label}-----",
        PEM_BODY.join(eol)
    )
}

// === the issue's examples ===

#[test]
fn password_in_a_formatted_message() {
    setup();
    let pw = "c0rrect-h0rse!#$%";
    let lines = capture(|| log::warn!("login failed for bob password={} retry", pw));
    assert_eq!(
        one(lines)["message"],
        format!("login failed for bob password={} retry", sec(pw))
    );
}

#[test]
fn password_field_of_a_record_and_an_event() {
    setup();
    let pw = "S3cr3t!pass word";
    let lines = capture(|| {
        log::info!(password = pw, user = "bob"; "login_attempt");
        event!(info, "login_attempt", password = pw, login = "bob");
    });
    assert_eq!(lines[0]["extra"]["password"], sec(pw), "{}", lines[0]);
    // A string `user` (not the ECS field set) is kept under `extra`.
    assert_eq!(lines[0]["extra"]["user"], "bob", "{}", lines[0]);
    assert_eq!(lines[1]["extra"]["password"], sec(pw), "{}", lines[1]);
    assert_eq!(lines[1]["extra"]["login"], "bob", "{}", lines[1]);
}

#[test]
fn card_tokenize_request_payload() {
    setup();
    let pan = "4111111111111111";
    let lines = capture(|| {
        log::info!(payload:serde = json!({"card":{"number":pan,"cvv":"085"}}); "card_tokenize_request");
        event!(info, "card_tokenize_request", payload:serde = json!({"card":{"number":pan,"cvv":"085"}}));
    });
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(
            l["payload"],
            json!({"card": {"number": "411111******1111", "cvv": "[CVV-MASKED]"}}),
            "{l}"
        );
    }
}

#[test]
fn kpay_xml_request_payload() {
    setup();
    let xml = "<Auth><cardNumber>4111111111111111</cardNumber><cvv>013</cvv><password>pw</password></Auth>";
    let expected = format!(
        "<Auth><cardNumber>411111******1111</cardNumber><cvv>[CVV-MASKED]</cvv><password>{}</password></Auth>",
        sec("pw")
    );
    let lines = capture(|| {
        log::info!(payload = xml; "kpay_request");
        event!(info, "kpay_request", payload = xml);
    });
    for l in &lines {
        assert_eq!(l["payload"], expected, "{l}");
    }
    check_text(xml, &expected);
}

#[test]
fn posted_form_body() {
    setup();
    let body = "card_number=4111111111111111&cvv=554&api_key=sk_live_abc";
    let expected = format!(
        "card_number=411111******1111&cvv=[CVV-MASKED]&api_key={}",
        sec("sk_live_abc")
    );
    let lines = capture(|| {
        log::info!(body = body; "form_posted");
        event!(info, "form_posted", body = body);
    });
    for l in &lines {
        assert_eq!(l["extra"]["body"], expected, "{l}");
    }
    check_text(body, &expected);
}

#[test]
fn authorization_bearer_jwt_in_a_message() {
    setup();
    let msg = format!("gateway replied: Authorization: Bearer {JWT}");
    let lines = capture(|| log::info!("{}", msg));
    let expected = format!(
        "gateway replied: Authorization: {}",
        sec(&format!("Bearer {JWT}"))
    );
    assert_eq!(one(lines)["message"], expected);
    check_text(&msg, &expected);
}

#[test]
fn private_key_in_a_config_field() {
    setup();
    let config = pem("PRIVATE KEY", "\n");
    let expected = tok(&PEM_BODY.concat(), "pem_key");
    let lines = capture(|| {
        log::error!(config = config.as_str(); "tls_config_loaded");
        event!(error, "tls_config_loaded", config = config.as_str());
    });
    for l in &lines {
        assert_eq!(l["extra"]["config"], expected, "{l}");
    }
}

#[test]
fn atm_pin_and_pin_block() {
    setup();
    let lines = capture(|| {
        log::info!(payload:serde = json!({"pin":"8674","pinBlock":"0412AC56FF0011AA"}); "atm_request");
        event!(info, "atm_request", payload:serde = json!({"pin":"8674","pinBlock":"0412AC56FF0011AA"}));
    });
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(
            l["payload"],
            json!({"pin": "[SAD-MASKED]", "pinBlock": "[SAD-MASKED]"}),
            "{l}"
        );
    }
}

// === credentials by key ===

#[test]
fn credential_keys_become_secret_tokens() {
    setup();
    let v = "Zx9!vQ2#kL7$";
    let keys = [
        "password",
        "PASSWORD",
        "user_password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "client_secret",
        "Client_Secret",
        "access_token",
        "refresh_token",
        "accessToken",
        "id_token",
        "credentials",
        "stripe_api_key",
        "merchantApiKey",
        "private_key",
        "secret_key",
        "hmac_key",
        "session_key",
        "access_code",
    ];
    let mut payload = serde_json::Map::new();
    for k in keys {
        payload.insert(k.to_owned(), json!(v));
    }
    let payload = Value::Object(payload);
    let deep = json!({"gateway": {"merchant": {"auth": payload.clone()}}});
    let lines = capture(|| {
        log::info!(payload:serde = payload; "credentials");
        event!(info, "credentials", payload:serde = deep);
    });
    for k in keys {
        assert_eq!(lines[0]["payload"][k], sec(v), "{k}: {}", lines[0]);
        assert_eq!(
            lines[1]["payload"]["gateway"]["merchant"]["auth"][k],
            sec(v),
            "deep {k}: {}",
            lines[1]
        );
    }
}

#[test]
fn credential_value_is_stripped_before_tokenizing() {
    setup();
    let lines = capture(|| {
        log::info!(client_secret = "  cs_live_51Hx  \n"; "stripped");
        event!(info, "stripped", client_secret = "  cs_live_51Hx  \n");
    });
    for l in &lines {
        assert_eq!(l["extra"]["client_secret"], sec("cs_live_51Hx"), "{l}");
    }
}

#[test]
fn credential_look_alike_keys_are_kept() {
    setup();
    let lines = capture(|| {
        log::info!(token_type = "Bearer", max_tokens = 1024, tokenizer = "bpe",
                   cvv_required = true, cvvResult = "M", track_id = "TRK-77"; "lookalikes");
        event!(
            info,
            "lookalikes",
            token_type = "Bearer",
            max_tokens = 1024,
            cvv_required = true,
            cvvResult = "M",
            track_id = "TRK-77"
        );
    });
    for l in &lines {
        let e = &l["extra"];
        assert_eq!(e["token_type"], "Bearer", "{l}");
        assert_eq!(e["max_tokens"], 1024, "{l}");
        assert_eq!(e["cvv_required"], true, "{l}");
        assert_eq!(e["cvvResult"], "M", "{l}");
        assert_eq!(e["track_id"], "TRK-77", "{l}");
    }
    assert_eq!(lines[0]["extra"]["tokenizer"], "bpe");
}

#[test]
fn reference_header_keys_keep_the_partial_form() {
    setup();
    let headers = json!({
        "Authorization": "Bearer abcdefghijklmnop1234",
        "Proxy-Authorization": "Basic dXNlcjpwYXNzd29yZA==",
        "api-key": "k-1234567890",
        "X-API-Key": "sk_live_abcdefgh12345678",
        "api_key": "abcdefghijkl",
        "apikey": "0123456789abcdef",
        "Cookie": "session=abc; theme=dark",
        "set-cookie": "sid=xyz; HttpOnly",
        "Accept": "application/json",
    });
    let want = json!({
        "Authorization": "Bearer abcd****1234",
        // Not the reference's `Basic dXNl****ZA==`: a Basic credential's tail is the
        // password's tail, so none of it is shown.
        "Proxy-Authorization": "Basic ****",
        // Fewer than 12 characters would stay hidden: masked whole (the reference
        // shows `k-12****7890`, 8 of 12).
        "api-key": "****",
        "X-API-Key": "sk_l****5678",
        "api_key": "****",
        "apikey": "****",
        "Cookie": "****",
        "set-cookie": "****",
        "Accept": "application/json",
    });
    let nested = json!({"request": {"headers": headers.clone()}});
    let lines = capture(|| {
        log::info!(headers:serde = headers; "outbound_call");
        event!(info, "outbound_call", gateway:serde = nested);
        log::info!(authorization = "Bearer abcdefghijklmnop1234", "x-api-key" = "k-1234567890",
                   cookie = "sid=1"; "flat_headers");
    });
    assert_eq!(lines[0]["headers"], want, "{}", lines[0]);
    assert_eq!(
        lines[1]["extra"]["gateway"]["request"]["headers"], want,
        "{}",
        lines[1]
    );
    let e = &lines[2]["extra"];
    assert_eq!(e["authorization"], "Bearer abcd****1234", "{}", lines[2]);
    assert_eq!(e["x-api-key"], "****", "{}", lines[2]);
    assert_eq!(e["cookie"], "****", "{}", lines[2]);
}

// === CVV and other sensitive authentication data ===

#[test]
fn cvv_keys_are_always_labelled() {
    setup();
    let keys = [
        "cvv",
        "CVV",
        "cvc",
        "cvv2",
        "securityCode",
        "security_code",
        "card_code",
        "vpc_CardSecurityCode",
        "card_cvv",
    ];
    let mut payload = serde_json::Map::new();
    for k in keys {
        payload.insert(k.to_owned(), json!("085"));
    }
    let payload = Value::Object(payload);
    let lines = capture(|| {
        log::info!(payload:serde = payload; "cvv_keys");
        event!(info, "cvv_keys", payment:serde = json!({"source": payload.clone()}));
    });
    for k in keys {
        assert_eq!(lines[0]["payload"][k], "[CVV-MASKED]", "{k}");
        assert_eq!(
            lines[1]["payment"]["source"][k], "[CVV-MASKED]",
            "{k}: {}",
            lines[1]
        );
    }
}

#[test]
fn cvv_given_as_a_number_becomes_the_label() {
    setup();
    let lines = capture(|| {
        log::info!(cvv = 123, cvc = 4567u16; "cvv_numbers");
        event!(info, "cvv_numbers", cvv = 123, cvc = 4567);
        log::info!(payload:serde = json!({"card": {"cvv": 123}, "cvv2": [987]}); "cvv_numbers");
    });
    for l in &lines[..2] {
        assert_eq!(l["extra"]["cvv"], "[CVV-MASKED]", "{l}");
        assert_eq!(l["extra"]["cvc"], "[CVV-MASKED]", "{l}");
    }
    assert_eq!(
        lines[2]["payload"],
        json!({"card": {"cvv": "[CVV-MASKED]"}, "cvv2": ["[CVV-MASKED]"]}),
        "{}",
        lines[2]
    );
}

#[test]
fn sad_keys_are_always_labelled() {
    setup();
    let cases = [
        ("pin", "8674"),
        ("PIN", "1234"),
        ("pinBlock", "0412AC56FF0011AA"),
        ("track2", "4111111111111111=25121010000000000000"),
        ("trackData", "B4111111111111111^DOE/JOHN^2512101"),
        ("emv_data", "9F2608C2C12B098F3DA6E3"),
        ("cavv", "AAABBEg0VhI0VniQEjRWAAAAAAA="),
        ("tavv", "AgAAAAAAAIR8CQrXcIhbQAAAAAA="),
        ("ucaf", "jJJLtQa+Iws8AREAEbjsA1MAAAA="),
        ("cryptogram", "AcvXkNmvlt8mAAAA"),
    ];
    let mut payload = serde_json::Map::new();
    for (k, v) in cases {
        payload.insert(k.to_owned(), json!(v));
    }
    let payload = Value::Object(payload);
    let lines = capture(|| {
        log::info!(payload:serde = payload; "sad_keys");
        event!(info, "sad_keys", terminal:serde = json!({"emv": {"auth": payload.clone()}}));
    });
    for (k, _) in cases {
        assert_eq!(lines[0]["payload"][k], "[SAD-MASKED]", "{k}");
        assert_eq!(
            lines[1]["extra"]["terminal"]["emv"]["auth"][k], "[SAD-MASKED]",
            "{k}: {}",
            lines[1]
        );
    }
}

#[test]
fn pin_given_as_a_number_becomes_the_label() {
    setup();
    let lines = capture(|| {
        log::info!(pin = 8674; "pin_number");
        event!(info, "pin_number", pin = 8674);
        log::info!(payload:serde = json!({"atm": {"pin": 1234}, "pin": [4321, 8765]}); "pin_number");
    });
    assert_eq!(lines[0]["extra"]["pin"], "[SAD-MASKED]", "{}", lines[0]);
    assert_eq!(lines[1]["extra"]["pin"], "[SAD-MASKED]", "{}", lines[1]);
    assert_eq!(
        lines[2]["payload"],
        json!({"atm": {"pin": "[SAD-MASKED]"}, "pin": ["[SAD-MASKED]", "[SAD-MASKED]"]}),
        "{}",
        lines[2]
    );
}

// === card numbers by key ===

#[test]
fn card_keys_are_truncated_without_luhn() {
    setup();
    // Not Luhn-valid: only the key says it is a card number.
    let pan = "4111111111111112";
    let lines = capture(|| {
        log::info!(card = pan, pan = pan, card_number = pan, cardNumber = pan,
                   card_no = "4111 1111 1111 1112"; "card_keys");
        event!(
            info,
            "card_keys",
            card = pan,
            pan = pan,
            card_number = pan,
            cardNumber = pan,
            card_no = "4111-1111-1111-1112"
        );
        log::info!(payload:serde = json!({"card": {"number": pan}}); "card_keys");
    });
    for l in &lines[..2] {
        for k in ["card", "pan", "card_number", "cardNumber", "card_no"] {
            assert_eq!(l["extra"][k], "411111******1112", "{k}: {l}");
        }
    }
    assert_eq!(lines[2]["payload"]["card"]["number"], "411111******1112");
}

#[test]
fn card_keys_label_other_long_digit_values_and_keep_short_ones() {
    setup();
    let lines = capture(|| {
        log::info!(payload:serde = json!({"card": {"number": "acct 4111-1111-11", "expiry": "12/27",
                   "brand": "visa", "last4": "1111"}, "card_no": "ref:123456789"}); "card_values");
    });
    let p = &one(lines)["payload"];
    assert_eq!(p["card"]["number"], "[CARD-MASKED]", "{p}");
    assert_eq!(p["card_no"], "[CARD-MASKED]", "{p}");
    assert_eq!(p["card"]["expiry"], "12/27", "{p}");
    assert_eq!(p["card"]["brand"], "visa", "{p}");
    assert_eq!(p["card"]["last4"], "1111", "{p}");
}

#[test]
fn card_number_given_as_a_number_is_truncated() {
    setup();
    let lines = capture(|| {
        log::info!(card_number = 4111111111111111u64, reference = 5500000000000004u64,
                   order_no = 20240115u64; "card_numbers");
        event!(
            info,
            "card_numbers",
            card_number = 4111111111111112u64,
            reference = 5500000000000004u64,
            order_no = 20240115u64
        );
        log::info!(payload:serde = json!({"card": {"number": 4111111111111112u64}}); "card_numbers");
    });
    assert_eq!(lines[0]["extra"]["card_number"], "411111******1111");
    assert_eq!(lines[1]["extra"]["card_number"], "411111******1112");
    for l in &lines[..2] {
        // A Luhn-valid card number under a neutral key (the `pci` pack).
        assert_eq!(l["extra"]["reference"], "550000******0004", "{l}");
        assert_eq!(l["extra"]["order_no"], 20240115, "{l}");
    }
    assert_eq!(lines[2]["payload"]["card"]["number"], "411111******1112");
}

// === national ids ===

#[test]
fn national_id_keys_become_ssn_tokens() {
    setup();
    let cases = [
        ("ssn", "078-05-1120"),
        ("civil_id", "289010112345"),
        ("national_id", "784-1985-1234567-1"),
        ("passport", "K1234567"),
        ("iqama", "2123456789"),
        ("emirates_id", "784198512345671"),
        ("tax_id", "12-3456789"),
        ("id_number", "AB123456C"),
    ];
    let mut payload = serde_json::Map::new();
    for (k, v) in cases {
        payload.insert(k.to_owned(), json!(v));
    }
    let payload = Value::Object(payload);
    let lines = capture(|| {
        log::info!(payload:serde = payload; "kyc");
        event!(
            info,
            "kyc",
            ssn = "078-05-1120",
            civil_id = "289010112345",
            passport = "K1234567"
        );
    });
    for (k, v) in cases {
        assert_eq!(lines[0]["payload"][k], tok(v, "ssn"), "{k}");
    }
    assert_eq!(lines[1]["extra"]["ssn"], tok("078-05-1120", "ssn"));
    assert_eq!(lines[1]["extra"]["civil_id"], tok("289010112345", "ssn"));
    assert_eq!(lines[1]["extra"]["passport"], tok("K1234567", "ssn"));
}

// === text forms (messages, neutral fields, bodies inside strings) ===

#[test]
fn text_password_equals() {
    check_text(
        "retry password=hunter2&user=bob",
        &format!("retry password={}&user=bob", sec("hunter2")),
    );
    check_text(
        "db connect passwd=p4$$w0rd, host=db1",
        &format!("db connect passwd={}, host=db1", sec("p4$$w0rd")),
    );
}

#[test]
fn text_json_secret() {
    check_text(
        r#"{"secret": "a b c", "amount": 1}"#,
        &format!(r#"{{"secret": "{}", "amount": 1}}"#, sec("a b c")),
    );
}

#[test]
fn text_escaped_json_password() {
    check_text(
        r#"body={\"password\":\"x9!y\",\"user\":\"bob\"}"#,
        &format!(
            r#"body={{\"password\":\"{}\",\"user\":\"bob\"}}"#,
            sec("x9!y")
        ),
    );
}

#[test]
fn text_xml_password_and_cvv() {
    check_text(
        "<req><password>s3cr3t</password><cvv>013</cvv></req>",
        &format!(
            "<req><password>{}</password><cvv>[CVV-MASKED]</cvv></req>",
            sec("s3cr3t")
        ),
    );
}

#[test]
fn text_cvv_prose_forms() {
    check_text("CVV: 123", "CVV: [CVV-MASKED]");
    check_text("got cvv 123 from form", "got cvv [CVV-MASKED] from form");
    check_text("the cvv is 123", "the cvv is [CVV-MASKED]");
    check_text("security code 085", "security code [CVV-MASKED]");
}

#[test]
fn text_pin_forms() {
    check_text("PIN 8674 entered", "PIN [SAD-MASKED] entered");
    check_text("PIN block: 0412AC56FF0011AA", "PIN block: [SAD-MASKED]");
}

#[test]
fn text_bare_bearer_token() {
    check_text(
        "retrying with Bearer 9f8e7d6c5b4a3f2e1d0c now",
        &format!(
            "retrying with {} now",
            format_args!("Bearer {}", sec("9f8e7d6c5b4a3f2e1d0c"))
        ),
    );
    // Prose is not a credential.
    check_text("a Bearer of news", "a Bearer of news");
}

#[test]
fn text_jwt_anywhere() {
    check_text(
        &format!("idp returned {JWT} for user"),
        &format!("idp returned {} for user", tok(JWT, "jwt")),
    );
}

#[test]
fn text_pem_private_key_block() {
    let body = PEM_BODY.concat();
    for (label, eol) in [
        ("PRIVATE KEY", "\n"),
        ("RSA PRIVATE KEY", "\n"),
        ("EC PRIVATE KEY", "\r\n"),
    ] {
        check_text(
            &format!("loaded {} ok", pem(label, eol)),
            &format!("loaded {} ok", tok(&body, "pem_key")),
        );
    }
    // A certificate is public.
    let cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
    check_text(cert, cert);
}

#[test]
fn text_url_userinfo_and_query_credentials() {
    check_text(
        "callback https://merchant:S3cretPw@pay.example.com/cb failed",
        &format!(
            "callback https://{}:{}@pay.example.com/cb failed",
            sec("merchant"),
            sec("S3cretPw")
        ),
    );
    check_text(
        "GET https://api.example.com/v1/orders?access_token=abc123xyz&q=1",
        &format!(
            "GET https://api.example.com/v1/orders?access_token={}&q=1",
            sec("abc123xyz")
        ),
    );
    check_text(
        "GET https://api.example.com/v1/orders?page=2",
        "GET https://api.example.com/v1/orders?page=2",
    );
}

#[test]
fn text_track2_data() {
    check_text(
        "swipe ;4111111111111111=25121010000000000000? read",
        "swipe [SAD-MASKED] read",
    );
}

#[test]
fn text_luhn_cards_in_every_grouping() {
    for card in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111.1111.1111.1111",
        "4111  1111  1111  1111",
    ] {
        check_text(
            &format!("paid with {card} today"),
            "paid with 411111******1111 today",
        );
    }
    check_text("amex 378282246310005 ok", "amex 378282*****0005 ok");
    check_text("mc 5500-0000-0000-0004.", "mc 550000******0004.");
}

#[test]
fn text_cvv_right_after_a_card_number() {
    check_text("4111 1111 1111 1111 123", "411111******1111 [CVV-MASKED]");
    check_text(
        "4111111111111111|12/27|123",
        "411111******1111|12/27|[CVV-MASKED]",
    );
}

#[test]
fn text_two_cards_in_a_list_are_both_truncated() {
    check_text(
        "cards 4111 1111 1111 1111, 5500 0000 0000 0004 on file",
        "cards 411111******1111, 550000******0004 on file",
    );
    // The CVV after the second card is found too.
    check_text(
        "retry 4111 1111 1111 1111, 5500 0000 0000 0004 456",
        "retry 411111******1111, 550000******0004 [CVV-MASKED]",
    );
}

/// Whether `s` is exactly one well-formed token.
fn is_token(s: &str) -> bool {
    s.len() == 8 + 43
        && s.starts_with("ptok:v1:")
        && s[8..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

#[test]
fn text_private_key_assigned_in_env_style() {
    setup();
    let input = format!("PRIVATE_KEY={}", pem("PRIVATE KEY", "\n"));
    let lines = capture(|| {
        log::info!("{}", input);
        log::info!(env_dump = input.as_str(); "env_loaded");
        event!(info, "env_loaded", env_dump = input.as_str());
    });
    let outs = [
        &lines[0]["message"],
        &lines[1]["extra"]["env_dump"],
        &lines[2]["extra"]["env_dump"],
    ];
    for out in outs {
        let out = out.as_str().unwrap();
        for l in PEM_BODY {
            assert!(!out.contains(l), "PEM body leaked: {out:?}");
        }
        let rest = out.strip_prefix("PRIVATE_KEY=").unwrap_or(out);
        assert!(is_token(rest), "not one token: {out:?}");
    }
}

#[test]
fn debug_formatted_structs_hide_their_secrets() {
    setup();
    #[derive(Debug)]
    #[allow(dead_code)]
    struct PaymentRequest {
        order_ref: &'static str,
        card_number: u64,
        cvv: Option<String>,
        pin: Option<u16>,
        password: String,
        access_token: Option<&'static str>,
    }
    let req = PaymentRequest {
        order_ref: "A-7",
        card_number: 4111111111111111,
        cvv: Some("737".into()),
        pin: Some(8674),
        password: "hunter2!x".into(),
        access_token: Some("tok_abcdef123456"),
    };
    let lines = capture(|| {
        log::info!("{:?}", req);
        log::info!("{:#?}", req);
        log::info!(req:? = req; "payment_request");
        event!(info, "payment_request", req:? = req);
    });
    let outs = [
        &lines[0]["message"],
        &lines[1]["message"],
        &lines[2]["extra"]["req"],
        &lines[3]["extra"]["req"],
    ];
    for out in outs {
        let out = out.as_str().unwrap();
        for plain in [
            "737",
            "8674",
            "hunter2!x",
            "tok_abcdef123456",
            "4111111111111111",
        ] {
            assert!(!out.contains(plain), "{plain} leaked: {out}");
        }
        assert!(out.contains("411111******1111"), "{out}");
        assert!(out.contains(&sec("hunter2!x")), "{out}");
        assert!(out.contains("A-7"), "{out}");
    }
}

#[test]
fn text_emails_and_phones() {
    check_text(
        "contact John.Doe@Example.com now",
        &format!("contact {} now", tok("john.doe@example.com", "email")),
    );
    check_text(
        "call 212.555.0134 or +965 5555 1234",
        &format!(
            "call {} or {}",
            tok("212.555.0134", "phone"),
            tok("+965 5555 1234", "phone")
        ),
    );
}

#[test]
fn text_mixed_form_with_every_class() {
    let input = format!(
        "user=bob&password=pw!1&card_number=5500000000000004&cvv=554&pin=1234&email=ann@example.org&token={JWT}"
    );
    let expected = format!(
        "user=bob&password={}&card_number=550000******0004&cvv=[CVV-MASKED]&pin=[SAD-MASKED]&email={}&token={}",
        sec("pw!1"),
        tok("ann@example.org", "email"),
        sec(JWT)
    );
    check_text(&input, &expected);
}

// === arrays, labels, bound context, nesting ===

#[test]
fn arrays_are_masked_element_by_element() {
    setup();
    let lines = capture(|| {
        log::info!(payload:serde = json!({
            "cards": ["4111111111111111", "5500 0000 0000 0004", "visa"],
            "cvv": ["123", "4567"],
            "passwords": ["a1", "b2"],
            "items": [{"sku": "A-1", "qty": 2}, {"card": {"number": "4111111111111112"}, "pin": "9911"}],
            "notes": [["call +965 5555 1234"]],
        }); "arrays");
        event!(info, "arrays", cvv = ["123", "456"], pin_history:serde = json!([{"pin": "1234"}]));
    });
    let p = &lines[0]["payload"];
    assert_eq!(
        p["cards"],
        json!(["411111******1111", "550000******0004", "visa"])
    );
    assert_eq!(p["cvv"], json!(["[CVV-MASKED]", "[CVV-MASKED]"]));
    assert_eq!(p["passwords"], json!([sec("a1"), sec("b2")]));
    assert_eq!(
        p["items"],
        json!([{"sku": "A-1", "qty": 2},
               {"card": {"number": "411111******1112"}, "pin": "[SAD-MASKED]"}])
    );
    assert_eq!(
        p["notes"],
        json!([[format!("call {}", tok("+965 5555 1234", "phone"))]])
    );
    let e = &lines[1]["extra"];
    assert_eq!(
        e["cvv"],
        json!(["[CVV-MASKED]", "[CVV-MASKED]"]),
        "{}",
        lines[1]
    );
    assert_eq!(
        e["pin_history"],
        json!([{"pin": "[SAD-MASKED]"}]),
        "{}",
        lines[1]
    );
}

#[test]
fn labels_are_masked() {
    setup();
    let lines = capture(|| {
        event!(info, "labelled", labels = {
            region: "kw",
            api_password: "pw-123",
            card_cvv: "123",
            note: "card 4111 1111 1111 1111",
            customer_email: "ann@example.org",
        });
        log::info!("labels.region" = "kw", "labels.api_password" = "pw-123",
                   "labels.card_cvv" = "123"; "labelled");
    });
    let l = &lines[0]["labels"];
    assert_eq!(l["region"], "kw", "{}", lines[0]);
    assert_eq!(l["api_password"], sec("pw-123"), "{}", lines[0]);
    assert_eq!(l["card_cvv"], "[CVV-MASKED]", "{}", lines[0]);
    assert_eq!(l["note"], "card 411111******1111", "{}", lines[0]);
    assert_eq!(
        l["customer_email"],
        tok("ann@example.org", "email"),
        "{}",
        lines[0]
    );
    let l = &lines[1]["labels"];
    assert_eq!(l["region"], "kw", "{}", lines[1]);
    assert_eq!(l["api_password"], sec("pw-123"), "{}", lines[1]);
    assert_eq!(l["card_cvv"], "[CVV-MASKED]", "{}", lines[1]);
}

#[test]
fn bound_context_is_masked() {
    setup();
    let lines = capture(|| {
        let _g = context::bind(
            Fields::new()
                .with("password", "bound-pw1")
                .with("cvv", "123")
                .with("card_number", "4111111111111112")
                .with("pin", &8674)
                .with("note", "mail bob@example.com PIN 1234")
                .with("labels.session_token", "tok_abcdefgh1234"),
        );
        log::info!("bound_record");
        {
            bind!(access_token = "at-XYZ-987", cvc = 321, payload:serde = json!({"card": {"cvv": "999"}}));
            event!(info, "bound_event");
        }
    });
    for l in &lines {
        let e = &l["extra"];
        assert_eq!(e["password"], sec("bound-pw1"), "{l}");
        assert_eq!(e["cvv"], "[CVV-MASKED]", "{l}");
        assert_eq!(e["card_number"], "411111******1112", "{l}");
        assert_eq!(e["pin"], "[SAD-MASKED]", "{l}");
        assert_eq!(
            e["note"],
            format!("mail {} PIN [SAD-MASKED]", tok("bob@example.com", "email")),
            "{l}"
        );
        assert_eq!(l["labels"]["session_token"], sec("tok_abcdefgh1234"), "{l}");
    }
    let e = &lines[1]["extra"];
    assert_eq!(e["access_token"], sec("at-XYZ-987"), "{}", lines[1]);
    assert_eq!(e["cvc"], "[CVV-MASKED]", "{}", lines[1]);
    assert_eq!(
        lines[1]["payload"],
        json!({"card": {"cvv": "[CVV-MASKED]"}}),
        "{}",
        lines[1]
    );
}

#[test]
fn keys_under_a_credential_or_card_parent_are_that_class() {
    setup();
    let lines = capture(|| {
        log::info!(payload:serde = json!({
            "secrets": {"db": "pg-pass-1", "redis": "r3dis"},
            "card": {"number": "4111111111111112", "holder_pan": "4111111111111112"},
            "credentials": {"user": "svc", "value": "cred-9"},
        }); "nested_parents");
    });
    let p = &one(lines)["payload"];
    assert_eq!(p["secrets"]["db"], sec("pg-pass-1"), "{p}");
    assert_eq!(p["secrets"]["redis"], sec("r3dis"), "{p}");
    assert_eq!(p["card"]["number"], "411111******1112", "{p}");
    assert_eq!(p["credentials"]["user"], sec("svc"), "{p}");
    assert_eq!(p["credentials"]["value"], sec("cred-9"), "{p}");
}

// === idempotency ===

#[test]
fn well_formed_tokens_are_kept() {
    setup();
    let email_tok = tok("ann@example.org", "email");
    let secret_tok = sec("pw");
    let lines = capture(|| {
        log::info!(customer_email = email_tok.as_str(), password = secret_tok.as_str(); "already_masked");
        log::info!("ref {} and {}", email_tok, secret_tok);
    });
    assert_eq!(lines[0]["extra"]["customer_email"], email_tok);
    assert_eq!(lines[0]["extra"]["password"], secret_tok);
    assert_eq!(
        lines[1]["message"],
        format!("ref {email_tok} and {secret_tok}")
    );
}

#[test]
fn a_fake_token_prefix_hides_nothing() {
    setup();
    let lines = capture(|| {
        log::info!("{}", "ptok:v1: john.doe@example.com 4111111111111111");
        log::info!(customer_name = "penc:v1:Johnathan Doe"; "fake_ciphertext");
        event!(
            info,
            "fake_ciphertext",
            customer_name = "penc:v1:Johnathan Doe"
        );
    });
    let m = lines[0]["message"].as_str().unwrap();
    assert!(!m.contains("john.doe@example.com"), "{m}");
    assert!(!m.contains("4111111111111111"), "{m}");
    assert_eq!(
        m,
        format!(
            "ptok:v1: {} 411111******1111",
            tok("john.doe@example.com", "email")
        )
    );
    for l in &lines[1..] {
        assert_eq!(
            l["extra"]["customer_name"],
            tok("penc:v1:Johnathan Doe", "generic"),
            "{l}"
        );
    }
}

#[test]
fn masking_a_masked_line_changes_nothing() {
    setup();
    let input = format!(
        "password=pw1 cvv 123 card 4111 1111 1111 1111 mail a@b.io Bearer 9f8e7d6c5b4a3f2e1d0c {JWT} ;4111111111111111=25121010000000000000?"
    );
    let once = one(capture(|| log::info!("{}", input)))["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice = one(capture(|| log::info!("{}", once)))["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(once, twice);
    let again = one(capture(|| {
        log::info!(note = once.as_str(), password = sec("pw1").as_str(),
                   cvv = "[CVV-MASKED]", card_number = "411111******1111"; "again")
    }));
    assert_eq!(again["extra"]["note"], once);
    assert_eq!(again["extra"]["password"], sec("pw1"));
    assert_eq!(again["extra"]["cvv"], "[CVV-MASKED]");
    assert_eq!(again["extra"]["card_number"], "411111******1111");
}

// === packs ===

#[test]
fn default_pack_alone_turns_off_cards_by_content() {
    setup();
    let m = PiiMasker::new().with_packs([Pack::Default]);
    assert_eq!(
        m.mask("message", "ref 4111111111111111"),
        "ref 4111111111111111"
    );
    assert_eq!(
        m.mask("extra.card_number", "4111111111111111"),
        "411111******1111"
    );
    assert_eq!(m.mask("extra.cvv", "123"), "[CVV-MASKED]");
    let l = side_logger(Some(Arc::new(m)));
    let lines = capture(|| {
        log::info!(logger: &l, reference = "4111111111111111", card = "4111111111111111",
                   cvv = 123, password = "pw"; "default_pack");
    });
    let e = &one(lines)["extra"];
    assert_eq!(e["reference"], "4111111111111111");
    assert_eq!(e["card"], "411111******1111");
    assert_eq!(e["cvv"], "[CVV-MASKED]");
    assert_eq!(e["password"], sec("pw"));
}

#[test]
fn financial_ids_pack_adds_ibans_and_payment_ids() {
    setup();
    let iban = "GB82WEST12345698765432";
    // Off by default.
    let lines =
        capture(|| log::info!(iban = iban, note = format!("to {iban}").as_str(); "default"));
    assert_eq!(lines[0]["extra"]["iban"], iban);
    assert_eq!(lines[0]["extra"]["note"], format!("to {iban}"));

    let m = PiiMasker::new().with_packs([Pack::Pci, Pack::FinancialIds]);
    assert_eq!(
        m.mask("message", &format!("refund to {iban}.")),
        format!("refund to {}.", tok(iban, "iban"))
    );
    // Not mod-97 valid: kept.
    assert_eq!(
        m.mask("message", "refund to GB83WEST12345698765432"),
        "refund to GB83WEST12345698765432"
    );
    let l = side_logger(Some(Arc::new(m)));
    let lines = capture(|| {
        log::info!(logger: &l, iban = "KW81CBKU0000000000001234560101",
                   payment_id = "pay_8842311", note = format!("to {iban}").as_str(),
                   card = "4111111111111111"; "financial");
    });
    let e = &one(lines)["extra"];
    assert_eq!(e["iban"], tok("KW81CBKU0000000000001234560101", "iban"));
    assert_eq!(e["payment_id"], tok("pay_8842311", "payment_id"));
    assert_eq!(e["note"], format!("to {}", tok(iban, "iban")));
    assert_eq!(e["card"], "411111******1111");
}

// === labels without a keyset ===

#[test]
fn typed_labels_without_a_keyset() {
    setup();
    let m = PiiMasker::new()
        .with_pii(no_keyset())
        .with_labels(Labels::Typed);
    let l = side_logger(Some(Arc::new(m)));
    let lines = capture(|| {
        log::info!(logger: &l, customer_email = "bob@example.com", customer_phone = "+96555551234",
                   customer_name = "John Doe", billing_address = "1 Main St", ssn = "078-05-1120",
                   password = "pw", cvv = "123", pin = "1234", card = "4111111111111111",
                   note = format!("jwt {JWT}").as_str(),
                   config = pem("PRIVATE KEY", "\n").as_str(); "typed");
    });
    let e = &one(lines)["extra"];
    assert_eq!(e["customer_email"], "[EMAIL-MASKED]", "{e}");
    assert_eq!(e["customer_phone"], "[PHONE-MASKED]", "{e}");
    assert_eq!(e["customer_name"], "[NAME-MASKED]", "{e}");
    assert_eq!(e["billing_address"], "[ADDRESS-MASKED]", "{e}");
    assert_eq!(e["ssn"], "[SSN-MASKED]", "{e}");
    assert_eq!(e["password"], "[SECRET-MASKED]", "{e}");
    assert_eq!(e["cvv"], "[CVV-MASKED]", "{e}");
    assert_eq!(e["pin"], "[SAD-MASKED]", "{e}");
    assert_eq!(e["card"], "411111******1111", "{e}");
    assert_eq!(e["note"], "jwt [JWT-MASKED]", "{e}");
    assert_eq!(e["config"], "[PEM-KEY-MASKED]", "{e}");
}

#[test]
fn redacted_labels_without_a_keyset() {
    setup();
    let m = PiiMasker::new().with_pii(no_keyset());
    let l = side_logger(Some(Arc::new(m)));
    let lines = capture(|| {
        log::info!(logger: &l, customer_email = "bob@example.com", ssn = "078-05-1120",
                   password = "pw", cvv = "123", pin = "1234",
                   note = format!("jwt {JWT} password=x").as_str(); "redacted");
    });
    let e = &one(lines)["extra"];
    assert_eq!(e["customer_email"], "[PII_REDACTED]", "{e}");
    assert_eq!(e["ssn"], "[PII_REDACTED]", "{e}");
    assert_eq!(e["password"], "[SECRET-MASKED]", "{e}");
    assert_eq!(e["cvv"], "[CVV-MASKED]", "{e}");
    assert_eq!(e["pin"], "[SAD-MASKED]", "{e}");
    assert_eq!(
        e["note"], "jwt [SECRET-MASKED] password=[SECRET-MASKED]",
        "{e}"
    );
}

// === safe keys ===

#[test]
fn protected_keys_can_never_be_safe() {
    for k in [
        "cvv",
        "CVV2",
        "pin",
        "pinBlock",
        "track2",
        "card_number",
        "pan",
        "password",
        "client_secret",
        "access_token",
        "authorization",
        "cookie",
    ] {
        assert!(
            PiiMasker::new().with_safe_keys([k]).is_err(),
            "{k} was accepted as a safe key"
        );
    }
    assert!(PiiMasker::new().with_safe_keys(["pg_name", "cvv"]).is_err());
}

#[test]
fn an_ordinary_safe_key_is_kept() {
    setup();
    let m = PiiMasker::new().with_safe_keys(["pg_name"]).unwrap();
    assert_eq!(m.mask("extra.pg_name", "KNET"), "KNET");
    // The default masker takes it for a name.
    assert_eq!(
        PiiMasker::new().mask("extra.pg_name", "KNET"),
        tok("KNET", "generic")
    );
    // A safe key's value is still scanned for card data.
    assert_eq!(
        m.mask("extra.pg_name", "KNET 4111111111111111"),
        "KNET 411111******1111"
    );
}

// === boundary helpers ===

#[test]
fn redact_url_masks_userinfo_and_credential_params() {
    setup();
    assert_eq!(
        ecsctx::pii::redact_url("https://bob:hunter2@pay.example/cb?access_token=abc&page=2"),
        format!(
            "https://{}:{}@pay.example/cb?access_token={}&page=2",
            sec("bob"),
            sec("hunter2"),
            sec("abc")
        )
    );
    assert_eq!(
        ecsctx::pii::redact_url("https://pay.example/cb?api_key=sk_live_1&password=p&ok=1"),
        format!(
            "https://pay.example/cb?api_key={}&password={}&ok=1",
            sec("sk_live_1"),
            sec("p")
        )
    );
}

#[test]
fn redact_url_returns_a_clean_url_as_it_is() {
    setup();
    for clean in [
        "https://pay.example/cb?page=2",
        "https://pay.example/v1/orders/550e8400-e29b-41d4-a716-446655440000?status=200",
        "https://pay.example/v1/orders/ORD-2024-0001?page=2&status=200",
    ] {
        let out = ecsctx::pii::redact_url(clean);
        assert!(
            matches!(out, std::borrow::Cow::Borrowed(s) if s == clean),
            "{clean} -> {out}"
        );
    }
}

#[test]
fn redact_body_masks_json_xml_and_forms() {
    setup();
    assert_eq!(
        ecsctx::pii::redact_body(
            r#"{"card":{"number":"4111111111111111","cvv":"085"},"amount":100}"#
        ),
        r#"{"card":{"number":"411111******1111","cvv":"[CVV-MASKED]"},"amount":100}"#
    );
    assert_eq!(
        ecsctx::pii::redact_body("card_number=4111111111111111&cvv=554&api_key=sk_live_abc"),
        format!(
            "card_number=411111******1111&cvv=[CVV-MASKED]&api_key={}",
            sec("sk_live_abc")
        )
    );
    assert_eq!(
        ecsctx::pii::redact_body("<pin>8674</pin>"),
        "<pin>[SAD-MASKED]</pin>"
    );
    assert_eq!(
        ecsctx::pii::redact_body(r#"{"client_secret":"cs_1","amount":100,"currency":"KWD"}"#),
        format!(
            r#"{{"client_secret":"{}","amount":100,"currency":"KWD"}}"#,
            sec("cs_1")
        )
    );
}

#[test]
fn redact_body_returns_a_clean_body_as_it_is() {
    setup();
    for clean in [
        r#"{"amount":100,"currency":"KWD","attempt":2,"status":200}"#,
        r#"{"amount":100,"currency":"KWD","order_id":"ORD-2024-0001"}"#,
    ] {
        assert_eq!(ecsctx::pii::redact_body(clean), clean);
    }
}

// === clean data is left alone ===

const UUID: &str = "550e8400-e29b-41d4-a716-446655440000";
const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TS: &str = "2024-01-15T12:30:45.123Z";

fn without_timestamp(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("@timestamp");
    v
}

#[test]
fn clean_checkout_record_is_identical_to_an_unmasked_one() {
    setup();
    let plain = side_logger(None);
    let lines = capture(|| {
        for l in [log::logger(), &plain as &dyn log::Log] {
            log::info!(logger: l, amount = 100, amount_decimal = 12.5, currency = "KWD",
                       order_id = "ORD-2024-0001", attempt = 2, latency_ms = 35,
                       payment_uuid = UUID, trace_id = TRACE, created_at = TS,
                       status = 200, http_status = "404", gateway_name = "knet",
                       merchant_id = 7, store_id = 3, refund = false,
                       items:serde = json!([{"sku": "A-1", "qty": 2, "price": 9.5}]);
                       "order {} charged {} {} at {} in {} ms", "ORD-2024-0001", 100, "KWD", TS, 35);
        }
    });
    assert_eq!(lines.len(), 2);
    assert_eq!(
        serde_json::to_string(&without_timestamp(lines[0].clone())).unwrap(),
        serde_json::to_string(&without_timestamp(lines[1].clone())).unwrap()
    );
    assert_eq!(lines[0]["extra"]["order_id"], "ORD-2024-0001");
}

#[test]
fn clean_checkout_text_is_identical_to_an_unmasked_one() {
    setup();
    let plain = side_logger(None);
    let texts = [
        "GET /api/v1/orders/ORD-2024-0001 200 35ms",
        "charge ok amount=100 currency=KWD attempt=2 latency_ms=35",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "id 550e8400-e29b-41d4-a716-446655440000 at 2024-01-15T12:30:45.123Z",
        "tokenizer ready; token_type=bearer; max_tokens=1024; cvv_required=true",
        "status 502 from gateway knet after 3 retries, next in 250 ms",
        "version 1.2.3 on 10.0.0.7:8080",
    ];
    let lines = capture(|| {
        for t in texts {
            log::info!("{}", t);
            log::info!(logger: &plain, "{}", t);
        }
    });
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(lines[2 * i]["message"], *t, "masked");
        assert_eq!(
            without_timestamp(lines[2 * i].clone()),
            without_timestamp(lines[2 * i + 1].clone())
        );
    }
}

#[test]
fn clean_checkout_event_keeps_every_value() {
    setup();
    let lines = capture(|| {
        event!(info, "checkout_completed",
            amount = 100,
            currency = "KWD",
            order_id = "ORD-2024-0001",
            attempt = 2,
            latency_ms = 35,
            payment_uuid = UUID,
            trace_id = TRACE,
            created_at = TS,
            event.action = "charge",
            event.outcome = "success",
            http.response.status_code = 200,
            http.request.method = "POST",
            service.name = "checkout",
            gateway_name = "knet",
            labels = { region: "kw", build: "2024.01.15" },
        );
    });
    let l = one(lines);
    let e = &l["extra"];
    assert_eq!(e["amount"], 100);
    assert_eq!(e["currency"], "KWD");
    assert_eq!(e["order_id"], "ORD-2024-0001");
    assert_eq!(e["attempt"], 2);
    assert_eq!(e["latency_ms"], 35);
    assert_eq!(e["payment_uuid"], UUID);
    assert_eq!(e["trace_id"], TRACE);
    assert_eq!(e["created_at"], TS);
    assert_eq!(e["gateway_name"], "knet");
    assert_eq!(l["event"]["action"], "charge");
    assert_eq!(l["event"]["outcome"], "success");
    assert_eq!(l["http"]["response"]["status_code"], 200);
    assert_eq!(l["http"]["request"]["method"], "POST");
    assert_eq!(l["service"]["name"], "checkout");
    assert_eq!(l["labels"]["region"], "kw");
    assert_eq!(l["labels"]["build"], "2024.01.15");
    assert_eq!(l["message"], "checkout_completed");
}

/// An `event!` call site keeps a shape after its first line and then writes values
/// without looking their keys up again: every line of a repeated call site is masked the
/// same way, numbers and text alike.
#[test]
fn a_repeated_event_call_site_masks_every_line() {
    setup();
    let lines = capture(|| {
        for _ in 0..4 {
            event!(
                info,
                "card_checked",
                cvv = 737,
                pin = 8674,
                card_number = 4111111111111111u64,
                order_ref = 4111111111111111u64,
                amount = 100,
                currency = "KWD",
                note = "declined: cvv 123 for bob@example.com"
            );
        }
    });
    assert_eq!(lines.len(), 4);
    for l in &lines {
        let x = &l["extra"];
        assert_eq!(x["cvv"], "[CVV-MASKED]", "{l}");
        assert_eq!(x["pin"], "[SAD-MASKED]", "{l}");
        assert_eq!(x["card_number"], "411111******1111", "{l}");
        // A card number under a neutral key, by its digits.
        assert_eq!(x["order_ref"], "411111******1111", "{l}");
        assert_eq!(x["amount"], 100, "{l}");
        assert_eq!(x["currency"], "KWD", "{l}");
        assert_eq!(
            x["note"],
            format!(
                "declined: cvv [CVV-MASKED] for {}",
                tok("bob@example.com", "email")
            ),
            "{l}"
        );
    }
}

/// A card key before a spaced separator (`pan = …`, `cc = …`): a number is masked across
/// its groups, Luhn-valid or not; a value that cannot hide a card is left to the content
/// rules (an email is tokenized), never written as it is.
#[test]
fn card_keys_before_a_spaced_separator() {
    setup();
    check_text(
        "charge pan = 4111 1111 1111 1111 ok",
        "charge pan = 411111******1111 ok",
    );
    check_text(
        "test card_number = 4111-1111-1111-1112 declined",
        "test card_number = 411111******1112 declined",
    );
    check_text(
        "cc = bob@example.com",
        &format!("cc = {}", tok("bob@example.com", "email")),
    );
    // In an id field (phones off) the card is still found.
    let line = one(capture(|| {
        log::info!(transaction_id = "pan = 4111 1111 1111 1111"; "ids");
    }));
    let shown = line.to_string();
    assert!(!shown.contains("4111 1111 1111 1111"), "{shown}");
}

/// Cases found by a leak hunt this session: each came out in clear (or ate the text
/// around it) before.
#[test]
fn leak_hunt_cases() {
    setup();
    // A CVV after a card under a card key is a CVV, not the card's last digits.
    check_text(
        "card: 4111111111111111 123",
        "card: 411111******1111 [CVV-MASKED]",
    );
    check_text(
        "card=4111111111111111 12/27 123",
        "card=411111******1111 12/27 [CVV-MASKED]",
    );
    check_text(
        "card:4111111111111111|12/27|123",
        "card:411111******1111|12/27|[CVV-MASKED]",
    );
    check_text(
        "pan = 4111 1111 1111 1111 123",
        "pan = 411111******1111 [CVV-MASKED]",
    );
    // An email's neighbours stay: the key and quotes around it are not part of it.
    let t = tok("john@example.com", "email");
    check_text("to='john@example.com'", &format!("to='{t}'"));
    check_text("VALUES ('john@example.com')", &format!("VALUES ('{t}')"));
    // Not a credential: a key and its value after the word `bearer`.
    check_text(
        "token_type=bearer expires_in=3600",
        "token_type=bearer expires_in=3600",
    );
    // In clear before: auth credentials after two spaces or in quotes, a card holder's
    // name, session cookies, payment keys.
    for (input, secret) in [
        (
            "Authorization: Bearer  abc123def456ghi789",
            "abc123def456ghi789",
        ),
        (
            "Authorization: Bearer \"abc123def456ghi789\"",
            "abc123def456ghi789",
        ),
        (r#"{"card_holder":"John Smith"}"#, "John Smith"),
        (r#"{"card-holder":"John Smith"}"#, "John Smith"),
        (
            "JSESSIONID=ABCDEF0123456789XYZ; Path=/",
            "ABCDEF0123456789XYZ",
        ),
        ("PHPSESSID=k2j3h4g5f6d7s8a9", "k2j3h4g5f6d7s8a9"),
        (
            r#"{"zpk":"0123456789ABCDEF0123456789ABCDEF"}"#,
            "0123456789ABCDEF0123456789ABCDEF",
        ),
        ("resourceKey=KX93JDLS02KDLS9", "KX93JDLS02KDLS9"),
        (r#"{"merchant_key":"mk_8f7d6s5a4"}"#, "mk_8f7d6s5a4"),
    ] {
        check_hidden(input, secret);
    }
}

/// More leak-hunt forms: tuples in a `Debug`/`repr` dump, JSON escaped twice, a database
/// error's `Key (column)=(value)`; and numbers that are not phones.
#[test]
fn leak_hunt_forms_and_numbers() {
    setup();
    check_text(r#"[("cvv", "123")]"#, r#"[("cvv", "[CVV-MASKED]")]"#);
    check_text(
        r#"{\\\"cvv\\\":\\\"123\\\"}"#,
        r#"{\\\"cvv\\\":\\\"[CVV-MASKED]\\\"}"#,
    );
    check_text(
        "params=[('password', 'Xq9zz!k2')]",
        &format!("params=[('password', '{}')]", sec("Xq9zz!k2")),
    );
    check_hidden(
        "DETAIL:  Key (card_number)=(4111111111111112) already exists.",
        "4111111111111112",
    );
    // Counts, ids and amounts are not phones.
    for clean in [
        "order no. 12345678 shipped",
        "Ref No: 12345678",
        "amount_cents=12345678",
        "terminal 12345678 online",
    ] {
        check_text(clean, clean);
    }
}

/// An entry named by a key (a Kubernetes env var dump, a config list): the value is
/// masked as the named key's class, in JSON and YAML.
#[test]
fn entries_named_by_a_sensitive_key() {
    setup();
    let s = sec("Xq9zz!k2");
    check_text(
        r#"{"name":"DB_PASSWORD","value":"Xq9zz!k2"}"#,
        &format!(r#"{{"name":"DB_PASSWORD","value":"{s}"}}"#),
    );
    check_text(
        "env:\n- name: DB_PASSWORD\n  value: Xq9zz!k2\n- name: LOG_LEVEL\n  value: info",
        &format!("env:\n- name: DB_PASSWORD\n  value: {s}\n- name: LOG_LEVEL\n  value: info"),
    );
    check_text(
        r#"{"name":"cvv","value":"123"}"#,
        r#"{"name":"cvv","value":"[CVV-MASKED]"}"#,
    );
}

/// Leak-hunt forms, third batch: one-time codes in prose, any credential flag, `->`,
/// signature parameter lists, mobile PINs, dates of birth.
#[test]
fn leak_hunt_codes_flags_and_dates() {
    setup();
    check_text(
        "your OTP is 123456",
        &format!("your OTP is {}", sec("123456")),
    );
    check_text(
        "run with --api-key sk9Xq2kd93jd",
        &format!("run with --api-key {}", sec("sk9Xq2kd93jd")),
    );
    check_text(
        "password->Xq9zz!k2",
        &format!("password->{}", sec("Xq9zz!k2")),
    );
    check_text("mpin=8674", "mpin=[SAD-MASKED]");
    check_text("cargo build --release now", "cargo build --release now");
    let sig = "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
    check_hidden(&format!("Stripe-Signature: {sig}"), "5257a869e7ec");
    for input in [
        r#"{"dob":"1990-01-01"}"#,
        r#"{"date_of_birth":"1990-01-01"}"#,
    ] {
        check_hidden(input, "1990-01-01");
    }
}

/// Credential keys of cloud and OAuth APIs are credentials; names of things a service
/// logs (`queue_name`, `hostname`) are not a person's.
#[test]
fn more_credential_keys_and_technical_names() {
    setup();
    for (input, secret) in [
        (
            "Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        ),
        (r#"{"jwt":"abc.def.ghi"}"#, "abc.def.ghi"),
        (
            r#"{"code_verifier":"dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"}"#,
            "dBjftJeZ4CVPmB92K27uhbUJU1p1r",
        ),
        (r#"{"dbpass":"Xq9zz!k2"}"#, "Xq9zz!k2"),
        (r#"{"tokenValue":"Xq9zz!k2"}"#, "Xq9zz!k2"),
        ("x-functions-key: abcDEF123456", "abcDEF123456"),
    ] {
        check_hidden(input, secret);
    }
    for clean in [
        "queue_name=refunds",
        "hostname: api-1",
        r#"{"table_name":"orders"}"#,
    ] {
        check_text(clean, clean);
    }
}

/// A URL-encoded address in a query string is the same customer: it becomes the token
/// of the address it encodes.
#[test]
fn url_encoded_emails_get_the_address_token() {
    setup();
    let t = tok("john.doe@example.com", "email");
    check_text(
        "GET /search?q=john.doe%40example.com&page=2",
        &format!("GET /search?q={t}&page=2"),
    );
    check_text("width=100%40 ok", "width=100%40 ok");
}

/// A Go MySQL DSN's password (`user:password@tcp(host)/db`).
#[test]
fn go_mysql_dsn_password() {
    setup();
    check_text(
        "dsn=app:Xq9zz!k2@tcp(db:3306)/pay?parseTime=true",
        &format!(
            "dsn=app:{}@tcp(db:3306)/pay?parseTime=true",
            sec("Xq9zz!k2")
        ),
    );
}

/// A date-prefixed transaction id that happens to pass Luhn is an id, not a card (a `2`
/// starts a card only in Mastercard's 2221–2720 range or Mir's 2200–2204); such cards are
/// still cards.
#[test]
fn date_prefixed_ids_are_not_cards() {
    setup();
    for clean in ["tranid=202412345678901", "ref=2024123456789012 settled"] {
        check_text(clean, clean);
    }
    check_text("card 2223003122003222 ok", "card 222300******3222 ok");
    let line = one(capture(
        || log::info!(gateway_ref = 202412345678901u64; "paid"),
    ));
    assert_eq!(line["extra"]["gateway_ref"], 202412345678901u64, "{line}");
    // Mir's 2200–2204 are cards too, in text and logged as a number alike.
    check_text("card 2200526018159085 ok", "card 220052******9085 ok");
    let line = one(capture(|| log::info!(note = 2200526018159085u64; "paid")));
    assert_eq!(line["extra"]["note"], "220052******9085", "{line}");
}

/// Credentials in SQL, in a URL's credential parameters, under `auth`, and held in an
/// object; a CVV in a tab-separated column; ISO 8583 field 52 (PIN data).
#[test]
fn sql_url_params_auth_objects_columns_and_iso8583_fields() {
    setup();
    for (input, secret) in [
        ("CREATE USER app IDENTIFIED BY 'Xq9zz!k2';", "Xq9zz!k2"),
        (
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY \"Xq9zz!k2\"",
            "Xq9zz!k2",
        ),
        (
            "GET https://maps.example.com/api?key=AIzaSyXq9zzk2&q=x",
            "AIzaSyXq9zzk2",
        ),
        ("callback /cb?code=4/0AXq9zzk2&state=abc", "4/0AXq9zzk2"),
        ("proxy auth=alice:Xq9zz!k2 next", "Xq9zz!k2"),
        ("body {\"password\":{\"value\":\"Xq9zz!k2\"}}", "Xq9zz!k2"),
        ("card row security_code\t4821\tok", "4821"),
        ("iso8583 F52: 0412AC89ABCDEF01 F39: 00", "0412AC89ABCDEF01"),
        // A card key's value that holds no card is still scanned (seeded fuzz run).
        (
            "- key: card\n  value: john.doe@example.com",
            "john.doe@example.com",
        ),
    ] {
        check_hidden(input, secret);
    }
    // Prose around the same words is kept.
    for clean in [
        "the user is identified by email",
        "auth failed for bob, retry",
        "GET /items?page=2&sort=asc",
    ] {
        check_text(clean, clean);
    }
}
