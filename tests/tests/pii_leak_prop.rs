//! Property: whatever sensitive value a service logs, wherever it puts it, the line is
//! valid JSON and the plaintext never reaches it.
//!
//! Each case generates realistic values of every class (passwords with symbols, bearer
//! tokens, JWTs, PEM private keys, 3- and 4-digit CVVs, PINs, PIN blocks, Luhn-valid card
//! numbers in several groupings, track 2 data, emails, phones, national ids), plants them
//! in random places — keys at any depth of a serde payload (also past the depth limit),
//! arrays, messages, neutral fields, `labels`, XML/form/JSON/escaped-JSON bodies inside
//! strings, bound context — and logs the same scene through a `log` record and through
//! `event!`.
//!
//! Short values (CVVs, PINs) are searched as whole words only (a word being a run of
//! `[A-Za-z0-9_*-]`, so a digit run inside a token or a truncated card is never taken
//! for them), with `@timestamp` removed; fixed text holds no number of 3+ digits.
//!
//! Cases: 256 by default, `PROPTEST_CASES` to change.

use std::sync::OnceLock;

use ecsctx::context::{self, Fields};
use ecsctx::event;
use ecsctx::pii::{Config, Keyset, Pii};
use ecsctx::testing::capture;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{json, Map, Value};

const TOKEN_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {
  "tk1": {"alg": "HMAC-SHA-256", "created_at": "2025-01-01T00:00:00Z", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

fn setup() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let ks = Keyset::parse_token(TOKEN_KEYSET.as_bytes(), "test token keyset").unwrap();
        let p = Pii::new(Config::keysets(ks, None).with_env("test")).unwrap();
        ecsctx::pii::configure_with(p);
        ecsctx::Builder::new()
            .with_filter("trace")
            .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
            .try_init()
            .expect("the first logger of this test binary");
    });
}

// === what must never show ===

#[derive(Clone, Debug)]
enum Needle {
    /// The exact text.
    Sub(String),
    /// The text, ignoring ASCII case (emails).
    SubCi(String),
    /// The digits, in the line's digits with everything else removed (a card or phone
    /// in any grouping).
    Digits(String),
    /// A short number, as a whole word.
    Word(String),
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'*' | b'-')
}

fn has_word(text: &str, w: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find(w) {
        let s = from + p;
        let e = s + w.len();
        let before = s == 0 || !is_word_char(b[s - 1]);
        let after = e == b.len() || !is_word_char(b[e]);
        if before && after {
            return true;
        }
        from = s + 1;
    }
    false
}

impl Needle {
    fn found(&self, text: &str, lower: &str, digits: &str) -> bool {
        match self {
            Needle::Sub(s) => text.contains(s.as_str()),
            Needle::SubCi(s) => lower.contains(&s.to_ascii_lowercase()),
            Needle::Digits(d) => digits.contains(d.as_str()),
            Needle::Word(w) => has_word(text, w),
        }
    }
}

// === generated values ===

/// One sensitive value and the ways a service writes it.
#[derive(Clone, Debug)]
struct Item {
    class: &'static str,
    needles: Vec<Needle>,
    /// Free-text forms that carry it (`password=…`, `CVV: …`, a bare card …).
    snippets: Vec<String>,
    /// Keys a service files it under (structured payloads, bound context, labels).
    keys: Vec<&'static str>,
    /// The values written under those keys (a string, sometimes a number too).
    values: Vec<Value>,
    /// Keys and the value for XML/form/JSON bodies inside strings.
    body_keys: Vec<&'static str>,
    body_value: String,
    /// Whether the value may go in a form body (no spaces, `&` or line breaks).
    form_ok: bool,
    /// The value as an object key (`{"john@example.com": 1}`), when keys can carry it.
    as_key: Option<String>,
}

fn luhn_complete(mut d: Vec<u32>) -> Vec<u32> {
    let mut sum = 0;
    for (i, x) in d.iter().rev().enumerate() {
        sum += if i % 2 == 0 {
            let y = x * 2;
            if y > 9 {
                y - 9
            } else {
                y
            }
        } else {
            *x
        };
    }
    d.push((10 - sum % 10) % 10);
    d
}

fn digits_str(d: &[u32]) -> String {
    d.iter()
        .map(|x| char::from_digit(*x, 10).unwrap())
        .collect()
}

fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = Vec::new();
    let mut at = 0;
    for n in sizes {
        out.push(&s[at..at + n]);
        at += n;
    }
    out.join(sep)
}

fn password() -> impl Strategy<Value = Item> {
    "[A-Za-z][A-Za-z0-9!$%^*_+~.-]{8,18}[0-9]".prop_map(|pw| Item {
        class: "password",
        needles: vec![Needle::Sub(pw.clone())],
        snippets: vec![
            format!("login failed password={pw} retry"),
            format!("{{\"secret\": \"{pw}\", \"ok\": true}}"),
            format!("{{\\\"password\\\":\\\"{pw}\\\"}}"),
            format!("<password>{pw}</password>"),
            format!("passwd: {pw}"),
            format!("db url postgres://svc:{pw}@db.internal/app"),
            format!("GET https://api.example.com/v1?client_secret={pw}&page=two"),
            format!("Authorization: Basic {pw}"),
            format!("password = {pw}"),
            format!("{{'password': '{pw}', 'user': 'bob'}}"),
            format!("password: \"{pw}\""),
            format!("DB_PASSWORD={pw}"),
            format!("cfg db.password={pw} loaded"),
            format!("LoginRequest {{ user: \"bob\", password: \"{pw}\" }}"),
            format!("LoginRequest {{ user: \"bob\", password: Some(\"{pw}\") }}"),
            format!("{{'password' => '{pw}'}}"),
        ],
        keys: vec![
            "password",
            "PASSWORD",
            "db_password",
            "passwd",
            "passphrase",
            "pwd",
            "client_secret",
            "secretKey",
            "api_key",
            "hmac_key",
            "credentials",
        ],
        values: vec![json!(pw)],
        body_keys: vec!["password", "client_secret", "passwd"],
        body_value: pw.clone(),
        form_ok: true,
        as_key: None,
    })
}

fn bearer() -> impl Strategy<Value = Item> {
    "[A-Za-z0-9]{8,20}[0-9][A-Za-z0-9_-]{4,16}".prop_map(|t| Item {
        class: "bearer",
        needles: vec![Needle::Sub(t.clone())],
        snippets: vec![
            format!("retrying with Bearer {t} now"),
            format!("Authorization: Bearer {t}"),
            format!("callback https://pay.example.com/cb?access_token={t}&page=two"),
            format!("refresh_token={t}"),
            format!("X-Api-Key: {t}"),
            format!("Cookie: sid={t}"),
            format!("Session {{ access_token: Some(\"{t}\"), ttl: 60 }}"),
        ],
        keys: vec![
            "access_token",
            "refresh_token",
            "accessToken",
            "authorization",
            "session_key",
            "x-api-key",
        ],
        values: vec![json!(t), json!(format!("Bearer {t}"))],
        body_keys: vec!["access_token", "refresh_token", "api_key"],
        body_value: t.clone(),
        form_ok: true,
        as_key: None,
    })
}

fn jwt() -> impl Strategy<Value = Item> {
    (
        "[A-Za-z0-9_-]{12,30}",
        "[A-Za-z0-9_-]{12,60}",
        "[A-Za-z0-9_-]{16,43}",
    )
        .prop_map(|(h, p, s)| {
            let j = format!("eyJ{h}.eyJ{p}.{s}");
            Item {
                class: "jwt",
                needles: vec![
                    Needle::Sub(j.clone()),
                    Needle::Sub(format!("eyJ{h}")),
                    Needle::Sub(format!("eyJ{p}")),
                    Needle::Sub(s.clone()),
                ],
                snippets: vec![
                    format!("idp returned {j} for the user"),
                    format!("gateway replied: Authorization: Bearer {j}"),
                    format!("Bearer {j}"),
                    format!("token={j}&next=1"),
                    format!("{{\"id_token\": \"{j}\"}}"),
                    format!("redirect https://app.example.com/cb?id_token={j}&state=xyz"),
                ],
                keys: vec!["id_token", "access_token", "authorization", "jwt_note"],
                values: vec![json!(j), json!(format!("Bearer {j}"))],
                body_keys: vec!["id_token", "access_token", "assertion"],
                body_value: j.clone(),
                form_ok: true,
                as_key: None,
            }
        })
}

fn pem() -> impl Strategy<Value = Item> {
    (
        prop::collection::vec("[A-Za-z0-9+/]{64}", 2..5),
        "[A-Za-z0-9+/]{8,60}(=|==)?",
        prop::sample::select(vec![
            "PRIVATE KEY",
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
        ]),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(mut lines, last, label, eol)| {
            lines.push(last);
            let block = format!(
                "-----BEGIN {label}-----{eol}{}{eol}-----END {label}-----",
                lines.join(eol)
            );
            Item {
                class: "pem",
                needles: lines.iter().map(|l| Needle::Sub(l.clone())).collect(),
                snippets: vec![
                    format!("loaded {block} from vault"),
                    block.clone(),
                    format!("PRIVATE_KEY={block}"),
                    format!(
                        "{{\"private_key\": {}}}",
                        serde_json::to_string(&block).unwrap()
                    ),
                ],
                keys: vec!["private_key", "config", "tls_key", "signing_key"],
                values: vec![json!(block)],
                body_keys: vec!["private_key", "key_pem"],
                body_value: block.clone(),
                form_ok: false,
                as_key: None,
            }
        })
}

fn cvv() -> impl Strategy<Value = Item> {
    "[0-9]{3,4}".prop_map(|c| {
        let mut values = vec![json!(c)];
        if !c.starts_with('0') {
            values.push(json!(c.parse::<u64>().unwrap()));
        }
        Item {
            class: "cvv",
            needles: vec![Needle::Word(c.clone())],
            snippets: vec![
                format!("{{\"cvv\":{c}}}"),
                format!("\"cvv\" : \"{c}\""),
                format!("cvv={c}"),
                format!("\"cvv\":\"{c}\""),
                format!("{{\\\"cvc\\\":\\\"{c}\\\"}}"),
                format!("<cvv>{c}</cvv>"),
                format!("CVV: {c}"),
                format!("got cvv {c} from form"),
                format!("the cvv is {c}"),
                format!("security code {c}"),
                format!("CVV2={c}"),
                format!("CVC2: {c}"),
                format!("card_cvv={c}"),
                format!("CardInput {{ cvv: \"{c}\", exp: \"12/27\" }}"),
                format!("CardInput {{ cvv: Some(\"{c}\"), exp: \"12/27\" }}"),
            ],
            keys: vec![
                "cvv",
                "CVV",
                "cvc",
                "cvv2",
                "securityCode",
                "card_code",
                "vpc_CardSecurityCode",
            ],
            values,
            body_keys: vec!["cvv", "cvc", "securityCode"],
            body_value: c.clone(),
            form_ok: true,
            as_key: None,
        }
    })
}

fn pin() -> impl Strategy<Value = Item> {
    "[0-9]{4,6}".prop_map(|p| {
        let mut values = vec![json!(p)];
        if !p.starts_with('0') {
            values.push(json!(p.parse::<u64>().unwrap()));
        }
        Item {
            class: "pin",
            needles: vec![Needle::Word(p.clone())],
            snippets: vec![
                format!("pin={p}"),
                format!("\"pin\":\"{p}\""),
                format!("<pin>{p}</pin>"),
                format!("PIN {p} entered"),
                format!("pin: {p}"),
                format!("atm_pin={p}"),
                format!("PinInput {{ pin: Some(\"{p}\") }}"),
            ],
            keys: vec!["pin", "PIN", "atmPin", "card_pin"],
            values,
            body_keys: vec!["pin", "atm_pin"],
            body_value: p.clone(),
            form_ok: true,
            as_key: None,
        }
    })
}

fn pin_block() -> impl Strategy<Value = Item> {
    "[0-9A-F]{16}".prop_map(|b| Item {
        class: "pin_block",
        needles: vec![Needle::Sub(b.clone())],
        snippets: vec![
            format!("PIN block: {b}"),
            format!("pinBlock={b}"),
            format!("\"pin_block\": \"{b}\""),
        ],
        keys: vec!["pinBlock", "pin_block", "PinBlock"],
        values: vec![json!(b)],
        body_keys: vec!["pinBlock", "pin_block"],
        body_value: b.clone(),
        form_ok: true,
        as_key: None,
    })
}

/// A Luhn-valid card number: Visa, Mastercard (51–55, 2-series), or Amex.
fn card_number() -> impl Strategy<Value = (String, String)> {
    (0u8..4, prop::collection::vec(0u32..10, 18), 0usize..6).prop_map(|(brand, r, g)| {
        let (prefix, len) = match brand {
            0 => (vec![4], 16),
            1 => (vec![5, 1 + r[17] % 5], 16),
            2 => (vec![2, 3], 16),
            _ => (vec![3, if r[17] % 2 == 0 { 4 } else { 7 }], 15),
        };
        let mut d = prefix.clone();
        d.extend_from_slice(&r[..len - 1 - prefix.len()]);
        let plain = digits_str(&luhn_complete(d));
        let formatted = if len == 16 {
            match g {
                0 => plain.clone(),
                1 | 5 => group(&plain, &[4, 4, 4, 4], " "),
                2 => group(&plain, &[4, 4, 4, 4], "-"),
                3 => group(&plain, &[4, 4, 4, 4], "."),
                _ => group(&plain, &[4, 4, 4, 4], "  "),
            }
        } else {
            match g % 3 {
                0 => plain.clone(),
                1 => group(&plain, &[4, 6, 5], " "),
                _ => group(&plain, &[4, 6, 5], "-"),
            }
        };
        (plain, formatted)
    })
}

fn card() -> impl Strategy<Value = Item> {
    let bare = card_number().prop_map(|(plain, f)| Item {
        class: "card",
        needles: vec![Needle::Digits(plain.clone()), Needle::Sub(f.clone())],
        snippets: vec![
            format!("paid with {f} today"),
            format!("card_number={plain}&amount=five"),
            format!("\"pan\": \"{f}\""),
            format!("<cardNumber>{plain}</cardNumber>"),
            format!("<ns2:cardNumber>{plain}</ns2:cardNumber>"),
            format!("ref {f}"),
            format!("GET /v1/cards/{plain}/charge"),
        ],
        keys: vec![
            "card_number",
            "pan",
            "cardNumber",
            "card_no",
            "card",
            "reference",
            "note",
        ],
        values: vec![json!(f), json!(plain), json!(plain.parse::<u64>().unwrap())],
        body_keys: vec!["card_number", "pan", "cardNumber"],
        body_value: plain.clone(),
        form_ok: true,
        as_key: Some(f.clone()),
    });
    let with_cvv = (card_number(), card_number(), "[0-9]{3,4}", 0u8..4).prop_map(
        |((plain, f), (_, first), c, form)| Item {
            class: "card_with_cvv",
            needles: vec![
                Needle::Digits(plain.clone()),
                Needle::Sub(f.clone()),
                Needle::Word(c.clone()),
            ],
            snippets: vec![match form {
                0 => format!("{plain}|12/27|{c}"),
                1 => format!("{f} exp 12/27 {c}"),
                2 => format!("{f} {c}"),
                // A list of cards, the CVV after the last one.
                _ => format!("cards {first}, {f} {c}"),
            }],
            keys: vec![],
            values: vec![],
            body_keys: vec![],
            body_value: String::new(),
            form_ok: false,
            as_key: None,
        },
    );
    let track2 =
        (card_number(), "[0-9]{7,13}", any::<bool>()).prop_map(|((plain, _), disc, one)| {
            let t2 = if one {
                format!("%B{plain}^DOE/JOHN^2712101{disc}?")
            } else {
                format!(";{plain}=2712101{disc}?")
            };
            Item {
                class: "track2",
                needles: vec![
                    Needle::Digits(plain.clone()),
                    Needle::Sub(format!("2712101{disc}")),
                ],
                snippets: vec![format!("swipe {t2} read"), t2.clone()],
                keys: vec!["track2", "trackData", "magstripe", "raw_swipe"],
                values: vec![json!(t2)],
                body_keys: vec!["track2", "track_data"],
                body_value: t2.clone(),
                form_ok: true,
                as_key: None,
            }
        });
    prop_oneof![3 => bare, 1 => with_cvv, 1 => track2]
}

fn email() -> impl Strategy<Value = Item> {
    (
        "[a-z][a-z0-9]{2,8}([._+][a-z0-9]{2,6})?",
        "[a-z]{3,10}",
        prop::sample::select(vec!["com", "org", "net", "io", "co.uk"]),
        any::<bool>(),
    )
        .prop_map(|(l, d, t, up)| {
            let mut e = format!("{l}@{d}.{t}");
            if up {
                e = e.to_uppercase();
            }
            Item {
                class: "email",
                needles: vec![Needle::SubCi(e.clone())],
                snippets: vec![
                    format!("refund to {e} failed"),
                    format!("email={e}"),
                    format!("\"email\": \"{e}\""),
                    format!("<email>{e}</email>"),
                    format!("mailto:{e}"),
                ],
                keys: vec![
                    "customer_email",
                    "contact",
                    "email_address",
                    "note",
                    "recipient",
                ],
                values: vec![json!(e)],
                body_keys: vec!["email", "customer_email"],
                body_value: e.clone(),
                form_ok: true,
                as_key: Some(e.clone()),
            }
        })
}

fn phone() -> impl Strategy<Value = Item> {
    prop_oneof![
        "\\+[1-9][0-9]{2} [0-9]{4} [0-9]{4}",
        "[2-9][0-9]{2}\\.[0-9]{3}\\.[0-9]{4}",
        "\\+[1-9][0-9]{10,11}",
        "\\([2-9][0-9]{2}\\) [0-9]{3}-[0-9]{4}",
        "[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}",
        "\\+1 [2-9][0-9]{2} [0-9]{3} [0-9]{4}",
    ]
    .prop_map(|p| {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        Item {
            class: "phone",
            needles: vec![Needle::Sub(p.clone()), Needle::Digits(digits)],
            snippets: vec![
                format!("call {p} now"),
                format!("\"phone\": \"{p}\""),
                format!("<mobile>{p}</mobile>"),
                format!("tel: {p}"),
            ],
            // Not a neutral key: a bare number there is an id as much as a phone.
            keys: vec!["phone", "customer_phone", "mobile", "contact_number"],
            values: if p.starts_with('+') && !p.contains(' ') {
                vec![json!(p), json!(p[1..].parse::<u64>().unwrap())]
            } else {
                vec![json!(p)]
            },
            body_keys: vec!["phone", "mobile"],
            body_value: p.clone(),
            form_ok: !p.contains(' '),
            as_key: Some(p.clone()),
        }
    })
}

fn national_id() -> impl Strategy<Value = Item> {
    prop_oneof![
        "[1-8][0-9]{2}-[0-9]{2}-[0-9]{4}",
        "[23][0-9]{11}",
        "[A-Z][0-9]{7}",
        "784-[0-9]{4}-[0-9]{7}-[0-9]",
    ]
    .prop_map(|v| {
        let digits: String = v.chars().filter(char::is_ascii_digit).collect();
        let mut needles = vec![Needle::Sub(v.clone())];
        if digits.len() >= 9 {
            needles.push(Needle::Digits(digits.clone()));
        }
        let mut values = vec![json!(v)];
        if digits == v {
            values.push(json!(v.parse::<u64>().unwrap()));
        }
        Item {
            class: "national_id",
            needles,
            snippets: vec![
                format!("ssn={v}"),
                format!("\"national_id\": \"{v}\""),
                format!("<civil_id>{v}</civil_id>"),
                format!("passport_number='{v}'"),
            ],
            keys: vec![
                "ssn",
                "civil_id",
                "national_id",
                "passport",
                "iqama",
                "emirates_id",
                "tax_id",
                "id_number",
            ],
            values,
            body_keys: vec!["ssn", "civil_id", "passport_number"],
            body_value: v.clone(),
            form_ok: true,
            as_key: None,
        }
    })
}

fn any_item() -> impl Strategy<Value = Item> {
    prop_oneof![
        password(),
        bearer(),
        jwt(),
        pem(),
        cvv(),
        pin(),
        pin_block(),
        card(),
        email(),
        phone(),
        national_id(),
    ]
}

// === where they go ===

#[derive(Clone, Copy, Debug)]
enum Spot {
    /// Under a key at some depth of the serde payload (past the depth limit too).
    Key { depth: u8, array: bool },
    /// In the message of a `log` record (in a neutral field of the `event!`).
    Message,
    /// In a neutral string field.
    Note,
    /// In `labels.note`, as text.
    LabelText,
    /// In an XML/form/JSON/escaped-JSON body inside a string.
    Body,
    /// In bound context, under its key.
    Bound,
    /// In bound context, as `labels.<key>`.
    BoundLabel,
    /// Inside a neutral string deep in an array of the payload.
    ArrayText,
    /// As an object key in the payload.
    AsKey,
    /// In bound context, nested under a neutral key.
    BoundNested,
    /// As a top-level key-value of the `log` record (a dynamic key).
    TopKv,
}

fn spot() -> impl Strategy<Value = Spot> {
    prop_oneof![
        3 => (0u8..13, any::<bool>()).prop_map(|(depth, array)| Spot::Key { depth, array }),
        2 => Just(Spot::Message),
        1 => Just(Spot::Note),
        1 => Just(Spot::LabelText),
        2 => Just(Spot::Body),
        1 => Just(Spot::Bound),
        1 => Just(Spot::BoundLabel),
        1 => Just(Spot::ArrayText),
        1 => Just(Spot::AsKey),
        1 => Just(Spot::BoundNested),
        1 => Just(Spot::TopKv),
    ]
}

const NEUTRAL_SEGMENTS: [&str; 6] = ["data", "request", "gateway", "meta", "details", "items"];

#[derive(Default, Debug)]
struct Scene {
    payload: Map<String, Value>,
    message: Vec<String>,
    note: Vec<String>,
    label: Vec<String>,
    body: Vec<(&'static str, String, bool)>,
    bound: Vec<(String, Value)>,
    texts: Vec<Value>,
    top: Option<(String, Value)>,
}

fn pick<T: Clone>(v: &[T], i: usize) -> Option<T> {
    (!v.is_empty()).then(|| v[i % v.len()].clone())
}

impl Scene {
    fn plant(&mut self, n: usize, item: &Item, spot: Spot, choice: usize) {
        let snippet = pick(&item.snippets, choice).unwrap();
        let key = pick(&item.keys, choice / 7);
        let value = pick(&item.values, choice / 3);
        match (spot, key, value) {
            (Spot::TopKv, Some(key), Some(value)) if self.top.is_none() => {
                // Not `note`: the record has a `note` of its own.
                let key = if key == "note" { "remark" } else { key };
                self.top = Some((key.to_owned(), value))
            }
            (Spot::Key { .. } | Spot::TopKv, Some(key), Some(value)) => {
                let (depth, array) = match spot {
                    Spot::Key { depth, array } => (depth, array),
                    _ => (0, false),
                };
                let mut v = if array {
                    json!({ key: [value] })
                } else {
                    json!({ key: value })
                };
                for d in 0..depth {
                    let seg = NEUTRAL_SEGMENTS[(choice + d as usize) % NEUTRAL_SEGMENTS.len()];
                    v = if (choice >> d) & 1 == 1 && array {
                        json!({ seg: [v] })
                    } else {
                        json!({ seg: v })
                    };
                }
                self.payload.insert(format!("slot{n}"), v);
            }
            (Spot::Bound, Some(key), Some(value)) => self.bound.push((key.to_owned(), value)),
            (Spot::BoundNested, Some(key), Some(value)) => self
                .bound
                .push((format!("gateway{n}"), json!({ "request": { key: value } }))),
            (Spot::BoundLabel, Some(key), Some(value)) => {
                self.bound.push((format!("labels.{key}"), value))
            }
            (Spot::Body, _, _) if !item.body_keys.is_empty() => {
                let k = pick(&item.body_keys, choice).unwrap();
                self.body.push((k, item.body_value.clone(), item.form_ok));
            }
            (Spot::AsKey, _, _) if item.as_key.is_some() => {
                let k = item.as_key.clone().unwrap();
                self.payload
                    .insert(format!("slot{n}"), json!({ "by_value": { k: 1 } }));
            }
            (Spot::Message, _, _) => self.message.push(snippet),
            (Spot::LabelText, _, _) => self.label.push(snippet),
            (Spot::ArrayText, _, _) => self.texts.push(json!([{ "text": [snippet] }])),
            _ => self.note.push(snippet),
        }
    }

    /// The bodies as strings, in the format `fmt` picks (forms only for form-safe values).
    fn bodies(&self, fmt: u8) -> Map<String, Value> {
        let mut out = Map::new();
        if self.body.is_empty() {
            return out;
        }
        let fmt = if fmt % 4 == 1 && !self.body.iter().all(|(_, _, ok)| *ok) {
            0
        } else {
            fmt % 4
        };
        let body = match fmt {
            0 => {
                let mut s = String::from("<req><amount>5</amount>");
                for (k, v, _) in &self.body {
                    s.push_str(&format!("<{k}>{v}</{k}>"));
                }
                s + "</req>"
            }
            1 => {
                let mut parts = vec!["amount=5".to_owned()];
                for (k, v, _) in &self.body {
                    parts.push(format!("{k}={v}"));
                }
                parts.join("&")
            }
            _ => {
                let mut m = Map::new();
                m.insert("amount".into(), json!(5));
                for (i, (k, v, _)) in self.body.iter().enumerate() {
                    // Same key twice: nest the later one so both stay.
                    if m.contains_key(*k) {
                        m.insert(format!("part{i}"), json!({ *k: v }));
                    } else {
                        m.insert((*k).to_owned(), json!(v));
                    }
                }
                let s = serde_json::to_string(&Value::Object(m)).unwrap();
                if fmt == 2 {
                    s
                } else {
                    // JSON inside a JSON string, as a body logged inside a body.
                    let quoted = serde_json::to_string(&s).unwrap();
                    format!("payload={}", &quoted[1..quoted.len() - 1])
                }
            }
        };
        out.insert("body".into(), json!(body));
        out
    }
}

fn join(parts: &[String], empty: &str) -> String {
    if parts.is_empty() {
        empty.to_owned()
    } else {
        parts.join(" ; ")
    }
}

// === the check ===

fn leaks(line: &Value, items: &[Item]) -> Vec<String> {
    let mut v = line.clone();
    v.as_object_mut().unwrap().remove("@timestamp");
    let text = serde_json::to_string(&v).unwrap();
    let lower = text.to_ascii_lowercase();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let mut out = Vec::new();
    for item in items {
        for n in &item.needles {
            if n.found(&text, &lower, &digits) {
                out.push(format!("{} {:?}", item.class, n));
            }
        }
    }
    out
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn planted_secrets_never_reach_the_line(
        planted in prop::collection::vec((any_item(), spot(), any::<usize>()), 1..7),
        body_fmt in any::<u8>(),
        in_payload in any::<bool>(),
    ) {
        setup();
        let mut scene = Scene::default();
        for (n, (item, spot, choice)) in planted.iter().enumerate() {
            scene.plant(n, item, *spot, *choice);
        }
        let mut doc = scene.payload.clone();
        doc.extend(scene.bodies(body_fmt));
        if !scene.texts.is_empty() {
            doc.insert("texts".into(), Value::Array(scene.texts.clone()));
        }
        let doc = Value::Object(doc);
        let message = join(&scene.message, "planted");
        let note = join(&scene.note, "");
        let label = join(&scene.label, "");
        let (top_key, top_value) = scene.top.clone().unwrap_or(("attempt".into(), json!(2)));
        let mut fields = Fields::new().with("attempt", &2);
        for (k, v) in &scene.bound {
            fields = fields.with(k, v);
        }

        let lines = capture(|| {
            let _g = context::bind(fields);
            if in_payload {
                log::info!(payload:serde = doc, note = note.as_str(), (top_key.as_str()):serde = top_value,
                           "labels.note" = label.as_str(), amount = 7.5; "{}", message);
                event!(info, "planted", payload:serde = doc, note = note.as_str(),
                       detail = message.as_str(), labels = { note: label.as_str() }, amount = 7.5);
            } else {
                log::info!(request:serde = doc, note = note.as_str(), (top_key.as_str()):serde = top_value,
                           "labels.note" = label.as_str(), amount = 7.5; "{}", message);
                event!(info, "planted", request:serde = doc, note = note.as_str(),
                       detail = message.as_str(), labels = { note: label.as_str() }, amount = 7.5);
            }
        });
        let items: Vec<Item> = planted.iter().map(|(i, _, _)| i.clone()).collect();
        // The needles are real: each item is found in what was planted.
        let planted_text = serde_json::to_string(&json!({
            "doc": doc, "message": message, "note": note, "label": label,
            "bound": scene.bound, "top": [top_key, top_value],
        }))
        .unwrap();
        let planted_lower = planted_text.to_ascii_lowercase();
        let planted_digits: String = planted_text.chars().filter(char::is_ascii_digit).collect();
        for item in &items {
            prop_assert!(
                item.needles
                    .iter()
                    .any(|n| n.found(&planted_text, &planted_lower, &planted_digits)),
                "{} was not planted: {:?}", item.class, scene
            );
        }
        prop_assert_eq!(lines.len(), 2, "{:#?}", lines);
        for (route, line) in ["log record", "event!"].iter().zip(&lines) {
            prop_assert!(line["@timestamp"].is_string(), "{}: {}", route, line);
            prop_assert!(line["log.level"].is_string(), "{}: {}", route, line);
            prop_assert!(line["message"].is_string(), "{}: {}", route, line);
            let found = leaks(line, &items);
            prop_assert!(
                found.is_empty(),
                "{} leaked {:?}\nscene: {:#?}\nline: {}",
                route, found, scene, line
            );
        }
    }
}
