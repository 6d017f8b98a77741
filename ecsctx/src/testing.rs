//! Capture the lines logged inside a closure or a future, as parsed JSON.
//!
//! Capturing follows the context: lines from threads and tasks that carry the context
//! ([`crate::context::spawn_thread`], [`crate::context::FutureExt`])
//! are captured too, and tests running in parallel never see each other's lines.
//!
//! If no logger is installed yet, an ECS logger is installed at `trace` level whose
//! uncaptured lines are discarded. If another `log` backend is installed, nothing can be
//! captured: the functions panic with a message that says so.
//!
//! ```
//! let lines = ecsctx::testing::capture(|| log::info!(order_id = 7; "late"));
//! assert_eq!(lines[0]["message"], "late");
//! assert_eq!(lines[0]["extra"]["order_id"], 7);
//! ```
//!
//! # Leak tests
//! [`find_leaks`] and [`assert_no_leaks`] search captured lines for plaintext values a
//! test planted (passwords, CVVs, card numbers): run the service's own code path with
//! generated secrets inside [`capture`], then assert that none of them reached a line.
//!
//! ```
//! use ecsctx::testing::{assert_no_leaks, capture};
//!
//! for (password, cvv) in [("hunter2", "737"), ("s3cr3t!pass", "0421")] {
//!     let lines = capture(|| {
//!         // The service's code path, here a key-value record and an event.
//!         log::info!(user = "alice", password = password; "login");
//!         ecsctx::event!(info, "card_checked", cvv = cvv);
//!     });
//!     assert_no_leaks(&lines, &[password, cvv]);
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::context::{Context, FutureExt};

/// Lines collected by one capture.
#[derive(Debug, Default)]
pub(crate) struct CaptureSink {
    lines: Mutex<Vec<Vec<u8>>>,
}

impl crate::sink::Sink for CaptureSink {
    fn write_line(&self, line: &[u8]) -> std::io::Result<()> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line.to_vec());
        Ok(())
    }
}

impl CaptureSink {
    fn take(&self) -> Vec<Value> {
        let lines = std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner));
        lines
            .iter()
            .map(|l| {
                serde_json::from_slice(l).unwrap_or_else(|e| {
                    panic!(
                        "ecsctx produced a line that is not JSON ({e}): {}",
                        String::from_utf8_lossy(l)
                    )
                })
            })
            .collect()
    }
}

fn ensure_logger() {
    // Parallel tests race here on their first capture: one installs, the others wait.
    static INSTALLING: Mutex<()> = Mutex::new(());
    if crate::config::INSTALLED.get().is_some() {
        return;
    }
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
    if crate::config::INSTALLED.get().is_some() {
        return;
    }
    let res = crate::Builder::new()
        .with_filter("trace")
        .with_sink(crate::sink::WriterSink::new(std::io::sink()))
        .try_init();
    if res.is_err() && crate::config::INSTALLED.get().is_none() {
        panic!("ecsctx::testing: another `log` backend is installed; lines cannot be captured");
    }
}

/// Runs `f` and returns every line logged inside it (parsed).
///
/// # Panics
/// When another `log` backend is installed, or a line is not valid JSON.
///
/// # Examples
/// ```
/// let lines = ecsctx::testing::capture(|| {
///     log::info!(order_id = 7; "order_placed");
///     log::warn!("stock_low");
/// });
/// assert_eq!(lines.len(), 2);
/// assert_eq!(lines[0]["message"], "order_placed");
/// assert_eq!(lines[0]["extra"]["order_id"], 7);
/// assert_eq!(lines[1]["log.level"], "warn");
/// // Lines logged outside the closure are not captured:
/// log::info!("elsewhere");
/// assert!(ecsctx::testing::capture(|| ()).is_empty());
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> Vec<Value> {
    capture_with(f).1
}

/// Runs `f` and returns its result and the lines logged inside it.
///
/// # Panics
/// As [`capture`].
///
/// # Examples
/// ```
/// let (total, lines) = ecsctx::testing::capture_with(|| {
///     let total = 40 + 2;
///     log::info!(total = total; "cart_totalled");
///     total
/// });
/// assert_eq!(total, 42);
/// assert_eq!(lines[0]["extra"]["total"], 42);
/// ```
pub fn capture_with<R>(f: impl FnOnce() -> R) -> (R, Vec<Value>) {
    ensure_logger();
    let sink = Arc::new(CaptureSink::default());
    let r = Context::current().with_sink(sink.clone()).run(f);
    (r, sink.take())
}

/// Runs `fut` and returns its output and the lines logged while it ran, including lines
/// of tasks it spawned with the context.
///
/// # Panics
/// As [`capture`].
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (n, lines) = ecsctx::testing::capture_future(async {
///     log::warn!("x");
///     1
/// })
/// .await;
/// assert_eq!((n, lines.len()), (1, 1));
/// # });
/// ```
pub async fn capture_future<F: Future>(fut: F) -> (F::Output, Vec<Value>) {
    ensure_logger();
    let sink = Arc::new(CaptureSink::default());
    let ctx = Context::current().with_sink(sink.clone());
    let out = fut.with_context(ctx).await;
    (out, sink.take())
}

// === leak tests ===

/// A planted value found in a captured line, by [`find_leaks`].
///
/// Its [`Display`](fmt::Display) reads `line 0, extra.password: "hunter2"`.
///
/// # Examples
/// ```
/// use ecsctx::testing::{find_leaks, Leak};
/// let lines = [serde_json::json!({"message": "login", "extra": {"password": "hunter2"}})];
/// let leaks = find_leaks(&lines, &["hunter2"]);
/// assert_eq!(
///     leaks,
///     [Leak { line: 0, path: "extra.password".into(), value: "hunter2".into() }]
/// );
/// assert_eq!(leaks[0].to_string(), r#"line 0, extra.password: "hunter2""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The index of the line in the slice given to [`find_leaks`].
    pub line: usize,
    /// Where in the line: the path of the value from the root, keys joined with `.`,
    /// array elements as `[i]` (`message`, `extra.card.number`, `extra.items[1]`). A key
    /// that is not made of letters, digits, `_`, `-` and `@` is written `["log.level"]`.
    /// When the planted value is in a key, the path names that key's member and ends
    /// with ` (key)`.
    pub path: String,
    /// The planted value, as it was given.
    pub value: String,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: {:?}", self.line, self.path, self.value)
    }
}

/// Every place where a planted plaintext value occurs in `lines`: inside a string value,
/// inside a number (as its decimal text), or inside a key, at any depth (objects and
/// arrays). One [`Leak`] per line, path and value; in line order, then in the order the
/// parsed line iterates (`serde_json` sorts object keys unless its `preserve_order`
/// feature is on).
///
/// Matching:
/// * a value of 4 characters or more matches anywhere, also inside a longer word
///   (`hunter2` in `pw=hunter2x`);
/// * a value **shorter than 4 characters** (a CVV `123`, a 2-digit month) matches only
///   as a whole word: where it is not preceded or followed by a letter or a digit (any
///   other character, or the start or end of the text, delimits it). So a CVV `123`
///   is not reported inside `2025-01-13T10:30:00.123Z`, a token `tok_a123b` or a
///   masked card `411111******1123`, but is in `cvv=123` or `"123"`;
/// * matching is exact (case-sensitive); a value is also searched in its JSON-escaped
///   form (`p\"w` for `p"w`), as it appears in a JSON body logged as a string. Other
///   encodings (percent-encoding in a URL, base64, a card number with spaces) are not
///   derived: plant each form the code may log;
/// * `@timestamp` is not searched: the logger writes it from the clock, and a 4-digit
///   value (a PIN `2025`) would match its year;
/// * empty values are ignored.
///
/// A value of 4 characters or more may still occur by chance: in a random id
/// (`trace.id`, `span.id`), a number (`event.duration`), or the digits a masked card
/// keeps (a CVV `1111` in `411111******1111`). Plant values that the lines cannot
/// contain by accident (skip a generated CVV that is part of the generated card), or
/// filter those leaks out.
///
/// # Examples
/// ```
/// use ecsctx::testing::find_leaks;
/// use serde_json::json;
///
/// let lines = [
///     json!({"message": "card 4111111111111111 declined"}),
///     json!({"@timestamp": "2025-01-13T10:30:00.123Z", "extra": {"cvv": "123", "items": ["a", 123]}}),
///     json!({"extra": {"by_card": {"4111111111111111": 1}, "token": "tok_a123b"}}),
/// ];
/// let found: Vec<String> = find_leaks(&lines, &["4111111111111111", "123"])
///     .iter()
///     .map(|l| l.to_string())
///     .collect();
/// assert_eq!(
///     found,
///     [
///         r#"line 0, message: "4111111111111111""#,
///         r#"line 1, extra.cvv: "123""#,
///         r#"line 1, extra.items[1]: "123""#,
///         r#"line 2, extra.by_card.4111111111111111 (key): "4111111111111111""#,
///     ]
/// );
/// ```
pub fn find_leaks(lines: &[Value], planted: &[&str]) -> Vec<Leak> {
    let mut needles: Vec<Needle<'_>> = Vec::with_capacity(planted.len());
    for &p in planted {
        if !p.is_empty() && !needles.iter().any(|n| n.value == p) {
            needles.push(Needle::new(p));
        }
    }
    let mut leaks = Vec::new();
    if needles.is_empty() {
        return leaks;
    }
    for (i, line) in lines.iter().enumerate() {
        let mut walk = Walk {
            line: i,
            needles: &needles,
            path: String::new(),
            leaks: &mut leaks,
        };
        match line {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "@timestamp" && v.is_string() {
                        continue;
                    }
                    walk.member(k, v);
                }
            }
            other => walk.value(other),
        }
    }
    leaks
}

/// Panics when a planted plaintext value occurs in `lines` (see [`find_leaks`] for how
/// values are matched), listing every leak and the lines they are in.
///
/// # Panics
/// When [`find_leaks`] finds anything. The message lists each [`Leak`] (line index,
/// path, value), then each offending line.
///
/// # Examples
/// ```
/// use ecsctx::testing::{assert_no_leaks, capture};
///
/// let lines = capture(|| log::info!(user = "alice", password = "hunter2"; "login"));
/// // The default masker masks the password: the plaintext is nowhere in the line.
/// assert_no_leaks(&lines, &["hunter2"]);
/// assert_eq!(lines[0]["message"], "login");
/// ```
///
/// A value that reaches a line fails the test:
/// ```should_panic
/// let lines = [serde_json::json!({"message": "reset code 48151623 sent"})];
/// ecsctx::testing::assert_no_leaks(&lines, &["48151623"]);
/// ```
#[track_caller]
pub fn assert_no_leaks(lines: &[Value], planted: &[&str]) {
    let leaks = find_leaks(lines, planted);
    if leaks.is_empty() {
        return;
    }
    let mut msg = format!(
        "{} planted value(s) leaked into the captured lines:\n",
        leaks.len()
    );
    for l in &leaks {
        msg.push_str("  ");
        msg.push_str(&l.to_string());
        msg.push('\n');
    }
    msg.push_str("in:\n");
    let mut shown: Vec<usize> = leaks.iter().map(|l| l.line).collect();
    shown.dedup();
    for i in shown {
        msg.push_str(&format!("  line {i}: {}\n", lines[i]));
    }
    panic!("{msg}");
}

/// A planted value and the forms it is searched in.
struct Needle<'a> {
    value: &'a str,
    /// The value, then its JSON-escaped form when it differs.
    forms: Vec<String>,
    whole_word: bool,
}

impl<'a> Needle<'a> {
    fn new(value: &'a str) -> Self {
        let mut forms = vec![value.to_owned()];
        let quoted = Value::from(value).to_string();
        let escaped = &quoted[1..quoted.len() - 1];
        if escaped != value {
            forms.push(escaped.to_owned());
        }
        Needle {
            value,
            forms,
            whole_word: value.chars().count() < 4,
        }
    }

    fn found_in(&self, text: &str) -> bool {
        self.forms.iter().any(|f| {
            if self.whole_word {
                occurs_as_word(text, f)
            } else {
                text.contains(f.as_str())
            }
        })
    }
}

/// Whether `needle` occurs in `text` not preceded or followed by a letter or a digit
/// (an edge of `needle` that is itself not alphanumeric needs no delimiter).
fn occurs_as_word(text: &str, needle: &str) -> bool {
    let first_alnum = needle.chars().next().is_some_and(char::is_alphanumeric);
    let last_alnum = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let mut from = 0;
    while let Some(p) = text[from..].find(needle) {
        let start = from + p;
        let end = start + needle.len();
        let before_ok = !first_alnum
            || !text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        let after_ok = !last_alnum
            || !text[end..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if before_ok && after_ok {
            return true;
        }
        // Next char boundary after `start`.
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

struct Walk<'n, 'l> {
    line: usize,
    needles: &'n [Needle<'n>],
    /// The path of the value being visited.
    path: String,
    leaks: &'l mut Vec<Leak>,
}

impl Walk<'_, '_> {
    fn report(&mut self, text: &str, suffix: &str) {
        for n in self.needles {
            if n.found_in(text) {
                self.leaks.push(Leak {
                    line: self.line,
                    path: format!("{}{suffix}", self.path),
                    value: n.value.to_owned(),
                });
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::String(s) => self.report(s, ""),
            Value::Number(n) => self.report(&n.to_string(), ""),
            Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    let len = self.path.len();
                    let _ = fmt::Write::write_fmt(&mut self.path, format_args!("[{i}]"));
                    self.value(item);
                    self.path.truncate(len);
                }
            }
            Value::Object(m) => {
                for (k, item) in m {
                    self.member(k, item);
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn member(&mut self, key: &str, v: &Value) {
        let len = self.path.len();
        let plain = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '@'));
        if plain {
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(key);
        } else {
            self.path.push('[');
            self.path.push_str(&Value::from(key).to_string());
            self.path.push(']');
        }
        self.report(key, " (key)");
        self.value(v);
        self.path.truncate(len);
    }
}
