//! Opt-in request/response lines: header masking, body capture and masking, emission.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use http::HeaderMap;
use log::kv::Value;

use crate::context::Context;

/// The `log` target (`log.logger`) of the request/response lines.
pub(crate) const TARGET: &str = "ecsctx::http";

/// Whether the request/response lines would be written at `level`.
#[inline]
pub(crate) fn enabled(level: log::Level) -> bool {
    log::log_enabled!(target: TARGET, level)
}

/// Masks a header value by its (lower-case) name with the PII module's rule (the same
/// as the reference's); `None` when it needs no masking.
pub(crate) use crate::pii::mask::mask_header;

/// The headers as a map (names lower case, repeated values joined with `, `), credentials
/// masked.
pub(crate) fn headers_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for name in headers.keys() {
        let mut joined = String::new();
        for (i, v) in headers.get_all(name).iter().enumerate() {
            if i > 0 {
                joined.push_str(", ");
            }
            joined.push_str(&String::from_utf8_lossy(v.as_bytes()));
        }
        let value = mask_header(name.as_str(), &joined).unwrap_or(joined);
        map.insert(name.as_str().to_owned(), value);
    }
    map
}

/// Reads up to a limit of a request body before the handler runs (axum's `Body`).
pub(crate) trait PreRead: Send {
    /// Ready with the captured bytes once the limit or the end of the body is reached.
    fn poll_capture(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Captured>;
}

/// Up to `cap` bytes of a body.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    pub(crate) buf: Vec<u8>,
    pub(crate) total: u64,
    pub(crate) truncated: bool,
}

impl Captured {
    pub(crate) fn push(&mut self, chunk: &[u8], len: usize, cap: usize) {
        self.total += len as u64;
        let room = cap.saturating_sub(self.buf.len());
        let take = room.min(chunk.len());
        self.buf.extend_from_slice(&chunk[..take]);
        if take < len {
            self.truncated = true;
        }
    }
}

/// Whether a body of this content type is text worth logging.
pub(crate) fn is_textual(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return true;
    };
    let ct = ct.trim().to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("xml")
        || ct.contains("x-www-form-urlencoded")
        || ct.contains("javascript")
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
}

fn remove_keys(v: &mut serde_json::Value, keys: &[String]) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|k, _| !keys.iter().any(|x| x == k));
            for child in m.values_mut() {
                remove_keys(child, keys);
            }
        }
        serde_json::Value::Array(a) => {
            for child in a {
                remove_keys(child, keys);
            }
        }
        _ => {}
    }
}

/// The text to log for a captured body, or `None` when it must not be logged: binary,
/// or keys must be left out but the body is not complete, parseable JSON (logging it
/// raw could leak exactly those keys).
///
/// The text is masked with [`redact_body`](crate::pii::redact_body) (credential, CVV, PIN
/// and card keys, card numbers, emails, phones), whatever the logger's masker: a service
/// may run with the masker off. A body cut at the limit is masked as it was cut (a key
/// whose value was cut still has the part that was captured masked).
pub(crate) fn body_text(
    c: &Captured,
    content_type: Option<&str>,
    omit: &[String],
) -> Option<String> {
    if c.buf.is_empty() || !is_textual(content_type) {
        return None;
    }
    if !omit.is_empty() {
        if c.truncated || !is_json(content_type) {
            return None;
        }
        let mut v: serde_json::Value = serde_json::from_slice(&c.buf).ok()?;
        remove_keys(&mut v, omit);
        return Some(redacted(v.to_string()));
    }
    let mut text = String::from_utf8_lossy(&c.buf).into_owned();
    if c.truncated {
        // The cut may fall inside a value that no rule recognises once cut (the first 10
        // digits of a card number, half an email or a JWT): such a partial last token is
        // dropped. More than 6 digits (a card's first 6 may show), an `@`, or a JWT's start.
        let keep = text
            .rfind(|ch: char| {
                ch.is_whitespace()
                    || matches!(ch, '"' | '\'' | ',' | '&' | '<' | '>' | '{' | '}' | '[' | ']' | '=' | ';')
            })
            .map_or(0, |p| p + 1);
        let tail = &text[keep..];
        if tail.bytes().filter(u8::is_ascii_digit).count() > 6
            || tail.contains('@')
            || tail.contains("eyJ")
        {
            text.truncate(keep);
        }
    }
    let mut s = redacted(text);
    if c.truncated {
        let _ = write!(s, "…[truncated, {} bytes]", c.total);
    }
    Some(s)
}

/// `s` through [`redact_body`](crate::pii::redact_body), reusing it when nothing was
/// masked.
fn redacted(s: String) -> String {
    match crate::pii::redact_body(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(masked) => masked,
    }
}

/// Writes one request/response line with a static event name.
pub(crate) fn emit(sent: bool, level: log::Level, kvs: &[(&str, Value<'_>)]) {
    if !enabled(level) {
        return;
    }
    let logger = log::logger();
    let builder = |args| {
        log::Record::builder()
            .level(level)
            .target(TARGET)
            .module_path_static(Some(module_path!()))
            .args(args)
            .key_values(&kvs)
            .build()
    };
    // Literal format strings, so the message is a static name.
    if sent {
        logger.log(&builder(format_args!("http_response_sent")));
    } else {
        logger.log(&builder(format_args!("http_request_received")));
    }
}

/// The `http_request_received` line.
pub(crate) fn emit_received(
    headers: Option<&BTreeMap<String, String>>,
    body: Option<&str>,
    bytes: Option<u64>,
) {
    let mut kvs: Vec<(&str, Value<'_>)> = Vec::with_capacity(4);
    if let Some(h) = headers {
        kvs.push(("headers", Value::from_serde(h)));
    }
    if let Some(b) = body {
        kvs.push(("http.request.body.content", Value::from(b)));
    }
    if let Some(n) = bytes {
        kvs.push(("http.request.body.bytes", Value::from(n)));
    }
    emit(false, log::Level::Info, &kvs);
}

/// What the response line needs, carried from the request to the end of the body.
#[derive(Debug)]
pub(crate) struct SentLog {
    pub(crate) ctx: Context,
    pub(crate) start: Instant,
    pub(crate) status: Option<u16>,
    pub(crate) headers: Option<BTreeMap<String, String>>,
    pub(crate) content_type: Option<String>,
    /// 0: do not capture the body.
    pub(crate) cap: usize,
    pub(crate) captured: Captured,
    pub(crate) omit: Arc<[String]>,
    pub(crate) failed: bool,
    /// The level of the line for a 5xx status or a failed service.
    pub(crate) error_level: log::Level,
}

impl SentLog {
    #[inline]
    pub(crate) fn on_data(&mut self, chunk: &[u8], len: usize) {
        if self.cap > 0 {
            self.captured.push(chunk, len, self.cap);
        } else {
            self.captured.total += len as u64;
        }
    }

    /// Writes the `http_response_sent` line inside the request's context.
    pub(crate) fn finish(self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let body = if self.cap > 0 {
            body_text(&self.captured, self.content_type.as_deref(), &self.omit)
        } else {
            None
        };
        self.ctx.run(|| {
            let mut kvs: Vec<(&str, Value<'_>)> = Vec::with_capacity(7);
            if let Some(s) = self.status {
                kvs.push(("http.response.status_code", Value::from(s)));
            }
            kvs.push(("event.duration", Value::from(nanos)));
            if self.failed {
                kvs.push(("event.outcome", Value::from("failure")));
            } else {
                kvs.push(("http.response.body.bytes", Value::from(self.captured.total)));
            }
            if let Some(h) = &self.headers {
                kvs.push(("headers", Value::from_serde(h)));
            }
            if let Some(b) = &body {
                kvs.push(("http.response.body.content", Value::from(b.as_str())));
            }
            let level = if self.failed || self.status.is_some_and(|s| s >= 500) {
                self.error_level
            } else {
                log::Level::Info
            };
            emit(true, level, &kvs);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_credentials() {
        assert_eq!(
            mask_header("authorization", "Bearer abcdefghijklmnopwxyz").unwrap(),
            "Bearer abcd****wxyz"
        );
        assert_eq!(
            mask_header("authorization", "Bearer short").unwrap(),
            "Bearer ****"
        );
        assert_eq!(
            mask_header("x-api-key", "0123456789").unwrap(),
            "****"
        );
        assert_eq!(mask_header("apikey", "12345678").unwrap(), "****");
        assert_eq!(
            mask_header("cookie", "session=abc; csrftoken=x").unwrap(),
            "****"
        );
        assert_eq!(mask_header("set-cookie", "a=b").unwrap(), "****");
        assert_eq!(mask_header("accept", "text/html"), None);
    }

    #[test]
    fn body_capture_and_omission() {
        let mut c = Captured::default();
        c.push(br#"{"token":"t","ok":{"token":1,"v":2}}"#, 36, 100);
        assert!(!c.truncated);
        let omit = vec!["token".to_owned()];
        assert_eq!(
            body_text(&c, Some("application/json"), &omit).unwrap(),
            r#"{"ok":{"v":2}}"#
        );
        let mut t = Captured::default();
        t.push(b"0123456789", 10, 4);
        assert!(t.truncated);
        assert_eq!(t.buf, b"0123");
        assert_eq!(
            body_text(&t, Some("text/plain"), &[]).unwrap(),
            "0123…[truncated, 10 bytes]"
        );
        // Truncated JSON with keys to omit is withheld, never logged raw.
        assert_eq!(body_text(&t, Some("application/json"), &omit), None);
        assert_eq!(body_text(&c, Some("image/png"), &[]), None);
    }

    /// The body is masked before it reaches the logger: this holds with the logger's
    /// masker off, since no logger is involved here.
    #[test]
    fn bodies_are_redacted_before_logging() {
        let json = br#"{"password":"hunter2","card":{"number":"4111111111111111","cvv":"737"}}"#;
        let form = b"user=alice&password=hunter2&cvv=737&card_number=4111111111111111";
        let xml = b"<pay><pan>4111111111111111</pan><cvv>737</cvv><pin>8674</pin></pay>";
        let cases: [(&[u8], &str, &[String]); 4] = [
            (json, "application/json", &[]),
            (json, "application/json", &["other".to_owned()]),
            (form, "application/x-www-form-urlencoded", &[]),
            (xml, "application/xml", &[]),
        ];
        for (body, ct, omit) in cases {
            let mut c = Captured::default();
            c.push(body, body.len(), 1024);
            let text = body_text(&c, Some(ct), omit).unwrap();
            for secret in ["hunter2", "737", "4111111111111111", "8674"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        let json_text = {
            let mut c = Captured::default();
            c.push(json, json.len(), 1024);
            body_text(&c, Some("application/json"), &[]).unwrap()
        };
        let v: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        assert_eq!(v["card"]["number"], "411111******1111", "{json_text}");

        // Cut inside a secret: the captured part of it is masked too.
        for cut in [17, 50, 67] {
            let mut c = Captured::default();
            c.push(json, json.len(), cut);
            assert!(c.truncated);
            let text = body_text(&c, Some("application/json"), &[]).unwrap();
            assert!(text.contains("truncated"), "{text}");
            for part in ["hunt", "41111111", "\"73"] {
                assert!(!text.contains(part), "{part} in {text}");
            }
        }
    }
}
