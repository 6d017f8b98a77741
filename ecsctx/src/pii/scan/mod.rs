//! The text scanner: one pass over a string finds everything the masker rewrites in text.
//!
//! In: a string (a message, a string value, a body inside a string) and the [`Opts`] of
//! the masker. Out: the string with each finding replaced by what an [`Emit`] writes for
//! it, or `false` when nothing was found (and nothing was written).
//!
//! The pass walks the bytes once and branches on a few of them: a digit (card numbers,
//! phones, track data, a CVV after a card), `@` (emails), a letter at a word start (keyed
//! forms `password=…`, `"cvv": "…"`, `<pin>…</pin>`, `CVV: 123`, `PIN block 0412…`,
//! `Bearer …`, JWTs, IBANs), `:` before `//` (a URL's userinfo), `-----BEGIN` (PEM
//! private keys) and `%B` (track 1). Nothing is allocated; a clean string costs one
//! loop over its bytes and one classification per word that stands before a separator
//! (memoized per thread by the masker). Every step moves forward and a word is read once,
//! so the pass is linear in the input, whatever the input (`dash_joined_words_are_read_once`).
//!
//! Terms: a *key run* is a word of letters, digits, `_` and `-` (`x-api-key`); a *keyed
//! form* is a key run the masker classifies, a separator and a value; a *digit run* is
//! digit groups joined by separators (`4111 1111 1111 1111`, `+1 (212) 555-0134`).

mod commands;
mod digits;
mod keyed;
mod shapes;
mod sql;
mod text;
mod triggers;
mod words;

use commands::*;
use digits::*;
use keyed::*;
use shapes::*;
use sql::*;
use text::*;
use triggers::*;
use words::*;

pub(crate) use digits::{
    card_length_fits, is_card_2_series, is_whole_phone, luhn_digits, write_card,
};
pub(crate) use shapes::{is_approval_code, is_approval_key};
pub(crate) use text::{email_span, is_protected, percent_decoded, protected_len};

use super::keys::{self, Class};
use super::normalize::{decimal_value, is_decimal_digit};

/// What masking writes when no keyset is configured or available.
pub const REDACTED: &str = "[PII_REDACTED]";

/// What the scanner found; the masker decides what to write for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Hit {
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A card number found by its digits (Luhn-valid): first 6 and last 4 are kept.
    Card,
    /// The value of a keyed form; what it is comes from the key's class.
    Keyed(Class),
    /// A credential found by its shape: the token field type (`secret`, `jwt`,
    /// `pem_key`).
    Secret(&'static str),
    /// A CVV found by its place (after a card number and its expiry).
    Cvv,
    /// Track data found by its shape.
    Track,
    /// An IBAN found by its shape and check digits.
    Iban,
}

/// Which rules run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Opts {
    /// Phones by their digits: off for values under id, amount, count and time keys.
    pub(crate) phones: bool,
    /// Emails: off for the id fields of ECS (`email.message_id`).
    pub(crate) emails: bool,
    /// The `pci` pack: card numbers by their digits anywhere, a CVV after a card.
    pub(crate) pci: bool,
    /// The `financial_ids` pack: IBANs by their shape.
    pub(crate) financial: bool,
}

/// What the masker writes for a finding, and how it classifies a key found in text.
pub(crate) trait Emit {
    /// The class of a key found in text (the masker's personal keys and safe keys
    /// included).
    fn key_class(&self, key: &str) -> Class;
    /// Writes the replacement of `text` (what `hit` found) into `out`.
    fn emit(&self, hit: Hit, text: &str, out: &mut String);
}

/// Scans `s`, writing it with every finding replaced into `out`; `false` (and nothing
/// written) when nothing was found.
pub(crate) fn scan(s: &str, opts: Opts, e: &impl Emit, out: &mut String) -> bool {
    if is_clean_word(s) {
        return false;
    }
    let b = s.as_bytes();
    // An id, a region, a name (`sess-8f2c91`); an IPv4 address alone (`203.0.113.9`).
    if (b[0].is_ascii_digit() && ipv4_end(b, 0) == Some(b.len())) || is_plain_token(b) {
        return false;
    }
    scan_all(s, opts, e, out)
}

/// Whether `s` is one word of letters, `_` and `-` (`KWD`, `payment_processed`) that holds
/// nothing: in such a word no rule but a published token's shape (`sk_live_…`, `ghp_…`
/// without digits) can match, at its start or after a dash (`--sk_live_…`,
/// `auth-sk_live_…`: a word starts there), and those are 15 bytes or more.
#[inline]
pub(crate) fn is_clean_word(s: &str) -> bool {
    s.bytes().all(|c| CLASS[c as usize] & 16 != 0)
        && !(s.len() >= 15
            && (is_known_secret(s)
                || (s.as_bytes().contains(&b'-')
                    && s.match_indices('-')
                        .any(|(k, _)| is_known_secret(&s[k + 1..])))))
}

/// Whether no rule can start in `b`: a token of letters, digits, `_`, `-` and `.`
/// (`sess-8f2c91`, `eu-west-1`, `ORD-2024-01`) that has no separator, space, quote, `@`,
/// `:` or `%` (so no keyed form, address, URL, PEM or track 1), fewer than 7 digits (no
/// card, phone or track 2), every dot-separated part shorter than any published token,
/// JWT segment or IBAN (15 bytes), no word a CVV or PIN may be glued to (`cvv123`,
/// `cv2-837`, `cid.1234`, `pin-8674`), and no dotted token's prefix
/// (`ya29.`, `hvs.`). The ids and names that requests bind are such tokens: they leave
/// after one loop.
/// `every_plain_token_is_clean_for_the_whole_scanner` checks it against [`scan_all`].
fn is_plain_token(b: &[u8]) -> bool {
    // A Google OAuth or Vault token's prefix (`ya29.…`, `hvs.…`): its parts may be short.
    if matches!(b.get(..5), Some(b"ya29."))
        || matches!(b.get(..4), Some(b"hvs." | b"hvb." | b"hvr."))
    {
        return false;
    }
    let (mut digits, mut part_start) = (0, 0);
    let mut i = 0;
    while i < b.len() {
        // Letters, `_` and `-` (most bytes) leave before the `match` (this loop costs the
        // bind's values fewer instructions than the same over `enumerate`).
        let c = b[i];
        let t = TOKEN[c as usize];
        i += 1;
        if t == PLAIN {
            continue;
        }
        let i = i - 1;
        match t {
            DIGIT => {
                digits += 1;
                // (An IPv4 address and longer numbers: the scanner reads them.)
                if digits >= 7 {
                    return false;
                }
            }
            DOT => {
                if i - part_start >= 15 {
                    return false;
                }
                part_start = i + 1;
            }
            // `cvv`, `cvc`, `csc`, `cv2`, `cid`, `pin` (any case) at their first letter;
            // `eyJ` at its last (`e` is too common a letter to look ahead from).
            MAY_START => {
                let l = |k: usize| b.get(i + k).map_or(0, |c| c | 0x20);
                if (c == b'J' && i >= 2 && b[i - 2] == b'e' && b[i - 1] == b'y')
                    || matches!(
                        &[c | 0x20, l(1), l(2)],
                        b"cvv" | b"cvc" | b"csc" | b"cv2" | b"cid" | b"pin"
                    )
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
    b.len() - part_start < 15
}

const PLAIN: u8 = 1;
const DIGIT: u8 = 2;
const DOT: u8 = 3;
const MAY_START: u8 = 4;

/// The bytes of a plain token ([`is_plain_token`]); 0: any other byte.
static TOKEN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'c' | b'C' | b'p' | b'P' | b'J' => MAY_START,
            b'0'..=b'9' => DIGIT,
            b'.' => DOT,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'-' => PLAIN,
            _ => 0,
        };
        c += 1;
    }
    t
};

/// [`scan`] without its fast paths.
fn scan_all(s: &str, opts: Opts, e: &impl Emit, out: &mut String) -> bool {
    #[cfg(test)]
    return scan_with(s, opts, e, out, true);
    #[cfg(not(test))]
    scan_with(s, opts, e, out)
}

/// [`scan_all`]; in tests, passing over words of prose in one loop (`skip_prose`) or
/// reading each word with the word rules (to test that the two write the same).
fn scan_with(
    s: &str,
    opts: Opts,
    e: &impl Emit,
    out: &mut String,
    #[cfg(test)] skip_prose: bool,
) -> bool {
    let mut sc = Scanner {
        s,
        b: s.as_bytes(),
        out,
        last: 0,
        changed: false,
        e,
        o: opts,
        run_end: 0,
        #[cfg(test)]
        skip_prose,
    };
    sc.run();
    if sc.changed {
        sc.out.push_str(&s[sc.last..]);
    }
    sc.changed
}

struct Scanner<'a, 'o, E> {
    s: &'a str,
    b: &'a [u8],
    out: &'o mut String,
    /// What is copied to `out` so far.
    last: usize,
    changed: bool,
    e: &'o E,
    o: Opts,
    /// The end of the last key run a word was read from: a word never starts inside it
    /// again (`a-a-a-…=x` is read once, not once per `a`).
    run_end: usize,
    /// Whether [`Scanner::next_anchor`] passes over words of prose (always, but in the
    /// test that compares it with the word rules).
    #[cfg(test)]
    skip_prose: bool,
}

/// Bytes at which some rule may start (letters only at a word start, checked in the loop).
static STARTS: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || b >= 0x80
            || matches!(b, b'+' | b'@' | b':' | b'-' | b'%' | b'<' | b'_' | b'\n');
        c += 1;
    }
    t
};

/// Byte classes: bit 1 a word byte (letter, digit, `_`), bit 2 a key byte (a word byte or
/// `-`), bit 4 a letter or `_`, bit 8 a byte that may follow a key or start a shape after a
/// word (a separator, a quote, a dot, whitespace, a bracket, an escape, non-ASCII), bit 16
/// a byte of a clean word ([`is_clean_word`]: a letter, `_` or `-`).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let letter = b.is_ascii_alphabetic() || b == b'_';
        let word = letter || b.is_ascii_digit();
        let follow = matches!(
            b,
            b'=' | b':'
                | b'"'
                | b'\''
                | b'>'
                | b'\\'
                | b'.'
                | b' '
                | b'\t'
                | b'\n'
                | b'\r'
                | b']'
                | b'#'
                | b'('
                | b'%'
                | b'&'
                | 0x80..
        );
        t[c] = (word as u8)
            | (((word || b == b'-') as u8) << 1)
            | ((letter as u8) << 2)
            | ((follow as u8) << 3)
            | (((letter || b == b'-') as u8) << 4);
        c += 1;
    }
    t
};

#[inline]
fn is_word_byte(c: u8) -> bool {
    CLASS[c as usize] & 1 != 0
}

/// Bytes a key word found in text may hold (`card_number`, `x-api-key`).
#[inline]
fn is_key_byte(c: u8) -> bool {
    CLASS[c as usize] & 2 != 0
}

#[inline]
fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<E: Emit> Scanner<'_, '_, E> {
    fn run(&mut self) {
        let n = self.b.len();
        let mut i = 0;
        // Whether a line break was met (the first one checks whether a table's header
        // row starts the text).
        let mut broken = false;
        while i < n {
            #[cfg(test)]
            let skip_prose = self.skip_prose;
            #[cfg(not(test))]
            let skip_prose = true;
            if skip_prose {
                i = self.next_anchor(i);
                if i == n {
                    break;
                }
            }
            let c = self.b[i];
            // Most bytes start nothing: skip them without a branch per rule.
            if !STARTS[c as usize] {
                i += 1;
                continue;
            }
            let next = match c {
                // A table with a header row after a line break (`id;pan;cvv\n42;4111…`),
                // or before the first one (nothing found on that line yet).
                b'\n' => {
                    let first = !broken && self.last == 0;
                    broken = true;
                    match first.then(|| self.table(0)).flatten() {
                        Some(end) => end,
                        None => self.table(i + 1).unwrap_or(i + 1),
                    }
                }
                // A quoted-printable `@` (`khalid.almutairi=40gmail.com`, a mail's source).
                b'4' if self.o.emails
                    && i > 0
                    && self.b[i - 1] == b'='
                    && self.b.get(i + 1) == Some(&b'0')
                    && i > self.last =>
                {
                    match self.spelled_email(i - 1, 3) {
                        Some(end) => end,
                        // (`pan=4012888888881881`: the digits are a number.)
                        None => self.digits(i),
                    }
                }
                // A key that starts with a digit (`"2fa_code": "836152"`).
                b'0'..=b'9' if i >= self.run_end && digit_key(self.b, i) => self.word(i),
                b'0'..=b'9' => self.digits(i),
                b'+' if self.s[i + 1..].chars().next().is_some_and(is_decimal_digit) => {
                    self.digits(i)
                }
                // A Go MySQL DSN: `user:password@tcp(host:3306)/db`.
                b'@' if self.b[i + 1..].starts_with(b"tcp(")
                    || self.b[i + 1..].starts_with(b"unix(") =>
                {
                    self.dsn_password(i)
                }
                // An Oracle login (`sqlplus scott/X@orcl`).
                b'@' if i > 0
                    && !matches!(self.b[i - 1], b' ' | b'\t' | b'\n' | b'/')
                    && self.b[i.saturating_sub(128)..i].contains(&b'/')
                    && self.oracle_password(i).is_some() =>
                {
                    i + 1
                }
                b'@' if self.o.emails => self.email(i),
                // nginx's escape of a byte (`\x22`), JSON's (`\u0022`, what .NET's and
                // JavaScript's encoders write for `"`): its hex digits are no word's or
                // number's.
                b'x' | b'u' if byte_escape_hex(self.b, i).is_some() => {
                    let h = byte_escape_hex(self.b, i).unwrap_or(i);
                    if punctuation_escape(self.b, h) {
                        h + 2
                    } else {
                        i + 1
                    }
                }
                b'a'..=b'z' | b'A'..=b'Z'
                    if i >= self.run_end
                        && (i == 0 || !is_word_byte(self.b[i - 1]) || after_escape(self.b, i)) =>
                {
                    self.word(i)
                }
                // A key with a leading `_` (`_password`, `.npmrc`'s `_authToken`, Python's private
                // `__password`).
                b'_' if i >= self.run_end
                    && (i == 0 || !is_word_byte(self.b[i - 1]))
                    && self.b[i + 1..]
                        .iter()
                        .take(3)
                        .find(|&&c| c != b'_')
                        .is_some_and(u8::is_ascii_alphabetic) =>
                {
                    self.word(i)
                }
                b':' if self.b[i + 1..].starts_with(b"//") => self.url(i),
                b'-' if self.b[i..].starts_with(b"-----BEGIN ") => self.pem(i),
                // A here-string fed to a command that reads a password (`sudo -S … <<< X`).
                b'<' if self.b[i..].starts_with(b"<<<") => match here_string_password(self.b, i) {
                    Some((vs, ve)) if vs >= self.last => {
                        self.put(vs, ve, Hit::Secret("secret"));
                        ve
                    }
                    _ => i + 3,
                },
                b'%' if matches!(self.b.get(i + 1), Some(b'B' | b'b')) => self.track1(i),
                b'%' if self.o.emails
                    && (self.b[i..].starts_with(b"%40") || self.b[i..].starts_with(b"%2540")) =>
                {
                    self.encoded_email(i)
                }
                // A URL escape of a space, a quote or a bracket (`%20`, `%22`, `%27`,
                // `%28`, `%29`): its digits are no number's (`card%204111…`,
                // `q=%224111…%22`), unless they start a card number (`%2221…`).
                b'%' if punctuation_escape(self.b, i + 1) => i + 3,
                // A full-width `@` (`＠`, in CJK text).
                0xef if self.o.emails && self.b[i..].starts_with("＠".as_bytes()) => {
                    self.spelled_email(i, 3).unwrap_or(i + 3)
                }
                0x80.. => {
                    let ch = self.s[i..].chars().next().unwrap_or(' ');
                    if is_decimal_digit(ch) {
                        self.digits(i)
                    } else if let Some(end) = (i == 0 || !self.b[i - 1].is_ascii_alphanumeric())
                        .then(|| self.foreign_key(i))
                        .flatten()
                    {
                        end
                    } else {
                        i + ch.len_utf8()
                    }
                }
                _ => i + 1,
            };
            // Always forward, past what is written already, and always to a character
            // boundary.
            let mut j = next.max(i + 1).max(self.last).min(n);
            while !self.s.is_char_boundary(j) {
                j += 1;
            }
            i = j;
        }
    }

    /// The first byte at or after `i` that may start something: bytes that start nothing
    /// and words of prose are passed over in one loop. A word of prose, as
    /// [`Self::word`] settles it: after a space (or at the start), small letters after the
    /// first, shorter than any published token, no trigger word, and before a space with no
    /// separator after it (`password = x`), before `,`, `;`, `!`, `?` or a full stop (not a
    /// Vault token's `hvs.`), or at the end. (Most words of a message are such words: this
    /// loop costs a third of what reading each with the word rules does.)
    #[inline]
    fn next_anchor(&self, mut i: usize) -> usize {
        let b = self.b;
        let n = b.len();
        while i < n {
            let c = b[i];
            if !STARTS[c as usize] {
                i += 1;
                continue;
            }
            if !c.is_ascii_alphabetic() || (i > 0 && b[i - 1] != b' ') {
                return i;
            }
            let e = i
                + 1
                + b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_lowercase())
                    .count();
            let len = e - i;
            // (The first letters of the trigger words by length, inline: most words leave
            // there.)
            if len >= 15
                || (len <= 12
                    && TRIGGER_FIRST[len] & (1 << ((c | 0x20).wrapping_sub(b'a') & 31)) != 0
                    && triggers(b, i, e) != 0)
            {
                return i;
            }
            let prose = match b.get(e) {
                None | Some(b',' | b';' | b'!' | b'?') => true,
                // (A word after one space: no separator, no copula.)
                Some(b' ') => {
                    (b.get(e + 1).is_some_and(|&c| {
                        c.is_ascii_alphanumeric() && !matches!(c, b'i' | b'w' | b'I' | b'W')
                    }) || !separator_after_spaces(b, e))
                        && !(self.o.financial && len == 4)
                }
                // (Not a key's path: `secrets.db=x`.)
                Some(b'.') => {
                    !self.o.financial
                        && !matches!(&b[i..e], b"hvs" | b"hvb" | b"hvr")
                        && !b.get(e + 1).is_some_and(u8::is_ascii_alphabetic)
                }
                Some(_) => false,
            };
            if !prose {
                return i;
            }
            i = e;
        }
        n
    }

    /// Replaces `start..end` with what the masker writes for `hit`.
    fn put(&mut self, start: usize, end: usize, hit: Hit) {
        // Whole characters: a rule that counts bytes (a length cap) may stop inside one.
        let (start, end) = if self.s.is_char_boundary(start) && self.s.is_char_boundary(end) {
            (start, end.max(start))
        } else {
            let start = floor_boundary(self.s, start);
            (start, ceil_boundary(self.s, end.max(start)))
        };
        self.put_as(start, end, hit, &self.s[start..end]);
    }

    /// [`Self::scan_part`] for a name (and the tag after it) that a rule passes over to
    /// reach its value, when it holds more than a key's letters (a separator or a space
    /// can start a finding: `"note":"password: hunter"` between a name and its value).
    fn scan_name(&mut self, start: usize, end: usize) {
        if start >= self.last
            && start < end
            && !self.b[start..end]
                .iter()
                .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-'))
        {
            self.scan_part(start, end);
        }
    }

    /// Writes `start..end` scanned on its own (the text before a finding that a rule
    /// reached by looking ahead, which the main loop will not see).
    fn scan_part(&mut self, start: usize, end: usize) {
        debug_assert!(self.last <= start && start <= end);
        self.out.push_str(&self.s[self.last..start]);
        let part = &self.s[start..end];
        if scan(part, self.o, self.e, self.out) {
            self.changed = true;
        } else {
            self.out.push_str(part);
        }
        self.last = end;
    }

    /// An address whose `@` is written another way (`sep` bytes at `at`: quoted-printable
    /// `=40`, a full-width `＠`): tokenized as the address it stands for; where to go on.
    fn spelled_email(&mut self, at: usize, sep: usize) -> Option<usize> {
        let (start, end) = email_span_sep(self.s, at, self.last, sep)?;
        let mut decoded = String::with_capacity(end - start);
        decoded.push_str(&self.s[start..at]);
        decoded.push('@');
        decoded.push_str(&self.s[at + sep..end]);
        self.put_as(start, end, Hit::Email, &decoded);
        Some(end)
    }

    /// A form's text value at `vs` whose words are joined by `+` or `%20` (at least two):
    /// decoded, scanned, and, when the scan found something, written encoded back the
    /// same way (where to go on); `None` when it holds nothing.
    fn form_text(&mut self, vs: usize) -> Option<usize> {
        let b = self.b;
        let ve = vs
            + b[vs..]
                .iter()
                .take(VALUE_PROBE)
                .position(|&c| matches!(c, b'&' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\''))
                .unwrap_or((b.len() - vs).min(VALUE_PROBE));
        let ve = floor_boundary(self.s, ve);
        let raw = &self.s[vs..ve];
        let pluses = raw.bytes().filter(|&c| c == b'+').count();
        let spaces = raw.matches("%20").count();
        if pluses.max(spaces) < 2 || vs < self.last {
            return None;
        }
        let decoded = form_decoded(raw);
        let mut masked = String::new();
        if !scan(&decoded, self.o, self.e, &mut masked) {
            return None;
        }
        self.out.push_str(&self.s[self.last..vs]);
        form_encode(
            &masked,
            if pluses >= spaces { "+" } else { "%20" },
            self.out,
        );
        self.last = ve;
        self.changed = true;
        Some(ve)
    }

    /// [`Self::put`], with the masker shown `text` for what `start..end` holds (an
    /// address decoded from its URL escapes).
    fn put_as(&mut self, start: usize, end: usize, hit: Hit, text: &str) {
        debug_assert!(start <= end);
        // A finding that starts inside what is written already (a rule that reached back
        // past another's value): its replacement goes after it, unless nothing of it is
        // left to write. (The main loop never goes back: `fuzz` found one such rule.)
        if start < self.last && end <= self.last {
            return;
        }
        let start = start.max(self.last);
        self.out.push_str(&self.s[self.last..start]);
        // A JSON member's bare value (`{"cvv":123}`, `{"phone":96555123456}`, an array or
        // an object): its replacement is a string, so it is written in quotes and the
        // document still parses.
        let bare = bare_json_value(self.b, start, end);
        if bare {
            self.out.push('"');
        }
        self.e.emit(hit, text, self.out);
        if bare {
            self.out.push('"');
        }
        self.last = end;
        self.changed = true;
    }

    // === emails ===
}

/// Whether `start..end` is a JSON member's whole bare value: after `":` (spaces aside),
/// a number, an array or an object, and before `,`, `}` or `]`.
fn bare_json_value(b: &[u8], start: usize, end: usize) -> bool {
    if start >= end || !matches!(b[start], b'0'..=b'9' | b'-' | b'[' | b'{') {
        return false;
    }
    let mut k = start;
    while k > 0 && b[k - 1] == b' ' {
        k -= 1;
    }
    let mut e = end;
    while b.get(e) == Some(&b' ') {
        e += 1;
    }
    k >= 2 && b[k - 1] == b':' && b[k - 2] == b'"' && matches!(b.get(e), Some(b',' | b'}' | b']'))
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

fn find(b: &[u8], from: usize, n: &[u8]) -> Option<usize> {
    let from = from.min(b.len());
    b[from..]
        .windows(n.len())
        .position(|w| w == n)
        .map(|p| from + p)
}

/// Past a `0x` or `0X` at `k` (a hex value written as a literal).
fn past_hex_prefix(b: &[u8], k: usize) -> usize {
    let prefixed = matches!(b.get(k..k + 2), Some(b"0x" | b"0X"));
    k + if prefixed { 2 } else { 0 }
}

/// Where the last `n` in `h` starts, within its last `limit` bytes.
fn find_back(h: &[u8], n: &[u8], limit: usize) -> Option<usize> {
    let from = h.len().saturating_sub(limit);
    h[from..]
        .windows(n.len())
        .rposition(|w| w == n)
        .map(|p| from + p)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first character boundary at or after `i` (the end at most).
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `Some((start, end, resume))` when the value is not empty and not already masked: `end`
/// on a character boundary, the scan going on at the given end.
fn nonempty(vs: usize, end: usize, s: &str) -> Option<(usize, usize, usize)> {
    let resume = end;
    let end = floor_boundary(s, end);
    let v = s[vs..end].trim();
    // (Inside its quotes too: `SecretStr('**********')`.)
    let inner = v.trim_matches(|c| c == '\'' || c == '"');
    if v.is_empty()
        || is_masked(v)
        || is_placeholder(v)
        || (inner.len() < v.len() && is_placeholder(inner))
    {
        return None;
    }
    Some((vs, end, resume))
}

/// A value that stands for no value (`api_key: None` in `Debug`, `"password": null`,
/// `token: missing`, `secret: ***`) or says what happened to it (`otp_code: expired`,
/// `password: incorrect`): kept, there is nothing to hide.
fn is_placeholder(v: &str) -> bool {
    is_no_value(v)
        || (may_be_in(v, &STATUS_SHAPES) && STATUSES.iter().any(|p| v.eq_ignore_ascii_case(p)))
}

/// By length (1 to 16 bytes), the first letters (bit: the letter's low five bits) of a
/// list's words: one load and one test keep most values out of its loop.
const fn list_shapes(words: &[&str]) -> [u32; 17] {
    let mut m = [0u32; 17];
    let mut k = 0;
    while k < words.len() {
        let w = words[k].as_bytes();
        m[w.len()] |= 1 << (w[0] & 31);
        k += 1;
    }
    m
}

const STATUS_SHAPES: [u32; 17] = list_shapes(STATUSES);
const NO_VALUE_SHAPES: [u32; 17] = list_shapes(NO_VALUES);

/// Whether some word of a list whose [`list_shapes`] are `m` has the length and the first
/// letter of `v` (at most 16 bytes).
#[inline]
fn may_be_in(v: &str, m: &[u32; 17]) -> bool {
    let b = v.as_bytes();
    m.get(b.len())
        .is_some_and(|&l| !b.is_empty() && l & (1 << (b[0] & 31)) != 0)
}

/// [`is_placeholder`] without the statuses: a flag's value (`mysql -pvalid`, `redis-cli
/// -a sent`) says nothing about what happened to it.
fn is_no_value(v: &str) -> bool {
    (may_be_in(v, &NO_VALUE_SHAPES) && NO_VALUES.iter().any(|p| v.eq_ignore_ascii_case(p)))
        || v.bytes().all(|c| c == b'*')
        || is_variable(v)
        || is_bind_parameter(v)
        // A name's value read to the end of its words (`SET name = $1 WHERE id = $2`).
        || (matches!(v.as_bytes().first(), Some(b'$' | b'?' | b':' | b'%')) && v.split_once(' ').is_some_and(|(p, rest)| {
            (is_bind_parameter(p) || p == "%s")
                && ["where", "and", "or", "returning", "limit", "from", "set"]
                    .iter()
                    .any(|k| rest.split(' ').next().is_some_and(|w| w.eq_ignore_ascii_case(k)))
        }))
        // A PowerShell command that makes or reads the value (`$pw = ConvertTo-SecureString
        // "X" -AsPlainText`: the string after it is read as that command's).
        || ["ConvertTo-SecureString", "Read-Host", "Get-Credential", "Get-Content"]
            .iter()
            .any(|c| v.eq_ignore_ascii_case(c))
}

/// A reference to a variable that holds the value, not the value: `${DB_PASSWORD}` or
/// `{{ .Values.password }}` (a name of letters, digits, `_`, `.` and spaces), or
/// `$DB_PASSWORD` (an environment variable's name: capitals, digits and `_`; a password
/// may start with `$`: `$ecretPass1`).
fn is_variable(v: &str) -> bool {
    let braced = v
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| v.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")));
    match braced {
        Some(n) => {
            !n.trim().is_empty()
                && n.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b' '))
        }
        None => v.strip_prefix('$').is_some_and(|n| {
            n.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
                && n.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        }),
    }
}

/// A statement's bind parameter, which the value is bound to later: `?`, `$1`, `:password`
/// (`WHERE password = $1`). (A named one is small letters and `_` only: `:Hunter2` and
/// `@password`, SQL Server's form, may be passwords.)
fn is_bind_parameter(v: &str) -> bool {
    match v.as_bytes() {
        [b'?'] => true,
        [b'$', rest @ ..] => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        [b':', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|&c| c.is_ascii_lowercase() || c == b'_')
        }
        _ => false,
    }
}

/// Values that stand for no value.
const NO_VALUES: &[&str] = &[
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "required",
    "missing",
    "empty",
    "unset",
    "not set",
    "redacted",
    "[redacted]",
    "[filtered]",
    "n/a",
    // MySQL's `Access denied … (using password: NO)`.
    "no",
    "yes",
    "<redacted>",
    "<nil>",
    "<none>",
    "<hidden>",
    "<masked>",
    // A `Debug` that hides the value (`token: Masked`, `password: Hidden`).
    "masked",
    "hidden",
    // A format's or a template's slot (`password=%s`).
    "%s",
    "%v",
    // The `http` crate's `Debug` of a sensitive header value; Python's redaction.
    "sensitive",
    "** redacted **",
    // An authentication method's name (`AUTH=PLAIN`). (At most 16 bytes: the list's
    // shapes.)
    "plain",
    "xoauth2",
    "cram-md5",
    "scram-sha-256",
];

/// Statuses, in English and the languages whose password keys the scanner reads
/// (`contraseña: requerida`, `Passwort: geändert`, `hasło: wymagane`; a password that is
/// one of these words is no secret).
const STATUSES: &[&str] = &[
    // What a PIN's or a credential's check says (`PIN: OK`, `pin: blocked`).
    "ok",
    "blocked",
    "locked",
    "unavailable",
    "expired",
    "invalid",
    "incorrect",
    "wrong",
    "mismatch",
    "verified",
    "sent",
    "changed",
    "rejected",
    "failed",
    "accepted",
    "valid",
    "requerida",
    "requerido",
    "inválida",
    "inválido",
    "incorrecta",
    "incorrecto",
    "incorreta",
    "expirada",
    "caducada",
    "cambiada",
    "obrigatória",
    "alterada",
    "errata",
    "scaduta",
    "richiesta",
    "invalide",
    "requis",
    "expiré",
    "expirée",
    "modifié",
    "geändert",
    "ungültig",
    "falsch",
    "abgelaufen",
    "erforderlich",
    "fehlt",
    "vereist",
    "ongeldig",
    "onjuist",
    "verlopen",
    "gewijzigd",
    "saknas",
    "ogiltigt",
    "fel",
    "wymagane",
    "wygasło",
    "zmienione",
    "gerekli",
    "yanlış",
    "geçersiz",
    "hatalı",
    "değiştirildi",
    "sıfırlandı",
];

/// A value the masker already wrote: a label, a token or ciphertext, a truncated card.
pub(crate) fn is_masked(v: &str) -> bool {
    (v.starts_with('[') && v.ends_with("MASKED]"))
        // The `secrecy` crate's `Debug`: `[REDACTED alloc::string::String]`.
        || (v.starts_with("[REDACTED")
            && v.ends_with(']')
            && v[9..v.len() - 1]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b':' | b'_' | b'<' | b'>' | b',')))
        || v == REDACTED
        || is_protected(v)
        || is_truncated_card(v)
}

/// A card number truncated already: `411111******1111` (ours), or as gateways write it,
/// at most the first 6 digits, then `*`, `x`, `X` or `#` (6 at least), then the last 4
/// (`411111xxxxxx1111`, `XXXXXXXXXXXX1111`, `4111########1111`).
pub(crate) fn is_truncated_card(v: &str) -> bool {
    let b = v.as_bytes();
    if !(13..=19).contains(&b.len()) || !b[b.len() - 4..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let head = b.iter().take(6).take_while(|c| c.is_ascii_digit()).count();
    let mid = &b[head..b.len() - 4];
    mid.len() >= 6 && mid.iter().all(|&c| matches!(c, b'*' | b'x' | b'X' | b'#'))
}

/// Where `n` (lowercase) occurs in `h`, case-insensitive.
fn find_ci(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Where `n` (ASCII) last occurs in `h`, case-insensitive.
fn find_ci_last(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).rposition(|w| w.eq_ignore_ascii_case(n))
}

/// The length of a no-break (U+00A0), narrow no-break (U+202F, French typography's before
/// `:`), thin (U+2009) or ideographic (U+3000) space at the start of `r`; 0 for anything
/// else.
#[inline]
fn wide_space(r: &[u8]) -> usize {
    match r {
        [0xc2, 0xa0, ..] => 2,
        // (And the direction marks U+200E, U+200F: `CVV:\u{200f} 123` in Arabic text.)
        [0xe3, 0x80, 0x80, ..] | [0xe2, 0x80, 0xaf | 0x89 | 0x8e | 0x8f, ..] => 3,
        _ => 0,
    }
}

/// Where the two hex digits of a byte's escape start when `x` or `u` at `i` opens one
/// after a backslash (`\x22`, `\u0022`).
fn byte_escape_hex(b: &[u8], i: usize) -> Option<usize> {
    if i == 0 || b[i - 1] != b'\\' {
        return None;
    }
    let h = match b[i] {
        b'x' => i + 1,
        b'u' if b[i + 1..].starts_with(b"00") => i + 3,
        _ => return None,
    };
    b.get(h..h + 2)
        .is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit))
        .then_some(h)
}

/// Whether `i` follows a URL escape (`%22password`), nginx's (`\x22password`) or JSON's
/// (`\u0022password`): a word starts there.
fn after_escape(b: &[u8], i: usize) -> bool {
    i >= 3
        && b[i - 2].is_ascii_hexdigit()
        && b[i - 1].is_ascii_hexdigit()
        && (b[i - 3] == b'%'
            || (b[i - 3] == b'x' && i >= 4 && b[i - 4] == b'\\')
            || (i >= 6 && &b[i - 6..i - 2] == b"\\u00"))
}

/// Whether the two digits at `k` escape a space, a quote or a bracket (`20`, `22`, `27`,
/// `28`, `29`, after `%` or nginx's `\x`) and start no card number: so skipping them
/// hides none (no card starts with `0`, `7`, `8` or `9` after a `2`; `%2221…` is read as
/// its card).
fn punctuation_escape(b: &[u8], k: usize) -> bool {
    matches!(b.get(k..k + 2), Some(b"20" | b"22" | b"27" | b"28" | b"29")) && !card_digits_at(b, k)
}

/// Whether 13 to 19 ASCII digits that pass Luhn's check start at `k` (and end there).
fn card_digits_at(b: &[u8], k: usize) -> bool {
    let n = b[k..]
        .iter()
        .take(20)
        .take_while(|c| c.is_ascii_digit())
        .count();
    (13..=19).contains(&n)
        && !b.get(k + n).is_some_and(u8::is_ascii_digit)
        && luhn_digits(b[k..k + n].iter().map(|&c| u32::from(c - b'0')))
}

/// Whether a key that starts with a digit and two letters (`2fa_code`, `3ds_cavv`) stands
/// at `i` before a separator or a closing quote: read as a word (its class decides).
fn digit_key(b: &[u8], i: usize) -> bool {
    if (i > 0 && is_word_byte(b[i - 1]))
        || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
        || !b.get(i + 2).is_some_and(u8::is_ascii_alphabetic)
    {
        return false;
    }
    let e = i + b[i..]
        .iter()
        .take(25)
        .take_while(|&&c| is_key_byte(c))
        .count();
    e - i <= 24 && matches!(b.get(e), Some(b'"' | b'\'' | b'=' | b':' | b'\\'))
}

/// How far a scan that may fail looks (a value in prose, a bracket, a tag): bounded, so
/// repeated keys stay linear.
const PROBE: usize = 256;

/// How far a keyed form's value is read before the form is taken ([`PROBE`] × 4: most
/// values end sooner; a longer one runs on to its end once taken).
const VALUE_PROBE: usize = PROBE * 4;

#[cfg(test)]
mod tests;
