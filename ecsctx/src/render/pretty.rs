//! The development console format: one coloured, human-readable line per event, made
//! from the finished JSON line (so it shows what JSON would carry).
//!
//! ```text
//! 10:30:00.123 INFO  payment_processed amount=100 currency=KWD [4bf92f35] merchant_id=m-7 session_id=s-1
//! 10:30:00.131 INFO  receipt_sent channel=email [4bf92f35]
//! ```
//!
//! Compact (the default): time, level, message, then the event's own fields, then the
//! request marker (the first 8 hex of `trace.id`) and only the context fields (in key
//! order) that changed since the previous line this thread printed: the first line of a
//! request shows its context, the next ones only the marker. Service metadata, `span.id`,
//! `log.*` and `ecs.version` are left out, long values are cut, and an
//! `error.stack_trace` follows on its own indented lines. Full (`ECSCTX_PRETTY=full`,
//! [`Format::PrettyFull`](crate::logger::Format::PrettyFull)): every field on every
//! line.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Map, Value};

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

/// Longest value shown in the compact form (characters), before `…`.
const MAX_VALUE: usize = 40;

fn level_color(level: &str) -> &'static str {
    match level {
        "error" => "\x1b[31m",
        "warn" => "\x1b[33m",
        "info" => "\x1b[32m",
        "debug" => "\x1b[34m",
        _ => "\x1b[35m",
    }
}

/// How to write a console line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub(crate) color: bool,
    /// Every field on every line.
    pub(crate) full: bool,
}

thread_local! {
    /// What the previous compact line of this thread showed of its context: the request
    /// marker and the context fields.
    static LAST: RefCell<(String, BTreeMap<String, String>)> = RefCell::default();
}

/// Rewrites a JSON line (without its newline) into `out` as a console line with newline.
/// `context`: the fields the line's context contributed (its bound fields and trace), as
/// JSON.
pub(crate) fn to_pretty(json: &[u8], style: Style, context: Option<&Value>, out: &mut String) {
    out.clear();
    let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(json) else {
        out.push_str(&String::from_utf8_lossy(json));
        out.push('\n');
        return;
    };
    let ts = take_str(&mut doc, "@timestamp");
    let level = take_str(&mut doc, "log.level");
    let msg = take_str(&mut doc, "message");
    doc.remove("ecs.version");
    let time = ts.get(11..23).unwrap_or(&ts);
    let (c, dim, bold, reset) = if style.color {
        (level_color(&level), DIM, BOLD, RESET)
    } else {
        ("", "", "", "")
    };
    let _ = write!(
        out,
        "{dim}{time}{reset} {c}{:<5}{reset} {bold}{msg}{reset}",
        level.to_uppercase()
    );
    // Service metadata is the same on every line.
    doc.remove("service");
    doc.remove("project");
    if !style.full {
        doc.remove("log");
    }
    let mut flat = Vec::new();
    flatten("", &Value::Object(doc), &mut flat);
    if style.full {
        for (k, v) in &flat {
            let _ = write!(out, " {dim}{k}={reset}{v}");
        }
        out.push('\n');
        return;
    }

    let mut ctx_pairs = Vec::new();
    if let Some(ctx) = context {
        flatten("", ctx, &mut ctx_pairs);
    }
    let ctx_keys: std::collections::HashSet<String> =
        ctx_pairs.into_iter().map(|(k, _)| k).collect();
    let is_ctx = |k: &str| ctx_keys.contains(k);
    let mut marker = String::new();
    let mut stack = None;
    let mut ctx_now = BTreeMap::new();
    for (k, v) in flat {
        match k.as_str() {
            "trace.id" => marker = v.chars().take(8).collect(),
            "span.id" => {}
            "error.stack_trace" => stack = Some(v),
            _ if is_ctx(&k) => {
                ctx_now.insert(k, v);
            }
            _ => write_pair(out, &k, &v, dim, reset),
        }
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let (last_marker, last_ctx) = &mut *last;
        let new_request = *last_marker != marker;
        if !marker.is_empty() {
            let _ = write!(out, " {dim}[{marker}]{reset}");
        }
        for (k, v) in &ctx_now {
            if new_request || last_ctx.get(k) != Some(v) {
                write_pair(out, k, v, dim, reset);
            }
        }
        *last_marker = marker;
        *last_ctx = ctx_now;
    });
    out.push('\n');
    if let Some(trace) = stack {
        // The message is on the line already; the causes and frames follow it.
        for line in trace.lines().skip(1) {
            let _ = writeln!(out, "    {dim}{line}{reset}");
        }
    }
}

/// ` key=value`, the value cut at [`MAX_VALUE`] characters and quoted when it has spaces.
fn write_pair(out: &mut String, k: &str, v: &str, dim: &str, reset: &str) {
    let _ = write!(out, " {dim}{k}={reset}");
    let cut = v.char_indices().nth(MAX_VALUE).map(|(i, _)| i);
    let shown = match cut {
        Some(i) => format!("{}…", &v[..i]),
        None => v.to_owned(),
    };
    let shown = shown.replace(['\n', '\r'], " ");
    if shown.contains(' ') {
        let _ = write!(out, "{shown:?}");
    } else {
        out.push_str(&shown);
    }
}

fn take_str(doc: &mut Map<String, Value>, k: &str) -> String {
    match doc.remove(k) {
        Some(Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        // Nothing left at the top (a line with no fields).
        Value::Object(m) if m.is_empty() && prefix.is_empty() => {}
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let key = if prefix.is_empty() || prefix == "extra" {
                    // `extra` is an implementation detail of placement; hide it.
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        v => out.push((prefix.to_owned(), v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PLAIN: Style = Style {
        color: false,
        full: false,
    };

    fn line(json: &Value, ctx: Option<&Value>, style: Style) -> String {
        let mut s = String::new();
        to_pretty(json.to_string().as_bytes(), style, ctx, &mut s);
        s
    }

    fn event(msg: &str, fields: Value, ctx: &Value) -> Value {
        let mut doc = json!({
            "@timestamp": "2025-01-13T10:30:00.123Z",
            "log.level": "info",
            "message": msg,
            "ecs.version": "1.12.0",
            "service": {"name": "checkout", "version": "1.0.0"},
            "log": {"logger": "shop::checkout"},
        });
        for v in [ctx, &fields] {
            for (k, v) in v.as_object().unwrap() {
                doc[k] = v.clone();
            }
        }
        doc
    }

    #[test]
    fn a_request_shows_its_context_once_then_the_marker() {
        let ctx = json!({
            "client": {"ip": "203.0.113.9"},
            "http": {"request": {"method": "POST"}},
            "url": {"path": "/checkout"},
            "session_id": "s-1",
            "trace": {"id": "4bf92f3577b34da6a3ce929d0e0e4736"},
            "span": {"id": "00f067aa0ba902b7"},
        });
        let first = event("payment_processed", json!({"extra": {"amount": 100}}), &ctx);
        let second = event("receipt_sent", json!({"extra": {"channel": "email"}}), &ctx);
        LAST.with(|l| *l.borrow_mut() = Default::default());
        assert_eq!(
            line(&first, Some(&ctx), PLAIN),
            "10:30:00.123 INFO  payment_processed amount=100 [4bf92f35] client.ip=203.0.113.9 http.request.method=POST session_id=s-1 url.path=/checkout\n"
        );
        assert_eq!(
            line(&second, Some(&ctx), PLAIN),
            "10:30:00.123 INFO  receipt_sent channel=email [4bf92f35]\n"
        );
        // A context field that changed is shown again.
        let mut ctx2 = ctx.clone();
        ctx2["session_id"] = json!("s-2");
        let third = event("receipt_sent", json!({}), &ctx2);
        assert_eq!(
            line(&third, Some(&ctx2), PLAIN),
            "10:30:00.123 INFO  receipt_sent [4bf92f35] session_id=s-2\n"
        );
        // Every field on every line in the full form.
        let full = line(
            &second,
            Some(&ctx),
            Style {
                full: true,
                ..PLAIN
            },
        );
        assert!(
            full.contains(" client.ip=203.0.113.9")
                && full.contains(" log.logger=shop::checkout")
                && full.contains(" span.id=00f067aa0ba902b7"),
            "{full}"
        );
    }

    #[test]
    fn a_line_without_fields_is_time_level_and_message() {
        let doc = event("started", json!({}), &json!({}));
        assert_eq!(line(&doc, None, PLAIN), "10:30:00.123 INFO  started\n");
    }

    #[test]
    fn long_values_are_cut_and_a_stack_trace_follows_the_line() {
        let doc = event(
            "charge_failed",
            json!({
                "extra": {"note": "n".repeat(100)},
                "error": {"message": "declined", "stack_trace": "declined\ncaused by: timeout"},
            }),
            &json!({}),
        );
        let s = line(&doc, None, PLAIN);
        assert_eq!(
            s,
            format!(
                "10:30:00.123 INFO  charge_failed error.message=declined note={}…\n    caused by: timeout\n",
                "n".repeat(40)
            )
        );
    }
}
