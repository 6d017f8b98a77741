//! JSON string escaping with a 256-byte table; clean runs are copied in one go.

use std::fmt;

use crate::mask::Masker;

/// 0: no escape; `u`: `\u00XX`; anything else: a two-byte escape `\<byte>`.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

static HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `src` into `dst` (twice as long): the crate's one hex writer (escapes,
/// trace and span ids, `traceparent`).
pub(crate) fn hex_into(dst: &mut [u8], src: &[u8]) {
    for (i, b) in src.iter().enumerate() {
        dst[2 * i] = HEX[(b >> 4) as usize];
        dst[2 * i + 1] = HEX[(b & 0xf) as usize];
    }
}

/// Appends `s` to `out` with JSON escapes, without the surrounding quotes.
#[inline]
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most strings need no escape: one check of whole words (the last one overlapping)
    // and one copy.
    if !words_may_need_escape(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    let i = clean_words(bytes);
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate().skip(i) {
        let e = ESCAPE[b as usize];
        if e == 0 {
            continue;
        }
        if start < i {
            out.extend_from_slice(&bytes[start..i]);
        }
        if e == b'u' {
            let mut hex = *b"\\u0000";
            hex_into(&mut hex[4..], &[b]);
            out.extend_from_slice(&hex);
        } else {
            out.push(b'\\');
            out.push(e);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The length of the longest prefix of `bytes` made of whole 8-byte words with nothing to
/// escape (the rest goes byte by byte).
#[inline]
fn clean_words(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        if may_need_escape(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    i
}

/// Whether any byte of `bytes` may need an escape (never false when one does): word by
/// word, the last word overlapping the one before (a string shorter than a word, byte
/// by byte).
#[inline]
fn words_may_need_escape(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().any(|&b| ESCAPE[b as usize] != 0);
    }
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let mut i = 0;
    while i + 8 < n {
        if may_need_escape(word(i)) {
            return true;
        }
        i += 8;
    }
    may_need_escape(word(n - 8))
}

/// [`is_plain`] for a constant: an `event!` call site's strings are checked when its
/// `static` is made (see `event::Callsite`).
pub(crate) const fn is_plain_const(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if ESCAPE[b[i] as usize] != 0 {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `bytes` holds nothing JSON must escape.
#[inline]
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    bytes[clean_words(bytes)..]
        .iter()
        .all(|&b| ESCAPE[b as usize] == 0)
}

/// Whether any byte of `w` may be a control character, `"` or `\\` (never false for a
/// word that holds one; a rare false positive only costs the byte-wise path).
#[inline]
fn may_need_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    // Bytes below 0x20: subtracting 0x20 borrows into the high bit.
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
    control || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// Writes `"s"` escaped, cut to `max` bytes (at a char boundary) with a visible marker.
#[inline]
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str, max: usize) {
    let bytes = s.as_bytes();
    // The common case: a string within the cap with nothing to escape, in one copy.
    if bytes.len() <= max && !words_may_need_escape(bytes) {
        return write_quoted_plain(out, s);
    }
    out.push(b'"');
    if s.len() <= max {
        escape_into(out, s);
    } else {
        let cut = floor_char_boundary(s, max);
        escape_into(out, &s[..cut]);
        write_truncation_marker(out, s.len() - cut);
    }
    out.push(b'"');
}

/// [`write_str`] for a string already known to hold nothing JSON escapes when `plain` (an
/// `event!` call site's name or target, a remembered message): within the cap it is
/// written in one copy, unchecked.
#[inline]
pub(crate) fn write_str_known(out: &mut Vec<u8>, s: &str, max: usize, plain: bool) {
    if plain && s.len() <= max {
        write_quoted_plain(out, s)
    } else {
        write_str(out, s, max)
    }
}

/// Writes `s` quoted, as it is: for a string known to hold nothing JSON escapes, within
/// the length cap.
#[inline]
fn write_quoted_plain(out: &mut Vec<u8>, s: &str) {
    debug_assert!(is_plain(s.as_bytes()));
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

pub(crate) fn write_truncation_marker(out: &mut Vec<u8>, dropped: usize) {
    out.extend_from_slice("…[ecsctx: truncated ".as_bytes());
    out.extend_from_slice(itoa::Buffer::new().format(dropped).as_bytes());
    out.extend_from_slice(b" bytes]");
}

pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut cut = max.min(s.len());
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// Where a [`Capped`] writer puts its text.
pub(crate) trait Append {
    fn append(&mut self, s: &str);
}

impl Append for &mut String {
    #[inline]
    fn append(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// JSON-escapes into a buffer.
pub(crate) struct Escaped<'a>(pub(crate) &'a mut Vec<u8>);

impl Append for Escaped<'_> {
    #[inline]
    fn append(&mut self, s: &str) {
        escape_into(self.0, s);
    }
}

/// A `fmt::Write` that stops after `remaining` bytes of input and counts what it dropped.
pub(crate) struct Capped<A> {
    pub(crate) out: A,
    pub(crate) remaining: usize,
    pub(crate) dropped: usize,
}

impl<A: Append> Capped<A> {
    pub(crate) fn new(out: A, max: usize) -> Self {
        Capped {
            out,
            remaining: max,
            dropped: 0,
        }
    }
}

impl<A: Append> fmt::Write for Capped<A> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.remaining >= s.len() {
            self.remaining -= s.len();
            self.out.append(s);
        } else {
            let cut = floor_char_boundary(s, self.remaining);
            self.out.append(&s[..cut]);
            self.remaining = 0;
            self.dropped += s.len() - cut;
        }
        Ok(())
    }
}

/// Writes a `Display` value as an escaped, capped JSON string without allocating.
pub(crate) fn write_display(out: &mut Vec<u8>, value: &dyn fmt::Display, max: usize) {
    out.push(b'"');
    let mut w = Capped::new(Escaped(out), max);
    // A Display impl that returns an error still leaves valid (partial) text behind.
    let _ = fmt::write(&mut w, format_args!("{value}"));
    let dropped = w.dropped;
    if dropped > 0 {
        write_truncation_marker(out, dropped);
    }
    out.push(b'"');
}

/// Writes a `Display` value as a capped JSON string, masked at `path` when a masker is
/// given. With a masker the text is formatted into `fmt_buf` first (the masker needs it
/// whole); `mask_buf` receives the replacement.
pub(crate) fn write_display_masked(
    out: &mut Vec<u8>,
    value: &dyn fmt::Display,
    path: &str,
    masker: Option<&dyn Masker>,
    fmt_buf: &mut String,
    mask_buf: &mut String,
    max: usize,
) {
    let Some(m) = masker else {
        return write_display(out, value, max);
    };
    fmt_buf.clear();
    let mut w = Capped::new(&mut *fmt_buf, max);
    let _ = fmt::write(&mut w, format_args!("{value}"));
    let dropped = w.dropped;
    write_masked(out, fmt_buf, dropped, path, m, mask_buf);
}

/// [`write_display_masked`] for text at hand: no formatting pass, no copy when the
/// masker keeps it. Returns whether the text was written whole as it is (not cut, not
/// rewritten).
pub(crate) fn write_str_masked(
    out: &mut Vec<u8>,
    text: &str,
    path: &str,
    masker: Option<&dyn Masker>,
    mask_buf: &mut String,
    max: usize,
) -> bool {
    let Some(m) = masker else {
        write_str(out, text, max);
        return text.len() <= max;
    };
    let cut = floor_char_boundary(text, max);
    let rewritten = write_masked(out, &text[..cut], text.len() - cut, path, m, mask_buf);
    !rewritten && cut == text.len()
}

/// [`write_str_masked`] for a message that is a string literal
/// ([`Masker::mask_literal`]).
pub(crate) fn write_literal_masked(
    out: &mut Vec<u8>,
    text: &'static str,
    masker: Option<&dyn Masker>,
    mask_buf: &mut String,
    max: usize,
) {
    let Some(m) = masker else {
        return write_str(out, text, max);
    };
    mask_buf.clear();
    let masked = m.mask_literal(text, mask_buf);
    // The cut is made after masking here (a literal is masked whole, once).
    write_str(out, if masked { mask_buf } else { text }, max);
}

/// Writes `text` (what is left of a value cut by `dropped` bytes) masked at `path` as a
/// JSON string; returns whether the masker rewrote it.
fn write_masked(
    out: &mut Vec<u8>,
    text: &str,
    dropped: usize,
    path: &str,
    m: &dyn Masker,
    mask_buf: &mut String,
) -> bool {
    mask_buf.clear();
    let rewritten = m.mask_str(path, text, mask_buf);
    let text = if rewritten { &*mask_buf } else { text };
    out.push(b'"');
    escape_into(out, text);
    if dropped > 0 {
        write_truncation_marker(out, dropped);
    }
    out.push(b'"');
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut v = Vec::new();
        write_str(&mut v, s, usize::MAX);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_controls_quotes_and_keeps_unicode() {
        assert_eq!(esc("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(esc("\n\t\r\u{8}\u{c}"), r#""\n\t\r\b\f""#);
        assert_eq!(esc("\u{0}\u{1f}"), r#""\u0000\u001f""#);
        assert_eq!(esc("ك€😀"), "\"ك€😀\"");
        let parsed: String = serde_json::from_str(&esc("x\u{1}\u{7f}y\"")).unwrap();
        assert_eq!(parsed, "x\u{1}\u{7f}y\"");
    }

    /// Every special byte at every offset of strings up to 40 bytes long (both sides of
    /// the word-at-a-time skip) reads back as the input.
    #[test]
    fn word_skip_never_misses_an_escape() {
        let specials = ['"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', 'é', '😀'];
        for len in 0..40 {
            for at in 0..len.max(1) {
                for &c in &specials {
                    let mut s: String =
                        "abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..len].to_string();
                    if len > 0 {
                        s.replace_range(at..at + 1, &c.to_string());
                    }
                    let back: String = serde_json::from_str(&esc(&s)).unwrap();
                    assert_eq!(back, s, "{s:?}");
                    assert_eq!(esc(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
        // Every byte value at every position of a word of otherwise plain bytes.
        for filler in [b'a', 0x7f, 0xff, b' '] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = b;
                    if ESCAPE[b as usize] != 0 {
                        assert!(may_need_escape(u64::from_le_bytes(bytes)), "{b:#x} at {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn caps_long_strings_at_char_boundary() {
        let s = "é".repeat(10);
        let mut v = Vec::new();
        write_str(&mut v, &s, 5);
        let parsed: String = serde_json::from_slice(&v).unwrap();
        assert!(
            parsed.starts_with("éé…[ecsctx: truncated 16 bytes]"),
            "{parsed}"
        );
    }

    #[test]
    fn display_is_escaped_and_capped() {
        let mut v = Vec::new();
        write_display(&mut v, &format_args!("a{}b", "\"q\""), 3);
        let parsed: String = serde_json::from_slice(&v).unwrap();
        assert_eq!(parsed, "a\"q…[ecsctx: truncated 2 bytes]");
    }
}
