//! The development console format: one coloured, human-readable line per event.
//!
//! `19:04:05.123 INFO  payment_processed  amount=100 currency=KWD trace.id=4bf9…`
//! It is made from the finished JSON line, so it shows exactly what JSON would carry.

use std::fmt::Write;

use serde_json::{Map, Value};

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

fn level_color(level: &str) -> &'static str {
    match level {
        "error" => "\x1b[31m",
        "warn" => "\x1b[33m",
        "info" => "\x1b[32m",
        "debug" => "\x1b[34m",
        _ => "\x1b[35m",
    }
}

/// Rewrites a JSON line (without its newline) into `out` as a pretty line with newline.
pub(crate) fn to_pretty(json: &[u8], color: bool, out: &mut String) {
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
    let (c, dim, bold, reset) = if color {
        (level_color(&level), DIM, BOLD, RESET)
    } else {
        ("", "", "", "")
    };
    let _ = write!(
        out,
        "{dim}{time}{reset} {c}{:<5}{reset} {bold}{msg}{reset}",
        level.to_uppercase()
    );
    // Service metadata is the same on every line: leave it out of the console.
    doc.remove("service");
    doc.remove("project");
    let mut flat = Vec::new();
    flatten("", &Value::Object(doc), &mut flat);
    for (k, v) in flat {
        let _ = write!(out, " {dim}{k}={reset}{v}");
    }
    out.push('\n');
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
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else if prefix == "extra" {
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
    #[test]
    fn pretty_line() {
        let mut s = String::new();
        super::to_pretty(
            br#"{"@timestamp":"2025-01-13T10:30:00.123Z","log.level":"info","message":"paid","ecs.version":"1.12.0","extra":{"amount":100},"trace":{"id":"ab"}}"#,
            false,
            &mut s,
        );
        assert_eq!(s, "10:30:00.123 INFO  paid amount=100 trace.id=ab\n");
    }
}
