//! The properties each fuzz target checks, on any input: they panic when one fails.
//! Shared by the `cargo fuzz` targets (nightly) and by the stable regression test that
//! replays the committed corpus (`tests/tests/fuzz_corpus.rs`).

use std::collections::HashSet;
use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use ecsctx::mask::Masker;
use ecsctx::sink::Sink;
use log::Log;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// `traceparent`: never panics; a header that parses prints back as the canonical
/// lowercase form, which parses to the same value.
pub fn traceparent(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tp) = s.parse::<ecsctx::trace::TraceParent>() {
        let text = tp.to_string();
        assert_eq!(text.len(), 55, "{text}");
        assert!(text.starts_with("00-"), "{text}");
        assert!(
            text.bytes()
                .all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
            "{text}"
        );
        let again: ecsctx::trace::TraceParent = text.parse().expect("the canonical form parses");
        assert_eq!(again.to_string(), text);
    }
    // Whatever the header, a context comes out.
    let tc = ecsctx::trace::TraceContext::from_headers(Some(s), Some(s));
    assert_eq!(tc.traceparent().to_string().len(), 55);
}

/// `keyset`: never panics, and an error never carries key material (the `key_b64`
/// values of the input).
pub fn keyset(data: &[u8]) {
    for parse in [
        ecsctx::pii::Keyset::parse_token as fn(&[u8], &str) -> _,
        ecsctx::pii::Keyset::parse_reveal,
    ] {
        if let Err(e) = parse(data, "fuzz") {
            let msg = e.to_string();
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
                if let Some(keys) = v.get("keys").and_then(|k| k.as_object()) {
                    for k in keys.values() {
                        if let Some(b) = k.get("key_b64").and_then(|b| b.as_str()) {
                            assert!(b.len() < 8 || !msg.contains(b), "key material in: {msg}");
                        }
                    }
                }
            }
        }
    }
}

/// `masker`: never panics; what it writes leaves no email address and no card number
/// (13–19 digits, Luhn-valid, a card's first digit; 13 from a `4` only) that the input
/// held.
pub fn masker(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    static MASKER: OnceLock<ecsctx::pii::PiiMasker> = OnceLock::new();
    let m = MASKER.get_or_init(ecsctx::pii::PiiMasker::new);
    let mut out = String::new();
    let changed = m.mask_str("extra.note", &text, &mut out);
    let shown = if changed { out.as_str() } else { &*text };
    // What reads as a card or an address in the output, and read as one in the input,
    // with the same character after it (text that became one when what followed it was
    // masked is not one of the input's).
    for (what, find) in [
        ("card number", card_run as fn(&str) -> Option<&str>),
        ("email", email),
    ] {
        let before = all(&text, find);
        for left in all(shown, find) {
            // Text that reads as one only because what was glued to it became a label
            // (`a@b.cc4111…^` → `a@b.cc[SAD-MASKED]`) was no address in the input.
            let end = left.0.as_ptr() as usize - shown.as_ptr() as usize + left.0.len();
            // (Past the dots and dashes a domain ends before: `a@b.cc-----[SAD-MASKED]`.)
            let after = shown[end..].trim_start_matches(['.', '-']);
            if after.starts_with("[PII_REDACTED]")
                || (after.starts_with('[')
                    && after
                        .split(']')
                        .next()
                        .is_some_and(|l| l.ends_with("-MASKED")))
            {
                continue;
            }
            assert!(
                !before.contains(&left),
                "{what} {} left in {shown:?} (input {text:?})",
                left.0
            );
        }
    }
}

/// Every match of `find` in `s`, left to right, with what follows it: the dots and
/// dashes a domain ends before, and the character after them (`a@b.cc--x` and
/// `a@b.cc-y` are different occurrences of `a@b.cc`).
fn all(s: &str, find: fn(&str) -> Option<&str>) -> Vec<(&str, &str, Option<char>)> {
    let mut found = Vec::new();
    let mut rest = s;
    while let Some(m) = find(rest) {
        // `m` borrows from `rest`: go on after it.
        let at = m.as_ptr() as usize - rest.as_ptr() as usize;
        let (start, end) = (at, at + m.len());
        let after = &rest[end..];
        let joined = after.len() - after.trim_start_matches(['.', '-']).len();
        found.push((
            &rest[start..end],
            &after[..joined],
            after[joined..].chars().next(),
        ));
        rest = &rest[end..];
    }
    found
}

/// A maximal run of 13–19 ASCII digits that is Luhn-valid and starts like a card (13
/// digits from a `4` only: no other network issues 13-digit cards).
fn card_run(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let run = &b[start..i];
        let card_start = match run[0] {
            b'3'..=b'6' => true,
            b'2' => run.len() >= 4 && (&b"2221"[..]..=&b"2720"[..]).contains(&&run[..4]),
            _ => false,
        };
        // (13 digits are an old Visa's only: a `4`.)
        let length = (14..=19).contains(&run.len()) || (run.len() == 13 && run[0] == b'4');
        if length && card_start && luhn(run) {
            return Some(&s[start..i]);
        }
    }
    None
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &c)| {
            let v = u32::from(c - b'0');
            if k % 2 == 1 {
                if v * 2 > 9 {
                    v * 2 - 9
                } else {
                    v * 2
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// An address: local part (letters, digits, `. _ % + -`), `@`, a domain of labels with
/// a final label of two letters or more.
fn email(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    for (at, _) in s.match_indices('@') {
        let mut ls = at;
        while ls > 0 && local(b[ls - 1]) {
            ls -= 1;
        }
        let mut de = at + 1;
        while de < b.len() && domain(b[de]) {
            de += 1;
        }
        let dom = s[at + 1..de].trim_end_matches(['.', '-']);
        let Some(dot) = dom.rfind('.') else { continue };
        let tld = &dom[dot + 1..];
        let alnum_local = s[ls..at].bytes().any(|c| c.is_ascii_alphanumeric());
        if alnum_local
            && dot > 0
            && tld.len() >= 2
            && tld.bytes().all(|c| c.is_ascii_alphabetic())
            && dom.split('.').all(|l| !l.is_empty() && !l.starts_with('-'))
        {
            return Some(&s[ls..at + 1 + dom.len()]);
        }
    }
    None
}

thread_local! {
    /// Set by the panic hook the `render` check installs.
    static PANICKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Lines written by the `render` target's logger.
#[derive(Default)]
struct Lines(Mutex<Vec<Vec<u8>>>);

impl Sink for Lines {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.0.lock().unwrap().push(line.to_vec());
        Ok(())
    }
}

/// `render`: a foreign record whose key-values come from the input (one `key=value` a
/// line; numbers, booleans and JSON become typed values) is written as exactly one line:
/// one JSON object, no key twice in any object, the header fields strings, every ECS
/// field set an object.
pub fn render(data: &[u8]) {
    static LOGGER: OnceLock<(ecsctx::EcsLogger, Arc<Lines>)> = OnceLock::new();
    let (logger, lines) = LOGGER.get_or_init(|| {
        // The logger contains a panic (a marker line takes the record's place): note it.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|p| p.set(true));
            previous(info);
        }));
        let lines = Arc::new(Lines::default());
        let logger = ecsctx::Builder::new()
            .with_filter("trace")
            .with_sink(lines.clone())
            .build();
        (logger, lines)
    });
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\n');
    let message = parts.next().unwrap_or("");
    let pairs: Vec<(&str, &str)> = parts
        .take(32)
        .map(|l| l.split_once('=').unwrap_or((l, "")))
        .collect();
    let json: Vec<Option<serde_json::Value>> = pairs
        .iter()
        .map(|(_, v)| {
            (v.starts_with('{') || v.starts_with('['))
                .then(|| serde_json::from_str(v).ok())
                .flatten()
        })
        .collect();
    let kvs: Vec<(&str, log::kv::Value)> = pairs
        .iter()
        .zip(&json)
        .map(|((k, v), j)| {
            let value = if let Some(j) = j {
                log::kv::Value::from_serde(j)
            } else if let Ok(n) = v.parse::<i64>() {
                log::kv::Value::from(n)
            } else if let Ok(f) = v.parse::<f64>() {
                log::kv::Value::from(f)
            } else if let Ok(b) = v.parse::<bool>() {
                log::kv::Value::from(b)
            } else {
                log::kv::Value::from(*v)
            };
            (*k, value)
        })
        .collect();
    lines.0.lock().unwrap().clear();
    logger.log(
        &log::Record::builder()
            .level(log::Level::Info)
            .target("fuzz")
            .args(format_args!("{message}"))
            .key_values(&kvs)
            .build(),
    );
    let panicked = PANICKED.with(|p| p.replace(false));
    assert!(
        !panicked,
        "rendering panicked: {:?}",
        String::from_utf8_lossy(data)
    );
    let written = std::mem::take(&mut *lines.0.lock().unwrap());
    assert_eq!(written.len(), 1, "one line per record");
    let line = &written[0];
    assert_eq!(line.last(), Some(&b'\n'));
    assert!(!line[..line.len() - 1].contains(&b'\n'), "one line");
    // The line's nesting is capped far below serde_json's recursion limit.
    let mut de = serde_json::Deserializer::from_slice(line);
    de.deserialize_any(NoDuplicates)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)));
    let v: serde_json::Value = serde_json::from_slice(line).unwrap();
    for k in ["@timestamp", "log.level", "message", "ecs.version"] {
        assert!(v[k].is_string(), "{k} in {v}");
    }

    for (k, val) in v.as_object().unwrap() {
        if ecsctx::placement::is_ecs_field_set(k) || k == "extra" {
            assert!(val.is_object(), "{k} is not an object in {v}");
        }
    }
}

/// Walks a JSON document, failing on an object that holds a key twice.
struct NoDuplicates;

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element_seed(Seed)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(k) = a.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(de::Error::custom(format!("duplicate key `{k}`")));
            }
            a.next_value_seed(Seed)?;
        }
        Ok(())
    }
}

struct Seed;

impl<'de> de::DeserializeSeed<'de> for Seed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(NoDuplicates)
    }
}
