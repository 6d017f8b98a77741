//! Emails, URL-encoded addresses and published tokens or ciphertexts (`ptok:v1:…`,
//! `penc:v1:…`) in text: the shapes other modules of the masker ask about too.

use super::*;

/// The length of a well-formed token (`ptok:v1:` and 43 base64url characters) or
/// ciphertext (`penc:v1:{kid}:` and at least 38 base64url characters) at the start of
/// `s`, delimited after; `None` for anything else that starts like one.
pub(crate) fn protected_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let run = |k: usize, ok: fn(u8) -> bool| {
        let mut j = k;
        while j < b.len() && ok(b[j]) {
            j += 1;
        }
        j
    };
    let end = if b.starts_with(b"ptok:v1:") {
        let e = run(8, is_b64url);
        (e - 8 == 43).then_some(e)?
    } else if b.starts_with(b"penc:v1:") {
        let kid_end = run(8, |c| is_b64url(c) || c == b'.');
        if kid_end == 8 || kid_end - 8 > 64 || b.get(kid_end) != Some(&b':') {
            return None;
        }
        let e = run(kid_end + 1, is_b64url);
        // nonce (12) + tag (16) at least; base64url without padding never leaves 1 over.
        let n = e - kid_end - 1;
        (n >= 38 && n % 4 != 1).then_some(e)?
    } else {
        return None;
    };
    if b.get(end).is_some_and(|&c| c == b':' || c == b'.') {
        return None;
    }
    // Random base64url holds a run of 13 digits about once in 10^10 values: such a run
    // is a card number dressed as a token (`penc:v1:4111…:…`), and the text is scanned.
    let mut run = 0;
    for &c in &b[8..end] {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 13 {
            return None;
        }
    }
    Some(end)
}

/// Whether `s` is exactly one well-formed token or ciphertext. (Either is 48 bytes or
/// more and starts with `p`: most values leave on that test, without a call.)
#[inline]
pub(crate) fn is_protected(s: &str) -> bool {
    s.len() >= 48 && s.as_bytes()[0] == b'p' && protected_len(s) == Some(s.len())
}

#[inline]
pub(super) fn is_local_char(c: char) -> bool {
    // The characters addresses use in practice; RFC 5322 allows more (`'`, `=`, `{` …),
    // but in a log line those start or end the text around an address
    // (`to='a@b.c'`, `VALUES ('a@b.c')`), which must not be taken with it.
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | '_' | '%' | '+' | '-')
        || (!c.is_ascii() && c.is_alphanumeric())
}

#[inline]
pub(super) fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
}

/// The most bytes of an address's local part or domain read from its `@`.
const ADDRESS_PART: usize = 256;

/// The email address around the `@` at byte `at`, not starting before `floor`.
pub(crate) fn email_span(s: &str, at: usize, floor: usize) -> Option<(usize, usize)> {
    email_span_sep(s, at, floor, 1)
}

/// [`email_span`] with an `@` of `sep` bytes at `at` (3: URL-encoded, `%40`).
pub(super) fn email_span_sep(
    s: &str,
    at: usize,
    floor: usize,
    sep: usize,
) -> Option<(usize, usize)> {
    if floor > at {
        return None;
    }
    // An address's parts are read at most [`ADDRESS_PART`] bytes from the `@` (a local
    // part holds at most 64, a domain 253): a text of many `@` (`%40%40…`) is read in
    // linear time.
    let floor = floor.max(super::floor_boundary(s, at.saturating_sub(ADDRESS_PART)));
    let before = &s[floor..at];
    let start = if let Some(inner) = before.strip_suffix('"') {
        // A quoted local part: "john doe"@example.com
        floor + inner.rfind('"')?
    } else {
        let mut start = at;
        for (i, c) in before.char_indices().rev() {
            if is_local_char(c) {
                start = floor + i;
            } else {
                break;
            }
        }
        // A local part does not start with a dot.
        while start < at && s.as_bytes()[start] == b'.' {
            start += 1;
        }
        start
    };
    if start == at {
        return None;
    }
    let after = &s[at + sep..];
    // The domain as far as it goes; when that is not a domain (`…example.Coious߇`: an
    // NKo digit glued to the TLD), its ASCII part alone (`…example.Coious`).
    let end_by = |ok: fn(char) -> bool| {
        let mut end = at + sep;
        for (i, c) in after.char_indices() {
            if i >= ADDRESS_PART {
                break;
            }
            if ok(c) {
                end = at + sep + i + c.len_utf8();
            } else {
                break;
            }
        }
        end
    };
    let end = end_by(is_domain_char);
    domain_end(s, at + sep, end)
        .or_else(|| {
            // The ASCII part, then that part without its last labels (`a@ex.com.0000`:
            // a number glued on after a dot is not the address's).
            let mut end = end_by(|c| c.is_ascii() && is_domain_char(c));
            loop {
                if let Some(e) = domain_end(s, at + sep, end) {
                    return Some(e);
                }
                // A top-level domain holds letters only: what is glued to its letters
                // is not the address's (`a@db.example-x`, `a@ex.com2`).
                let dot = at + sep + s[at + sep..end].rfind('.')?;
                let letters = s[dot + 1..end]
                    .bytes()
                    .take_while(u8::is_ascii_alphabetic)
                    .count();
                if letters >= 2 && dot + 1 + letters < end {
                    if let Some(e) = domain_end(s, at + sep, dot + 1 + letters) {
                        return Some(e);
                    }
                }
                end = dot;
            }
        })
        .map(|end| (start, end))
}

/// The end of the domain `s[from..end]` (trailing dots and dashes left out), when it is
/// one: labels, a final one of two letters or more, not an image's `@2x.png`.
pub(super) fn domain_end(s: &str, from: usize, mut end: usize) -> Option<usize> {
    while end > from && matches!(s.as_bytes()[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &s[from..end];
    let (labels, tld) = domain.rsplit_once('.')?;
    // `logo@2x.png`: an image's pixel density, not an address.
    if labels.len() == 2
        && labels.ends_with(['x', 'X'])
        && labels.as_bytes()[0].is_ascii_digit()
        && ["png", "jpg", "jpeg", "gif", "webp", "svg", "avif"]
            .iter()
            .any(|e| tld.eq_ignore_ascii_case(e))
    {
        return None;
    }
    if labels.is_empty()
        || labels.split('.').any(str::is_empty)
        || tld.chars().count() < 2
        || !tld.chars().all(char::is_alphabetic)
    {
        return None;
    }
    Some(end)
}

/// `t` with its `%XX` escapes decoded (an escape that is not one, or bytes that do not
/// make UTF-8, are kept as written).
pub(crate) fn percent_decoded(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut k = 0;
    while k < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[k],
            b.get(k + 1).and_then(|&c| hex(c)),
            b.get(k + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                k += 3;
            }
            (c, _, _) => {
                out.push(c);
                k += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| t.to_owned())
}

/// A form's text value (`Body=Your+OTP+is+482913`, `text=my%20password%20is%20…`: an SMS
/// gateway's request) decoded: `+` and `%20` are spaces, `%XX` its byte (the text as it
/// is when the escapes make no UTF-8).
pub(crate) fn form_decoded(t: &str) -> String {
    percent_decoded(&t.replace('+', " "))
}

/// `t` encoded back as a form value, spaces as `space` (`+` or `%20`): the bytes that
/// would end or change the value (`&`, `=`, `%`, `+`, `#`, a line break) escaped.
pub(crate) fn form_encode(t: &str, space: &str, out: &mut String) {
    for c in t.chars() {
        match c {
            ' ' => out.push_str(space),
            '&' => out.push_str("%26"),
            '=' => out.push_str("%3D"),
            '%' => out.push_str("%25"),
            '+' => out.push_str("%2B"),
            '#' => out.push_str("%23"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            _ => out.push(c),
        }
    }
}
