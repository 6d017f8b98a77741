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
/// card, phone or track 2), every dot-separated part shorter than any published token, JWT segment
/// or IBAN (15 bytes), and no word a CVV or PIN is glued to (`cvv123`, `pin-8674`).
/// The ids and names that requests bind are such tokens: they leave after one loop.
/// `every_plain_token_is_clean_for_the_whole_scanner` checks it against [`scan_all`].
fn is_plain_token(b: &[u8]) -> bool {
    let (mut digits, mut part_start) = (0, 0);
    for (i, &c) in b.iter().enumerate() {
        match TOKEN[c as usize] {
            PLAIN => {}
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
            // `cvv`, `cvc`, `csc`, `pin` (any case), `eyJ`.
            MAY_START => {
                let l = |k: usize| b.get(i + k).map_or(0, |c| c | 0x20);
                let w = [c | 0x20, l(1), l(2)];
                if matches!(&w, b"cvv" | b"cvc" | b"csc" | b"pin")
                    || (c == b'e' && b[i..].starts_with(b"eyJ"))
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
            b'c' | b'C' | b'p' | b'P' | b'e' => MAY_START,
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
    let mut sc = Scanner {
        s,
        b: s.as_bytes(),
        out,
        last: 0,
        changed: false,
        e,
        o: opts,
        run_end: 0,
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
}

/// Bytes at which some rule may start (letters only at a word start, checked in the loop).
static STARTS: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] =
            b.is_ascii_alphanumeric() || b >= 0x80 || matches!(b, b'+' | b'@' | b':' | b'-' | b'%');
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
        while i < n {
            let c = self.b[i];
            // Most bytes start nothing: skip them without a branch per rule.
            if !STARTS[c as usize] {
                i += 1;
                continue;
            }
            let next = match c {
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
                b'@' if self.o.emails => self.email(i),
                b'a'..=b'z' | b'A'..=b'Z'
                    if i >= self.run_end
                        && (i == 0 || !is_word_byte(self.b[i - 1]) || after_escape(self.b, i)) =>
                {
                    self.word(i)
                }
                b':' if self.b[i + 1..].starts_with(b"//") => self.url(i),
                b'-' if self.b[i..].starts_with(b"-----BEGIN ") => self.pem(i),
                b'%' if matches!(self.b.get(i + 1), Some(b'B' | b'b')) => self.track1(i),
                b'%' if self.o.emails && self.b[i..].starts_with(b"%40") => self.encoded_email(i),
                0x80.. => {
                    let ch = self.s[i..].chars().next().unwrap_or(' ');
                    if is_decimal_digit(ch) {
                        self.digits(i)
                    } else {
                        i + ch.len_utf8()
                    }
                }
                _ => i + 1,
            };
            // Always forward, and always to a character boundary.
            let mut j = next.max(i + 1).min(n);
            while !self.s.is_char_boundary(j) {
                j += 1;
            }
            i = j;
        }
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
    /// reach its value, when it holds more than a key's letters.
    fn scan_name(&mut self, start: usize, end: usize) {
        if start >= self.last
            && start < end
            && self.b[start..end]
                .iter()
                .any(|&c| c.is_ascii_digit() || c == b'@' || c >= 0x80)
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

    /// [`Self::put`], with the masker shown `text` for what `start..end` holds (an
    /// address decoded from its URL escapes).
    fn put_as(&mut self, start: usize, end: usize, hit: Hit, text: &str) {
        debug_assert!(self.last <= start && start <= end);
        self.out.push_str(&self.s[self.last..start]);
        self.e.emit(hit, text, self.out);
        self.last = end;
        self.changed = true;
    }

    // === emails ===

    fn email(&mut self, at: usize) -> usize {
        match email_span(self.s, at, self.last) {
            Some((start, end)) => {
                self.put(start, end, Hit::Email);
                end
            }
            None => at + 1,
        }
    }

    /// The password of a DSN's `user:password` before the `@` at `at`.
    fn dsn_password(&mut self, at: usize) -> usize {
        let b = self.b;
        let mut start = at;
        while start > self.last
            && at - start < PROBE
            && !matches!(
                b[start - 1],
                b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'=' | b'(' | b','
            )
        {
            start -= 1;
        }
        if let Some(c) = b[start..at].iter().position(|&c| c == b':') {
            let ps = start + c + 1;
            if ps < at {
                self.put(ps, at, Hit::Secret("secret"));
            }
        }
        at + 1
    }

    /// A URL-encoded address (`q=john.doe%40example.com`): tokenized as the address it
    /// encodes, so it matches the same customer's token elsewhere.
    fn encoded_email(&mut self, at: usize) -> usize {
        let Some((start, end)) = email_span_sep(self.s, at, self.last, 3) else {
            return at + 1;
        };
        let decoded = percent_decoded(&self.s[start..end]);
        self.put_as(start, end, Hit::Email, &decoded);
        end
    }

    // === words: keyed forms and credential shapes ===

    /// The word at `i`: a word of prose is settled here, inline; anything that may start
    /// a finding goes on to [`Self::word_rules`].
    #[inline(always)]
    fn word(&mut self, i: usize) -> usize {
        let b = self.b;
        // The key run, and (`letters`) where to go on when the word is nothing: past its
        // letters, so digits glued to them are still seen (as an id's digits: never a
        // phone).
        let letters = i + b[i..]
            .iter()
            .position(|&c| CLASS[c as usize] & 4 == 0)
            .unwrap_or(b.len() - i);
        let e = letters
            + b[letters..]
                .iter()
                .position(|&c| CLASS[c as usize] & 2 == 0)
                .unwrap_or(b.len() - letters);
        self.run_end = e;
        // A command line's password flag (`mysql -pS3cret`, `sshpass -p S3cret`).
        if i >= 2
            && b[i - 1] == b'-'
            && matches!(b[i], b'p' | b'a')
            && matches!(b[i - 2], b' ' | b'\t')
        {
            if let Some(end) = self.cli_password(i, e) {
                return end;
            }
        }
        // Letters only and shorter than any published token: before a space, only a
        // trigger word (`Bearer`, a prose key such as `cvv`, the first word of a two-word
        // key) or a key before a separator (`db_password = x`) starts anything; before
        // a byte that cannot follow a key (`,`, `)`, `!`, the end), nothing does.
        // The word's trigger flags, once (`None`: not looked up yet).
        let mut f = None;
        if letters == e && e - i < 15 && !after_double_dash(b, i) {
            let settled = match b.get(e) {
                // (An identifier, `api_key`/`apiKey`, may be a key before its value.)
                Some(b' ') => {
                    self.is_prose(i, e, *f.insert(triggers(b, i, e))) && !is_identifier(&b[i..e])
                }
                // A dotted name (`keyloop.store_id`): only a JWT's first segment, a SendGrid
                // key or an IBAN starts anything before a dot.
                Some(b'.') => {
                    !self.o.financial
                        && !b[i..].starts_with(b"eyJ")
                        && !b[i..].starts_with(b"SG.")
                        && !matches!(&b[i..e], b"hvs" | b"hvb" | b"hvr")
                }
                Some(b')') => !paren_key(b, i, e),
                Some(&c) => {
                    CLASS[c as usize] & 8 == 0
                        && *f.insert(triggers(b, i, e)) & (CVV_WORD | PIN_WORD) == 0
                }
                None => true,
            };
            if settled && !is_xml_open(b, i) {
                return letters;
            }
        }
        self.word_rules(i, letters, e, f)
    }

    /// Whether the word `i..e` before a space is prose: not a trigger word (flags `f`:
    /// `Bearer`, a prose key such as `cvv`, the first word of a two-word key), no
    /// separator after the spaces (`db_password = x`), not an IBAN's first group.
    #[inline]
    fn is_prose(&self, i: usize, e: usize, f: u8) -> bool {
        f & (PROSE | TWO_WORD | SCHEME | USER | SQL | CVV_WORD | PIN_WORD) == 0
            && !separator_after_spaces(self.b, e)
            && !(self.o.financial && e - i == 4)
    }

    /// The rules a word may start ([`Self::word_forms`]); after a CVV's or a PIN's key
    /// that none of them took, the number that follows it ([`Self::number_after_key`]).
    #[inline(never)]
    fn word_rules(&mut self, i: usize, letters: usize, e: usize, f: Option<u8>) -> usize {
        let f = f.unwrap_or_else(|| triggers(self.b, i, e));
        let last = self.last;
        let next = self.word_forms(i, letters, e, f);
        if next == letters && self.last == last && f & (CVV_WORD | PIN_WORD) != 0 {
            if let Some(end) = self.number_after_key(i, e, f & CVV_WORD != 0) {
                return end;
            }
        }
        next
    }

    /// A password given on a command line, at the flag word `i..e` after ` -`, when the
    /// program it belongs to stands before it in the same shell command ([`cli_program`]):
    /// glued to `-p` for `mysql`, `mariadb` and their tools (`-p` alone prompts for it);
    /// after `-p` among `sshpass`'s own options (before the command it wraps); after `-a`
    /// for `redis-cli`. A quoted password is masked inside its quotes. Masked; where to
    /// go on.
    #[inline(never)]
    fn cli_password(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let glued = e > i + 1 || b.get(i + 1).is_some_and(|&c| !matches!(c, b' ' | b'\t'));
        let ok = match (b[i], cli_program(b, i)) {
            (b'p', Some((name, _))) if glued && is_mysql_tool(name) => true,
            // `sshpass -e ssh -p 2222 host`: that `-p` is the port of the wrapped `ssh`.
            (b'p', Some((name, options))) => {
                name.eq_ignore_ascii_case(b"sshpass") && sshpass_options(options)
            }
            (b'a', Some((name, _))) => name.eq_ignore_ascii_case(b"redis-cli"),
            _ => false,
        };
        if !ok {
            return None;
        }
        let mut vs = i + 1;
        if !glued {
            while vs < b.len() && vs - i < 4 && matches!(b[vs], b' ' | b'\t') {
                vs += 1;
            }
        }
        let ve = match b.get(vs) {
            Some(&q @ (b'"' | b'\'')) => {
                vs += 1;
                vs + b[vs..].iter().take(PROBE).position(|&c| c == q)?
            }
            _ => bare_end_within(b, vs, PROBE),
        };
        let v = &self.s[vs..ve];
        if vs == ve || vs < self.last || v.starts_with('$') || is_placeholder(v) {
            return None;
        }
        self.put(vs, ve, Hit::Secret("secret"));
        Some(ve)
    }

    /// A CVV (`cvv`: 3–4 digits) or a PIN (4–12 digits, or a 16-digit hex PIN block)
    /// after its key word that ends at `ke`, past any separators, brackets, quotes,
    /// Unicode spaces and filler words between them (`cvv|630`, `[cvv] 730`, `cvv no.
    /// 576`, `cvv\n239`, `CVV2/CVC2/CID: 823`, `pinblock F1F9…`): masked, and where to go on.
    #[inline(never)]
    fn number_after_key(&mut self, ks: usize, ke: usize, cvv: bool) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        // A path's segment (`POST /cvv 200`) is no key.
        if ks > 0 && b[ks - 1] == b'/' {
            return None;
        }
        // Two keys that are too often something else need more: `cid` a separator that is
        // not a space (`CID: 1234`, `cid=1234`; not `cid 1234 completed`, a cell's `CID
        // 4711`); `verification` a word that names a code or a card before it
        // (`verification code 374`, `cardholder verification 471`; not `verification 404`).
        let key = &b[ks..ke];
        let cid = key.eq_ignore_ascii_case(b"cid");
        let before = &b[..ks];
        let verification = key.eq_ignore_ascii_case(b"verification")
            && ![&b"card "[..], b"cardholder "].iter().any(|w| {
                before.len() >= w.len() && before[before.len() - w.len()..].eq_ignore_ascii_case(w)
            });
        let (mut separated, mut named) = (false, false);
        let mut j = ke;
        for _ in 0..4 {
            while j < n && j - ke < 32 {
                let r = &b[j..];
                let w = match r[0] {
                    b' ' | b'\t' | b'\n' | b'\r' | b':' | b'=' | b'|' | b',' | b';' | b'~'
                    | b'<' | b'>' | b'-' | b'[' | b']' | b'(' | b'{' | b'#' | b'.' | b'"'
                    | b'\'' | b'/' | b'*' | b'\\' => 1,
                    _ if wide_space(r) > 0 => wide_space(r),
                    _ if r.starts_with("：".as_bytes()) || r.starts_with("＝".as_bytes()) => 3,
                    b'&' if r.starts_with(b"&#61;") || r.starts_with(b"&#58;") => 5,
                    b'%' if r.len() >= 3
                        && matches!(
                            &r[1..3],
                            b"3D" | b"3d" | b"3A" | b"3a" | b"20" | b"22" | b"5D" | b"5d"
                        ) =>
                    {
                        3
                    }
                    _ => 0,
                };
                if w == 0 {
                    break;
                }
                separated |= !matches!(r[0], b' ' | b'\t' | b'\n' | b'\r');
                j += w;
            }
            // A filler word, or another name of a CVV or PIN (`/CVC2/CID:`; the trigger
            // table's, and Amex's `cid`).
            let ws = j;
            while j < n && j - ws < 12 && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let w = &b[ws..j];
            let filler = !w.is_empty()
                && w[0].is_ascii_alphabetic()
                && (triggers(b, ws, j) & (CVV_WORD | PIN_WORD) != 0
                    || [
                        "no", "nr", "num", "number", "of", "is", "was", "code", "value", "val",
                        "the", "block", "cid",
                    ]
                    .iter()
                    .any(|f| w.eq_ignore_ascii_case(f.as_bytes())));
            if !filler {
                j = ws;
                break;
            }
            named |= ["code", "value", "val", "number", "num", "no", "nr"]
                .iter()
                .any(|f| w.eq_ignore_ascii_case(f.as_bytes()));
        }
        if j == ke || j < self.last || (cid && !separated) || (verification && !named) {
            return None;
        }
        let vs = j;
        let digits = b[vs..]
            .iter()
            .take(20)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let hex = if cvv {
            0
        } else {
            b[vs..]
                .iter()
                .take(17)
                .take_while(|c| c.is_ascii_hexdigit())
                .count()
        };
        let (ve, ok) = if hex == 16 && digits < 16 {
            (vs + 16, true)
        } else {
            let ok = if cvv {
                (3..=4).contains(&digits)
            } else {
                (4..=12).contains(&digits)
            };
            (vs + digits, ok)
        };
        // A whole number: not the start of a word, a decimal, a time or a longer number.
        let glued = b
            .get(ve)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
            || (matches!(b.get(ve), Some(b'.' | b',' | b':' | b'/' | b'-'))
                && b.get(ve + 1).is_some_and(u8::is_ascii_digit));
        if !ok || glued || before_unit(b, ve) {
            return None;
        }
        self.put(
            vs,
            ve,
            Hit::Keyed(if cvv { Class::Cvv } else { Class::Sad }),
        );
        Some(ve)
    }

    /// The forms a word may start: a CVV or PIN glued to its key, published token shapes,
    /// JWTs, IBANs, auth schemes, command-line users, named XML elements, keyed values.
    fn word_forms(&mut self, i: usize, letters: usize, e: usize, f: u8) -> usize {
        let b = self.b;
        let w = &self.s[i..e];
        // `cvv123`, `CVV-123`, `pin_8674`: a CVV or PIN glued to its key.
        if letters < e && letters - i <= 4 {
            let stem = self.s[i..letters].trim_end_matches(['-', '_']);
            let mut ds = letters;
            while ds < e && matches!(b[ds], b'-' | b'_' | b'#') {
                ds += 1;
            }
            let digits = e - ds;
            let all_digits = b[ds..e].iter().all(u8::is_ascii_digit);
            let cvv = ["cvv", "cvc", "csc"]
                .iter()
                .any(|k| stem.eq_ignore_ascii_case(k));
            let pin = stem.eq_ignore_ascii_case("pin");
            if all_digits
                && ((cvv && matches!(digits, 3 | 4)) || (pin && (4..=12).contains(&digits)))
            {
                self.put(ds, e, Hit::Keyed(if cvv { Class::Cvv } else { Class::Sad }));
                return e;
            }
        }
        // A word of prose before a space (most words): only a published token, a trigger
        // word (`Bearer`, a prose key such as `cvv`, the first word of a two-word key) or
        // a key before a separator (`db_password = x`) can start anything.
        if b.get(e) == Some(&b' ')
            && w.len() < 15
            && self.is_prose(i, e, f)
            && !is_identifier(w.as_bytes())
            && !is_xml_open(b, i)
            && !after_double_dash(b, i)
        {
            return letters;
        }
        // Credentials by their published shapes (`sk_live_…`, `AKIA…`, `ghp_…`, `xoxb-…`).
        if w.len() >= 15 && is_known_secret(w) {
            self.put(i, e, Hit::Secret("secret"));
            // `AKIA…:wJalr…`: an access key id and its secret, joined.
            if b.get(e) == Some(&b':') {
                let se = bare_end_within(b, e + 1, PROBE);
                if looks_like_credential(&b[e + 1..se]) {
                    self.put(e + 1, se, Hit::Secret("secret"));
                    return se;
                }
            }
            return e;
        }
        // Most words are prose: only a word before a separator, a quote, a dot (JWTs),
        // whitespace (`cvv 123`, `security code`, `Bearer x`), a bracket, or an XML name,
        // an IBAN or a token can start a finding.
        let iban = self.o.financial && e - i >= 15 && b[i + 2].is_ascii_digit();
        let next = b.get(e).copied();
        let may_follow = next.is_some_and(|c| CLASS[c as usize] & 8 != 0)
            || (next == Some(b')') && paren_key(b, i, e));
        if !may_follow && !iban && !is_xml_open(b, i) {
            return letters;
        }
        if (w == "ptok" || w == "penc") && next == Some(b':') {
            // A well-formed token or ciphertext stays; anything else is text.
            if let Some(n) = protected_len(&self.s[i..]) {
                return i + n;
            }
            return e;
        }
        // A SendGrid API key: `SG.` and two base64url segments (22 and 43 characters).
        if w == "SG" && next == Some(b'.') {
            if let Some(end) = sendgrid_end(b, i) {
                self.put(i, end, Hit::Secret("secret"));
                return end;
            }
        }
        // A Vault token (`hvs.…`, `hvb.…`, `hvr.…`), a Google OAuth access token (`ya29.…`).
        if next == Some(b'.') && matches!(w, "hvs" | "hvb" | "hvr" | "ya29") {
            if let Some(end) = dotted_token_end(b, e + 1, w == "ya29") {
                self.put(i, end, Hit::Secret("secret"));
                return end;
            }
        }
        if w.starts_with("eyJ") {
            if let Some(end) = jwt_end(b, i) {
                self.put(i, end, Hit::Secret("jwt"));
                return end;
            }
        }
        if self.o.financial && w.len() >= 4 && b[i].is_ascii_uppercase() {
            if let Some(end) = iban_end(b, i) {
                self.put(i, end, Hit::Iban);
                return end;
            }
        }
        if f & SCHEME != 0 {
            if let Some((cs, ce)) = self.bare_credential(e) {
                self.put(cs, ce, Hit::Secret("secret"));
                return ce;
            }
        }
        // `CREATE USER app IDENTIFIED BY 'pw'` (and `IDENTIFIED WITH plugin BY 'pw'`).
        if f & SQL != 0 {
            if let Some((vs, ve)) = sql_password(b, e) {
                self.put(vs, ve, Hit::Secret("secret"));
                return ve + 1;
            }
        }
        // `curl -u user:pass`, `--user user:pass`: the password after the colon.
        if f & USER != 0
            && ((w == "u" && i >= 1 && b[i - 1] == b'-' && (i == 1 || b[i - 2] == b' '))
                || (w == "user" && after_double_dash(b, i)))
        {
            if let Some((vs, ve)) = self.next_token(e) {
                if let Some(c) = b[vs..ve].iter().position(|&c| c == b':') {
                    if vs + c + 1 < ve {
                        // The user is text like any other (a card number, an address).
                        self.scan_part(vs, vs + c);
                        self.put(vs + c + 1, ve, Hit::Secret("secret"));
                        return ve;
                    }
                }
            }
        }
        // `<field name="password">x</field>`, `<param name="cvv" value="123"/>`: an element
        // named by an attribute.
        if f & ATTR != 0
            && matches!(w, "name" | "key" | "field" | "id")
            && b[e..].starts_with(b"=\"")
        {
            if let Some(found) = self.named_element(e + 2) {
                return found;
            }
            // An attribute naming a field (`<field name="status">`) is not a person's name.
            if i > 0
                && b[i - 1] == b' '
                && b[..i]
                    .iter()
                    .rev()
                    .take(PROBE)
                    .find(|&&c| c == b'<' || c == b'>')
                    == Some(&b'<')
            {
                return e;
            }
        }
        // `{"name":"DB_PASSWORD","value":"…"}`, `- name: DB_PASSWORD` + `value: …`: an
        // entry named by a key (a Kubernetes env var, a config list).
        if f & ATTR != 0
            && (w.eq_ignore_ascii_case("name") || w.eq_ignore_ascii_case("key"))
            && matches!(next, Some(b'"' | b':'))
        {
            if let Some(found) = self.named_pair(e) {
                return found;
            }
        }
        // A key with an encoded `_` or `-` (`secret%5Fkey=x`, `api%2Dkey=x`): classified
        // as decoded.
        if next == Some(b'%') {
            if let Some(end) = self.encoded_key(i, e) {
                return end;
            }
        }
        // The key: this word, or this word and the next (`security code`, `PIN block`).
        let mut key_end = e;
        let mut class = Class::None;
        if f & TWO_WORD != 0 && next == Some(b' ') && !is_xml_open(b, i) && !after_double_dash(b, i)
        {
            let mut e2 = e + 1;
            while e2 < b.len() && is_key_byte(b[e2]) {
                e2 += 1;
            }
            // A key's second word is letters (`security code`, `PIN block`), never a
            // value (`secret n7v8KTW98D`).
            if e2 > e + 1
                && b[e + 1..e2]
                    .iter()
                    .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-'))
            {
                let c2 = self.e.key_class(&self.s[i..e2]);
                if c2 != Class::None {
                    key_end = e2;
                    class = c2;
                    self.run_end = e2;
                }
            }
        }
        if class == Class::None {
            // Only a word that stands before a separator (or a value) can be a key; an
            // identifier before a tab or a space and a value (`security_code\t123`,
            // `card_pin 8674`), only for card data, authentication data or credentials.
            let key = self.may_be_key(i, e, f) || is_xml_open(b, i);
            if !key && !spaced_identifier(b, i, e) {
                return letters;
            }
            class = self.e.key_class(w);
            if !key && !class.is_protected() {
                return letters;
            }
            // `?key=…`, `&code=…`: a URL's credential parameters.
            if class == Class::None && url_credential_param(b, i, w) {
                class = Class::Secret;
            }
        }
        if class == Class::None {
            return letters;
        }
        // An element with a dotted name counts for card data, authentication data and
        // credentials only (`<db.password>`; `<service.name>checkout</service.name>` is
        // no person's name).
        if i > 0 && b[i - 1] == b'.' && !class.is_protected() && is_xml_open(b, i) {
            return letters;
        }
        // An ARN names a secret, it holds none (`arn:aws:secretsmanager:…:secret:db`);
        // `PWD=/home/deploy` (sudo's log) is a directory.
        if class == Class::Secret && (in_arn(b, i) || (w == "PWD" && b[e..].starts_with(b"=/"))) {
            return letters;
        }
        match self.keyed_value(i, key_end, class) {
            // A card key's value that cannot hide a card number (fewer than 8 digits:
            // `cc = bob@example.com`) is kept by the card rule: its text is left to the
            // content rules (an email, a phone), not written as it is.
            Some((vs, ve, _))
                if class == Class::Card
                    && self.s[vs..ve]
                        .chars()
                        .filter(|&c| is_decimal_digit(c))
                        .count()
                        < 8 =>
            {
                letters
            }
            Some((vs, ve, resume)) => {
                // The key is text too when it holds digits (`x4111…card_number=`): the
                // main loop will not come back to it.
                // (A key of letters alone, the usual case, has none: `letters == e`.)
                if (letters < e || key_end != e) && b[i..key_end].iter().any(u8::is_ascii_digit) {
                    self.scan_part(i, key_end);
                }
                // So is what stands between the key and its value, beyond a separator
                // (an XML start tag's attributes: `<cardNumber id="…">`).
                if b[key_end..vs]
                    .iter()
                    .any(|&c| c.is_ascii_alphanumeric() || c >= 0x80 || c == b'@')
                {
                    self.scan_part(key_end, vs);
                }
                self.put(vs, ve, Hit::Keyed(class));
                // `card: 4111… 123`, `card=4111…|12/27|123`: a CVV after the number.
                if class == Class::Card && self.o.pci && ve == resume {
                    return self.cvv_after_card(ve);
                }
                resume
            }
            None => letters,
        }
    }

    /// Whether what follows the word `i..e` can make it a key: a separator (after
    /// whitespace too), a closing quote or bracket, an XML tag end, an encoded `=`; or,
    /// for the few keys that count in prose (`cvv 123`, `PIN 8674`, `password hunter2!`,
    /// `the cvv is 123`, `--password x`), whitespace before a value.
    fn may_be_key(&self, i: usize, e: usize, f: u8) -> bool {
        let b = self.b;
        match b.get(e) {
            Some(b'=' | b':' | b'"' | b'\'' | b'>' | b'\\' | b']' | b'#' | b'(') => true,
            Some(b')') => paren_key(b, i, e),
            // Encoded `=`, `:`, `"`, `]` (`user%5Bpassword%5D=x`).
            Some(b'%') => {
                let r = &b[e..];
                r.len() >= 3
                    && matches!(
                        &r[1..3],
                        b"3D" | b"3d" | b"3A" | b"3a" | b"22" | b"5D" | b"5d"
                    )
            }
            Some(b'&') => ["&gt;", "&quot;", "&#61;", "&#58;"]
                .iter()
                .any(|x| b[e..].starts_with(x.as_bytes())),
            Some(0x80..) if wide_space(&b[e..]) == 0 => {
                b[e..].starts_with("：".as_bytes()) || b[e..].starts_with("＝".as_bytes())
            }
            // Whitespace, a no-break or an ideographic space included.
            Some(b' ' | b'\t' | b'\n' | b'\r' | 0x80..) => {
                let mut j = e;
                while j < b.len() && j - e < 8 {
                    match b[j] {
                        b' ' | b'\t' | b'\n' | b'\r' => j += 1,
                        _ => match wide_space(&b[j..]) {
                            0 => break,
                            w => j += w,
                        },
                    }
                }
                match b.get(j) {
                    Some(b'=' | b':' | b'-' | b'#' | b'(') => true,
                    Some(c) => {
                        (c.is_ascii_alphanumeric() || matches!(c, b'"' | b'\'' | b'!' | b'$'))
                            && (f & PROSE != 0
                                // A command-line flag (`--api-key x`).
                                || after_double_dash(b, i)
                                // Any key before `is`/`was` (`api-key is x`).
                                || is_copula(&b[j..]))
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// The token after whitespace at `e`: quoted (inside the quotes) or bare.
    fn next_token(&self, e: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut j = e;
        while matches!(b.get(j), Some(b' ' | b'\t')) && j - e < 4 {
            j += 1;
        }
        if j == e {
            return None;
        }
        if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
            let end = b[j + 1..]
                .iter()
                .position(|&c| c == q)
                .map_or(b.len(), |p| j + 1 + p);
            return (end > j + 1).then_some((j + 1, end));
        }
        let end = bare_end_within(b, j, PROBE);
        (end > j).then_some((j, end))
    }

    /// An element named by an attribute whose quoted value starts at `vs`
    /// (`name="password"`): when that name is a sensitive key, the element's text or its
    /// `value="…"` attribute is masked as that key's value. Returns where to go on.
    fn named_element(&mut self, vs: usize) -> Option<usize> {
        let b = self.b;
        let ve = vs + b[vs..].iter().take(64).position(|&c| c == b'"')?;
        let class = self.e.key_class(&self.s[vs..ve]);
        if matches!(class, Class::None | Class::Personal) {
            return None;
        }
        // The rest of the tag: a `value="…"` attribute, or the element's text.
        let close = ve + b[ve..].iter().take(256).position(|&c| c == b'>')?;
        let tag = &b[ve..close];
        if let Some(p) = tag.windows(7).position(|w| w == b"value=\"") {
            let s0 = ve + p + 7;
            let s1 = s0 + b[s0..close].iter().position(|&c| c == b'"')?;
            if s1 > s0 && s0 >= self.last {
                self.scan_name(vs, s0);
                self.put(s0, s1, Hit::Keyed(class));
                // The tag's other attributes.
                self.scan_name(s1, close);
            } else {
                self.scan_name(vs, close);
            }
            return Some(close);
        }
        if b[close - 1] == b'/' {
            self.scan_name(vs, close);
            return Some(close);
        }
        let ts = close + 1;
        let te = ts
            + b[ts..]
                .iter()
                .position(|&c| c == b'<')
                .unwrap_or(b.len() - ts);
        if te > ts && !is_masked(self.s[ts..te].trim()) {
            self.scan_name(vs, ts);
            self.put(ts, te, Hit::Keyed(class));
        } else {
            // Nothing to mask: what was passed over is scanned as any text.
            self.scan_name(vs, te);
        }
        Some(te)
    }

    /// An entry named by a sensitive key after `name`/`key` (ending at `e`): JSON
    /// (`"name":"DB_PASSWORD","value":"x"`) or YAML (`name: DB_PASSWORD` and, on this or
    /// the next line, `value: x`). The value is masked as that key's class and the name
    /// is kept (it is not a person's name). Where to go on, or `None` when the name is
    /// not a sensitive key.
    fn named_pair(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        let json = b.get(e) == Some(&b'"');
        // The name's value.
        let mut k = e + usize::from(json);
        while matches!(b.get(k), Some(b' ')) && k - e < 4 {
            k += 1;
        }
        if b.get(k) != Some(&b':') {
            return None;
        }
        k += 1;
        while matches!(b.get(k), Some(b' ')) && k - e < 8 {
            k += 1;
        }
        let quote = matches!(b.get(k), Some(b'"' | b'\''));
        let ns = k + usize::from(quote);
        let ne = ns
            + b[ns..]
                .iter()
                .take(64)
                .take_while(|&&c| is_key_byte(c) || c == b'.')
                .count();
        if ne == ns {
            return None;
        }
        let class = self.e.key_class(&self.s[ns..ne]);
        if matches!(class, Class::None | Class::Personal) {
            return None;
        }
        // The `value` that goes with it, within the same entry (after the name, or before
        // it: `{"value":"…","name":"DB_PASSWORD"}`).
        let window = &b[ne..(ne + PROBE).min(b.len())];
        let Some(at) = window
            .windows(5)
            .position(|x| x.eq_ignore_ascii_case(b"value"))
            .map(|p| p + ne)
        else {
            return self.value_before(ns, ne, class);
        };
        let v = member_value(b, at)?;
        let (vs, ve) = match b.get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                let vs = v + 1;
                (
                    vs,
                    vs + b[vs..].iter().take(PROBE * 4).position(|&c| c == q)?,
                )
            }
            _ => (
                v,
                v + b[v..]
                    .iter()
                    .take(PROBE * 4)
                    .take_while(|&&c| !matches!(c, b'\n' | b'\r' | b',' | b'}'))
                    .count(),
            ),
        };
        // The byte cap may stop inside a character.
        let ve = ceil_boundary(self.s, ve);
        if ve > vs && vs >= self.last && !is_masked(self.s[vs..ve].trim()) {
            // What lies between the name and its value is text too.
            self.scan_name(ns, vs);
            self.put(vs, ve, Hit::Keyed(class));
        } else {
            self.scan_name(ns, ve);
        }
        Some(ve)
    }

    /// A key whose `_` or `-` are URL-encoded (`secret%5Fkey=x`), starting at `i` with its
    /// first word ending at `e`, before `=`: its value masked as the decoded key's
    /// (`secret_key`); where to go on, or `None` when it is no such key.
    fn encoded_key(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let mut key = [0u8; 48];
        let mut n = e - i;
        if n > key.len() {
            return None;
        }
        key[..n].copy_from_slice(&b[i..e]);
        let mut k = e;
        while k + 3 < b.len() && b[k] == b'%' {
            let sep = match &b[k + 1..k + 3] {
                b"5F" | b"5f" => b'_',
                b"2D" | b"2d" => b'-',
                _ => break,
            };
            let ws = k + 3;
            let we = ws + b[ws..].iter().take_while(|&&c| is_word_byte(c)).count();
            if we == ws || n + 1 + (we - ws) > key.len() {
                return None;
            }
            key[n] = sep;
            key[n + 1..n + 1 + (we - ws)].copy_from_slice(&b[ws..we]);
            n += 1 + (we - ws);
            k = we;
        }
        if k == e || !(b.get(k) == Some(&b'=') || b[k..].starts_with(b"%3D")) {
            return None;
        }
        // ASCII word bytes, `_` and `-` only.
        let class = self.e.key_class(std::str::from_utf8(&key[..n]).ok()?);
        if !class.is_protected() {
            return None;
        }
        let (vs, ve, resume) = self.keyed_value(i, k, class)?;
        self.put(vs, ve, Hit::Keyed(class));
        Some(resume)
    }

    /// The quoted `value` member before the name at `ns..ne`, within the same object and
    /// not yet written (`{"value":"…","name":"DB_PASSWORD"}`): masked as `class`; where
    /// to go on.
    fn value_before(&mut self, ns: usize, ne: usize, class: Class) -> Option<usize> {
        let b = self.b;
        if self.last > ns {
            return None;
        }
        let lo = self.last + b[self.last..ns].iter().rposition(|&c| c == b'{')?;
        let at = lo
            + b[lo..ns]
                .windows(5)
                .position(|x| x.eq_ignore_ascii_case(b"value"))?;
        let v = member_value(b, at)?;
        let q = *b.get(v).filter(|&&c| c == b'"' || c == b'\'')?;
        let vs = v + 1;
        let ve = vs + b[vs..ns].iter().position(|&c| c == q)?;
        if ve == vs || is_masked(&self.s[vs..ve]) {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ne)
    }

    /// The value of a keyed form whose key is `ks..ke`: `(start, end, resume)`.
    ///
    /// Every scan that can fail is bounded ([`PROBE`] bytes), so a hostile string of
    /// repeated keys stays linear; a value never takes the next key (`password:\ncvv: 1`).
    fn keyed_value(&self, ks: usize, ke: usize, class: Class) -> Option<(usize, usize, usize)> {
        let b = self.b;
        let n = b.len();
        let s = self.s;
        // `&lt;cvv&gt;013&lt;/cvv&gt;`: XML escaped into HTML.
        if ks >= 4 && &b[ks - 4..ks] == b"&lt;" && b[ke..].starts_with(b"&gt;") {
            let vs = ke + 4;
            let end = find(b, vs, b"&lt;").unwrap_or(n);
            return nonempty(vs, end, s);
        }
        // An element's name ends at `>`, whitespace or `/` (`<icc@a.co>` is no element).
        if is_xml_open(b, ks)
            && matches!(b.get(ke), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/'))
        {
            // `<cvv>013</cvv>`, `<cvv type="x">013</cvv>`, `<password value="x"/>`; not
            // `<cvv/>`.
            let close = ke + b[ke..].iter().take(256).position(|&c| c == b'>')?;
            if b[ke..close].contains(&b'<') {
                return None;
            }
            if close > 0 && b[close - 1] == b'/' {
                let tag = &b[ke..close];
                let p = tag.windows(6).position(|w| w == b"value=")?;
                let q = *tag.get(p + 6).filter(|&&c| c == b'"' || c == b'\'')?;
                let vs = ke + p + 7;
                let end = vs + b[vs..close].iter().position(|&c| c == q)?;
                return nonempty(vs, end, s);
            }
            let vs = close + 1;
            if b[vs..].starts_with(b"<![CDATA[") {
                let body = vs + 9;
                let end = find(b, body, b"]]>").unwrap_or(n);
                return Some((body, end, end));
            }
            let end = vs + b[vs..].iter().position(|&c| c == b'<').unwrap_or(n - vs);
            return nonempty(vs, end, s);
        }
        let mut j = ke;
        // A closing quote or bracket: `"cvv":`, `'cvv':`, `\"cvv\":`, `%22cvv%22`,
        // `&quot;cvv&quot;`, `card[cvc]=`.
        // Backslashes before a quote: JSON escaped once (`\"`) or more (`\\\"`).
        let escapes = b[j..].iter().take(8).take_while(|&&c| c == b'\\').count();
        let quoted = if escapes > 0 && b.get(j + escapes) == Some(&b'"') {
            j += escapes + 1;
            true
        } else if b[j..].starts_with(b"%22")
            || b[j..].starts_with(b"%5D")
            || b[j..].starts_with(b"%5d")
        {
            // `%22cvv%22`, `card%5Bcvc%5D=` (an encoded form's `card[cvc]=`).
            j += 3;
            true
        } else if b[j..].starts_with(b"&quot;") {
            j += 6;
            true
        } else if matches!(b.get(j), Some(b'"' | b'\'' | b']'))
            || (b.get(j) == Some(&b')') && ks > 0 && b[ks - 1] == b'(')
        {
            // `"cvv":`, `card[cvc]=`, `Key (card_number)=(…)` (a database error).
            j += 1;
            true
        } else {
            false
        };
        let ws = |j: &mut usize| {
            let start = *j;
            while *j < n && *j - start < 16 {
                match b[*j] {
                    b' ' | b'\t' => *j += 1,
                    _ => match wide_space(&b[*j..]) {
                        0 => break,
                        w => *j += w,
                    },
                }
            }
            *j - start
        };
        let mut spaces = ws(&mut j);
        // `Security code (CVV): 123`: a short parenthesis after the key.
        if b.get(j) == Some(&b'(') {
            if let Some(p) = b[j..].iter().take(24).position(|&c| c == b')') {
                if matches!(b.get(j + p + 1), Some(b':' | b'=')) {
                    j += p + 1;
                }
            }
        }
        // `card verification value: 123`, `CVV2 code 123`: one more key word.
        if spaces > 0 {
            let mut k = j;
            while k < n && k - j < 8 && b[k].is_ascii_alphabetic() {
                k += 1;
            }
            let w = &s[j..k];
            if ["value", "number", "code", "no", "num"]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x))
                && !b.get(k).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                j = k;
                spaces = ws(&mut j);
            }
        }
        // `is`/`was` in prose: `the cvv is 123`, `password is hunter2!`, `the pin was 1234`.
        let mut is_word = false;
        for w in [&b"is "[..], b"was ", b"is: "] {
            if !quoted && b[j..].starts_with(w) {
                j += w.len() - 1;
                ws(&mut j);
                if b.get(j) == Some(&b':') {
                    j += 1;
                }
                spaces = spaces.max(1);
                is_word = true;
                break;
            }
        }
        // `{"field":"cvv","value":"123"}`, `{"Key":"DB_PASSWORD","Value":"…"}`: the key
        // is an entry's name, and its value is the next member's. A quoted key before
        // another member of no such entry (`{"status":"password","reason":"…"}`) has none.
        if quoted && b.get(j) == Some(&b',') {
            if let Some((colon, value)) = next_member_colon(b, j) {
                if !value || !names_an_entry(b, ks) {
                    return None;
                }
                j = colon;
            }
        }
        // The separator, and whether it makes a structured form (`k=v`); `encoded`: the
        // form is itself URL-encoded (`password%3Dx%26y`), so `%26` ends its value.
        let rest = &b[j..];
        let at = |x: &[u8]| rest.starts_with(x);
        let (sep, eq, encoded) = match rest.first() {
            Some(b'=') if at(b"=>") => (2, false, false),
            Some(b'=') if at(b"==>") => (3, false, false),
            Some(b'=') if rest.get(1) != Some(&b'=') => (1, true, false),
            Some(b'-') if at(b"->") => (2, false, false),
            // `password->x`: the `-` of the arrow was read into the key.
            Some(b'>') if j == ke && ke > ks && b[ke - 1] == b'-' => (1, false, false),
            Some(b':') if at(b":=") => (2, true, false),
            Some(b':') if at(b"::") => (2, false, false),
            Some(b':') if !rest[1..].starts_with(b"//") => (1, false, false),
            Some(b'%') if at(b"%3D") || at(b"%3d") => (3, true, true),
            Some(b'%') if at(b"%3A") || at(b"%3a") => (3, false, true),
            Some(b'&') if at(b"&#61;") => (5, true, false),
            Some(b'&') if at(b"&#58;") => (5, false, false),
            // A JSON escape written out (`password\u003dx`).
            Some(b'\\') if at(b"\\u003d") || at(b"\\u003D") => (6, true, false),
            Some(b'\\') if at(b"\\u003a") || at(b"\\u003A") => (6, false, false),
            Some(0x80..) if at("＝".as_bytes()) => (3, true, false),
            Some(0x80..) if at("：".as_bytes()) => (3, false, false),
            // `cvv#123`, `CVV - 123`: for digits only (below).
            Some(b'#' | b'-') if !quoted && matches!(class, Class::Cvv | Class::Sad) => {
                (1, false, false)
            }
            // `("cvv", "123")`, `[('password', 'x')]`: a pair in a tuple's repr (not a
            // list of names: `["cvv","pan","expiry"]`).
            Some(b',') if quoted && is_pair_value(rest) => (1, true, false),
            _ => (0, false, false),
        };
        if is_word && sep != 0 && b[j] != b':' {
            return None;
        }
        let structured = quoted || eq;
        let personal = matches!(class, Class::Personal | Class::Iban | Class::PaymentId);
        // Personal data counts only in structured forms: `"k":`, `k=`, `<k>`; ids also
        // after a colon (`passport: X1234567`).
        if (personal && !structured) || (class == Class::NationalId && !structured && sep == 0) {
            return None;
        }
        let digit_only = sep == 1 && matches!(b[j], b'#' | b'-');
        if sep == 0 || digit_only {
            // `cvv 123`, `PIN 8674`, `PIN block 0412…`, `password hunter2!`, `cvv#123`:
            // a value right after the key; not after a path's segment (`POST /cvv 200`).
            if ks > 0 && b[ks - 1] == b'/' {
                return None;
            }
            if digit_only {
                j += 1;
                ws(&mut j);
            } else if spaces == 0 && !quoted && matches!(b.get(j), Some(b'\n' | b'\r')) {
                // The value on the next line (`password\nP6uH…`, a dump of two lines): the
                // class's shape below decides.
                while j < n && j - ke < 16 && matches!(b[j], b'\n' | b'\r' | b' ' | b'\t') {
                    j += 1;
                }
            } else if (spaces == 0 && !is_word && b.get(j) != Some(&b'(')) || quoted {
                return None;
            }
            if b.get(j) == Some(&b'(') {
                j += 1;
            }
            // A placeholder in brackets (`SecretString([REDACTED])`): nothing to hide.
            if b.get(j) == Some(&b'[') {
                let close = j + b[j..].iter().take(24).position(|&c| c == b']')?;
                let inner = &s[j..=close];
                if is_masked(inner) || is_placeholder(inner) {
                    return None;
                }
            }
            let (vs, end) = if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
                let end = b[j + 1..].iter().take(PROBE).position(|&c| c == q)?;
                (j + 1, j + 1 + end)
            } else {
                (j, bare_end_within(b, j, PROBE))
            };
            let v = &b[vs..end];
            let lead_digits = v.iter().take_while(|c| c.is_ascii_digit()).count();
            // `Your PIN is 1234.`: a number may end a sentence.
            let number = |lo: usize, hi: usize| {
                (lo..=hi).contains(&lead_digits)
                    && !v
                        .get(lead_digits)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
            };
            let (ok, end) = match class {
                Class::Cvv => (number(3, 4), vs + lead_digits),
                Class::Sad if number(4, 12) => (true, vs + lead_digits),
                Class::Sad => (v.len() == 16 && v.iter().all(u8::is_ascii_hexdigit), end),
                _ if digit_only => (false, end),
                Class::Secret => {
                    // A flag (`--password x`) and a column after a tab (`password\thunter2`)
                    // take any value; a one-time code its digits (`your OTP is 123456`);
                    // other prose needs a credential's shape.
                    let flag = after_double_dash(b, ks)
                        || (b.get(ke) == Some(&b'\t') && tab_value_is_secret(v));
                    let otp = ["otp", "passcode", "totp"]
                        .iter()
                        .any(|k| s[ks..ke].eq_ignore_ascii_case(k));
                    if otp && number(4, 8) {
                        (true, vs + lead_digits)
                    } else {
                        (flag || looks_like_credential(v), end)
                    }
                }
                Class::NationalId => {
                    // `SSN: 123 45 6789`, `passport X1234567`, `123-45-6789`.
                    let e = id_run_end(b, vs);
                    let v = &b[vs..e];
                    let ok = v.len() >= 6 && v.iter().filter(|c| c.is_ascii_digit()).count() >= 4;
                    (ok, e)
                }
                _ => (false, end),
            };
            return (ok && end > vs).then_some((vs, end, end));
        }
        j += sep;
        // A value on the next line only when that line is not a key of its own
        // (`password:\n  hunter2`, not `secrets:\n  db_password: x`).
        ws(&mut j);
        if matches!(b.get(j), Some(b'\n' | b'\r')) {
            let mut k = j;
            while k < n && k - j < 32 && matches!(b[k], b'\n' | b'\r' | b' ' | b'\t') {
                k += 1;
            }
            let key_next = match b.get(k) {
                // `"a": 1` on the next line is a key; `"hunter2"` a value.
                Some(&q @ (b'"' | b'\'')) => b[k + 1..]
                    .iter()
                    .take(PROBE)
                    .position(|&c| c == q)
                    .is_some_and(|p| {
                        let mut e = k + 2 + p;
                        while b.get(e) == Some(&b' ') {
                            e += 1;
                        }
                        b.get(e) == Some(&b':')
                    }),
                _ => {
                    let te = bare_end_within(b, k, PROBE);
                    te == k || looks_like_key(b, k, te)
                }
            };
            if key_next {
                return None;
            }
            j = k;
        }
        // Wrappers: Rust's `Debug` (`Some("737")`, `Secret("x")`, nested:
        // `Some(Cvc("739"))`), a YAML tag (`!secret x`), Python's byte and unicode strings
        // (`b'x'`).
        let mut k = j;
        while k < n && k - j < 24 && b[k].is_ascii_alphabetic() {
            k += 1;
        }
        if k > j && b.get(k) == Some(&b'(') && b[j].is_ascii_uppercase() {
            for _ in 0..4 {
                j = k + 1;
                // `{:#?}` puts the inner value on its own line.
                while j < n && matches!(b[j], b' ' | b'\n' | b'\r' | b'\t') && j - k < 32 {
                    j += 1;
                }
                k = j;
                while k < n && k - j < 24 && b[k].is_ascii_alphanumeric() {
                    k += 1;
                }
                if !(k > j && b.get(k) == Some(&b'(') && b[j].is_ascii_uppercase()) {
                    break;
                }
            }
        } else if k == j + 1
            && matches!(b[j], b'b' | b'u' | b'r')
            && matches!(b.get(k), Some(b'"' | b'\''))
        {
            j = k;
        } else if b.get(j) == Some(&b'!') {
            let te = j + b[j..].iter().take(32).position(|&c| c == b' ').unwrap_or(0);
            if te > j && b[j + 1..te].iter().all(u8::is_ascii_alphanumeric) {
                j = te;
                ws(&mut j);
            }
        }
        // A YAML block scalar: the value is on the next line.
        if matches!(b.get(j), Some(b'|' | b'>')) {
            let mut k = j + 1;
            while matches!(b.get(k), Some(b'-' | b'+')) {
                k += 1;
            }
            if matches!(b.get(k), Some(b'\n' | b'\r')) {
                while k < n && k - j < 32 && matches!(b[k], b'\n' | b'\r' | b' ' | b'\t') {
                    k += 1;
                }
                let end = b[k..].iter().position(|&c| c == b'\n').map_or(n, |p| k + p);
                return nonempty(k, end, s);
            }
        }
        // A credential, CVV or PIN in a struct's `Debug` (`SecretString { inner: "x" }`):
        // the struct whole.
        if matches!(class, Class::Secret | Class::Cvv | Class::Sad)
            && b.get(j).is_some_and(u8::is_ascii_uppercase)
        {
            let mut k = j;
            while k < n && k - j < 40 && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                k += 1;
            }
            if b.get(k) == Some(&b' ') {
                k += 1;
            }
            if b.get(k) == Some(&b'{') {
                let end = matching_close(b, k, b'{', b'}')?;
                return nonempty(j, end + 1, s);
            }
        }
        // A quoted value, an escaped-quoted value (JSON inside a JSON string), an
        // URL-encoded or HTML-escaped quoted value, or a bare one.
        // A value in quotes escaped more than once (`\\\"123\\\"`): to the same escape.
        let escapes = b[j..].iter().take(8).take_while(|&&c| c == b'\\').count();
        if escapes > 1 && b.get(j + escapes) == Some(&b'"') {
            let open = &b[j..j + escapes + 1];
            let vs = j + escapes + 1;
            let end = find(b, vs, open).unwrap_or(n);
            return nonempty(vs, end, s);
        }
        for (open, close) in [
            (&b"\\\""[..], &b"\\\""[..]),
            (b"%22", b"%22"),
            (b"&quot;", b"&quot;"),
        ] {
            if b[j..].starts_with(open) {
                let vs = j + open.len();
                let end = find(b, vs, close).unwrap_or(n);
                return nonempty(vs, end, s);
            }
        }
        if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
            let vs = j + 1;
            let mut k = vs;
            while k < n && b[k] != q {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            let end = k.min(n);
            return nonempty(vs, end, s);
        }
        let vs = j;
        if vs >= n {
            // `{"card":` at the end of a truncated document: no value.
            return None;
        }
        match b.get(vs) {
            // A PEM block: the block rule takes it whole.
            Some(b'-') if b[vs..].starts_with(b"-----BEGIN ") => return None,
            // A JSON object: its own keys say what is sensitive (masking it whole would
            // break the document). `{hun;ter2}`: a connection string's braces.
            Some(b'{') => {
                let json = matches!(
                    b[vs + 1..].iter().find(|c| !c.is_ascii_whitespace()),
                    Some(b'"' | b'}')
                );
                // A credential, CVV or PIN held in an object (`"password":{"value":"x"}`):
                // the object is masked whole (a card key's object keeps its own keys, whose
                // numbers the card rule masks).
                if json && !matches!(class, Class::Secret | Class::Cvv | Class::Sad) {
                    return None;
                }
                let end = matching_close(b, vs, b'{', b'}')?;
                return nonempty(vs, end + 1, s);
            }
            // `[a, b]` (an array of them), `<x>`: to the closing bracket.
            Some(&o @ (b'[' | b'<')) => {
                let c = if o == b'[' { b']' } else { b'>' };
                let end = matching_close(b, vs, o, c)?;
                return nonempty(vs, end + 1, s);
            }
            _ => {}
        }
        let mut end = if eq && !encoded && class.is_protected() {
            // `password=abc)def`: in a form or query, only whitespace and `&` end it.
            form_end(b, vs)
        } else {
            bare_end(b, vs)
        };
        // In an encoded form (`password%3Dx%26y%3D1`), its encoded `&` ends the value.
        if encoded {
            if let Some(p) = b[vs..end]
                .windows(3)
                .position(|w| w == b"%26" || w == b"%20")
            {
                end = vs + p;
            }
        }
        // A bare value that is itself a sensitive key (`password: cvv: 123`, `password=
        // pin 1234`) is not this key's value.
        if end > vs && looks_like_key(b, vs, end) {
            return None;
        }
        if class == Class::Secret && !eq && !quoted {
            // `Authorization: Digest …`: the scheme, credential and parameters.
            // `password: correct horse battery staple`: the words after a colon, up to the
            // next key.
            let key = &s[ks..ke];
            end = if key.len() >= 13 && key.to_ascii_lowercase().contains("authorization") {
                auth_end(b, vs, end)
            } else if b.get(end) == Some(&b' ')
                && b.get(end + 1) != Some(&b'[')
                && is_auth_scheme(&s[vs..end])
            {
                // `token: Bearer x`, `access_token: Token x`: the scheme and its credential.
                let ce = bare_end(b, end + 1);
                if ce > end + 1 {
                    ce
                } else {
                    end
                }
            } else if b.get(end) == Some(&b',') && b[vs..end].contains(&b'=') {
                // `Stripe-Signature: t=…,v1=…`: a list of parameters, all of it.
                let mut e2 = end;
                while b.get(e2) == Some(&b',') && e2 - vs < PROBE * 4 {
                    let next = bare_end_within(b, e2 + 1, PROBE);
                    if next == e2 + 1 || !b[e2 + 1..next].contains(&b'=') {
                        break;
                    }
                    e2 = next;
                }
                e2
            } else {
                self.words_end(end, true)
            };
        } else if class == Class::Secret && end < n && matches!(b[end], b' ' | b'\t') {
            // `Authorization=Bearer x`, `api_key=Token x`: the scheme and its credential.
            if is_auth_scheme(&s[vs..end]) {
                let cs = end + 1;
                let ce = bare_end(b, cs);
                if ce > cs {
                    end = ce;
                }
            }
        } else if class == Class::NationalId && b[vs].is_ascii_digit() {
            // `SSN: 123 45 6789`: an id's groups.
            end = id_run_end(b, vs).max(end);
        } else if class == Class::Card && b[vs].is_ascii_digit() {
            // `pan = 4111 1111 1111 1111`: a card number's groups (not a CVV after them).
            end = card_groups_end(b, vs).max(end);
        } else if class == Class::Personal && eq {
            // `name=John Smith age=3`: a name runs over its words, up to the next key.
            end = self.words_end(end, false);
        } else if class == Class::Sad && b[vs..end].contains(&b'^') {
            // Track 1 after its key: to its end sentinel or the line's end.
            end = b[vs..]
                .iter()
                .take(160)
                .position(|&c| c == b'?' || c == b'\n')
                .map_or((vs + 160).min(n), |p| {
                    vs + p + usize::from(b[vs + p] == b'?')
                });
            end = floor_boundary(s, end);
        }
        nonempty(vs, end, s)
    }

    /// Extends a bare value that ends at `end` over the following words, up to a word that
    /// is a key (`age=3`, `city:`, `cvv 123`), a line end or a list separator; with
    /// `alpha`, over words of letters only (a passphrase), so a card number or a PEM block
    /// after it is left to its own rule.
    fn words_end(&self, mut end: usize, alpha: bool) -> usize {
        let b = self.b;
        let start = end;
        while b.get(end) == Some(&b' ') && end - start < PROBE {
            let ws = end + 1;
            let we = bare_end_within(b, ws, PROBE);
            if we == ws
                || b[ws..we]
                    .iter()
                    .any(|&c| matches!(c, b'=' | b':' | b'{' | b'('))
                || (alpha && !b[ws..we].iter().all(u8::is_ascii_alphabetic))
                || looks_like_key(b, ws, we)
                || self.e.key_class(&self.s[ws..we]) != Class::None
            {
                break;
            }
            end = we;
        }
        end
    }

    /// The credential after `Bearer`/`Basic` (the word ends at `e`): whitespace or a colon,
    /// then at least 12 characters of a token alphabet holding a digit or mixed case, or
    /// at least 16 of them.
    fn bare_credential(&self, e: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut cs = e;
        // `Bearer: x`, `bearer=x`, `bearer="x"`.
        let eq = b.get(cs) == Some(&b'=');
        if matches!(b.get(cs), Some(b':' | b'=')) {
            cs += 1;
        }
        while matches!(b.get(cs), Some(b' ' | b'\t')) && cs - e < 4 {
            cs += 1;
        }
        if eq && matches!(b.get(cs), Some(b'"' | b'\'')) {
            cs += 1;
        }
        if cs == e || (cs == e + 1 && b[e] == b':') {
            return None;
        }
        let mut ce = cs;
        while ce < b.len()
            && (is_b64url(b[ce]) || matches!(b[ce], b'.' | b'~' | b'+' | b'/' | b'='))
        {
            ce += 1;
        }
        let t = &b[cs..ce];
        // `bearer expires_in=3600`: a key and its value, not a credential (base64 has `=`
        // only as trailing padding).
        if t.iter()
            .position(|&c| c == b'=')
            .is_some_and(|p| t[p..].iter().any(|&c| c != b'='))
        {
            return None;
        }
        let mixed = t.iter().any(u8::is_ascii_digit)
            || (t.iter().any(u8::is_ascii_uppercase) && t.iter().any(u8::is_ascii_lowercase));
        // After `=` (`bearer=…`) the credential is named: a shorter one counts too.
        let short = if eq { 8 } else { 12 };
        ((t.len() >= short && mixed) || t.len() >= 16).then_some((cs, ce))
    }

    // === URLs, PEM ===

    /// A URL's userinfo (`scheme://user:pass@host`): user and password masked apart.
    fn url(&mut self, colon: usize) -> usize {
        let b = self.b;
        let a = colon + 3;
        let mut end = a;
        while end < b.len()
            && end - a < 512
            && !matches!(
                b[end],
                b'/' | b'?' | b'#' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>'
            )
        {
            end += 1;
        }
        let Some(at) = b[a..end].iter().rposition(|&c| c == b'@').map(|p| a + p) else {
            return a;
        };
        if at == a || a < self.last {
            return a;
        }
        match b[a..at].iter().position(|&c| c == b':').map(|p| a + p) {
            Some(c) => {
                if c > a {
                    self.put(a, c, Hit::Secret("secret"));
                }
                if at > c + 1 {
                    self.put(c + 1, at, Hit::Secret("secret"));
                }
            }
            None => self.put(a, at, Hit::Secret("secret")),
        }
        at + 1
    }

    /// A PEM private key block, replaced whole.
    fn pem(&mut self, i: usize) -> usize {
        let b = self.b;
        // Not a private key's header (`-----BEGIN CERTIFICATE-----`, or no header end
        // near): only `-----BEGIN ` is passed, the text after it is scanned as any other.
        let Some(head_end) = find(b, i + 11, b"-----").filter(|&e| e - (i + 11) <= 40) else {
            return i + 11;
        };
        if !contains(&b[i + 11..head_end], b"PRIVATE KEY") {
            return i + 11;
        }
        let end = match find(b, head_end + 5, b"-----END") {
            Some(e) => find(b, e + 8, b"-----").map_or(b.len(), |f| f + 5),
            None => b.len(),
        };
        self.put(i, end, Hit::Secret("pem_key"));
        end
    }

    // === digits: cards, phones, track data ===

    fn digits(&mut self, i: usize) -> usize {
        let s = self.s;
        let b = self.b;
        // The first group of ASCII digits decides which shapes can start here.
        let d0 = if b[i] == b'+' { i + 1 } else { i };
        let k = d0 + b[d0..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = b.get(k).copied();
        if k - i >= 12 && after == Some(b'^') {
            if let Some((start, end)) = self.track1_at(i) {
                self.put(start, end, Hit::Track);
                return end;
            }
        }
        if k - i >= 12 && matches!(after, Some(b'=' | b'D' | b'd')) {
            if let Some(end) = self.track2(i) {
                let start = if i > self.last && b[i - 1] == b';' {
                    i - 1
                } else {
                    i
                };
                self.put(start, end, Hit::Track);
                return end;
            }
        }
        // An ISO 8583 data element by its number (`DE 52: …`, `<field id="35" value=…/>`).
        if d0 == i
            && (2..=3).contains(&(k - i))
            && iso_sad_field(&b[i..k])
            && (i == 0 || ISO_BEFORE[b[i - 1] as usize])
        {
            if let Some(end) = self.iso_field(i, k) {
                return end;
            }
        }
        // Fewer than 7 digits in the run (ASCII): no card, phone or track data here.
        // An IPv4 address (`203.0.113.9`) is read once, not as four short numbers that
        // each look ahead across the dots.
        if after == Some(b'.') && d0 == i {
            if let Some(end) = ipv4_end(b, i) {
                return end;
            }
        }
        if k - i < 7 {
            if let Some(end) = short_ascii_run(b, i) {
                return end;
            }
        }
        if let Some(end) = (self.o.phones && after == Some(b'.'))
            .then(|| dotted_phone(s, i))
            .flatten()
        {
            let before = s[..i].chars().next_back();
            if !before.is_some_and(|p| p.is_alphanumeric() || matches!(p, '.' | '_' | '/')) {
                self.put(i, end, Hit::Phone);
                return end;
            }
        }
        let run = Run::parse(s, i);
        // `+1 212 555 0134 12:30`: a time or a decimal after a space is a number of its
        // own, not the last group of a phone before it (a card keeps every group).
        let mut phone_groups = run.len;
        if run.len > 1 {
            let r = &b[run.end..];
            let last = run.groups[run.len - 1].plus_start;
            if matches!(r.first(), Some(b'.' | b':' | b','))
                && r.get(1).is_some_and(u8::is_ascii_digit)
                && b[last - 1] == b' '
                && run.groups[..run.len - 1]
                    .iter()
                    .map(|g| g.digits)
                    .sum::<usize>()
                    <= 15
            {
                phone_groups = run.len - 1;
            }
        }
        let phone_end = if phone_groups < run.len {
            run.groups[phone_groups - 1].end
        } else {
            run.end
        };
        let prev = s[..i].chars().next_back();
        let next = s[phone_end..].chars().next();
        // Digits that end an address's local part (`cp0000000000000@ae.ae`): the address
        // is masked whole at its `@`, not cut by a card or phone before it.
        if next == Some('@') && self.o.emails && email_span(s, run.end, self.last).is_some() {
            return run.end;
        }
        let after = s[phone_end..].chars().nth(1);
        // `ORD-2024-0001`, `#A-1234567`: digits after a dash or `#` that follows a word are
        // part of an id.
        let before_prev = s[..i].chars().rev().nth(1);
        // `12:30`, `1.5`: after a digit and a colon or dot, a number; after `tel:`, a phone.
        let after_digit = before_prev.is_some_and(|c| c.is_ascii_digit());
        let glued_before = prev.is_some_and(|p| {
            p.is_alphanumeric()
                || matches!(p, '_' | '/' | '\\')
                || (matches!(p, '.' | ':') && after_digit)
        }) || (matches!(prev, Some('-' | '#'))
            && before_prev.is_some_and(char::is_alphanumeric));
        let glued_after =
            next.is_some_and(|n| n.is_alphanumeric() || matches!(n, '_' | '/' | '\\'));
        // 1234567.89, 12:30, 1,234,567: a number, not a phone.
        let continues =
            matches!(next, Some('.' | ':' | ',')) && after.is_some_and(is_decimal_digit);
        let phone_ok = self.o.phones && !(glued_before || glued_after || continues);
        self.emit_run(&run, phone_ok, phone_groups)
    }

    /// The value of the ISO 8583 data element whose number is `b[i..k]` (one that holds
    /// authentication data: [`iso_sad_field`]) when a dump names it: after a label word
    /// (`DE 52: …`, `DE052=…`, `F52 PIN Data (8 bytes): …`, `field #35 …`, `bit 55: …`,
    /// `P52=…`), as jPOS writes it (`<field id="52" value="…"/>`), or bare (`[052] …`,
    /// `52: …` at a line's start, `<52>…</52>`). Masked whole as authentication data when
    /// the value has the element's shape ([`iso_value_shape`]: `Total de 52: 1500` is
    /// prose) and, bare, is hex as a switch prints it; where to go on.
    #[inline(never)]
    fn iso_field(&mut self, i: usize, k: usize) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        // The label before the number: a word, glued or after a separator (`Field #55`).
        let mut ls = i;
        while ls > 0 && i - ls < 2 && matches!(b[ls - 1], b' ' | b'-' | b'_' | b'#' | b'.') {
            ls -= 1;
        }
        let mut ws = ls;
        while ws > 0 && ls - ws < 5 && b[ws - 1].is_ascii_alphabetic() {
            ws -= 1;
        }
        // A one-letter label only glued (`F52`, `P52=`; not `see p. 52`).
        let labelled = ws < ls
            && (ws == 0 || !is_word_byte(b[ws - 1]))
            && (ls - ws > 1 || ls == i)
            && matches!(
                // The label's letters lowercased, packed little-endian (at most 5).
                crate::memo::le_word(&b[ws..ls])
                    | (0x20_2020_2020 & ((1u64 << (8 * (ls - ws))) - 1)),
                0x6564 // de
                    | 0x66 // f
                    | 0x646c66 // fld
                    | 0x64_6c65_6966 // field
                    | 0x746962 // bit
                    | 0x6d65_6c65 // elem
                    | 0x6d62 // bm
                    | 0x70 // p
                    | 0x69 // i
            );
        let before = &b[..i];
        let quote = b.get(k).copied().filter(|&q| q == b'"' || q == b'\'');
        // `<field id="52" …`: the same quote on both sides of the number.
        let jpos = before.len() >= 4
            && quote == Some(before[before.len() - 1])
            && before[before.len() - 4..before.len() - 1].eq_ignore_ascii_case(b"id=")
            && find_ci(&before[before.len().saturating_sub(24)..], b"<field").is_some();
        let closes = |open: u8, close: u8| i > 0 && b[i - 1] == open && b.get(k) == Some(&close);
        let line_start = {
            let mut p = i;
            while p > 0 && i - p < 8 && matches!(b[p - 1], b' ' | b'\t') {
                p -= 1;
            }
            p == 0 || matches!(b[p - 1], b'\n' | b'\r')
        };
        let bare = closes(b'<', b'>')
            || closes(b'[', b']')
            || (line_start && matches!(b.get(k), Some(b':' | b' ' | b'=')));
        if !(labelled || jpos || bare) {
            return None;
        }
        // Past the closing of the number and the separators to the value.
        let mut j = k;
        if let (true, Some(q)) = (jpos, quote) {
            // Other attributes may stand before `value` (`type="binary"`).
            let tag_end = b[k..n.min(k + 128)]
                .iter()
                .position(|&c| c == b'>')
                .map_or(n.min(k + 128), |p| k + p);
            let at = find_ci(&b[k..tag_end], b"value=")? + k + 6;
            if b.get(at) != Some(&q) {
                return None;
            }
            j = at + 1;
        } else {
            let skip = |j: &mut usize| {
                while *j < n
                    && *j - k < 64
                    && matches!(
                        b[*j],
                        b' ' | b'\t'
                            | b':'
                            | b'='
                            | b']'
                            | b'>'
                            | b')'
                            | b'.'
                            | b'|'
                            | b'"'
                            | b'\''
                    )
                {
                    *j += 1;
                }
            };
            skip(&mut j);
            // A description between the number and the value (`F52 PIN Data....: …`,
            // `DE 52 (8 bytes): …`).
            if labelled
                && b.get(j)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'(')
            {
                let mut d = j;
                while d < n
                    && d - j < 48
                    && (b[d].is_ascii_alphanumeric()
                        || matches!(b[d], b' ' | b'-' | b'/' | b'(' | b')'))
                {
                    d += 1;
                }
                if matches!(b.get(d), Some(b'.' | b':' | b'=')) {
                    j = d;
                    skip(&mut j);
                }
            }
        }
        if j < self.last {
            return None;
        }
        let vs = if b.get(j) == Some(&b'[') { j + 1 } else { j };
        let mut ve = vs;
        while ve < n
            && ve - vs < 1024
            && !matches!(
                b[ve],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b','
                    | b']'
                    | b'&'
                    | b'}'
                    | b'|'
            )
        {
            ve += 1;
        }
        let (de, v) = (iso_number(&b[i..k]), &b[vs..ve]);
        // A bare number's hex value is as a switch prints it: capitals, a letter among
        // them (`[52] 5f3a9c1e7b2d4a60` is a span id).
        let printed = !(matches!(de, 52 | 55) && !labelled && !jpos)
            || (!v.iter().any(u8::is_ascii_lowercase)
                && v.iter().any(|c| matches!(c, b'A'..=b'F')));
        if !iso_value_shape(de, v) || !printed {
            return None;
        }
        self.put(vs, ve, Hit::Track);
        Some(ve)
    }

    /// Track 2 data at `i` (`4111…=2512101…`, `;` before and `?` after optional): the end.
    fn track2(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let mut k = i;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        // 12–19 digits of PAN, or more with an EMV tag before them (`5713…`).
        if !(12..=23).contains(&(k - i)) || !matches!(b.get(k), Some(b'=' | b'D' | b'd')) {
            return None;
        }
        let ds = k + 1;
        let mut e = ds;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        // A filler nibble (`F`) may end the data.
        if matches!(b.get(e), Some(b'F' | b'f')) {
            e += 1;
        }
        if e - ds < 4 || b.get(e).is_some_and(|&c| is_word_byte(c)) {
            return None;
        }
        Some(if b.get(e) == Some(&b'?') { e + 1 } else { e })
    }

    /// Track 1 data whose PAN starts at `i` (`B4111…^DOE/JOHN^2512…`, with or without `%`
    /// and `B`): the whole record, up to `?`, a line end or the end of its third field.
    fn track1_at(&self, i: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut k = i;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if !(12..=19).contains(&(k - i)) || b.get(k) != Some(&b'^') {
            return None;
        }
        let mut start = i;
        if start > self.last && matches!(b[start - 1], b'B' | b'b') {
            start -= 1;
            if start > self.last && b[start - 1] == b'%' {
                start -= 1;
            }
        }
        // The name field, then the expiry, service code and discretionary data.
        let name_end = k + 1 + b[k + 1..].iter().take(40).position(|&c| c == b'^')?;
        let mut e = name_end + 1;
        while e < b.len() && b[e].is_ascii_alphanumeric() {
            e += 1;
        }
        if b.get(e) == Some(&b'?') {
            e += 1;
        }
        Some((start, e))
    }

    /// Track 1 data (`%B4111…^NAME^2512…?`).
    fn track1(&mut self, i: usize) -> usize {
        let b = self.b;
        let mut k = i + 2;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if !(12..=19).contains(&(k - i - 2)) || b.get(k) != Some(&b'^') {
            return i + 1;
        }
        let end = b[k..]
            .iter()
            .take(120)
            .position(|&c| c == b'?' || c == b'\n')
            .map_or(b.len().min(k + 120), |p| {
                k + p + usize::from(b[k + p] == b'?')
            });
        let end = floor_boundary(self.s, end);
        self.put(i, end, Hit::Track);
        end
    }

    /// Writes the cards and phones among `run`'s groups (phones among its first
    /// `phone_groups`); where to go on.
    fn emit_run(&mut self, run: &Run, phone_ok: bool, phone_groups: usize) -> usize {
        let s = self.s;
        let g = &run.groups[..run.len];
        let mut i = 0;
        while i < g.len() {
            // YYYY-MM-DD is a date, not a phone number.
            if i + 2 < g.len()
                && g[i].digits == 4
                && g[i + 1].digits == 2
                && g[i + 2].digits == 2
                && s[g[i].end..g[i + 1].start] == *"-"
                && s[g[i + 1].end..g[i + 2].start] == *"-"
            {
                i += 3;
                continue;
            }
            // Track data starting at a later group (`track2 4111…=2512…`).
            if i > 0 && g[i].start >= self.last {
                if let Some(end) = self.track2(g[i].start) {
                    self.put(g[i].start, end, Hit::Track);
                    return end;
                }
            }
            if self.o.pci {
                // The longest Luhn-valid card starting at group i.
                let mut card = None;
                let mut total = 0;
                // The first digits are those of group i whatever the length tried: judged
                // once, when a length could make a card.
                let mut iin = None;
                for j in i..g.len() {
                    total += g[j].digits;
                    if total > 19 {
                        break;
                    }
                    if total >= 13
                        && card_grouping(&g[i..=j])
                        && *iin.get_or_insert_with(|| iin_plausible(s, &g[i..]))
                        && luhn(s, &g[i..=j])
                    {
                        card = Some(j);
                    }
                }
                if let Some(j) = card {
                    if g[i].start >= self.last {
                        self.put(g[i].start, g[j].end, Hit::Card);
                        // What follows a card (an expiry, a CVV) is read from the bytes;
                        // the rest of this run is scanned again from there.
                        return self.cvv_after_card(g[j].end);
                    }
                    i = j + 1;
                    continue;
                }
            }
            if phone_ok {
                let mut phone = None;
                let mut total = 0;
                for (j, gj) in g.iter().enumerate().take(phone_groups).skip(i) {
                    if j > i && gj.card_sep {
                        break;
                    }
                    total += gj.digits;
                    if total > 15 {
                        break;
                    }
                    if total >= 7 {
                        phone = Some(j);
                    }
                }
                // Digits right after an id, time or count word (`order 12345678`,
                // `ts=1733400000000`, `user_id: 12345678`) are that, not a phone; two groups
                // joined by a dash (`1000-2000`, a ZIP+4) are a phone only with a `+` or
                // after a phone word (`tel`, `call`, `mobile` …).
                let b = s.as_bytes();
                let plain = g[i].plus_start == g[i].start;
                let dash_pair = |j: usize| j == i + 1 && &s[g[i].end..g[j].start] == "-";
                // Not a phone's groups: a one-digit group after the first in a run of a
                // few groups (`latencies 35 62 7 5 26 ms`; a card spelled digit by digit
                // is still masked as digits); a later group in parentheses after a group of four
                // (`ERROR 1062 (23000)`; a phone's parentheses hold its area code).
                let not_grouped_as_phone = |j: usize| {
                    (j - i < 7 && g[i + 1..=j].iter().any(|g| g.digits == 1))
                        || (g[i].digits >= 4
                            && (i + 1..=j).any(|k| s[g[k - 1].end..g[k].start].contains('(')))
                };
                let keep = |j: usize| {
                    plain
                        && !after_phone_word(b, g[i].start)
                        && ((j == i
                            && (after_number_word(b, g[i].start)
                                || is_epoch(&b[g[i].start..g[i].end])
                                || before_unit(b, g[j].end)))
                            || dash_pair(j)
                            || is_uuid_like(g)
                            || not_grouped_as_phone(j)
                            // `"GET / HTTP/1.1" 204 77397`: a status and a byte count.
                            || after_http_version(b, g[i].start))
                };
                if let Some(j) = phone.filter(|&j| !keep(j)) {
                    let start = g[i].plus_start;
                    if start >= self.last {
                        self.put(start, g[j].end, Hit::Phone);
                    }
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        run.end
    }

    /// A CVV right after a card number: `4111… 123`, `4111…|12/27|123`, `4111… exp 12/27
    /// 123`, `4111… 12/2027 123`, `4111…|1227|123`: a 3–4 digit whole number after at
    /// most an expiry. Returns where to go on.
    fn cvv_after_card(&mut self, card_end: usize) -> usize {
        let b = self.b;
        let sep = |k: usize| {
            let mut j = k;
            while j < b.len()
                && matches!(
                    b[j],
                    b' ' | b'|' | b',' | b';' | b'/' | b'\t' | b':' | b'-' | b'='
                )
                && j - k < 3
            {
                j += 1;
            }
            j
        };
        let num = |k: usize| {
            let mut j = k;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let mut j = sep(card_end);
        if j == card_end {
            return card_end;
        }
        // Optional expiry words: `exp`, `expiry`, `expires`, `expiration`, `valid thru`.
        for _ in 0..2 {
            let mut k = j;
            while k < b.len() && b[k].is_ascii_alphabetic() && k - j < 12 {
                k += 1;
            }
            let w = &b[j..k];
            if [
                "exp",
                "expiry",
                "expires",
                "expiration",
                "valid",
                "thru",
                "until",
            ]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
            {
                j = sep(k);
            }
        }
        // An optional expiry: MM/YY, MM/YYYY, MM|YY, or MMYY followed by the CVV.
        let e = num(j);
        if e - j == 2 && matches!(b.get(e), Some(b'/' | b'|' | b'-')) {
            let e2 = num(e + 1);
            if matches!(e2 - e - 1, 2 | 4) {
                j = sep(e2);
            }
        } else if e - j == 4 && matches!(&b[j..j + 2], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2']) {
            // MMYY, when a 3–4 digit number that is not the start of another number follows.
            let after = sep(e);
            let e3 = num(after);
            let mut k = e3;
            while k < b.len() && matches!(b[k], b' ' | b'-') && k - e3 < 2 {
                k += 1;
            }
            let more = k > e3 && b.get(k).is_some_and(u8::is_ascii_digit);
            if after > e && matches!(e3 - after, 3 | 4) && !more {
                j = after;
            }
        }
        let e = num(j);
        let whole = !b
            .get(e)
            .is_some_and(|&c| is_word_byte(c) || c == b'/' || c == b'.');
        // `4111…, 5500 0000 0000 0004`: the start of another number, not a CVV.
        let mut k = e;
        while k < b.len() && matches!(b[k], b' ' | b'-') && k - e < 2 {
            k += 1;
        }
        let more = k > e && b.get(k).is_some_and(u8::is_ascii_digit);
        if matches!(e - j, 3 | 4) && whole && !more && j > card_end && j >= self.last {
            self.put(j, e, Hit::Cvv);
            return e;
        }
        card_end
    }
}

// === shapes ===

/// The end of the digit run at `i` when it holds fewer than 7 digits (separators `-`,
/// `(`, `)`, `.`, `+` and single spaces between groups allowed) and only ASCII: such a run
/// is never a card, a phone or track data, and its groups start nothing else, so it is
/// read once (`12:30:45`, `2024-0001`). A line break ends it (a number at a line's start
/// may name an ISO 8583 element: `052: …`). `None` when the full parse must look.
fn short_ascii_run(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i;
    let mut digits = 0;
    let mut end = i;
    let mut line_break = false;
    while k < b.len() && k - i < 64 {
        match b[k] {
            b'0'..=b'9' => {
                digits += 1;
                if !line_break {
                    end = k + 1;
                }
            }
            b'\n' => line_break = true,
            b' ' | b'-' | b'(' | b')' | b'.' | b'+' | b'=' | b'D' | b'd' | b'/' | b'|' | b','
            | b';' | b'_' | b'\t' | b'^' | b'*' | b':' => {}
            0x80.. => return None,
            _ => break,
        }
        if digits >= 7 {
            return None;
        }
        k += 1;
    }
    Some(end)
}

/// The end of an IPv4 address at `i` (four dot-separated numbers up to 255), when nothing
/// glued to it makes it part of something longer (`1.2.3.4.5`, `1.2.3.4a`).
fn ipv4_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (is_word_byte(b[i - 1]) || b[i - 1] == b'.') {
        return None;
    }
    let mut k = i;
    for part in 0..4 {
        let start = k;
        let mut v = 0u32;
        while k < b.len() && k - start < 3 && b[k].is_ascii_digit() {
            v = v * 10 + u32::from(b[k] - b'0');
            k += 1;
        }
        if k == start || v > 255 {
            return None;
        }
        if part < 3 {
            if b.get(k) != Some(&b'.') {
                return None;
            }
            k += 1;
        }
    }
    let glued = b.get(k).is_some_and(|&c| is_word_byte(c))
        || (b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit));
    (!glued).then_some(k)
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
    if v.is_empty() || is_masked(v) || is_placeholder(v) {
        return None;
    }
    Some((vs, end, resume))
}

/// A value that stands for no value (`api_key: None` in `Debug`, `"password": null`,
/// `token: missing`, `secret: ***`): kept, there is nothing to hide.
fn is_placeholder(v: &str) -> bool {
    v.len() <= 10
        && ([
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
            "redacted",
            "[redacted]",
            "[filtered]",
            "n/a",
        ]
        .iter()
        .any(|p| v.eq_ignore_ascii_case(p))
            || v.bytes().all(|c| c == b'*'))
}

/// Whether `rest` (at the `,` after a quoted key) holds the second item of a pair: a
/// quoted value, then the pair's end (`, "123")`, `, 'x')]`).
fn is_pair_value(rest: &[u8]) -> bool {
    let Some(p) = rest[1..].iter().position(|&c| c != b' ') else {
        return false;
    };
    let q = rest[1 + p];
    if q != b'"' && q != b'\'' {
        return false;
    }
    let vs = 2 + p;
    let Some(close) = rest[vs..].iter().take(PROBE).position(|&c| c == q) else {
        return false;
    };
    matches!(
        rest[vs + close + 1..].iter().find(|&&c| c != b' '),
        Some(b')' | b']') | None
    )
}

/// A value the masker already wrote: a label, a token or ciphertext, a truncated card.
pub(crate) fn is_masked(v: &str) -> bool {
    (v.starts_with('[') && v.ends_with("MASKED]"))
        || v == REDACTED
        || is_protected(v)
        || is_truncated_card(v)
}

/// `411111******1111`.
pub(crate) fn is_truncated_card(v: &str) -> bool {
    let b = v.as_bytes();
    (13..=19).contains(&b.len())
        && b[..6].iter().all(u8::is_ascii_digit)
        && b[b.len() - 4..].iter().all(u8::is_ascii_digit)
        && b[6..b.len() - 4].iter().all(|&c| c == b'*')
}

/// Whether a phone word (`tel`, `phone`, `mobile`, `call`, `sms`, `fax` …) stands in the
/// 24 bytes before `i`.
fn after_phone_word(b: &[u8], i: usize) -> bool {
    let w = &b[i.saturating_sub(24)..i];
    [
        &b"tel"[..],
        b"phone",
        b"mobile",
        b"mob",
        b"cell",
        b"call",
        b"sms",
        b"whatsapp",
        b"fax",
        b"contact",
        b"msisdn",
    ]
    .iter()
    .any(|p| w.windows(p.len()).any(|x| x.eq_ignore_ascii_case(p)))
}

/// Whether a bare run is a Unix time: 10, 13, 16 or 19 digits starting with `1`
/// (seconds, milliseconds, microseconds, nanoseconds, 2001–2033).
fn is_epoch(d: &[u8]) -> bool {
    matches!(d.len(), 10 | 13 | 16 | 19) && d[0] == b'1'
}

/// Whether a unit follows the digits ending at `e` (`1234567 bytes`, `1234567890 ms`).
fn before_unit(b: &[u8], e: usize) -> bool {
    let k = if b.get(e) == Some(&b' ') { e + 1 } else { e };
    let we = k + b[k..]
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_alphabetic() || **c >= 0x80)
        .count();
    let w = &b[k..we];
    [
        // No two-letter units (`ms`): too often a word of prose.
        &b"bytes"[..],
        "µs".as_bytes(),
        b"msec",
        b"usec",
        b"nsec",
        b"millis",
        b"sec",
        b"secs",
        b"seconds",
        b"records",
        b"rows",
        b"items",
        b"times",
        b"tokens",
        b"requests",
        b"events",
        b"lines",
        b"entries",
        b"messages",
        b"calls",
    ]
    .iter()
    .any(|u| w.eq_ignore_ascii_case(u))
}

/// The bytes an ISO 8583 element's number may follow: a label's last letter (`DE052`),
/// a separator after a label (`DE 52`, `Field #55`), a bracket, a quote (jPOS's
/// `id="52"`), a line's start.
static ISO_BEFORE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphabetic()
            || matches!(
                b,
                b' ' | b'-'
                    | b'_'
                    | b'#'
                    | b'.'
                    | b'['
                    | b'<'
                    | b'"'
                    | b'\''
                    | b'\n'
                    | b'\r'
                    | b'\t'
            );
        c += 1;
    }
    t
};

/// The number an ISO 8583 data element's digits spell (`052` is 52).
fn iso_number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
}

/// Whether the ISO 8583 data element numbered `d` (2–3 ASCII digits) holds sensitive
/// authentication data: 35 track 2, 36 track 3, 45 track 1, 52 the PIN block, 55 chip
/// (EMV) data with its cryptogram.
#[inline]
fn iso_sad_field(d: &[u8]) -> bool {
    (d.len() == 2 || d[0] == b'0') && matches!(iso_number(d), 35 | 36 | 45 | 52 | 55)
}

/// The program that the flag at `i` (after ` -`) belongs to, with the words between
/// them: the shell command's part before the flag (after the last newline, `|`, `;`, `&`,
/// `(` or backtick, or inside the quotes still open there: `bash -c 'mysql …'`) read back
/// from the flag over options and their values (`-h db01`, `--user=root`, `-e 'select
/// 1'`) to a program word (`mysql`, `/usr/bin/mysql`, `C:\…\mysql.exe`, `mysql8`), which
/// must not be an option's named argument (`docker run --name mysql -p3306:3306`).
/// `None` when a word that is neither stands in between (`mysql tunnel: ssh -p2222`).
fn cli_program(b: &[u8], i: usize) -> Option<(&[u8], &[u8])> {
    let from = i.saturating_sub(PROBE);
    let mut seg = b[from..i]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b'\r' | b'|' | b';' | b'&' | b'(' | b'`'))
        .map_or(from, |p| from + p + 1);
    // A quote still open at the flag starts the command (`sh -c "mysql -pX"`).
    let mut open = None;
    for (k, &c) in b[seg..i].iter().enumerate() {
        match open {
            None if c == b'"' || c == b'\'' => open = Some((c, seg + k)),
            Some((q, _)) if c == q => open = None,
            _ => {}
        }
    }
    if let Some((_, at)) = open {
        seg = at + 1;
    }
    // The words before the flag, a quoted span inside one word (`'select 1'`).
    let mut words: [(usize, usize); 24] = [(0, 0); 24];
    let mut n = 0;
    let mut k = seg;
    let end = i - 1;
    while k < end && n < words.len() {
        while k < end && matches!(b[k], b' ' | b'\t') {
            k += 1;
        }
        let ws = k;
        while k < end && !matches!(b[k], b' ' | b'\t') {
            if let q @ (b'"' | b'\'') = b[k] {
                k += 1 + b[k + 1..end]
                    .iter()
                    .position(|&c| c == q)
                    .unwrap_or(end - k - 1);
            }
            k += 1;
        }
        if k > ws {
            words[n] = (ws, k.min(end));
            n += 1;
        }
    }
    let word = |j: usize| &b[words[j].0..words[j].1];
    let option = |w: &[u8]| w.len() > 1 && w[0] == b'-';
    let mut j = n;
    while j > 0 {
        j -= 1;
        let w = word(j);
        if option(w) {
            continue;
        }
        // `cmd="mysql`, `root@db01:~#`: the part after a quote, `=` or `:`.
        let w = w
            .rsplit(|&c| matches!(c, b'"' | b'\'' | b'=' | b':'))
            .next()
            .unwrap_or(w);
        let base = w.rsplit(|&c| c == b'/' || c == b'\\').next().unwrap_or(w);
        let base = base.strip_suffix(b".exe").unwrap_or(base);
        let digits = base.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        let name = &base[..base.len() - digits];
        let named_argument = j > 0
            && matches!(
                word(j - 1),
                b"--name"
                    | b"-h"
                    | b"--host"
                    | b"--hostname"
                    | b"--link"
                    | b"--network"
                    | b"-n"
                    | b"--namespace"
                    | b"--container"
            );
        if !named_argument
            && (is_mysql_tool(name)
                || name.eq_ignore_ascii_case(b"sshpass")
                || name.eq_ignore_ascii_case(b"redis-cli"))
        {
            let options = if j + 1 < n {
                &b[words[j + 1].0..words[n - 1].1]
            } else {
                &b[0..0]
            };
            return Some((name, options));
        }
        // An option's value (`-h db01`), else a word of another command or of prose.
        if !(j > 0 && option(word(j - 1))) {
            return None;
        }
    }
    None
}

/// Whether `name` is MySQL's or MariaDB's client or one of their tools.
fn is_mysql_tool(name: &[u8]) -> bool {
    [
        &b"mysql"[..],
        b"mariadb",
        b"mysqldump",
        b"mysqladmin",
        b"mysqlsh",
        b"mariadb-dump",
        b"mysqlimport",
        b"mysqlcheck",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// Whether `options` (what stands between `sshpass` and its `-p`) are `sshpass`'s own:
/// flags, and the values of `-f`, `-d` and `-P`.
fn sshpass_options(options: &[u8]) -> bool {
    let mut value = false;
    options
        .split(|&c| c == b' ' || c == b'\t')
        .filter(|w| !w.is_empty())
        .all(|w| {
            if std::mem::take(&mut value) {
                return true;
            }
            value = matches!(w, b"-f" | b"-d" | b"-P");
            w.starts_with(b"-")
        })
}

/// The end of a token after a published dotted prefix (`hvs.`, `ya29.`) whose value
/// starts at `vs`: 20 or more letters, digits, `_`, `-` (and inner dots, where `dots`),
/// random as a credential is (a capital, a small letter and a digit: never a host name,
/// `hvs.production-cluster-eu.example.com`, or a file's, `ya29.token_cache.json`).
fn dotted_token_end(b: &[u8], vs: usize, dots: bool) -> Option<usize> {
    let mut k = vs;
    while k < b.len() && k - vs < 2048 && (is_b64url(b[k]) || (dots && b[k] == b'.')) {
        k += 1;
    }
    while k > vs && b[k - 1] == b'.' {
        k -= 1;
    }
    let v = &b[vs..k];
    (v.len() >= 20 && is_mixed(v)).then_some(k)
}

/// Whether `v` holds a capital, a small letter and a digit.
fn is_mixed(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
}

/// Whether `v` has the shape of ISO 8583 data element `de`'s value: a PIN block (52) is
/// 16 hex digits; chip data (55) hex TLV, an even count of 16 or more; track 2 or 3 (35,
/// 36) 12 digits or more with a field separator (`=` or `D`); track 1 (45) 12 digits or
/// more with its `^` separators.
fn iso_value_shape(de: u32, v: &[u8]) -> bool {
    let digits = v.iter().filter(|c| c.is_ascii_digit()).count();
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    match de {
        52 => v.len() == 16 && hex,
        55 => v.len() >= 16 && v.len() % 2 == 0 && hex,
        35 | 36 => {
            digits >= 12
                && v.iter().any(|&c| matches!(c, b'=' | b'D' | b'd'))
                && v.iter().all(|&c| {
                    c.is_ascii_digit()
                        || matches!(c, b'=' | b'D' | b'd' | b';' | b'?' | b'F' | b'f')
                })
        }
        45 => digits >= 12 && v.contains(&b'^'),
        _ => false,
    }
}

/// Where `n` (lowercase) occurs in `h`, case-insensitive.
fn find_ci(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Whether digit groups have a UUID's shape (8-4-4-4-12).
fn is_uuid_like(g: &[Group]) -> bool {
    g.len() >= 4 && g[0].digits == 8 && g[1..].iter().take(3).all(|x| x.digits == 4)
}

/// Whether the digits at `i` follow a word that names an id, a time, a size or a count
/// (`order 1234567`, `ts=1733400000000`, `user_id: 12345678`, `bytes 1234567890`).
fn after_number_word(b: &[u8], i: usize) -> bool {
    // `Some(12345678)`, `Ok(12345678)`: Rust `Debug` of a number.
    if b[..i].ends_with(b"Some(") || b[..i].ends_with(b"Ok(") {
        return true;
    }
    let mut k = i;
    while k > 0 && i - k < 4 && matches!(b[k - 1], b' ' | b'=' | b':' | b'#' | b'"' | b'\'' | b'.')
    {
        k -= 1;
    }
    if k == i {
        return false;
    }
    let end = k;
    while k > 0 && i - k < 40 && is_key_byte(b[k - 1]) {
        k -= 1;
    }
    let Ok(w) = std::str::from_utf8(&b[k..end]) else {
        return false;
    };
    let structured = b[end..i].iter().any(|&c| matches!(c, b'=' | b':' | b'"'));
    // `order no. 12345678`, `Ref No: 12345678`: an abbreviated "number".
    let abbreviated = ["no", "nr"].iter().any(|x| w.eq_ignore_ascii_case(x))
        && b[end..i].iter().any(|&c| matches!(c, b'.' | b':' | b'#'));
    // `amount_cents=12345678`, `retry_count: 12345678`: a key naming a quantity.
    let quantity = [
        &b"cents"[..],
        b"amount",
        b"count",
        b"total",
        b"_ms",
        b"_ns",
        b"_us",
    ]
    .iter()
    .any(|x| w.len() > x.len() && w.as_bytes()[w.len() - x.len()..].eq_ignore_ascii_case(x));
    abbreviated
        || (structured && quantity)
        || (structured
            && ["id", "ts", "iat", "exp", "nbf", "age"]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x)))
        || w.len() >= 3
            && (keys::is_id_like(w)
                || [
                    "order",
                    "invoice",
                    "ticket",
                    "case",
                    "epoch",
                    "bytes",
                    "size",
                    "count",
                    "latency",
                    "elapsed",
                    "duration",
                    "sku",
                    "isbn",
                    "ean",
                    "upc",
                    "terminal",
                    "merchant",
                    "tranid",
                    "txnid",
                    "trxid",
                    "transid",
                    "mid",
                    "stan",
                    "batch",
                    "zip",
                    "price",
                    "qty",
                    "amount",
                    "txn",
                    "rrn",
                    "tid",
                    "pid",
                    "uid",
                    "gid",
                    "port",
                    "seq",
                    "offset",
                    "build",
                    "version",
                    "range",
                    "account",
                    "acct",
                    "date",
                    "ref",
                    "created",
                    "updated",
                    "expires",
                    "reset",
                    "length",
                    "secs",
                    "nanos",
                    "sec",
                    "nsec",
                    "tv_sec",
                    "tv_nsec",
                    "goroutine",
                    "line",
                    "user",
                    "processed",
                    "batch",
                    "mid",
                    "number",
                    "num",
                    "max-age",
                    "limit",
                    "remaining",
                    "total",
                ]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x)))
}

/// Whether the word at `i` is inside an AWS ARN (`arn:aws:secretsmanager:…`).
fn in_arn(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && i - k < 128 && !matches!(b[k - 1], b' ' | b'"' | b'\'' | b'\t' | b'\n' | b'=') {
        k -= 1;
    }
    b[k..i].starts_with(b"arn:")
}

/// Whether the digits at `i` follow an access log's request (`"GET / HTTP/1.1" 204`).
fn after_http_version(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && i - k < 3 && matches!(b[k - 1], b' ' | b'"') {
        k -= 1;
    }
    let before = &b[k.saturating_sub(10)..k];
    k < i
        && (before.ends_with(b"HTTP/1.1")
            || before.ends_with(b"HTTP/1.0")
            || before.ends_with(b"HTTP/2")
            || before.ends_with(b"HTTP/2.0")
            || before.ends_with(b"HTTP/3"))
}

/// Whether the word at `i` is a command-line flag (`--password x`, `--user a:b`).
#[inline]
fn after_double_dash(b: &[u8], i: usize) -> bool {
    i >= 2 && &b[i - 2..i] == b"--"
}

/// Whether the word `i..e`, followed by `)`, is a key in parentheses before a separator
/// (`Key (card_number)=(…)`, a database error).
#[inline]
fn paren_key(b: &[u8], i: usize, e: usize) -> bool {
    i > 0 && b[i - 1] == b'(' && matches!(b.get(e + 1), Some(b'=' | b':'))
}

/// Whether a separator follows the whitespace at `e` (`db_password = x`), or a copula
/// (`api-key is x`), as far as [`Scanner::may_be_key`] looks: 8 whitespace bytes and
/// what follows them.
#[inline]
fn separator_after_spaces(b: &[u8], e: usize) -> bool {
    let end = b.len().min(e + 9);
    let mut k = e;
    while k < end && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
        k += 1;
    }
    match b.get(k) {
        Some(b'=' | b':' | b'-' | b'#' | b'(') => k < end,
        Some(b'i' | b'w') => k < end && is_copula(&b[k..]),
        _ => false,
    }
}

/// Whether `r` starts with `is` or `was` and a space or a colon: a key's value may follow
/// (`api-key is x`, `credential was x`, `the cvv is: 123`).
#[inline]
fn is_copula(r: &[u8]) -> bool {
    r.starts_with(b"is ") || r.starts_with(b"is:") || r.starts_with(b"was ")
}

/// The length of a no-break (U+00A0) or ideographic (U+3000) space at the start of `r`;
/// 0 for anything else.
#[inline]
fn wide_space(r: &[u8]) -> usize {
    match r {
        [0xc2, 0xa0, ..] => 2,
        [0xe3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Whether `i` follows a URL escape (`%22password`): a word starts there.
fn after_escape(b: &[u8], i: usize) -> bool {
    i >= 3 && b[i - 3] == b'%' && b[i - 2].is_ascii_hexdigit() && b[i - 1].is_ascii_hexdigit()
}

/// How far a scan that may fail looks (a value in prose, a bracket, a tag): bounded, so
/// repeated keys stay linear.
const PROBE: usize = 256;

/// Whether the token `ks..ke` is a key of its own: followed (after spaces) by `:` or `=`.
fn looks_like_key(b: &[u8], ks: usize, ke: usize) -> bool {
    let tok = &b[ks..ke];
    if tok.last() == Some(&b':') {
        return true;
    }
    let mut k = ke;
    while k < b.len() && k - ke < 4 && b[k] == b' ' {
        k += 1;
    }
    matches!(b.get(k), Some(b':' | b'='))
        && !b[k + 1..].starts_with(b"//")
        && tok.iter().all(|&c| is_key_byte(c))
}

/// Where the value of the `value` member whose name starts at `at` begins (past its
/// closing quote, spaces, the `:` and spaces): `None` when no `:` follows the name.
fn member_value(b: &[u8], at: usize) -> Option<usize> {
    let mut v = at + 5;
    if b.get(v) == Some(&b'"') {
        v += 1;
    }
    while b.get(v) == Some(&b' ') {
        v += 1;
    }
    if b.get(v) != Some(&b':') {
        return None;
    }
    v += 1;
    while b.get(v) == Some(&b' ') {
        v += 1;
    }
    Some(v)
}

/// Whether the quoted word at `ks` is the value of a key that names an entry
/// (`"field":"cvv"`, `'Key': 'DB_PASSWORD'`, `\"name\":\"pin\"`).
fn names_an_entry(b: &[u8], ks: usize) -> bool {
    // Back over the opening quote, the separator and the key's closing quote.
    let mut k = ks;
    let back = |k: &mut usize, f: &dyn Fn(u8) -> bool, most: usize| {
        let start = *k;
        while *k > 0 && start - *k < most && f(b[*k - 1]) {
            *k -= 1;
        }
        start - *k
    };
    if back(&mut k, &|c| c == b'"' || c == b'\\' || c == b'\'', 8) == 0 {
        return false;
    }
    back(&mut k, &|c| c == b' ', 4);
    if k == 0 || b[k - 1] != b':' {
        return false;
    }
    k -= 1;
    back(&mut k, &|c| c == b' ', 4);
    if back(&mut k, &|c| c == b'"' || c == b'\\' || c == b'\'', 8) == 0 {
        return false;
    }
    let ke = k;
    back(&mut k, &|c| c.is_ascii_alphanumeric() || c == b'_', 16);
    let key = &b[k..ke];
    crate::mask::ENTRY_NAMES
        .iter()
        .any(|n| key.eq_ignore_ascii_case(n.as_bytes()))
}

/// The `:` after the next member's key when `b[j]` is the `,` before it, and whether
/// that member holds a value (`value`, `val` …; not `message`: `{"field":"password",
/// "message":"too short"}` is an error about the field)
/// (`,"value":`, `, 'Value':`, `,\"val\":`).
fn next_member_colon(b: &[u8], j: usize) -> Option<(usize, bool)> {
    let mut k = j + 1;
    while k < b.len() && k - j < 6 && matches!(b[k], b' ' | b'\\') {
        k += 1;
    }
    let q = *b.get(k).filter(|&&c| c == b'"' || c == b'\'')?;
    let ks = k + 1;
    let ke = ks
        + b[ks..]
            .iter()
            .take(64)
            .take_while(|&&c| is_key_byte(c))
            .count();
    let value = crate::mask::VALUE_MEMBERS
        .iter()
        .any(|v| b[ks..ke].eq_ignore_ascii_case(v.as_bytes()));
    k = ke;
    while k < b.len() && k - ke < 6 && b[k] == b'\\' {
        k += 1;
    }
    if ke == ks || b.get(k) != Some(&q) {
        return None;
    }
    k += 1;
    while k < b.len() && k - ke < 12 && matches!(b[k], b' ' | b'\\' | b'"') {
        k += 1;
    }
    (b.get(k) == Some(&b':')).then_some((k, value))
}

/// The closing `close` of the bracket `open` at `i` (nested ones counted), within
/// [`PROBE`]×8 bytes and the line.
fn matching_close(b: &[u8], i: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in b[i..].iter().enumerate().take(PROBE * 8) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + k);
            }
        } else if c == b'\n' && open != b'{' {
            return None;
        }
    }
    None
}

/// The end of a value in a form or a query: whitespace and `&` end it (its other bytes,
/// `)`, `]`, `%20`, are the value's).
fn form_end(b: &[u8], vs: usize) -> usize {
    b[vs..]
        .iter()
        .position(|&c| {
            matches!(
                c,
                b' ' | b'\t' | b'\n' | b'\r' | b'&' | b'"' | b'\'' | b',' | b';'
            )
        })
        .map_or(b.len(), |p| vs + p)
}

/// The end of an id's digits at `vs`: digits and letters in groups joined by single spaces
/// or dashes (`123 45 6789`, `123-45-6789`, `X1234567`).
/// The end of a card number written in groups at `vs`: 4-4-4-4 (or fewer digits in the
/// last group) or 4-6-5/4-6-4, joined by single spaces or dashes; at most 16 digits, so a
/// CVV after the number is never part of it.
fn card_groups_end(b: &[u8], vs: usize) -> usize {
    let group = |k: usize| k + b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = group(vs);
    if end - vs != 4 {
        return end;
    }
    let (mut total, mut n) = (4, 1);
    while total < 16 && matches!(b.get(end), Some(b' ' | b'-')) {
        let ge = group(end + 1);
        let g = ge - end - 1;
        let fits = match n {
            // 4-6-…: American Express and Diners.
            1 => g == 4 || g == 6,
            _ if total == 10 => matches!(g, 4 | 5),
            _ => (1..=4).contains(&g),
        };
        if g == 0 || !fits || total + g > 16 {
            break;
        }
        total += g;
        n += 1;
        end = ge;
        if g < 4 && total != 15 {
            break;
        }
    }
    end
}

fn id_run_end(b: &[u8], vs: usize) -> usize {
    let mut k = vs;
    while k < b.len() && k - vs < 24 {
        let joins = matches!(b[k], b' ' | b'-') && b.get(k + 1).is_some_and(u8::is_ascii_digit);
        if !(b[k].is_ascii_alphanumeric() || joins) {
            break;
        }
        k += 1;
    }
    k
}

/// The end of an `Authorization` value whose first token ends at `end`: the scheme, its
/// credential, and parameters joined by `, ` (`Digest username="a", response="…"`,
/// `AWS4-HMAC-SHA256 Credential=…, Signature=…`), up to the first space not after a comma.
fn auth_end(b: &[u8], vs: usize, end: usize) -> usize {
    // The credential after the scheme, past any run of spaces (`Bearer  x`).
    let mut k = end;
    while k < b.len() && matches!(b[k], b' ' | b'\t') && k - end < 8 {
        k += 1;
    }
    if k == end || !b.get(k).is_some_and(|c| !c.is_ascii_whitespace()) {
        return end;
    }
    // A quoted credential (`Bearer "x"`): to its closing quote.
    if let Some(&q @ (b'"' | b'\'')) = b.get(k) {
        if let Some(p) = b[k + 1..].iter().take(PROBE * 4).position(|&c| c == q) {
            return k + 2 + p;
        }
    }
    while k < b.len() && !matches!(b[k], b'\n' | b'\r') && k - vs < PROBE * 4 {
        if b[k] == b' ' {
            // After `, ` only a parameter (`realm="x"`) goes on.
            let next = bare_end_within(b, k + 1, PROBE);
            if b[k - 1] != b',' || !b[k + 1..next.max(k + 1)].contains(&b'=') {
                break;
            }
        }
        if matches!(b[k], b'<' | b'\'') || (b[k] == b'"' && !b[vs..k].contains(&b'=')) {
            break;
        }
        k += 1;
    }
    k
}

/// Trigger flags of a word: a key that counts in prose before whitespace and a value
/// (`cvv 123`, `PIN 8674`, `password hunter2!`, `passport X1234567`).
const PROSE: u8 = 1;
/// The first word of a two-word key (`security code`, `PIN block`, `card number`).
const TWO_WORD: u8 = 2;
/// An auth scheme whose bare credential follows (`Bearer x`, `Basic x`).
const SCHEME: u8 = 4;
/// `-u`/`--user` of a command line (`curl -u user:pass`).
const USER: u8 = 8;
/// An XML attribute that names an element (`<field name="password">`).
const ATTR: u8 = 16;
/// SQL's `IDENTIFIED BY 'password'`.
const SQL: u8 = 32;
/// A CVV's key: a 3–4 digit number after it is a CVV, whatever stands between them
/// (`cvv|630`, `[cvv] 730`, `cvv no. 576`, `CVV2/CVC2/CID: 823`).
const CVV_WORD: u8 = 64;
/// A PIN's key: a 4–12 digit number (or a 16-digit hex PIN block) after it is a PIN.
const PIN_WORD: u8 = 128;

/// A word of at most 8 key bytes, ASCII-lowercased, packed little-endian (no key byte is 0,
/// so the packing is unambiguous): one compare per table entry.
const fn pack(w: &[u8]) -> u64 {
    let mut x = 0u64;
    let mut k = 0;
    while k < w.len() {
        x |= ((w[k] | 0x20) as u64) << (8 * k);
        k += 1;
    }
    x
}

/// The trigger words with their flags.
const TRIGGER_WORDS: [(&[u8], u8); 51] = [
    (b"cvv", PROSE | TWO_WORD | CVV_WORD),
    (b"cvc", PROSE | TWO_WORD | CVV_WORD),
    (b"cvv2", PROSE | TWO_WORD | CVV_WORD),
    (b"cvc2", PROSE | TWO_WORD | CVV_WORD),
    (b"csc", PROSE | TWO_WORD | CVV_WORD),
    (b"cvn", PROSE | CVV_WORD),
    (b"cvd", PROSE | CVV_WORD),
    (b"pin", PROSE | TWO_WORD | PIN_WORD),
    (b"pin2", PIN_WORD),
    (b"epin", PIN_WORD),
    (b"pinblock", PIN_WORD),
    // ISO 8583 field 52, the PIN block (`bit52 6C63…`).
    (b"bit52", PIN_WORD),
    (b"de52", PIN_WORD),
    (b"f52", PIN_WORD),
    (b"field52", PIN_WORD),
    (b"cvv1", CVV_WORD),
    (b"cvc3", CVV_WORD),
    // American Express's name for its 4-digit code (`CID: 1234`); only a 3–4 digit
    // number after it is taken (`cid=corr-81f2` is a correlation id).
    (b"cid", CVV_WORD),
    (b"password", PROSE),
    (b"passwd", PROSE),
    (b"passcode", PROSE),
    (b"secret", PROSE | TWO_WORD),
    (b"token", PROSE),
    (b"pwd", PROSE),
    (b"otp", PROSE),
    (b"passport", PROSE | TWO_WORD),
    (b"ssn", PROSE),
    (b"id", TWO_WORD | ATTR),
    (b"api", TWO_WORD),
    (b"tax", TWO_WORD),
    (b"card", TWO_WORD),
    (b"auth", TWO_WORD),
    (b"track", TWO_WORD),
    (b"civil", TWO_WORD),
    (b"access", TWO_WORD),
    (b"client", TWO_WORD),
    (b"credit", TWO_WORD),
    (b"social", TWO_WORD),
    (b"session", TWO_WORD),
    (b"private", TWO_WORD),
    (b"refresh", TWO_WORD),
    (b"security", TWO_WORD),
    (b"national", TWO_WORD),
    (b"emirates", TWO_WORD),
    (b"bearer", SCHEME),
    (b"basic", SCHEME),
    (b"u", USER),
    (b"user", USER),
    (b"name", ATTR),
    (b"key", ATTR),
    (b"field", ATTR),
];

/// The multiplier of the trigger table's hash: chosen (offline) so that no two trigger
/// words share a slot; building the table fails to compile if one ever does.
const TRIGGER_K: u64 = 0xc67a_d0a2_8e9f_f8c7;

#[inline]
const fn trigger_slot(x: u64) -> usize {
    (x.wrapping_mul(TRIGGER_K) >> 57) as usize
}

/// The trigger words by slot: one multiply and one compare per word looked up.
static TRIGGERS: [(u64, u8); 128] = {
    let mut t = [(0u64, 0u8); 128];
    let mut k = 0;
    while k < TRIGGER_WORDS.len() {
        let x = pack(TRIGGER_WORDS[k].0);
        let slot = trigger_slot(x);
        assert!(
            t[slot].1 == 0,
            "two trigger words share a slot: choose another TRIGGER_K"
        );
        t[slot] = (x, TRIGGER_WORDS[k].1);
        k += 1;
    }
    t
};

/// By length (1 to 12), the first letters of the trigger words of that length (bit
/// `letter - 'a'`): most words of prose are ruled out by one load.
static TRIGGER_FIRST: [u32; 13] = {
    let mut t = [0u32; 13];
    let mut k = 0;
    while k < TRIGGER_WORDS.len() {
        let w = TRIGGER_WORDS[k].0;
        t[w.len()] |= 1 << ((w[0] | 0x20) - b'a');
        k += 1;
    }
    t[10] |= 1 << (b'p' - b'a');
    t[10] |= 1 << (b'i' - b'a');
    t[12] |= 1 << (b's' - b'a');
    t[12] |= 1 << (b'v' - b'a');
    t
};

/// The trigger flags of the key word `b[i..e]` (0 for most words), case-insensitive.
#[inline]
fn triggers(b: &[u8], i: usize, e: usize) -> u8 {
    let n = e - i;
    if n > 12 || TRIGGER_FIRST[n] & (1 << ((b[i] | 0x20).wrapping_sub(b'a') & 31)) == 0 {
        return 0;
    }
    match n {
        1..=8 => {
            // [`pack`] at run time: one 8-byte load where the text has 8 bytes from `i`.
            let x = match b.get(i..i + 8) {
                Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
                // (Near the end of the text.)
                None => crate::memo::le_word(&b[i..e]),
            };
            let live = if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            let x = (x | 0x2020_2020_2020_2020) & live;
            let (key, flags) = TRIGGERS[trigger_slot(x)];
            if key == x {
                flags
            } else {
                0
            }
        }
        10 if b[i..e].eq_ignore_ascii_case(b"passphrase") => PROSE,
        10 if b[i..e].eq_ignore_ascii_case(b"identified") => SQL,
        12 if b[i..e].eq_ignore_ascii_case(b"securitycode") => PROSE | CVV_WORD,
        // `verification code 374`, `card verification: 374`.
        12 if b[i..e].eq_ignore_ascii_case(b"verification") => CVV_WORD,
        _ => 0,
    }
}

/// A value in a tab column after a credential's key that is a secret, not a status
/// (`password\thunter2`, `password\tCorrectHorse`; not `password\tok`, `token\texpired`):
/// a digit, a symbol or a capital after the first letter.
fn tab_value_is_secret(v: &[u8]) -> bool {
    v.iter().any(|c| !c.is_ascii_alphabetic()) || v.iter().skip(1).any(u8::is_ascii_uppercase)
}

/// A value that looks like a credential: 8 or more characters holding a letter and a
/// digit or symbol, or letters in random case.
fn looks_like_credential(v: &[u8]) -> bool {
    v.len() >= 8
        && v.iter().any(u8::is_ascii_alphabetic)
        && (v.iter().any(|c| !c.is_ascii_alphabetic())
            // Random letters: two capitals after the first letter and lowercase
            // (`WuGknHrhQj`), not a word (`Refreshed`) or a capitalized phrase.
            || (v.iter().skip(1).filter(|c| c.is_ascii_uppercase()).count() >= 2
                && v.iter().any(u8::is_ascii_lowercase)))
        && !v.iter().any(|&c| c == b'=' || c == b':')
}

/// Credentials by their published prefixes: Stripe secret and restricted keys, AWS access
/// key ids, GitHub, GitLab, Slack, Google API and npm tokens.
fn is_known_secret(w: &str) -> bool {
    let b = w.as_bytes();
    // (Most words start with a byte no published prefix starts with.)
    if !b.first().is_some_and(|&c| KNOWN_FIRST[c as usize]) {
        return false;
    }
    KNOWN.iter().any(|&(prefix, rest)| {
        w.starts_with(prefix)
            && match rest {
                Rest::Token { from, min } => {
                    b.len() >= from + min
                        && b[from..]
                            .iter()
                            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                }
                Rest::Random { from, min } => {
                    b.len() >= from + min
                        && b[from..].iter().all(u8::is_ascii_alphanumeric)
                        && is_mixed(&b[from..])
                }
                Rest::UpperDigits { len } => {
                    b.len() == len
                        && b[prefix.len()..]
                            .iter()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                }
                Rest::Len(len) => b.len() == len,
            }
    })
}

/// What follows a published prefix ([`KNOWN`]).
#[derive(Clone, Copy)]
enum Rest {
    /// From byte `from`, at least `min` letters, digits, `_` or `-`.
    Token { from: usize, min: usize },
    /// From byte `from`, at least `min` letters and digits, random ([`is_mixed`]).
    Random { from: usize, min: usize },
    /// Uppercase letters and digits, `len` bytes in all.
    UpperDigits { len: usize },
    /// `len` bytes in all.
    Len(usize),
}

/// Published credential shapes (`sk_live_…`, `AKIA…`, `ghp_…`, `xoxb-…`, …).
const KNOWN: &[(&str, Rest)] = {
    const STRIPE: Rest = Rest::Token { from: 7, min: 10 };
    const GITHUB: Rest = Rest::Token { from: 4, min: 30 };
    const SLACK: Rest = Rest::Token { from: 5, min: 10 };
    &[
        ("sk_live_", STRIPE),
        ("sk_test_", STRIPE),
        ("rk_live_", STRIPE),
        ("rk_test_", STRIPE),
        ("sk-proj-", STRIPE),
        ("sk-ant-", STRIPE),
        // OpenAI's keys before project keys: `sk-` and 48 letters and digits.
        ("sk-", Rest::Random { from: 3, min: 40 }),
        ("whsec_", STRIPE),
        ("sq0atp-", STRIPE),
        ("sq0csp-", STRIPE),
        ("AKIA", Rest::UpperDigits { len: 20 }),
        ("ASIA", Rest::UpperDigits { len: 20 }),
        ("ghp_", GITHUB),
        ("gho_", GITHUB),
        ("ghu_", GITHUB),
        ("ghs_", GITHUB),
        ("ghr_", GITHUB),
        ("github_pat_", Rest::Token { from: 11, min: 30 }),
        ("glpat-", Rest::Token { from: 6, min: 20 }),
        ("xoxb-", SLACK),
        ("xoxp-", SLACK),
        ("xoxa-", SLACK),
        ("xoxr-", SLACK),
        ("xoxs-", SLACK),
        ("AIza", Rest::Len(39)),
        ("npm_", Rest::Token { from: 4, min: 30 }),
        // Grafana service accounts, PyPI (`pypi-` and base64 of `pypi.org`), Shopify,
        // Hugging Face, Facebook's user and page tokens.
        ("glsa_", Rest::Token { from: 5, min: 32 }),
        ("pypi-AgEIcHlwaS5vcmc", Rest::Token { from: 20, min: 30 }),
        ("shpat_", Rest::Token { from: 6, min: 32 }),
        ("shpss_", Rest::Token { from: 6, min: 32 }),
        ("shpca_", Rest::Token { from: 6, min: 32 }),
        ("hf_", Rest::Random { from: 3, min: 30 }),
        ("EAAC", Rest::Random { from: 4, min: 40 }),
        ("EAAG", Rest::Random { from: 4, min: 40 }),
    ]
};

/// The first bytes of [`KNOWN`]'s prefixes.
static KNOWN_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < KNOWN.len() {
        t[KNOWN[i].0.as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// The end of a bare (unquoted) value.
fn bare_end(b: &[u8], vs: usize) -> usize {
    bare_end_within(b, vs, usize::MAX)
}

/// [`bare_end`], looking at most `cap` bytes: for a scan that may fail (a value in prose),
/// so that repeated keys stay linear.
fn bare_end_within(b: &[u8], vs: usize, cap: usize) -> usize {
    let mut k = vs;
    while k < b.len()
        && k - vs < cap
        && !matches!(
            b[k],
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'&'
                | b','
                | b';'
                | b'}'
                | b']'
                | b')'
                | b'<'
                | b'"'
                | b'\''
                | b'|'
        )
    {
        k += 1;
    }
    // Stopped by the cap inside a character (`b` is UTF-8): to the character's end.
    while k < b.len() && b[k] & 0xC0 == 0x80 {
        k += 1;
    }
    k
}

/// Whether a word of letters may be an identifier: snake case or camel case (`api_key`,
/// `apiKey`), judged by an `_` or a capital after its first letter.
#[inline]
fn is_identifier(w: &[u8]) -> bool {
    w.len() >= 4 && w[1..].iter().any(|&c| c == b'_' || c.is_ascii_uppercase())
}

/// Whether the word `i..e` is an identifier (`security_code`, `cvvCode`) followed by a tab,
/// a space, a line break or a wide space and then a value: a key in a column or a `key
/// value` form.
fn spaced_identifier(b: &[u8], i: usize, e: usize) -> bool {
    let tab = b.get(e) == Some(&b'\t');
    let wide = wide_space(&b[e.min(b.len())..]);
    if !tab && wide == 0 && !matches!(b.get(e), Some(b' ' | b'\n')) {
        return false;
    }
    (tab || is_identifier(&b[i..e]) || b[i..e].contains(&b'_'))
        && b.get(e + wide.max(1))
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'\t')
}

/// Whether the word `w` at `i` is a URL's credential parameter (`?key=`, `&code=`,
/// `?auth=`): after `?` or `&`, before `=`.
fn url_credential_param(b: &[u8], i: usize, w: &str) -> bool {
    i > 0
        && matches!(b[i - 1], b'?' | b'&')
        && b.get(i + w.len()) == Some(&b'=')
        && [
            "key",
            "code",
            "auth",
            "access_token",
            "id_token",
            "signature",
            "sig",
        ]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

/// The quoted password after `IDENTIFIED` ending at `e`: `BY` (after at most a few
/// words, `WITH mysql_native_password BY`), spaces, a quote; the text to the same quote.
fn sql_password(b: &[u8], e: usize) -> Option<(usize, usize)> {
    let window = &b[e..b.len().min(e + 80)];
    let q = window.iter().position(|&c| c == b'\'' || c == b'"')?;
    let before = window[..q].trim_ascii_end();
    let by = before.len().checked_sub(2)?;
    if !before[by..].eq_ignore_ascii_case(b"by") || by == 0 || before[by - 1] != b' ' {
        return None;
    }
    let vs = e + q + 1;
    let quote = b[e + q];
    let len = b[vs..].iter().take(PROBE).position(|&c| c == quote)?;
    (len > 0).then_some((vs, vs + len))
}

fn is_auth_scheme(w: &str) -> bool {
    [
        "bearer",
        "basic",
        "digest",
        "token",
        "negotiate",
        "ntlm",
        "bot",
        "aws4-hmac-sha256",
    ]
    .iter()
    .any(|s| w.eq_ignore_ascii_case(s))
}

/// Whether the word at `ks` opens an XML element: `<cvv`, `<ns:cvv`, `<db.password`.
fn is_xml_open(b: &[u8], ks: usize) -> bool {
    if ks == 0 {
        return false;
    }
    match b[ks - 1] {
        b'<' => true,
        // `<ns:cvv`, `<db.password`, `<card.security_code`.
        b':' | b'.' => {
            let mut k = ks - 1;
            while k > 0 && ks - k < 64 && (is_key_byte(b[k - 1]) || matches!(b[k - 1], b'.' | b':'))
            {
                k -= 1;
            }
            k > 0 && k < ks - 1 && b[k - 1] == b'<'
        }
        _ => false,
    }
}

/// The end of a SendGrid API key at `i` (`SG.` + 22 + `.` + 43 base64url characters;
/// longer segments are accepted, shorter ones are not a key).
fn sendgrid_end(b: &[u8], i: usize) -> Option<usize> {
    let seg = |k: usize| k + b[k..].iter().take_while(|&&c| is_b64url(c)).count();
    let e1 = seg(i + 3);
    if e1 - (i + 3) < 16 || b.get(e1) != Some(&b'.') {
        return None;
    }
    let e2 = seg(e1 + 1);
    (e2 - (e1 + 1) >= 32).then_some(e2)
}

/// The end of a JWT starting at `i` (`eyJ…` `.` `…` `.` `…`).
fn jwt_end(b: &[u8], i: usize) -> Option<usize> {
    let seg = |k: usize| {
        let mut j = k;
        while j < b.len() && is_b64url(b[j]) {
            j += 1;
        }
        j
    };
    let e1 = seg(i);
    if e1 - i < 10 || b.get(e1) != Some(&b'.') {
        return None;
    }
    let e2 = seg(e1 + 1);
    if e2 - e1 - 1 < 2 || b.get(e2) != Some(&b'.') {
        return None;
    }
    Some(seg(e2 + 1))
}

/// The end of an IBAN at `i`: two letters, two check digits, 11–30 letters or digits
/// (or groups of four after single spaces), valid by ISO 13616 mod 97.
fn iban_end(b: &[u8], i: usize) -> Option<usize> {
    if !(b.len() >= i + 15
        && b[i].is_ascii_uppercase()
        && b[i + 1].is_ascii_uppercase()
        && b[i + 2].is_ascii_digit()
        && b[i + 3].is_ascii_digit())
    {
        return None;
    }
    let mut end = i;
    let mut n = 0;
    let mut rem: u32 = 0;
    let push = |c: u8, rem: &mut u32| {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c.to_ascii_uppercase() - b'A') + 10
        };
        *rem = if v >= 10 {
            (*rem * 100 + v) % 97
        } else {
            (*rem * 10 + v) % 97
        };
    };
    // The BBAN first, then the country and check digits (the standard's rearrangement).
    let mut k = i + 4;
    while k < b.len() && n < 30 {
        if b[k].is_ascii_alphanumeric() {
            if b[k].is_ascii_lowercase() {
                return None;
            }
            push(b[k], &mut rem);
            n += 1;
            k += 1;
            end = k;
        } else if b[k] == b' ' && b.get(k + 1).is_some_and(u8::is_ascii_alphanumeric) && n % 4 == 0
        {
            k += 1;
        } else {
            break;
        }
    }
    if !(11..=30).contains(&n) || b.get(end).is_some_and(|&c| is_word_byte(c)) {
        return None;
    }
    for &c in &b[i..i + 4] {
        push(c, &mut rem);
    }
    (rem == 1).then_some(end)
}

/// A phone with dots between its groups: `212.555.0134`, `+1.212.555.0134`; not an IP
/// address, a version or a decimal.
fn dotted_phone(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut k = i;
    if b[k] == b'+' {
        k += 1;
    }
    let mut groups = [0usize; 4];
    let mut n = 0;
    loop {
        let st = k;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if n == 4 {
            return None;
        }
        groups[n] = k - st;
        n += 1;
        if b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
            k += 1;
        } else {
            break;
        }
    }
    let g = &groups[..n];
    let shape = match g {
        [3, 3, 4] => true,
        [c, 3, 3, 4] => b[i] == b'+' || *c == 1,
        _ => false,
    };
    let glued = b.get(k).is_some_and(|&c| is_word_byte(c) || c == b'.');
    (shape && !glued).then_some(k)
}

// === tokens and ciphertexts ===

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

/// Whether `s` is exactly one well-formed token or ciphertext.
pub(crate) fn is_protected(s: &str) -> bool {
    protected_len(s) == Some(s.len())
}

// === emails ===

#[inline]
fn is_local_char(c: char) -> bool {
    // The characters addresses use in practice; RFC 5322 allows more (`'`, `=`, `{` …),
    // but in a log line those start or end the text around an address
    // (`to='a@b.c'`, `VALUES ('a@b.c')`), which must not be taken with it.
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | '_' | '%' | '+' | '-')
        || (!c.is_ascii() && c.is_alphanumeric())
}

#[inline]
fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
}

/// The email address around the `@` at byte `at`, not starting before `floor`.
pub(crate) fn email_span(s: &str, at: usize, floor: usize) -> Option<(usize, usize)> {
    email_span_sep(s, at, floor, 1)
}

/// [`email_span`] with an `@` of `sep` bytes at `at` (3: URL-encoded, `%40`).
fn email_span_sep(s: &str, at: usize, floor: usize, sep: usize) -> Option<(usize, usize)> {
    if floor > at {
        return None;
    }
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
                end = at + sep + s[at + sep..end].rfind('.')?;
            }
        })
        .map(|end| (start, end))
}

/// The end of the domain `s[from..end]` (trailing dots and dashes left out), when it is
/// one: labels, a final one of two letters or more, not an image's `@2x.png`.
fn domain_end(s: &str, from: usize, mut end: usize) -> Option<usize> {
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

/// Whether all of `t` is one phone number.
pub(crate) fn is_whole_phone(t: &str) -> bool {
    let mut digits = 0;
    for (i, c) in t.char_indices() {
        if is_decimal_digit(c) {
            digits += 1;
        } else if c == '+' {
            if i != 0 {
                return false;
            }
        } else if !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/') {
            return false;
        }
    }
    (7..=15).contains(&digits)
}

// === digit runs ===

#[derive(Clone, Copy, Default)]
struct Group {
    /// Start of the digits, or of a `+` right before them.
    plus_start: usize,
    start: usize,
    end: usize,
    digits: usize,
    /// The separator before this group is one only card numbers use (`4111_1111`,
    /// `4111/1111`, a tab, an en dash): it never joins a phone.
    card_sep: bool,
}

/// Digit groups separated by at most two of ` `, `-`, `(`, `)`, `.` (a `.` alone, between
/// two groups of four: a dotted card number) and a `+` that starts a group.
struct Run {
    groups: [Group; 12],
    len: usize,
    end: usize,
}

impl Run {
    fn parse(s: &str, start: usize) -> Run {
        let mut run = Run {
            groups: [Group::default(); 12],
            len: 0,
            end: start,
        };
        let b = s.as_bytes();
        let mut i = start;
        let mut card_sep = false;
        loop {
            let plus_start = i;
            if b.get(i) == Some(&b'+') {
                i += 1;
            }
            let gstart = i;
            let mut digits = 0;
            // A group is in one script: `٧4000…` is an Arabic-Indic seven, then a number.
            let ascii = b.get(i).is_some_and(u8::is_ascii_digit);
            loop {
                match b.get(i) {
                    Some(b'0'..=b'9') if ascii => i += 1,
                    Some(0x80..) if !ascii => {
                        match s[i..].chars().next().filter(|&c| is_decimal_digit(c)) {
                            Some(c) => i += c.len_utf8(),
                            None => break,
                        }
                    }
                    _ => break,
                }
                digits += 1;
            }
            if digits == 0 {
                break;
            }
            run.groups[run.len] = Group {
                plus_start,
                start: gstart,
                end: i,
                digits,
                card_sep,
            };
            run.len += 1;
            run.end = i;
            if run.len == run.groups.len() {
                break;
            }
            // Up to two separators, then a digit (or `+digit`) must follow.
            let mut j = i;
            let mut seps = 0;
            while seps < 2 && matches!(b.get(j), Some(b' ' | b'-' | b'(' | b')')) {
                j += 1;
                seps += 1;
            }
            card_sep = false;
            // After a card's group, up to three of the separators only card numbers use
            // ([`card_separator`]: `4111.1111`, `4111 - 1111`, a no-break space …). They
            // never join a phone.
            // A card's group: four digits, or the six of Amex and Diners (`3712.904047.96664`).
            let card_group =
                digits == 4 || (digits == 6 && run.len == 2 && run.groups[0].digits == 4);
            if card_group && (seps == 0 || b.get(j).is_some_and(|&c| !c.is_ascii_digit())) {
                let mut k = i;
                let mut n = 0;
                while n < 3 {
                    let w = card_separator(&b[k.min(b.len())..]);
                    if w == 0 {
                        break;
                    }
                    k += w;
                    n += 1;
                }
                // Four digits follow; after three groups of four, the last group may be
                // shorter (`6250.4925.8991.3944.114`, `4468.6958.9693.1`).
                let follow = b[k.min(b.len())..]
                    .iter()
                    .take(4)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let four = k > i
                    && (follow == 4
                        || (follow > 0
                            && run.len >= 3
                            && run.groups[..run.len].iter().all(|g| g.digits == 4)));
                if four && (k > j || seps == 0) {
                    card_sep = k > j || seps == 0;
                    if k > j {
                        j = k;
                        seps = n;
                    }
                }
            }
            let k = if b.get(j) == Some(&b'+') { j + 1 } else { j };
            if seps == 0 || !s[k..].chars().next().is_some_and(is_decimal_digit) {
                break;
            }
            i = j;
        }
        run
    }
}

/// The length of a separator that only card numbers put between their groups, at the
/// start of `r` (0: none): ASCII ` -._/,|*+:` (`+`: a form-encoded space), a tab, a line
/// break, a no-break, thin, narrow, figure or ideographic space, a Unicode hyphen, dash
/// or minus, a full-width hyphen or stop, a zero-width space. (Four numbers of four
/// digits joined so that pass Luhn's check, 1 in 10, are masked as a card, as they are
/// when joined by spaces: a card is never let through for their sake.)
fn card_separator(r: &[u8]) -> usize {
    match r {
        [b' ' | b'-' | b'.' | b'_' | b'/' | b',' | b'|' | b'*' | b'+' | b':' | b'\t' | b'\n', ..] => {
            1
        }
        [0xc2, 0xa0, ..] => 2,
        // U+2007, U+2009, U+200B, U+2010–U+2014, U+202F.
        [0xe2, 0x80, 0x87 | 0x89 | 0x8b | 0x90..=0x94 | 0xaf, ..] => 3,
        // U+2212 minus; U+3000; full-width hyphen-minus and full stop.
        [0xe2, 0x88, 0x92, ..] | [0xe3, 0x80, 0x80, ..] | [0xef, 0xbc, 0x8d | 0x8e, ..] => 3,
        _ => 0,
    }
}

/// Whether the number's first digits can start a payment card: a `2` only in
/// Mastercard's 2221–2720 range, so a date-prefixed id (`202412345678901`) that happens
/// to pass Luhn is not taken for a card. Other first digits are not judged.
fn iin_plausible(s: &str, g: &[Group]) -> bool {
    let mut first = [0u32; 4];
    for (slot, c) in first
        .iter_mut()
        .zip(g.iter().flat_map(|g| s[g.start..g.end].chars()))
    {
        *slot = nd_value(c);
    }
    first[0] != 2 || is_mastercard_2_series(first)
}

/// Whether four leading digits are in Mastercard's 2-series, 2221–2720.
pub(crate) fn is_mastercard_2_series(d: [u32; 4]) -> bool {
    let v = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
    (2221..=2720).contains(&v)
}

/// Whether digit groups are grouped as card numbers are: one run, groups of four with a
/// shorter last group, or 4-6-5 / 4-6-4 (Amex, Diners). A Windows SID
/// (`S-1-5-21-202424912787-…`) or a list of numbers is not.
fn card_grouping(g: &[Group]) -> bool {
    match g {
        [_] => true,
        [a, b, c] if a.digits == 4 && b.digits == 6 && matches!(c.digits, 4 | 5) => true,
        [head @ .., last] => head.iter().all(|x| x.digits == 4) && (1..=4).contains(&last.digits),
        [] => false,
    }
}

/// The value of a Unicode decimal digit.
fn nd_value(c: char) -> u32 {
    decimal_value(c).unwrap_or(0)
}

fn luhn(s: &str, g: &[Group]) -> bool {
    let b = s.as_bytes();
    if g.iter().all(|g| g.end - g.start == g.digits) {
        // ASCII digits: straight from the bytes, last first.
        let (mut sum, mut odd) = (0, false);
        for g in g.iter().rev() {
            for &c in b[g.start..g.end].iter().rev() {
                let d = u32::from(c - b'0');
                sum += if odd { DOUBLED[d as usize] } else { d };
                odd = !odd;
            }
        }
        return sum % 10 == 0;
    }
    let digits = g
        .iter()
        .flat_map(|g| s[g.start..g.end].chars())
        .map(nd_value);
    luhn_digits(digits)
}

/// A digit doubled by Luhn's check, its digits summed.
const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/// Luhn's check over the digits, most significant first.
pub(crate) fn luhn_digits(digits: impl DoubleEndedIterator<Item = u32>) -> bool {
    let mut sum = 0;
    for (k, d) in digits.rev().enumerate() {
        sum += if k % 2 == 1 {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            d
        };
    }
    sum % 10 == 0
}

/// Writes the first 6 and last 4 of the decimal digits in `text`, `*` between.
pub(crate) fn write_card(text: &str, out: &mut String) {
    if text.len() <= 32 && text.is_ascii() {
        // The digits into a stack buffer (one pass), masked in place: one append.
        let mut d = [b'*'; 32];
        let mut n = 0;
        for &c in text.as_bytes() {
            // Written whatever the byte, kept only when a digit (no branch per byte);
            // `n` stays below 32, as the text is at most 32 bytes.
            d[n & 31] = c;
            n += usize::from(c.is_ascii_digit());
        }
        d[6.min(n)..n.saturating_sub(4).max(6.min(n))].fill(b'*');
        // ASCII digits and `*` only: always UTF-8.
        out.push_str(std::str::from_utf8(&d[..n]).unwrap_or_default());
        return;
    }
    let n = text.chars().filter(|&c| is_decimal_digit(c)).count();
    for (k, d) in text
        .chars()
        .filter(|&c| is_decimal_digit(c))
        .map(nd_value)
        .enumerate()
    {
        if k < 6 || k + 4 >= n {
            out.push(char::from_digit(d, 10).unwrap_or('*'));
        } else {
            out.push('*');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `<kind>` for each finding.
    struct Tags;
    impl Emit for Tags {
        fn key_class(&self, key: &str) -> Class {
            match keys::classify(key, true) {
                Class::None if key.to_ascii_lowercase().contains("name") => Class::Personal,
                c => c,
            }
        }
        fn emit(&self, hit: Hit, text: &str, out: &mut String) {
            match hit {
                Hit::Card => write_card(text, out),
                Hit::Keyed(Class::Card) => write_card(text, out),
                h => out.push_str(&format!("<{h:?}>")),
            }
        }
    }

    const ALL: Opts = Opts {
        phones: true,
        emails: true,
        pci: true,
        financial: true,
    };

    fn m(s: &str) -> String {
        let mut out = String::new();
        if scan(s, ALL, &Tags, &mut out) {
            out
        } else {
            s.to_owned()
        }
    }

    /// The fast paths never hide a finding: over 300,000 tokens made of id and name
    /// pieces, sensitive words, digit groups, token prefixes and IPv4 addresses, [`scan`]
    /// writes what the whole scanner writes, and each token the plain-token path passes
    /// is clean (it passes most ids).
    #[test]
    fn every_plain_token_is_clean_for_the_whole_scanner() {
        const PIECES: &[&str] = &[
            "sess",
            "m",
            "eu",
            "west",
            "id",
            "store",
            "ORD",
            "a",
            "x",
            "Z",
            "req",
            "user",
            "cvv",
            "CVV",
            "cvc",
            "csc",
            "pin",
            "PIN",
            "card",
            "pan",
            "password",
            "pwd",
            "token",
            "secret",
            "key",
            "api",
            "auth",
            "bearer",
            "Basic",
            "iban",
            "ssn",
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9",
            "sk_live_",
            "AKIA",
            "ghp_",
            "xoxb",
            "SG",
            "GB82",
            "WEST",
            "DE89",
            "NL91",
            "4111",
            "1111",
            "411111",
            "5555",
            "0134",
            "555",
            "212",
            "2024",
            "0001",
            "1",
            "12",
            "123",
            "8674",
            "857",
            "0",
            "9",
            "00",
            "-",
            "_",
            ".",
            "-",
            ".",
            "_",
            "..",
            "--",
            "abcdefghij",
            "ABCDEFGHIJKLM",
            "f2c91",
            "8f2c91",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut passed, mut tried) = (0, 0);
        let check = |t: &str, passed: &mut usize| {
            let (mut fast, mut all) = (String::new(), String::new());
            let found = scan(t, ALL, &Tags, &mut fast);
            assert_eq!(found, scan_all(t, ALL, &Tags, &mut all), "{t:?}");
            assert_eq!(fast, all, "{t:?}");
            if is_plain_token(t.as_bytes()) {
                *passed += 1;
                assert!(
                    !found,
                    "the fast path passes {t:?}, the scanner writes {all:?}"
                );
            }
        };
        for _ in 0..300_000 {
            let mut t = String::new();
            for _ in 0..1 + next(6) {
                t.push_str(PIECES[next(PIECES.len())]);
            }
            tried += 1;
            check(&t, &mut passed);
        }
        for _ in 0..20_000 {
            let ip = format!("{}.{}.{}.{}", next(256), next(256), next(256), next(256));
            check(&ip, &mut passed);
            check(&format!("{ip}.{}", next(256)), &mut passed);
            check(&format!("v{ip}"), &mut passed);
        }
        assert!(passed > tried / 4, "{passed} of {tried}");
        for id in [
            "sess-8f2c91",
            "m-1001",
            "eu-west-1",
            "keyloop.enterprise_id",
            "ORD-2024-01",
        ] {
            assert!(is_plain_token(id.as_bytes()), "{id}");
        }
        for not in [
            "pin-8674",
            "cvv123",
            "4111-1111-1111",
            "555-0134567",
            "a b",
            "sk_live_abcdefghij",
        ] {
            assert!(!is_plain_token(not.as_bytes()), "{not}");
        }
    }

    /// A published token alone, even one without a digit, is not taken for a plain word.
    #[test]
    fn a_lone_token_without_digits_is_masked() {
        for t in [
            "sk_live_abcdefghijklmnopqrstuvwx",
            "xoxb-abcdefghijklmnop",
            "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
        ] {
            assert_eq!(m(t), "<Secret(\"secret\")>", "{t}");
        }
        // After dashes a word starts: the token there is found (the one-word check let
        // these through before the fast-path equivalence test found them).
        assert_eq!(m("--sk_live_abcdefghijklmnop"), "--<Secret(\"secret\")>");
        assert_eq!(
            m("_auth-xoxb-abcdefghijklmnop"),
            "_auth-<Secret(\"secret\")>"
        );
        // Short words still leave at the first check.
        assert_eq!(m("payment_id"), "payment_id");
    }

    #[test]
    fn sendgrid_keys() {
        let key = "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";
        assert_eq!(m(key), "<Secret(\"secret\")>");
        assert_eq!(
            m(&format!("mail via key {key} failed")),
            "mail via key <Secret(\"secret\")> failed"
        );
        // `SG.` in prose (a country code, an abbreviation) is not a key.
        assert_eq!(m("shipped to SG. next"), "shipped to SG. next");
        assert_eq!(m("SG.short.x"), "SG.short.x");
    }

    #[test]
    fn ipv4_addresses_are_read_once_and_kept() {
        for t in [
            "203.0.113.9",
            "client 10.0.0.1 ok",
            "ip=192.168.1.254;",
            "255.255.255.0",
        ] {
            assert_eq!(m(t), t);
        }
        assert_eq!(ipv4_end(b"203.0.113.9", 0), Some(11));
        assert_eq!(ipv4_end(b"1.2.3.4.5", 0), None);
        assert_eq!(ipv4_end(b"1.2.3.256", 0), None);
        assert_eq!(ipv4_end(b"1.2.3.4a", 0), None);
        // A dotted phone is not an address: still found.
        assert_eq!(m("call 212.555.0134 now"), "call <Phone> now");
    }

    #[test]
    fn trigger_words_are_found_in_any_case_and_only_they() {
        for (w, flags) in TRIGGER_WORDS {
            let lower = std::str::from_utf8(w).unwrap();
            for text in [lower.to_string(), lower.to_ascii_uppercase()] {
                // At the end of the text (short load) and before more text (8-byte load).
                let long = format!("{text} and more text");
                assert_eq!(triggers(text.as_bytes(), 0, text.len()), flags, "{text}");
                assert_eq!(triggers(long.as_bytes(), 0, text.len()), flags, "{long}");
            }
        }
        assert_eq!(triggers(b"PassPhrase", 0, 10), PROSE);
        for w in [
            "order",
            "pins",
            "cards",
            "users",
            "the",
            "a",
            "passwords2",
            "bearers",
        ] {
            assert_eq!(triggers(w.as_bytes(), 0, w.len()), 0, "{w}");
        }
    }

    #[test]
    fn keyed_forms() {
        for (i, o) in [
            (
                "login failed for bob password=hunter2 retry",
                "login failed for bob password=<Keyed(Secret)> retry",
            ),
            (
                r#"{"secret": "a b", "x": 1}"#,
                r#"{"secret": "<Keyed(Secret)>", "x": 1}"#,
            ),
            (
                r#"{\"password\":\"pw\"}"#,
                r#"{\"password\":\"<Keyed(Secret)>\"}"#,
            ),
            ("token=xyz&q=1", "token=<Keyed(Secret)>&q=1"),
            // A key before separators after up to 8 spaces, as `may_be_key` reads it.
            (
                "apikey        = hunter2x",
                "apikey        = <Keyed(Secret)>",
            ),
            // A key of any length before a spaced separator (was read as prose).
            ("db_password = hunter2x", "db_password = <Keyed(Secret)>"),
            (
                "login DBPassword : hunter2x",
                "login DBPassword : <Keyed(Secret)>",
            ),
            ("CVV: 123", "CVV: <Keyed(Cvv)>"),
            ("cvv 123 ok", "cvv <Keyed(Cvv)> ok"),
            ("the cvv is 123", "the cvv is <Keyed(Cvv)>"),
            ("security code 085", "security code <Keyed(Cvv)>"),
            ("PIN 8674", "PIN <Keyed(Sad)>"),
            ("PIN block: 0412AC56FF0011AA", "PIN block: <Keyed(Sad)>"),
            ("pin=1234", "pin=<Keyed(Sad)>"),
            (
                "<Auth><cvv>013</cvv><password>pw</password></Auth>",
                "<Auth><cvv><Keyed(Cvv)></cvv><password><Keyed(Secret)></password></Auth>",
            ),
            (
                "<ns:cvv type=\"x\">013</ns:cvv>",
                "<ns:cvv type=\"x\"><Keyed(Cvv)></ns:cvv>",
            ),
            (
                "<password><![CDATA[p<w]]></password>",
                "<password><![CDATA[<Keyed(Secret)>]]></password>",
            ),
            (
                "card_number=4111111111111112&cvv=554&api_key=sk_live_abc",
                "card_number=411111******1112&cvv=<Keyed(Cvv)>&api_key=<Keyed(Secret)>",
            ),
            (
                "Authorization: Bearer abc.def",
                "Authorization: <Keyed(Secret)>",
            ),
            ("name=John&x=1", "name=<Keyed(Personal)>&x=1"),
            ("name: John", "name: John"),
            ("password => \"x\"", "password => \"<Keyed(Secret)>\""),
            (
                "passport_number='X1'",
                "passport_number='<Keyed(NationalId)>'",
            ),
        ] {
            assert_eq!(m(i), o, "{i}");
        }
    }

    /// The forms an adversarial review found leaking, each with what it becomes now.
    #[test]
    fn review_forms() {
        let s = "<Keyed(Secret)>";
        for (i, o) in [
            (
                "card[number]=4242424242424242&card[cvc]=123&card[exp_month]=12",
                "card[number]=424242******4242&card[cvc]=<Keyed(Cvv)>&card[exp_month]=12"
                    .to_owned(),
            ),
            (
                "source[card][cvv]=123",
                "source[card][cvv]=<Keyed(Cvv)>".into(),
            ),
            ("cvv    123", "cvv    <Keyed(Cvv)>".into()),
            ("cvv\t123", "cvv\t<Keyed(Cvv)>".into()),
            ("cvv#123", "cvv#<Keyed(Cvv)>".into()),
            ("cvv - 123", "cvv - <Keyed(Cvv)>".into()),
            ("cvv(123)", "cvv(<Keyed(Cvv)>)".into()),
            ("cvv '123'", "cvv '<Keyed(Cvv)>'".into()),
            ("the CVV is: 123", "the CVV is: <Keyed(Cvv)>".into()),
            ("cvv：123", "cvv：<Keyed(Cvv)>".into()),
            ("cvv number 123", "cvv number <Keyed(Cvv)>".into()),
            (
                "PIN block 0412AC56FF0011AA",
                "PIN block <Keyed(Sad)>".into(),
            ),
            ("pin number 1234", "pin number <Keyed(Sad)>".into()),
            ("password:: hunter2", format!("password:: {s}")),
            ("password := hunter2", format!("password := {s}")),
            (
                "password: Secret(\"hunter2\")",
                format!("password: Secret(\"{s}\")"),
            ),
            (
                "password: !secret hunter2",
                format!("password: !secret {s}"),
            ),
            (
                "password: |\n  hunter2\nnext: 1",
                format!("password: |\n  {s}\nnext: 1"),
            ),
            ("password    =    hunter2", format!("password    =    {s}")),
            (
                "{ \"password\" :\n  \"hunter2\" }",
                format!("{{ \"password\" :\n  \"{s}\" }}"),
            ),
            ("password is hunter2!", format!("password is {s}")),
            ("password=[hunter2]", format!("password={s}")),
            (
                "Server=db;Password={hun;ter2};",
                format!("Server=db;Password={s};"),
            ),
            (
                "password: correct horse battery staple",
                format!("password: {s}"),
            ),
            (
                "curl -u admin:hunter2 https://x",
                "curl -u admin:<Secret(\"secret\")> https://x".to_string(),
            ),
            ("mysql --password hunter2", format!("mysql --password {s}")),
            (
                "charging with sk_live_51HxYzAbCdEfGh now",
                "charging with <Secret(\"secret\")> now".into(),
            ),
            (
                "key AKIAIOSFODNN7EXAMPLE ok",
                "key <Secret(\"secret\")> ok".into(),
            ),
            (
                "Bearer abcdefghijklmnop",
                "Bearer <Secret(\"secret\")>".into(),
            ),
            (
                "Bearer: abcdefghij12x",
                "Bearer: <Secret(\"secret\")>".into(),
            ),
            (
                "Authorization: ApiKey abcdefghijklmnop1234",
                format!("Authorization: {s}"),
            ),
            (
                "q=password%3Dhunter2%26x%3D1",
                format!("q=password%3D{s}%26x%3D1"),
            ),
            (
                "%7B%22password%22%3A%22hunter2%22%7D",
                format!("%7B%22password%22%3A%22{s}%22%7D"),
            ),
            ("data[password]=hunter2", format!("data[password]={s}")),
            (
                "&lt;password&gt;hunter2&lt;/password&gt;",
                format!("&lt;password&gt;{s}&lt;/password&gt;"),
            ),
            (
                "<field name=\"password\">hunter2</field>",
                format!("<field name=\"password\">{s}</field>"),
            ),
            (
                "<param name=\"cvv\" value=\"123\"/>",
                "<param name=\"cvv\" value=\"<Keyed(Cvv)>\"/>".into(),
            ),
            ("passport: X1234567", "passport: <Keyed(NationalId)>".into()),
            (
                "name=John Smith age=3",
                "name=<Keyed(Personal)> age=3".into(),
            ),
        ] {
            assert_eq!(m(i), o, "{i}");
        }
        // Not leaks: look-alikes and metadata.
        for i in [
            "password_changed_at=2024-01-15",
            "password_policy=strong",
            "token_type=bearer",
            "a Bearer of news",
        ] {
            assert_eq!(m(i), i);
        }
    }

    /// The second review round: values that took the next key, and what leaked with it.
    #[test]
    fn a_value_never_takes_the_next_key() {
        for (i, o) in [
            ("password:\ncvv: 123", "password:\ncvv: <Keyed(Cvv)>"),
            (
                "secrets:\n  db_password: hunter2",
                "secrets:\n  db_password: <Keyed(Secret)>",
            ),
            ("password:  cvv: 123", "password:  cvv: <Keyed(Cvv)>"),
            (
                "password: hunter cvv 123",
                "password: <Keyed(Secret)> cvv <Keyed(Cvv)>",
            ),
            (
                "name=Bob cvv = 123",
                "name=<Keyed(Personal)> cvv = <Keyed(Cvv)>",
            ),
            (
                "Authorization: Basic abc, cvv 123",
                "Authorization: <Keyed(Secret)> cvv <Keyed(Cvv)>",
            ),
            (
                "<Auth cvv=\"123\" x=\"1\"/>",
                "<Auth cvv=\"<Keyed(Cvv)>\" x=\"1\"/>",
            ),
            ("Your PIN is 1234.", "Your PIN is <Keyed(Sad)>."),
            ("with cvv 123.", "with cvv <Keyed(Cvv)>."),
            ("password=abc)def", "password=<Keyed(Secret)>"),
            ("password=hunt%20er2&x=1", "password=<Keyed(Secret)>&x=1"),
            (
                "{'password': b'hunter2'}",
                "{'password': b'<Keyed(Secret)>'}",
            ),
            ("DB_PASS=hunter2", "DB_PASS=<Keyed(Secret)>"),
            ("ccv=123", "ccv=<Keyed(Cvv)>"),
            (
                "Security code (CVV): 123",
                "Security code (CVV): <Keyed(Cvv)>",
            ),
            ("the pin was 1234", "the pin was <Keyed(Sad)>"),
            (
                "cvv123 CVV-456 pin_8674 cvv2",
                "cvv<Keyed(Cvv)> CVV-<Keyed(Cvv)> pin_<Keyed(Sad)> cvv2",
            ),
            ("SSN: 123 45 6789", "SSN: <Keyed(NationalId)>"),
            (
                "&quot;password&quot;:&quot;hunter2&quot;",
                "&quot;password&quot;:&quot;<Keyed(Secret)>&quot;",
            ),
            (
                "aws AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG",
                "aws <Secret(\"secret\")>:<Secret(\"secret\")>",
            ),
            (
                "4111111111111111 expiration 12/27 123",
                "411111******1111 expiration 12/27 <Cvv>",
            ),
        ] {
            assert_eq!(m(i), o, "{i}");
        }
        // Clean data that looked like phones, names or emails.
        for i in [
            "{\"id\":12345678}",
            "{\"iat\":1733400000,\"exp\":1733403600}",
            "Duration { secs: 1733400000, nanos: 123456789 }",
            "Some(1733400000)",
            "processed 1234567 records in 1234567890 millis",
            "00000000-0000-0000-0000-000000000000",
            "10.123.456.7890 12.345.6789",
            "<field name=\"status\">captured</field>",
            "https://cdn.example.com/img/logo@2x.png",
            "token - refreshed at 12:00",
        ] {
            assert_eq!(m(i), i);
        }
    }

    #[test]
    fn dash_joined_words_are_read_once() {
        // A log-injection attempt: 200 KB of `a-a-…=x` must stay linear.
        let s = format!("{}=x", "a-".repeat(100_000));
        let t = std::time::Instant::now();
        let _ = m(&s);
        let u = "x://".repeat(50_000);
        let _ = m(&u);
        // Keys whose value scan fails: each scan is bounded.
        for unit in [
            "cvv(",
            "password(:",
            "password=[",
            "cvv=!",
            "password:!",
            "password=%26",
            "cvv=%20",
            "name=%26",
            "\"cvv\":[",
        ] {
            let _ = m(&format!("{}MASKED]", unit.repeat(100_000 / unit.len())));
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(
            m("Req { cvv: Some(\"737\"), pin: Some(8674) }"),
            "Req { cvv: Some(\"<Keyed(Cvv)>\"), pin: Some(<Keyed(Sad)>) }"
        );
        let env = "PRIVATE_KEY=-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        assert_eq!(m(env), "PRIVATE_KEY=<Secret(\"pem_key\")>");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        assert_eq!(m(&format!("got {jwt} ok")), "got <Secret(\"jwt\")> ok");
        assert_eq!(m("Bearer abcdefghij12"), "Bearer <Secret(\"secret\")>");
        assert_eq!(m("a Bearer of news"), "a Bearer of news");
        let pem = "cfg -----BEGIN PRIVATE KEY-----\nMIIE\nabc\n-----END PRIVATE KEY----- end";
        assert_eq!(m(pem), "cfg <Secret(\"pem_key\")> end");
        let cert = "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----";
        assert_eq!(m(cert), cert);
        assert_eq!(
            m("https://user:pa55@host/x?access_token=abc&q=1"),
            "https://<Secret(\"secret\")>:<Secret(\"secret\")>@host/x?access_token=<Keyed(Secret)>&q=1"
        );
        assert_eq!(m("https://host/x?q=1"), "https://host/x?q=1");
        assert_eq!(m(";4111111111111111=25121010000000000000?"), "<Track>");
        assert_eq!(m("%B4111111111111111^DOE/JOHN^2512101?"), "<Track>");
        assert_eq!(m("call 212.555.0134 now"), "call <Phone> now");
        assert_eq!(
            m("ip 192.168.100.200 v1.2.3 2024.01.15"),
            "ip 192.168.100.200 v1.2.3 2024.01.15"
        );
        assert_eq!(m("iban GB82WEST12345698765432."), "iban <Iban>.");
        assert_eq!(m("iban GB82 WEST 1234 5698 7654 32"), "iban <Iban>");
        assert_eq!(m("GB83WEST12345698765432"), "GB83WEST12345698765432");
    }

    #[test]
    fn cards_and_cvv_after_them() {
        assert_eq!(m("4111 1111 1111 1111 123"), "411111******1111 <Cvv>");
        assert_eq!(
            m("4111111111111111|12/27|123"),
            "411111******1111|12/27|<Cvv>"
        );
        assert_eq!(m("4111.1111.1111.1111"), "411111******1111");
        assert_eq!(m("4111  1111  1111  1111"), "411111******1111");
        assert_eq!(m("ORD4111111111111111"), "ORD411111******1111");
        assert_eq!(m("4111111111111111 2024"), "411111******1111 <Cvv>");
        // Digits after an id, time or count word are that, unless a phone word is near.
        assert_eq!(m("order 12345678 ok"), "order 12345678 ok");
        assert_eq!(m("call 12345678 ok"), "call <Phone> ok");
        assert_eq!(m("reach me on 12345678"), "reach me on <Phone>");
        assert_eq!(m("tel:+14155550134"), "tel:<Phone>");
        assert_eq!(m("phone:4155550134"), "phone:<Phone>");
        assert_eq!(
            m("ts=1733400000000 range 1000-2000 zip 94105-1234"),
            "ts=1733400000000 range 1000-2000 zip 94105-1234"
        );
        assert_eq!(m("call (212) 555-0134"), "call (<Phone>");
        assert_eq!(m("+965 5555 1234"), "<Phone>");
        // Cards with more separators, and what follows them.
        for sep in [
            "_", "/", ",", "\t", "   ", " - ", "\u{a0}", "\u{2013}", "\u{200b}",
        ] {
            let card = ["4111", "1111", "1111", "1111"].join(sep);
            assert_eq!(
                m(&format!("pan {card} ok")),
                "pan 411111******1111 ok",
                "{sep:?}"
            );
        }
        assert_eq!(m("1234/5678"), "1234/5678");
        assert_eq!(
            m("4111111111111111 12/27 123"),
            "411111******1111 12/27 <Cvv>"
        );
        assert_eq!(
            m("4111 1111 1111 1111 expiry 12/2027 123"),
            "411111******1111 expiry 12/2027 <Cvv>"
        );
        assert_eq!(
            m("4111111111111111|1227|123"),
            "411111******1111|1227|<Cvv>"
        );
        assert_eq!(m("4111111111111111:123"), "411111******1111:<Cvv>");
        // Track data in its other shapes.
        assert_eq!(
            m("track2 4111111111111111=25121010000000000000F"),
            "track2 <Track>"
        );
        assert_eq!(m("T2: 4111111111111111D2512101123456789F"), "T2: <Track>");
        assert_eq!(m("4111111111111111d2512101123"), "<Track>");
        assert_eq!(m("57134111111111111111D25121010000000000F"), "<Track>");
        assert_eq!(
            m("B4111111111111111^DOE/JOHN^2512101000000000000 end"),
            "<Track> end"
        );
        assert_eq!(m("%b4111111111111111^DOE/JOHN^2512101?"), "<Track>");
        assert_eq!(m("ORD12345678"), "ORD12345678");
        assert_eq!(
            m("cards 4111 1111 1111 1111, 5500 0000 0000 0004 on file"),
            "cards 411111******1111, 550000******0004 on file"
        );
        assert_eq!(
            m("retry 4111 1111 1111 1111, 5500 0000 0000 0004 456"),
            "retry 411111******1111, 550000******0004 <Cvv>"
        );
        assert_eq!(m("order ORD-2024-0001 ok"), "order ORD-2024-0001 ok");
    }

    #[test]
    fn tokens_are_kept_only_when_well_formed() {
        let tok = format!("ptok:v1:{}", "A".repeat(43));
        assert!(is_protected(&tok));
        assert_eq!(m(&format!("x {tok} y")), format!("x {tok} y"));
        assert!(!is_protected("ptok:v1: john.doe@example.com"));
        assert_eq!(m("ptok:v1: john@example.com"), "ptok:v1: <Email>");
        assert!(!is_protected("penc:v1:Johnathan Doe"));
        assert!(is_protected(&format!("penc:v1:rk1:{}", "A".repeat(40))));
        // A card number in the kid or the body is no ciphertext's.
        assert!(!is_protected(&format!(
            "penc:v1:4111111111111111:{}",
            "A".repeat(40)
        )));
        assert!(!is_protected(&format!(
            "penc:v1:rk1:A4111111111111111{}",
            "A".repeat(40)
        )));
        assert!(!is_protected(&format!(
            "ptok:v1:4111111111111111{}",
            "A".repeat(27)
        )));
        assert_eq!(
            m(&format!(
                "password=penc:v1:3333333333333331:{}Hunter2x",
                "3".repeat(40)
            )),
            "password=<Keyed(Secret)>"
        );
    }

    #[test]
    fn clean_text_is_clean() {
        for s in [
            "GET /api/v1/orders 200",
            "payment_processed",
            "amount=100 currency=KWD attempt=2 latency_ms=35",
            "2024-01-15T12:30:45.123Z",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "550e8400-e29b-41d4-a716-446655440000",
            "tokenizer ready; secretary away; passwordless login on",
            "cvv_required=true",
            "token_type=bearer",
        ] {
            let mut out = String::new();
            assert!(!scan(s, ALL, &Tags, &mut out), "{s} -> {out}");
        }
    }

    #[test]
    fn never_panics_on_awkward_text() {
        for s in [
            "password=",
            "\"cvv\":",
            "<cvv>",
            "<cvv",
            "cvv ",
            "-----BEGIN ",
            "https://@",
            "%B",
            "password=\"",
            "\\\"",
            "eyJ",
            "٤١١١١١١١١١١١١١١١",
            "pin=é",
            "<a:é>",
            "x://é@",
            // A truncated document ending at a card or national-id key (found by the
            // `render` fuzz target: the value's first byte was read past the end).
            "{\"card\":",
            "x \"pan\":",
            "\"ssn\":",
        ] {
            let _ = m(s);
        }
        // A value cut by a byte cap inside a character (found by the `masker` fuzz target).
        // The user of `-u user:pass` is scanned too (found by the `masker` fuzz target).
        assert_eq!(
            m("curl -u 4111111111111111:pw x"),
            "curl -u 411111******1111:<Secret(\"secret\")> x"
        );
        // A key with a card number glued into it.
        assert_eq!(
            m("e4111111111111111card_number=1 x"),
            "e411111******1111card_number=1 x"
        );
        assert_eq!(
            m("e4111111111111111password=pw x"),
            "e411111******1111password=<Keyed(Secret)> x"
        );
        // An XML start tag's attributes are scanned too.
        assert_eq!(
            m("<cardNumber ref=\"4111111111111111\">5500000000000004</cardNumber>"),
            "<cardNumber ref=\"411111******1111\">550000******0004</cardNumber>"
        );
        // A number glued to a digit of another script is read on its own.
        assert_eq!(
            m("x \u{667}4111111111111111 y"),
            "x \u{667}411111******1111 y"
        );
        // A field name that holds an address is scanned too (`masker` fuzz target).
        assert_eq!(
            m("<f key=\"Authorization t@example.com\">x</f>"),
            "<f key=\"Authorization <Email>\"><Keyed(Secret)></f>"
        );
        assert_eq!(m("key=\"cvd\"J@6.ap>"), "key=\"cvd\"<Email>>");
        assert_eq!(m("<icc@a.co>1"), "<<Email>>1");
        assert_eq!(m("key:cc@l.value:"), "key:<Email>:");
        // Digits that end an address's local part are the address's.
        assert_eq!(m("mail cp4111111111111111@ae.ae now"), "mail <Email> now");
        // A PEM header that never ends: the text after it is still scanned (found by the
        // `masker` fuzz target).
        assert_eq!(
            m("-----BEGIN x---=-mail john.doe@example.com joh-----mail"),
            "-----BEGIN x---=-mail <Email> joh-----mail"
        );
        let cut = String::from_utf8_lossy(include_bytes!(
            "../../fuzz/corpus/masker/value-cut-inside-a-character"
        ));
        assert!(m(&cut).starts_with("mat$h pass("));
    }
    #[test]
    fn email_spans() {
        let s = "mail John.Doe+x@Example.co.uk, now";
        let at = s.find('@').unwrap();
        assert_eq!(
            email_span(s, at, 0).map(|(a, b)| &s[a..b]),
            Some("John.Doe+x@Example.co.uk")
        );
        for no in [
            "a@b",
            "@x.com",
            "x@.com",
            "x@y.c",
            "user@localhost",
            "x@y.123",
        ] {
            assert_eq!(email_span(no, no.find('@').unwrap(), 0), None, "{no}");
        }
        let q = "\"quoted\"@Example.com";
        assert_eq!(email_span(q, q.find('@').unwrap(), 0), Some((0, q.len())));
        // A one-letter domain label (`john@x.com`) is not an image's `@2x` (found by the
        // `masker` fuzz target).
        for addr in ["john@x.com", "ab@X.org"] {
            assert_eq!(
                email_span(addr, addr.find('@').unwrap(), 0),
                Some((0, addr.len()))
            );
        }
        assert_eq!(email_span("logo@2x.png", 4, 0), None);
        assert_eq!(email_span("je@1x.ap", 2, 0), Some((0, 8)));
        // A number after the address's last dot is not its TLD (found by the seeded fuzz
        // run of `.ci/run`).
        let glued = "0000@ae.ae.0000000@x";
        assert_eq!(email_span(glued, 4, 0), Some((0, 10)));
        // A non-ASCII letter or digit glued to the address: the address is still found
        // (an NKo digit made the TLD a non-word; found by the `masker` fuzz target).
        for (text, addr) in [
            ("x@db.example.Com\u{7c7}t", "x@db.example.Com"),
            ("联系john@example.com请回复", "联系john@example.com请回复"),
        ] {
            let at = text.find('@').unwrap();
            let (a, b) = email_span(text, at, 0).unwrap();
            assert_eq!(&text[a..b], addr, "{text}");
        }
    }

    #[test]
    fn nd_values_and_luhn() {
        assert_eq!(nd_value('\u{0669}'), 9);
        assert_eq!(nd_value('\u{0660}'), 0);
        assert_eq!(nd_value('\u{1D7D8}'), 0); // mathematical double-struck zero (2nd block)
        assert_eq!(nd_value('\u{1D7E1}'), 9);
        assert_eq!(m("4111-1111-1111-1111"), "411111******1111");
        let s = "4111-1111-1111-1112 2024-01-01 12:00:00";
        assert_eq!(m(s), s);
    }

    /// The forms a red-team probe (2026-12-07) found leaking, each with what it becomes:
    /// the secret masked where it stands, never the key or the word after it.
    #[test]
    fn red_team_forms() {
        let s = "<Keyed(Secret)>";
        let c = "<Keyed(Cvv)>";
        let p = "<Keyed(Sad)>";
        let cases: Vec<(&str, String)> = vec![
            // An entry named by a key, the value in the next member (any case).
            (
                r#"{"field":"cvv","val":"739"}"#,
                format!(r#"{{"field":"cvv","val":"{c}"}}"#),
            ),
            (
                r#"{"field":"pin","val":"4511"}"#,
                format!(r#"{{"field":"pin","val":"{p}"}}"#),
            ),
            (
                r#"{"Key":"DB_PASSWORD","Value":"Vf9R2x"}"#,
                format!(r#"{{"Key":"DB_PASSWORD","Value":"{s}"}}"#),
            ),
            (
                r#"{"parameter":"password","value":"Vf9R2x"}"#,
                format!(r#"{{"parameter":"password","value":"{s}"}}"#),
            ),
            (
                r#"{\"field\":\"cvv\",\"val\":\"739\"}"#,
                format!(r#"{{\"field\":\"cvv\",\"val\":\"{c}\"}}"#),
            ),
            (
                r#"{"value":"Vf9R2x","name":"DB_PASSWORD"}"#,
                format!(r#"{{"value":"{s}","name":"DB_PASSWORD"}}"#),
            ),
            // ... but a sensitive word as some other value names nothing.
            (
                r#"{"status":"password","reason":"expired"}"#,
                r#"{"status":"password","reason":"expired"}"#.into(),
            ),
            // Rust `Debug`: newtypes nested in an `Option`, a struct.
            (
                r#"cvc: Some(Cvc("739"))"#,
                format!(r#"cvc: Some(Cvc("{c}"))"#),
            ),
            (
                r#"password: Some(Password("hunter2pass"))"#,
                format!(r#"password: Some(Password("{s}"))"#),
            ),
            (
                r#"password: SecretString { inner: "hunter2pass" }"#,
                format!("password: {s}"),
            ),
            // A flag's value, not the word after it.
            (
                "ctx --secret n7v8KTW98D end",
                format!("ctx --secret {s} end"),
            ),
            // A CVV or PIN after its key, whatever stands between them.
            ("cvv|630", format!("cvv|{c}")),
            ("cvv,951 ok", format!("cvv,{c} ok")),
            ("cvv;675", format!("cvv;{c}")),
            ("CVV2/CVC2/CID: 823", format!("CVV2/CVC2/CID: {c}")),
            ("cvv#: 489", format!("cvv#: {c}")),
            ("cvv no. 576", format!("cvv no. {c}")),
            ("cvv[281]", format!("cvv[{c}]")),
            ("[cvv] 730", format!("[cvv] {c}")),
            ("cvv of 843", format!("cvv of {c}")),
            ("CVV ：816", format!("CVV ：{c}")),
            ("cvv ==> 863", format!("cvv ==> {c}")),
            ("cvv<-515", format!("cvv<-{c}")),
            ("cvv~426", format!("cvv~{c}")),
            ("cvv&#61;760", format!("cvv&#61;{c}")),
            ("cvv\n239", format!("cvv\n{c}")),
            ("cvv\u{a0}327", format!("cvv\u{a0}{c}")),
            ("cvv\u{3000}432", format!("cvv\u{3000}{c}")),
            ("securitycode 132", format!("securitycode {c}")),
            ("pin\n8674", format!("pin\n{p}")),
            ("pin\u{a0}8674", format!("pin\u{a0}{p}")),
            ("PIN2 8674", format!("PIN2 {p}")),
            ("epin=8674", format!("epin={p}")),
            ("pinblock F1F9BE4B8FFDF9C7", format!("pinblock {p}")),
            ("bit52 6C63A1B2C3D4E5F6", format!("bit52 {p}")),
            ("api-key is Xk29fLq8Zp", format!("api-key is {s}")),
            ("secret%5Fkey=hunter2x&a=1", format!("secret%5Fkey={s}&a=1")),
            ("cvv%5Fcode=123", format!("cvv%5Fcode={c}")),
            ("credential was Xk29fLq8Zp", format!("credential was {s}")),
            (
                "<db.password>hunter2x</db.password>",
                format!("<db.password>{s}</db.password>"),
            ),
            (
                "<card.security_code>123</card.security_code>",
                format!("<card.security_code>{c}</card.security_code>"),
            ),
            ("cvv1=123", format!("cvv1={c}")),
            ("cvc3: 456", format!("cvc3: {c}")),
            (r#"<cvv2 value="768"/>"#, format!(r#"<cvv2 value="{c}"/>"#)),
            (r#"<pin value="9425"/>"#, format!(r#"<pin value="{p}"/>"#)),
            (
                r#"<password value="e83Wq"/>"#,
                format!(r#"<password value="{s}"/>"#),
            ),
            // URL-encoded and escaped keys and separators.
            (
                "card%5Bnumber%5D=4945807302157365&card%5Bcvc%5D=739",
                format!("card%5Bnumber%5D=494580******7365&card%5Bcvc%5D={c}"),
            ),
            (
                "user%5Bpassword%5D=hunter2pass&x=1",
                format!("user%5Bpassword%5D={s}&x=1"),
            ),
            ("password%3Ahunter2pass", format!("password%3A{s}")),
            ("password&#61;hunter2pass", format!("password&#61;{s}")),
            ("password\\u003dhunter2pass", format!("password\\u003d{s}")),
            // Unicode spaces, a line break, a tab column, identifiers before a space.
            (
                "password\u{a0}=\u{a0}vD4Dxx99",
                format!("password\u{a0}=\u{a0}{s}"),
            ),
            ("token\u{3000}Xjk4abc123", format!("token\u{3000}{s}")),
            ("password\nP6uHxx99", format!("password\n{s}")),
            ("api_key\nAAgHxx99", format!("api_key\n{s}")),
            ("password\thunter2", format!("password\t{s}")),
            ("api_key pXV5xx99zz", format!("api_key {s}")),
            ("apiKey fq9Mxx99zz", format!("apiKey {s}")),
            ("-apiKey hmH4xx99zz", format!("-apiKey {s}")),
            ("password ==> Xyz123abc", format!("password ==> {s}")),
            (
                "bearer=3TQ7xx99zzqqqq",
                "bearer=<Secret(\"secret\")>".into(),
            ),
            // Cards in every grouping their lengths use, with any card separator.
            ("Amex 3712.904047.96664", "Amex 371290*****6664".into()),
            ("3712\u{a0}904047\u{a0}96664", "371290*****6664".into()),
            (
                "card 6250.4925.8991.3944.114",
                "card 625049*********4114".into(),
            ),
            (
                "4111\u{2009}1111\u{2009}1111\u{2009}1111",
                "411111******1111".into(),
            ),
            (
                "4111\u{3000}1111\u{3000}1111\u{3000}1111",
                "411111******1111".into(),
            ),
            (
                "4111\u{2014}1111\u{2014}1111\u{2014}1111",
                "411111******1111".into(),
            ),
            ("4945|8073|0215|7365", "494580******7365".into()),
            // A card across colons, line breaks or 4-4-4-1 dots (the third pass: leaving
            // lists of four-digit numbers alone let these through).
            (
                "card 4398:2597:9190:7482 ok",
                "card 439825******7482 ok".into(),
            ),
            (
                "card 4398\n2597\n9190\n7482 ok",
                "card 439825******7482 ok".into(),
            ),
            ("4468.6958.9693.1", "446869***6931".into()),
            ("token: Bearer [REDACTED]", format!("token: {s} [REDACTED]")),
            (
                "4945\u{2212}8073\u{2212}0215\u{2212}7365",
                "494580******7365".into(),
            ),
            // The round's second pass: a scheme inside a credential's value, random
            // letters, a wide space after an identifier, a named bearer credential.
            ("token: Bearer 3TQ73WTZWG", format!("token: {s}")),
            ("token WuGknHrhQj", format!("token {s}")),
            ("apiKey\u{3000}Yjk4Lm9QwE", format!("apiKey\u{3000}{s}")),
            ("bearer=3TQ73WTZWG", "bearer=<Secret(\"secret\")>".into()),
        ];
        for (i, o) in cases {
            assert_eq!(m(i), o, "{i:?}");
        }
        // Clean text around the same words stays as it is.
        for clean in [
            "the cvv check failed 3 times",
            "cvv, amount 1234",
            "pin 12.5",
            "cvv 12:30",
            "cvv_required=1234",
            "cvvResult: 1234",
            "token\nrefreshed ok",
            "apiKey missing",
            "user_name bob",
            "at 12:30:45 ok",
            "v 1234.5678 ok",
            "2024-01-15 10:00",
            // False positives the second pass found: an error about a field, a status in
            // a tab column, an access log's status and size, latencies, a case number, a
            // database error code.
            r#"{"field":"password","message":"too short"}"#,
            r#"{"field":"cvv","error":"missing"}"#,
            "password\tok",
            "token\trefreshed",
            r#""GET /healthz HTTP/1.1" 204 77397 "-""#,
            "latencies 35 62 7 5 26 ms",
            "support case 00123456 opened",
            "ERROR 1062 (23000): Duplicate entry",
            "password Refreshed",
            // A list of field names, values that stand for none, a path's segment, sudo's
            // working directory, an ARN.
            r#"{"fields":["cvv","pan","expiry"]}"#,
            "api_key: None",
            r#""password": null"#,
            "token: missing",
            "secret: ***",
            "POST /cvv 200 in 12ms",
            "sudo: deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/ls",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
            "password: SecretString([REDACTED])",
            "the order was shipped today",
            "status is ok",
            "token is valid",
            "q=50%25&b=2",
            "<service.name>checkout</service.name>",
            "<server.address>10.0.0.5</server.address>",
        ] {
            assert_eq!(m(clean), clean);
        }
    }
}
