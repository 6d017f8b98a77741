//! The ECS `error` field set of a Rust error, one format for `event!` and `log` records:
//! `message` (the error's `Display`), `type` (its Rust type, where the caller knows it)
//! and, when there is more than the message to show, `stack_trace`: the error, one
//! `caused by: …` line per `source()`, then a captured backtrace (its service frames).

use std::backtrace::{Backtrace, BacktraceStatus};
use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// An error as ECS `error.*` fields.
pub(crate) struct ErrorFields<'a> {
    pub(crate) error: &'a (dyn std::error::Error + 'a),
    /// `std::any::type_name` of the error's type (`event!` knows it; a `log` record's
    /// `dyn Error` does not).
    pub(crate) type_name: Option<&'static str>,
    /// A backtrace captured with the error (`anyhow::Error`), written when captured.
    pub(crate) backtrace: Option<&'a Backtrace>,
}

impl Serialize for ErrorFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let backtrace = self
            .backtrace
            .filter(|bt| bt.status() == BacktraceStatus::Captured);
        let trace = StackTrace {
            error: self.error,
            backtrace,
        };
        let has_trace = self.error.source().is_some() || backtrace.is_some();
        let (type_name, code) = ecs_type(self.type_name, self.error);
        let len = 1
            + usize::from(type_name.is_some())
            + usize::from(code.is_some())
            + usize::from(has_trace);
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("message", &Collect(self.error))?;
        if let Some(t) = type_name {
            map.serialize_entry("type", t)?;
        }
        if let Some(c) = &code {
            map.serialize_entry("code", c)?;
        }
        if has_trace {
            map.serialize_entry("stack_trace", &Collect(trace))?;
        }
        map.end()
    }
}

/// `error.type` and `error.code` for a Rust type name: `std::io::Error` with its
/// `ErrorKind` as the code (`NotFound`); nothing for a boxed `dyn Error`, whose name
/// (`alloc::boxed::Box<dyn core::error::Error + …>`) says nothing of the error.
fn ecs_type<'t>(
    type_name: Option<&'t str>,
    error: &dyn std::error::Error,
) -> (Option<&'t str>, Option<String>) {
    match type_name.map(|t| t.trim_start_matches('&')) {
        Some("std::io::error::Error") => (Some("std::io::Error"), io_kind(error)),
        Some(t @ "anyhow::Error") => (Some(t), root_cause_code(error)),
        Some(t) if t.contains("dyn ") => (None, None),
        t => (t, None),
    }
}

/// `error.code` of an `anyhow::Error`: what its root cause (the last `source()`) is. An
/// `io::Error` gives its `ErrorKind` (`NotFound`), another error its type's name as its
/// derived `Debug` writes it (`PaymentDeclined { .. }` gives `PaymentDeclined`); a plain
/// message (`anyhow!("…")`) gives none.
fn root_cause_code(error: &dyn std::error::Error) -> Option<String> {
    let mut root = error;
    while let Some(next) = root.source() {
        root = next;
    }
    let debug = format!("{root:?}");
    if ["Os {", "Kind(", "Custom {", "SimpleMessage"]
        .iter()
        .any(|p| debug.starts_with(p))
    {
        return io_kind_in(&debug);
    }
    type_name_in(&debug)
}

/// The `ErrorKind` of an `io::Error`, read from its `Debug` form (`Kind(NotFound)`,
/// `Os { code: 2, kind: NotFound, .. }`, `Custom { kind: Other, .. }`): the error is not
/// `'static` here, so it cannot be downcast.
///
/// `io::Error::other(inner)` (kind `Other`, an error inside): what `inner` is, as an
/// `anyhow::Error`'s root cause is named (`Declined { .. }` gives `Declined`), since the
/// kind says nothing and `source()` skips `inner`.
fn io_kind(error: &dyn std::error::Error) -> Option<String> {
    let debug = format!("{error:?}");
    if let Some(inner) = debug
        .strip_prefix("Custom { kind: Other, error: ")
        .and_then(|r| r.strip_suffix(" }"))
    {
        if let Some(name) = type_name_in(inner) {
            return Some(name);
        }
    }
    io_kind_in(&debug)
}

/// The type name a derived `Debug` writes first (`PaymentDeclined { .. }`,
/// `Timeout(3)`, `Unit`), or `None` for text (`"a message"`) and other forms.
fn type_name_in(debug: &str) -> Option<String> {
    let name: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':'))
        .collect();
    let ends_well = matches!(
        debug[name.len()..].chars().next(),
        None | Some(' ' | '(' | '{')
    );
    (name.starts_with(|c: char| c.is_ascii_uppercase()) && ends_well).then_some(name)
}

/// The `ErrorKind` named in an `io::Error`'s `Debug` text.
fn io_kind_in(debug: &str) -> Option<String> {
    let rest = debug
        .split_once("kind: ")
        .or_else(|| debug.split_once("Kind("))
        .map(|(_, r)| r)?;
    let kind: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (!kind.is_empty()).then_some(kind)
}

struct Collect<T>(T);

impl<T: fmt::Display> Serialize for Collect<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// `outer\ncaused by: inner\ncaused by: root\n<backtrace>`.
struct StackTrace<'a> {
    error: &'a (dyn std::error::Error + 'a),
    backtrace: Option<&'a Backtrace>,
}

impl fmt::Display for StackTrace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = crate::settings::local().limits.max_stack_trace;
        let mut capped = Capped {
            f,
            left: max,
            cut: 0,
        };
        // `Capped` never fails: what does not fit is counted, not written.
        let _ = fmt::write(&mut capped, format_args!("{}", Whole(self)));
        let cut = capped.cut;
        if cut > 0 {
            write!(f, "\n[ecsctx: stack trace cut at {max} bytes, {cut} more]")?;
        }
        Ok(())
    }
}

/// Writes to `f` until `left` bytes are spent (at a character boundary), then counts.
struct Capped<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    left: usize,
    cut: usize,
}

impl fmt::Write for Capped<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut == 0 && s.len() <= self.left {
            self.left -= s.len();
            return self.f.write_str(s);
        }
        let mut end = self.left.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        if self.cut == 0 && end > 0 {
            self.f.write_str(&s[..end])?;
        }
        self.left = 0;
        self.cut += s.len() - end;
        Ok(())
    }
}

/// The whole stack trace, before the cap.
struct Whole<'s, 'a>(&'s StackTrace<'a>);

impl fmt::Display for Whole<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = self.0;
        write!(f, "{}", this.error)?;
        let mut source = this.error.source();
        while let Some(cause) = source {
            write!(f, "\ncaused by: {cause}")?;
            source = cause.source();
        }
        if let Some(backtrace) = this.backtrace {
            write_frames(f, &backtrace.to_string())?;
        }
        Ok(())
    }
}

/// At most this many frames of a backtrace are written.
const MAX_FRAMES: usize = 24;

/// Frames of the runtime, the async machinery and the error crates: what every
/// backtrace of a service holds, and what a reader skips.
const NOISE: &[&str] = &[
    "std::",
    "core::",
    "alloc::",
    "<std::",
    "<core::",
    "<alloc::",
    "tokio::",
    "<tokio::",
    "hyper::",
    "<hyper::",
    "hyper_util::",
    "<hyper_util::",
    "futures_util::",
    "<futures_util::",
    "futures_core::",
    "tower::",
    "<tower::",
    "tower_http::",
    "<tower_http::",
    "axum::",
    "<axum::",
    "anyhow::",
    "<anyhow::",
    "__rust",
    "rust_begin_unwind",
    "__libc_start",
    "_start",
    "clone3",
    "start_thread",
];

/// A backtrace's frames (`  3: crate::f` and its `at file:line` lines), without the
/// [`NOISE`] frames, at most [`MAX_FRAMES`], with a count of what was left out: a
/// service's error line stays a few kilobytes, not twenty.
fn write_frames(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let mut frames: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let numbered = t
            .split_once(": ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
        match frames.last_mut() {
            Some((_, rest)) if !numbered => rest.push(line),
            _ => frames.push((line, Vec::new())),
        }
    }
    fn name(head: &str) -> &str {
        head.trim_start().split_once(": ").map_or("", |(_, n)| n)
    }
    let mut written = 0;
    let mut left_out = 0;
    for (head, rest) in &frames {
        let n = name(head);
        if NOISE.iter().any(|p| n.starts_with(p)) || written == MAX_FRAMES {
            left_out += 1;
            continue;
        }
        write!(f, "\n{head}")?;
        for l in rest {
            write!(f, "\n{l}")?;
        }
        written += 1;
    }
    if left_out > 0 {
        write!(
            f,
            "\n({left_out} frames of the runtime and libraries left out)"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Frames<'a>(&'a str);
    impl fmt::Display for Frames<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_frames(f, self.0)
        }
    }

    #[test]
    fn a_backtrace_keeps_the_service_frames_only() {
        let mut text = String::new();
        let mut k = 0;
        let mut frame = |name: &str| {
            text.push_str(&format!(
                "  {k}: {name}\n             at ./src/x.rs:{k}:5\n"
            ));
            k += 1;
        };
        frame("std::backtrace::Backtrace::capture");
        frame("anyhow::error::<impl anyhow::Error>::msg");
        frame("shop::checkout::charge");
        frame("shop::checkout::handle::{{closure}}");
        for _ in 0..100 {
            frame("<tokio::runtime::task::Task as core::future::Future>::poll");
        }
        for i in 0..40 {
            frame(&format!("shop::deep::level{i}"));
        }
        let out = Frames(&text).to_string();
        assert!(out.contains("shop::checkout::charge\n             at ./src/x.rs:2:5"));
        assert!(
            !out.contains("tokio::") && !out.contains("anyhow::"),
            "{out}"
        );
        assert_eq!(out.matches("shop::").count(), MAX_FRAMES);
        assert!(
            out.ends_with("(120 frames of the runtime and libraries left out)"),
            "{out}"
        );

        // A real backtrace, in std's format: the test's own frame stays, std's go.
        let bt = std::backtrace::Backtrace::force_capture();
        let err = std::io::Error::other("boom");
        let out = StackTrace {
            error: &err,
            backtrace: Some(&bt),
        }
        .to_string();
        assert!(out.starts_with("boom\n"), "{out}");
        assert!(
            out.contains("a_backtrace_keeps_the_service_frames_only"),
            "{out}"
        );
        assert!(!out.contains(": std::backtrace::"), "{out}");
    }
}
