//! The W3C Trace Context types: trace and span ids, `traceparent` parsing and building,
//! `tracestate`, and the per-thread id generator. A leaf: it knows nothing of the
//! current scope (the scope's trace is [`super::current`], in `trace/mod.rs`).

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::render::escape::hex_into;

/// A 16-byte trace id (32 lowercase hex characters, never all zero).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceId([u8; 16]);

/// An 8-byte span id (16 lowercase hex characters, never all zero).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanId([u8; 8]);

impl TraceId {
    /// A new random trace id.
    ///
    /// # Examples
    /// ```
    /// let id = ecsctx::trace::TraceId::random();
    /// assert_eq!(id.to_string().len(), 32);
    /// ```
    pub fn random() -> Self {
        loop {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&next_u64().to_be_bytes());
            b[8..].copy_from_slice(&next_u64().to_be_bytes());
            if b != [0; 16] {
                return TraceId(b);
            }
        }
    }

    /// The raw bytes.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceId;
    /// let id: TraceId = "4bf92f3577b34da6a3ce929d0e0e4736".parse().unwrap();
    /// let b = id.to_bytes();
    /// assert_eq!((b[0], b[15]), (0x4b, 0x36));
    /// assert_eq!(TraceId::from_bytes(b), Some(id));
    /// ```
    pub fn to_bytes(self) -> [u8; 16] {
        self.0
    }

    /// From raw bytes; `None` for the invalid all-zero id.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceId;
    /// let id = TraceId::from_bytes([0xab; 16]).unwrap();
    /// assert_eq!(id.to_string(), "ab".repeat(16));
    /// assert_eq!(TraceId::from_bytes([0; 16]), None);
    /// ```
    pub fn from_bytes(b: [u8; 16]) -> Option<Self> {
        (b != [0; 16]).then_some(TraceId(b))
    }
}

impl SpanId {
    /// A new random span id.
    ///
    /// # Examples
    /// ```
    /// let id = ecsctx::trace::SpanId::random();
    /// assert_eq!(id.to_string().len(), 16);
    /// ```
    pub fn random() -> Self {
        loop {
            let v = next_u64();
            if v != 0 {
                return SpanId(v.to_be_bytes());
            }
        }
    }

    /// The raw bytes.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::SpanId;
    /// let id: SpanId = "00f067aa0ba902b7".parse().unwrap();
    /// assert_eq!(id.to_bytes(), [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]);
    /// assert_eq!(SpanId::from_bytes(id.to_bytes()), Some(id));
    /// ```
    pub fn to_bytes(self) -> [u8; 8] {
        self.0
    }

    /// From raw bytes; `None` for the invalid all-zero id.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::SpanId;
    /// let id = SpanId::from_bytes([0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
    /// assert_eq!(id.to_string(), "0000000000000001");
    /// assert_eq!(SpanId::from_bytes([0; 8]), None);
    /// ```
    pub fn from_bytes(b: [u8; 8]) -> Option<Self> {
        (b != [0; 8]).then_some(SpanId(b))
    }
}

/// A new random span id as 16 lowercase hex characters, for `bind!(span_id = new_span_id())`.
///
/// # Examples
/// ```
/// let s = ecsctx::trace::new_span_id();
/// assert!(s.to_string().bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
/// ```
pub fn new_span_id() -> SpanId {
    SpanId::random()
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    let mut buf = [0u8; 32];
    hex_into(&mut buf, bytes);
    // Only ASCII hex digits were written.
    f.write_str(std::str::from_utf8(&buf[..2 * bytes.len()]).unwrap_or(""))
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}
impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}
impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}
impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}
impl serde::Serialize for TraceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl serde::Serialize for SpanId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn parse_hex<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    if s.len() != 2 * N {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None, // upper case is invalid in traceparent
    };
    let mut out = [0u8; N];
    for i in 0..N {
        out[i] = (nib(s[2 * i])? << 4) | nib(s[2 * i + 1])?;
    }
    Some(out)
}

impl FromStr for TraceId {
    type Err = ParseTraceParentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex::<16>(s.as_bytes())
            .and_then(TraceId::from_bytes)
            .ok_or(ParseTraceParentError(Reason::TraceId))
    }
}

impl FromStr for SpanId {
    type Err = ParseTraceParentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex::<8>(s.as_bytes())
            .and_then(SpanId::from_bytes)
            .ok_or(ParseTraceParentError(Reason::ParentId))
    }
}

/// Why a `traceparent` header was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseTraceParentError(Reason);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Format,
    Version,
    TraceId,
    ParentId,
    Flags,
}

impl fmt::Display for ParseTraceParentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Reason::Format => "traceparent is not `version-traceid-parentid-flags`",
            Reason::Version => "traceparent version is invalid",
            Reason::TraceId => "trace-id is not 32 lowercase hex digits, or is all zero",
            Reason::ParentId => "parent-id is not 16 lowercase hex digits, or is all zero",
            Reason::Flags => "trace-flags is not 2 lowercase hex digits",
        })
    }
}

impl std::error::Error for ParseTraceParentError {}

/// A parsed `traceparent` header (W3C Trace Context).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    /// The version; `0` for what this crate writes.
    pub version: u8,
    /// The trace id.
    pub trace_id: TraceId,
    /// The caller's span id (the parent of our span).
    pub parent_id: SpanId,
    /// The trace flags (`0x01` = sampled).
    pub flags: u8,
}

impl FromStr for TraceParent {
    type Err = ParseTraceParentError;

    /// Parses per the W3C spec: version `00` is exactly 55 characters; a higher version
    /// (not `ff`) is parsed by its first 55 characters, which must be followed by the end
    /// or a `-`. Hex must be lowercase; all-zero ids are invalid.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim_matches(|c| c == ' ' || c == '\t');
        let b = s.as_bytes();
        if b.len() < 55 {
            return Err(ParseTraceParentError(Reason::Format));
        }
        let version = parse_hex::<1>(&b[0..2]).ok_or(ParseTraceParentError(Reason::Version))?[0];
        if version == 0xff {
            return Err(ParseTraceParentError(Reason::Version));
        }
        if (version == 0 && b.len() != 55) || (b.len() > 55 && b[55] != b'-') {
            return Err(ParseTraceParentError(Reason::Format));
        }
        if b[2] != b'-' || b[35] != b'-' || b[52] != b'-' {
            return Err(ParseTraceParentError(Reason::Format));
        }
        let trace_id = parse_hex::<16>(&b[3..35])
            .and_then(TraceId::from_bytes)
            .ok_or(ParseTraceParentError(Reason::TraceId))?;
        let parent_id = parse_hex::<8>(&b[36..52])
            .and_then(SpanId::from_bytes)
            .ok_or(ParseTraceParentError(Reason::ParentId))?;
        let flags = parse_hex::<1>(&b[53..55]).ok_or(ParseTraceParentError(Reason::Flags))?[0];
        Ok(TraceParent {
            version,
            trace_id,
            parent_id,
            flags,
        })
    }
}

impl TraceParent {
    /// The header value as bytes (`00-{trace-id}-{parent-id}-{flags}`), without allocating.
    ///
    /// # Examples
    /// ```
    /// let tp: ecsctx::trace::TraceParent =
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap();
    /// assert_eq!(&tp.to_bytes()[..], tp.to_string().as_bytes());
    /// ```
    pub fn to_bytes(&self) -> [u8; 55] {
        let mut b = [b'-'; 55];
        b[0] = b'0';
        b[1] = b'0';
        hex_into(&mut b[3..35], &self.trace_id.0);
        hex_into(&mut b[36..52], &self.parent_id.0);
        hex_into(&mut b[53..55], &[self.flags]);
        b
    }
}

impl fmt::Display for TraceParent {
    /// Always writes version `00` (the version this crate speaks).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ASCII was written.
        f.write_str(std::str::from_utf8(&self.to_bytes()).unwrap_or(""))
    }
}

/// The trace state of a scope: the trace, our span, the caller's span and `tracestate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: TraceId,
    span_id: SpanId,
    parent_id: Option<SpanId>,
    flags: u8,
    tracestate: Option<Arc<str>>,
}

impl TraceContext {
    /// A new trace: random trace id, random span id, sampled.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let root = TraceContext::new_root();
    /// assert_eq!(root.parent_id(), None);
    /// assert_eq!(root.flags(), 0x01);
    /// assert_ne!(root.trace_id(), TraceContext::new_root().trace_id());
    /// ```
    pub fn new_root() -> Self {
        TraceContext {
            trace_id: TraceId::random(),
            span_id: SpanId::random(),
            parent_id: None,
            flags: 0x01,
            tracestate: None,
        }
    }

    /// The context of an incoming request: a valid `traceparent` keeps its trace id and
    /// flags and becomes our parent; a missing or invalid one starts a new trace. Either
    /// way we get a new span id. `tracestate` is kept for pass-through (only with a valid
    /// `traceparent`, as the spec says).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let bad = TraceContext::from_headers(Some("00-NOT-VALID"), None);
    /// assert!(bad.parent_id().is_none());
    /// ```
    pub fn from_headers(traceparent: Option<&str>, tracestate: Option<&str>) -> Self {
        match traceparent.map(str::parse::<TraceParent>) {
            Some(Ok(tp)) => TraceContext {
                trace_id: tp.trace_id,
                span_id: SpanId::random(),
                parent_id: Some(tp.parent_id),
                flags: tp.flags,
                tracestate: tracestate
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && s.len() <= 512)
                    .map(Arc::from),
            },
            _ => Self::new_root(),
        }
    }

    /// A child span in the same trace (a task, a job): new span id, parent = our span.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let parent = TraceContext::new_root();
    /// let child = parent.child();
    /// assert_eq!(child.trace_id(), parent.trace_id());
    /// assert_eq!(child.parent_id(), Some(parent.span_id()));
    /// assert_ne!(child.span_id(), parent.span_id());
    /// ```
    pub fn child(&self) -> Self {
        TraceContext {
            trace_id: self.trace_id,
            span_id: SpanId::random(),
            parent_id: Some(self.span_id),
            flags: self.flags,
            tracestate: self.tracestate.clone(),
        }
    }

    /// Rebuilds a context from its parts (for job payloads).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::{SpanId, TraceContext, TraceId};
    /// let tc = TraceContext::new_root();
    /// let again = TraceContext::from_parts(
    ///     tc.trace_id(),
    ///     tc.span_id(),
    ///     tc.parent_id(),
    ///     tc.flags(),
    ///     tc.tracestate(),
    /// );
    /// assert_eq!(again, tc);
    ///
    /// let trace_id: TraceId = "4bf92f3577b34da6a3ce929d0e0e4736".parse().unwrap();
    /// let span_id: SpanId = "00f067aa0ba902b7".parse().unwrap();
    /// let tc = TraceContext::from_parts(trace_id, span_id, None, 0x00, Some("vendor=x"));
    /// assert_eq!(
    ///     tc.traceparent().to_string(),
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
    /// );
    /// assert_eq!(tc.tracestate(), Some("vendor=x"));
    /// ```
    pub fn from_parts(
        trace_id: TraceId,
        span_id: SpanId,
        parent_id: Option<SpanId>,
        flags: u8,
        tracestate: Option<&str>,
    ) -> Self {
        TraceContext {
            trace_id,
            span_id,
            parent_id,
            flags,
            tracestate: tracestate.map(Arc::from),
        }
    }

    /// The trace id (`trace.id`).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let tc = TraceContext::from_headers(Some(tp), None);
    /// assert_eq!(tc.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
    /// ```
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }
    /// Our span id (`span.id`).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let tc = TraceContext::from_headers(Some(tp), None);
    /// // A new span of our own, never the caller's:
    /// assert_ne!(tc.span_id().to_string(), "00f067aa0ba902b7");
    /// assert_eq!(tc.span_id().to_string().len(), 16);
    /// ```
    pub fn span_id(&self) -> SpanId {
        self.span_id
    }
    /// The caller's span id, when the trace came from a valid `traceparent`.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let tc = TraceContext::from_headers(Some(tp), None);
    /// assert_eq!(tc.parent_id().unwrap().to_string(), "00f067aa0ba902b7");
    /// assert_eq!(TraceContext::new_root().parent_id(), None);
    /// ```
    pub fn parent_id(&self) -> Option<SpanId> {
        self.parent_id
    }
    /// The trace flags.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    /// let tc = TraceContext::from_headers(Some(tp), None);
    /// assert_eq!(tc.flags(), 0x00); // not sampled, as the caller said
    /// assert_eq!(TraceContext::new_root().flags(), 0x01);
    /// ```
    pub fn flags(&self) -> u8 {
        self.flags
    }
    /// The `tracestate` received, for pass-through.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let tc = TraceContext::from_headers(Some(tp), Some("congo=t61rcWkgMzE"));
    /// assert_eq!(tc.tracestate(), Some("congo=t61rcWkgMzE"));
    /// // Only kept with a valid `traceparent`:
    /// let tc = TraceContext::from_headers(None, Some("congo=t61rcWkgMzE"));
    /// assert_eq!(tc.tracestate(), None);
    /// ```
    pub fn tracestate(&self) -> Option<&str> {
        self.tracestate.as_deref()
    }

    /// The `traceparent` for an outbound call: our trace, our span as the parent.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::trace::TraceContext;
    /// let tc = TraceContext::new_root();
    /// let tp = tc.traceparent();
    /// assert_eq!((tp.trace_id, tp.parent_id, tp.flags), (tc.trace_id(), tc.span_id(), 0x01));
    /// assert_eq!(tp.to_string(), format!("00-{}-{}-01", tc.trace_id(), tc.span_id()));
    /// ```
    pub fn traceparent(&self) -> TraceParent {
        TraceParent {
            version: 0,
            trace_id: self.trace_id,
            parent_id: self.span_id,
            flags: self.flags,
        }
    }
}

// === ids ===
// W3C asks for random ids; a per-thread SplitMix64 seeded from the OS is fast and has no
// shared state. (Not for secrets; ids are public in every log line anyway.)

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

fn next_u64() -> u64 {
    RNG.with(|c| {
        let mut s = c.get();
        if s == 0 {
            let mut b = [0u8; 8];
            if getrandom::fill(&mut b).is_err() {
                // No OS randomness: fall back to time and address entropy.
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0x9e37_79b9_7f4a_7c15);
                b = (t ^ (&b as *const _ as u64)).to_le_bytes();
            }
            s = u64::from_le_bytes(b) | 1;
        }
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        c.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn parses_valid() {
        let tp: TraceParent = VALID.parse().unwrap();
        assert_eq!(tp.flags, 1);
        assert_eq!(tp.to_string(), VALID);
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert!(bad.parse::<TraceParent>().is_err(), "{bad}");
        }
    }

    #[test]
    fn future_versions() {
        let v = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds";
        let tp: TraceParent = v.parse().unwrap();
        assert_eq!(tp.version, 0xcc);
        assert!("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"
            .parse::<TraceParent>()
            .is_err());
    }

    #[test]
    fn invalid_header_starts_new_trace() {
        let tc = TraceContext::from_headers(Some("garbage"), Some("a=b"));
        assert!(tc.parent_id().is_none());
        assert!(tc.tracestate().is_none());
        let tc = TraceContext::from_headers(Some(VALID), Some("congo=t61rcWkgMzE"));
        assert_eq!(
            tc.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(tc.tracestate(), Some("congo=t61rcWkgMzE"));
        assert_ne!(tc.span_id().to_string(), "00f067aa0ba902b7");
    }

    #[test]
    fn ids_are_distinct() {
        let a: std::collections::HashSet<String> =
            (0..1000).map(|_| SpanId::random().to_string()).collect();
        assert_eq!(a.len(), 1000);
    }
}
