//! [`PiiMasker`]: keeps raw PII out of every log line.

use std::cell::RefCell;
use std::fmt;

use super::normalize::is_decimal_digit;
use super::token::is_protected;
use super::{with_global, Pii};
use crate::mask::Masker;
use crate::memo;

/// What masking writes when no keyset is configured or available.
pub const REDACTED: &str = "[PII_REDACTED]";

/// Key substrings (case-insensitive) that make a value personal; matched by
/// [`has_sensitive_substring`], which must stay in step with this list (a test checks).
#[cfg(test)]
const SENSITIVE: &[&str] = &[
    "name",
    "payer",
    "billing",
    "shipping",
    "customer",
    "cardholder",
    "email",
    "phone",
    "mobile",
    "tel",
    "contact",
    "recipient",
    "beneficiary",
    "address",
    "udf",
];

/// Keys (case-insensitive, whole key) that contain a sensitive substring but are not personal.
const SAFE: &[&str] = &[
    "gateway_name",
    "vendor_name",
    "module_name",
    "func_name",
    "task_name",
    "service_name",
    "app_name",
    "project_name",
    "class_name",
    "method_name",
    "view_name",
    "username",
    "site_name",
    "domain_name",
    "bank_name",
    "display_name",
    "install_name",
    "installation_name",
    "event_name",
    "customer_id",
    "id",
    "pk",
];

/// Header keys whose values are secrets shown as `abcd****wxyz`.
const AUTH_KEYS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "api-key",
    "x-api-key",
    "api_key",
    "apikey",
];

/// Header keys whose values are fully masked.
const COOKIE_KEYS: &[&str] = &["cookie", "set-cookie"];

/// ECS leaf names that contain a sensitive substring but are not personal data
/// (`service.name`, `host.hostname`, `client.address`, `client.geo.city_name`, …).
const ECS_NON_PERSONAL_LEAVES: &[&str] = &[
    "address",
    "city_name",
    "common_name",
    "continent_name",
    "country_name",
    "distinguished_name",
    "hostname",
    "name",
    "original_file_name",
    "region_name",
    "server_name",
    "subject_name",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    None,
    Tokenize,
    Auth,
    Cookie,
}

/// One segment of an exempt path pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Any,
    Key(Box<str>),
}

/// The production [`Masker`]: tokenizes personal values, truncates card numbers and masks
/// credentials in every string the logger writes.
///
/// - **Key-based**: a value whose key contains (case-insensitive) `name`, `payer`,
///   `billing`, `shipping`, `customer`, `cardholder`, `email`, `phone`, `mobile`, `tel`,
///   `contact`, `recipient`, `beneficiary`, `address` or `udf` — and is not a safe key
///   (`gateway_name`, `username`, `customer_id`, `id`, …) — is replaced by its token: as
///   `email` when the whole value is an email address, as `phone` when it is a phone
///   number, else as `generic`. ECS fields that are not personal (`service.name`,
///   `host.name`, `client.address`, …) are left alone; ECS personal fields (`user.name`,
///   `user.full_name`, `user.email`, the same under `client.user`, `source.user`, …,
///   `email.*.address`, `url.username`, `related.user`) are tokenized.
/// - **Value-based**, in any string: email addresses and phone numbers are replaced in
///   place by their tokens; card numbers (13–19 digits, spaces or dashes between groups,
///   Luhn-valid) become `411111******1111`.
/// - **Credentials**: `authorization`, `proxy-authorization`, `api-key`, `x-api-key`,
///   `api_key`, `apikey` become `Bearer abcd****wxyz` (or `Bearer ****` for secrets of 8
///   characters or fewer); `cookie` and `set-cookie` become `****`.
/// - Without a configured, available keyset every token becomes `[PII_REDACTED]`.
/// - Values that already are `ptok:v1:`/`penc:v1:` are kept.
///
/// # Examples
/// ```
/// use ecsctx::mask::Masker;
/// use ecsctx::pii::{Config, Keyset, Pii, PiiMasker};
///
/// let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1":
///     {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline").unwrap();
/// let pii = Pii::new(Config::keysets(ks, None).with_env("prod")).unwrap();
/// let masker = PiiMasker::new().with_pii(pii.clone());
///
/// let mut out = String::new();
/// assert!(masker.mask_str("extra.customer_email", "John.Doe@Example.com", &mut out));
/// assert_eq!(out, pii.tokenize("john.doe@example.com", "email").unwrap());
///
/// out.clear();
/// assert!(masker.mask_str("message", "card 4111 1111 1111 1111 declined", &mut out));
/// assert_eq!(out, "card 411111******1111 declined");
///
/// out.clear();
/// assert!(!masker.mask_str("extra.gateway_name", "knet", &mut out));
/// assert!(!masker.mask_str("service.name", "checkout", &mut out));
/// ```
#[derive(Clone, Default)]
pub struct PiiMasker {
    pii: Option<Pii>,
    extra_sensitive: Vec<Box<str>>,
    extra_safe: Vec<Box<str>>,
    exempt: Vec<Vec<Seg>>,
    /// Names this masker's key rules in the per-thread classification memo: 0 for the
    /// default rules, a fresh number whenever rules are added (clones share it).
    rules: u64,
}

/// A path's key-based action, remembered per thread: the keys of a service's lines repeat.
#[derive(Clone, Copy)]
struct ActSlot {
    rules: u64,
    len: u8,
    path: [u8; ACT_PATH],
    action: Action,
}

/// Memoized paths per thread (direct-mapped), and the longest path memoized.
const ACT_SLOTS: usize = 64;
const ACT_PATH: usize = 48;

thread_local! {
    static ACTIONS: memo::Table<ActSlot> = const { RefCell::new(Vec::new()) };
}

/// The memo's slot for `path`: its length and first and last 8 bytes mixed (the slot
/// keeps the whole path to compare, so this only has to spread paths well).
#[inline]
fn slot_of(path: &[u8]) -> usize {
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let n = path.len();
    let (head, tail) = (&path[..n.min(8)], &path[n.saturating_sub(8)..]);
    let h =
        (word(head) ^ word(tail).rotate_left(29) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 58) as usize % ACT_SLOTS
}

impl fmt::Debug for PiiMasker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PiiMasker")
            .field("pii", &self.pii)
            .field("extra_sensitive", &self.extra_sensitive)
            .field("extra_safe", &self.extra_safe)
            .field("exempt", &self.exempt.len())
            .finish()
    }
}

/// Keys as the rules compare them (ASCII case folded).
fn lowercased<I, S>(keys: I) -> impl Iterator<Item = Box<str>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    keys.into_iter()
        .map(|k| k.as_ref().to_ascii_lowercase().into())
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl PiiMasker {
    /// A masker with the default rules that tokenizes with the process-wide PII
    /// configuration ([`configure`](super::configure), or the `PII_*` variables).
    ///
    /// # Examples
    /// ```
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// # let _ = masker;
    /// ```
    pub fn new() -> PiiMasker {
        PiiMasker::default()
    }

    /// [`PiiMasker::new`] plus the `ECSCTX_MASK_SENSITIVE_KEYS`, `ECSCTX_MASK_SAFE_KEYS` and
    /// `ECSCTX_MASK_EXEMPT_PATHS` environment variables (comma-separated lists).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// std::env::set_var("ECSCTX_MASK_SAFE_KEYS", "product_name");
    /// let masker = ecsctx::pii::PiiMasker::from_env();
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("extra.product_name", "Blue shoes", &mut out));
    /// ```
    pub fn from_env() -> PiiMasker {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        PiiMasker::new()
            .with_sensitive_keys(split_list(&var("ECSCTX_MASK_SENSITIVE_KEYS")))
            .with_safe_keys(split_list(&var("ECSCTX_MASK_SAFE_KEYS")))
            .with_exempt_paths(split_list(&var("ECSCTX_MASK_EXEMPT_PATHS")))
    }

    /// Tokenizes with this [`Pii`] instead of the process-wide configuration.
    ///
    /// # Examples
    /// See [`PiiMasker`].
    pub fn with_pii(mut self, pii: Pii) -> PiiMasker {
        self.pii = Some(pii);
        self
    }

    /// Adds key substrings (case-insensitive) that mark a value as personal.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_sensitive_keys(["iban"]);
    /// let mut out = String::new();
    /// assert!(masker.mask_str("extra.payer_IBAN", "KW81CBKU0000000000001234560101", &mut out));
    /// assert!(!out.contains("KW81"));
    /// ```
    pub fn with_sensitive_keys<I, S>(mut self, keys: I) -> PiiMasker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.extra_sensitive.extend(lowercased(keys));
        self.rules = crate::ids::next();
        self
    }

    /// Adds whole keys (case-insensitive) that are never key-masked.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_safe_keys(["product_name"]);
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("extra.product_name", "Blue shoes", &mut out));
    /// ```
    pub fn with_safe_keys<I, S>(mut self, keys: I) -> PiiMasker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.extra_safe.extend(lowercased(keys));
        self.rules = crate::ids::next();
        self
    }

    /// Adds dotted paths (and their subtrees) exempt from key-based masking; `*` matches any
    /// key, `[]` an array element. Emails, phones and cards in them are still scrubbed.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_exempt_paths(["payload.items.[].*"]);
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("payload.items.[].name", "Blue shoes", &mut out));
    /// assert!(masker.mask_str("payload.items.[].name", "for bob@example.com", &mut out));
    /// ```
    pub fn with_exempt_paths<I, S>(mut self, paths: I) -> PiiMasker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for p in paths {
            let segs = p
                .as_ref()
                .split('.')
                .map(|s| match s {
                    "*" => Seg::Any,
                    s => Seg::Key(s.into()),
                })
                .collect();
            self.exempt.push(segs);
        }
        self.rules = crate::ids::next();
        self
    }

    /// Masks `value` found at `path`, returning the input when nothing matched.
    ///
    /// # Examples
    /// ```
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// assert_eq!(masker.mask("message", "nothing to hide"), "nothing to hide");
    /// ```
    pub fn mask<'a>(&self, path: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
        let mut out = String::new();
        if self.mask_str(path, value, &mut out) {
            std::borrow::Cow::Owned(out)
        } else {
            std::borrow::Cow::Borrowed(value)
        }
    }

    /// The key-based action for `path` (exemptions applied), memoized per thread.
    #[inline]
    fn action(&self, path: &str) -> Action {
        let b = path.as_bytes();
        if b.len() > ACT_PATH {
            return self.action_uncached(path);
        }
        let i = slot_of(b);
        let hit = memo::get(&ACTIONS, i, |s| {
            (s.rules == self.rules && usize::from(s.len) == b.len() && &s.path[..b.len()] == b)
                .then_some(s.action)
        });
        if let Some(a) = hit {
            return a;
        }
        let action = self.action_uncached(path);
        let empty = || ActSlot {
            // Never a masker's rules id (ids start at 1; the default rules are 0).
            rules: u64::MAX,
            len: 0,
            path: [0; ACT_PATH],
            action: Action::None,
        };
        memo::put(&ACTIONS, ACT_SLOTS, empty, i, |s| {
            s.rules = self.rules;
            s.len = b.len() as u8;
            s.path[..b.len()].copy_from_slice(b);
            s.action = action;
        });
        action
    }

    fn action_uncached(&self, path: &str) -> Action {
        if self.exempt.is_empty() || !self.is_exempt(path) {
            self.classify(path)
        } else {
            Action::None
        }
    }

    fn is_exempt(&self, path: &str) -> bool {
        self.exempt.iter().any(|pat| {
            let mut segs = path.split('.');
            pat.iter().all(|p| match (p, segs.next()) {
                (_, None) => false,
                (Seg::Any, Some(_)) => true,
                (Seg::Key(k), Some(s)) => &**k == s,
            })
        })
    }

    fn classify(&self, path: &str) -> Action {
        // The key is the last segment that is not an array element.
        let mut rev = path.rsplit('.').filter(|s| *s != "[]");
        let Some(key) = rev.next() else {
            return Action::None;
        };
        if (6..=19).contains(&key.len()) {
            if AUTH_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) {
                return Action::Auth;
            }
            if COOKIE_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) {
                return Action::Cookie;
            }
        }
        let sensitive = has_sensitive_substring(key)
            || self.extra_sensitive.iter().any(|n| contains_ci(key, n));
        if !sensitive {
            // `related.user` is the only personal ECS field without a sensitive substring.
            if key == "user" && path.starts_with("related.") {
                return Action::Tokenize;
            }
            return Action::None;
        }
        // The crate's own job metadata (`integrations::jobs`, `extra.job.name` or
        // `job.name`): the name of a job type is not personal data.
        if key == "name" && path.rsplit('.').filter(|s| *s != "[]").nth(1) == Some("job") {
            return Action::None;
        }
        let root = path.split('.').next().unwrap_or("");
        if crate::placement::is_ecs_field_set(root)
            && !path.split('.').any(|seg| seg == "headers" || seg == "body")
        {
            let parent = rev.next().unwrap_or("");
            let grand = rev.next().unwrap_or("");
            let personal_leaf = matches!(key, "name" | "full_name" | "email");
            let personal = (personal_leaf
                && (parent == "user"
                    || (grand == "user" && matches!(parent, "target" | "effective" | "changes"))))
                || (key == "address" && (root == "email" || parent == "email"))
                || (root == "url" && key == "username");
            if personal {
                return Action::Tokenize;
            }
            if ECS_NON_PERSONAL_LEAVES.contains(&key) {
                return Action::None;
            }
        }
        if SAFE.iter().any(|s| key.eq_ignore_ascii_case(s))
            || self.extra_safe.iter().any(|s| key.eq_ignore_ascii_case(s))
        {
            return Action::None;
        }
        Action::Tokenize
    }

    /// Appends the token of `value`, or [`REDACTED`] when no keyset is available.
    fn token(&self, value: &str, field_type: &str, out: &mut String) {
        self.token_with(out, |p, out| p.tokenize_into(value, field_type, out));
    }

    /// Appends the token of a key-masked `value`, typed by what the whole value is.
    fn token_detected(&self, value: &str, out: &mut String) {
        self.token_with(out, |p, out| {
            p.tokenize_detected_into(value, PiiMasker::whole_kind, out)
        });
    }

    /// Tokenizes with this masker's [`Pii`] (else the process-wide one); [`REDACTED`] when
    /// no keyset is available.
    fn token_with(
        &self,
        out: &mut String,
        f: impl Fn(&Pii, &mut String) -> Result<(), super::Error>,
    ) {
        let r = match &self.pii {
            Some(p) => f(p, out),
            None => with_global(|p| f(p, out)),
        };
        if r.is_err() {
            out.push_str(REDACTED);
        }
    }

    /// Replaces emails, phones and cards inside `value`; `false` when nothing matched.
    fn scan(&self, value: &str, out: &mut String) -> bool {
        let (at, digits) = precheck(value);
        if !at && !digits {
            return false;
        }
        let mut tmp = String::new();
        let s: &str = if at && self.replace_emails(value, &mut tmp) {
            &tmp
        } else {
            value
        };
        if digits && self.replace_digits(s, out) {
            return true;
        }
        if !tmp.is_empty() {
            out.push_str(&tmp);
            return true;
        }
        false
    }

    fn replace_emails(&self, value: &str, out: &mut String) -> bool {
        let b = value.as_bytes();
        let mut last = 0;
        let mut i = 0;
        let mut changed = false;
        while let Some(off) = b[i..].iter().position(|&c| c == b'@') {
            let at = i + off;
            i = at + 1;
            if at < last {
                continue;
            }
            if let Some((s, e)) = email_span(value, at, last) {
                out.push_str(&value[last..s]);
                self.token(&value[s..e], "email", out);
                last = e;
                i = e;
                changed = true;
            }
        }
        if changed {
            out.push_str(&value[last..]);
        }
        changed
    }

    fn replace_digits(&self, value: &str, out: &mut String) -> bool {
        let mut last = 0;
        let mut changed = false;
        let mut it = value.char_indices().peekable();
        let mut prev: Option<char> = None;
        while let Some((i, c)) = it.next() {
            if c == 'p' && is_protected(&value[i..]) {
                // Skip an existing token or ciphertext.
                let end = value[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')))
                    .map_or(value.len(), |n| i + n);
                while it.peek().is_some_and(|&(j, _)| j < end) {
                    it.next();
                }
                prev = value[..end].chars().next_back();
                continue;
            }
            let plus = c == '+' && value[i + 1..].chars().next().is_some_and(is_decimal_digit);
            if !(is_decimal_digit(c) || plus) {
                prev = Some(c);
                continue;
            }
            let run = Run::parse(value, i);
            while it.peek().is_some_and(|&(j, _)| j < run.end) {
                it.next();
            }
            let next = value[run.end..].chars().next();
            let after = value[run.end..].chars().nth(1);
            let glued_before = prev
                .is_some_and(|p| p.is_alphanumeric() || matches!(p, '_' | '.' | '/' | ':' | '\\'));
            let glued_after =
                next.is_some_and(|n| n.is_alphanumeric() || matches!(n, '_' | '/' | '\\'));
            // 1234567.89, 12:30, 1,234,567: a number, not a phone.
            let continues =
                matches!(next, Some('.' | ':' | ',')) && after.is_some_and(is_decimal_digit);
            let phone_ok = !(glued_before || glued_after || continues);
            self.emit_run(value, &run, phone_ok, &mut last, &mut changed, out);
            prev = value[..run.end].chars().next_back();
        }
        if changed {
            out.push_str(&value[last..]);
        }
        changed
    }

    fn emit_run(
        &self,
        value: &str,
        run: &Run,
        phone_ok: bool,
        last: &mut usize,
        changed: &mut bool,
        out: &mut String,
    ) {
        let g = &run.groups[..run.len];
        let mut i = 0;
        while i < g.len() {
            // YYYY-MM-DD is a date, not a phone number.
            if i + 2 < g.len()
                && g[i].digits == 4
                && g[i + 1].digits == 2
                && g[i + 2].digits == 2
                && value[g[i].end..g[i + 1].start] == *"-"
                && value[g[i + 1].end..g[i + 2].start] == *"-"
            {
                i += 3;
                continue;
            }
            // The longest Luhn-valid card starting at group i.
            let mut card = None;
            let mut total = 0;
            for j in i..g.len() {
                total += g[j].digits;
                if total > 19 {
                    break;
                }
                if j > i && !card_separator(&value[g[j - 1].end..g[j].start]) {
                    break;
                }
                if total >= 13 && luhn(value, &g[i..=j]) {
                    card = Some(j);
                }
            }
            if let Some(j) = card {
                out.push_str(&value[*last..g[i].start]);
                write_card(value, &g[i..=j], out);
                *last = g[j].end;
                *changed = true;
                i = j + 1;
                continue;
            }
            if phone_ok {
                let mut phone = None;
                let mut total = 0;
                for (j, gj) in g.iter().enumerate().skip(i) {
                    total += gj.digits;
                    if total > 15 {
                        break;
                    }
                    if total >= 7 {
                        phone = Some(j);
                    }
                }
                if let Some(j) = phone {
                    let start = g[i].plus_start;
                    out.push_str(&value[*last..start]);
                    self.token(&value[start..g[j].end], "phone", out);
                    *last = g[j].end;
                    *changed = true;
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// The field type for a key-masked value: what the whole value is.
    fn whole_kind(value: &str) -> &'static str {
        let t = super::normalize::py_strip(value);
        if let Some(at) = t.find('@') {
            if email_span(t, at, 0) == Some((0, t.len())) {
                return "email";
            }
        }
        if is_whole_phone(t) {
            return "phone";
        }
        "generic"
    }
}

impl Masker for PiiMasker {
    fn mask_str(&self, path: &str, value: &str, out: &mut String) -> bool {
        if is_protected(value) || value == REDACTED {
            return false;
        }
        match self.action(path) {
            Action::None => self.scan(value, out),
            Action::Auth => {
                mask_auth(value, out);
                true
            }
            Action::Cookie => {
                out.push_str("****");
                true
            }
            Action::Tokenize => {
                if value.trim().is_empty() {
                    return false;
                }
                self.token_detected(value, out);
                true
            }
        }
    }

    fn mask_key(&self, _parent_path: &str, key: &str, out: &mut String) -> bool {
        !is_protected(key) && self.scan(key, out)
    }
}

// === scanners ===

/// Whether `key` contains one of the sensitive substrings (`SENSITIVE`, case-insensitive), in one pass that
/// dispatches on the first letter of each needle.
#[inline]
fn has_sensitive_substring(key: &str) -> bool {
    let k = key.as_bytes();
    let at =
        |i: usize, n: &[u8]| k.len() - i >= n.len() && k[i..i + n.len()].eq_ignore_ascii_case(n);
    for (i, &b) in k.iter().enumerate() {
        let hit = match b | 0x20 {
            b'n' => at(i, b"name"),
            b'p' => at(i, b"payer") || at(i, b"phone"),
            b'b' => at(i, b"billing") || at(i, b"beneficiary"),
            b's' => at(i, b"shipping"),
            b'c' => at(i, b"customer") || at(i, b"cardholder") || at(i, b"contact"),
            b'e' => at(i, b"email"),
            b'm' => at(i, b"mobile"),
            b't' => at(i, b"tel"),
            b'r' => at(i, b"recipient"),
            b'a' => at(i, b"address"),
            b'u' => at(i, b"udf"),
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// Case-insensitive ASCII substring test; `needle` is lowercase.
#[inline]
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// One pass over the bytes: is there an `@`, a run of at least 7 digits (separators
/// allowed), or non-ASCII text (which may hold non-ASCII digits)? Allocates nothing.
#[inline]
fn precheck(value: &str) -> (bool, bool) {
    let mut at = false;
    let mut run = 0u32;
    for &c in value.as_bytes() {
        match c {
            b'0'..=b'9' => {
                run += 1;
                if run >= 7 {
                    return (at || value.as_bytes().contains(&b'@'), true);
                }
            }
            b'@' => at = true,
            b' ' | b'-' | b'(' | b')' | b'+' => {}
            0x80.. => return (at || value.as_bytes().contains(&b'@'), true),
            _ => run = 0,
        }
    }
    (at, false)
}

#[inline]
fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '.' | '_'
                | '%'
                | '+'
                | '-'
                | '\''
                | '!'
                | '#'
                | '$'
                | '&'
                | '*'
                | '='
                | '?'
                | '^'
                | '`'
                | '{'
                | '|'
                | '}'
                | '~'
        )
        || (!c.is_ascii() && c.is_alphanumeric())
}

#[inline]
fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
}

/// The email address around the `@` at byte `at`, not starting before `floor`.
fn email_span(s: &str, at: usize, floor: usize) -> Option<(usize, usize)> {
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
    let after = &s[at + 1..];
    let mut end = at + 1;
    for (i, c) in after.char_indices() {
        if is_domain_char(c) {
            end = at + 1 + i + c.len_utf8();
        } else {
            break;
        }
    }
    while end > at + 1 && matches!(s.as_bytes()[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &s[at + 1..end];
    let (labels, tld) = domain.rsplit_once('.')?;
    if labels.is_empty()
        || labels.split('.').any(str::is_empty)
        || tld.chars().count() < 2
        || !tld.chars().all(char::is_alphabetic)
    {
        return None;
    }
    Some((start, end))
}

fn is_whole_phone(t: &str) -> bool {
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

#[derive(Clone, Copy, Default)]
struct Group {
    /// Start of the digits, or of a `+` right before them.
    plus_start: usize,
    start: usize,
    end: usize,
    digits: usize,
}

/// Digit groups separated by at most two of ` `, `-`, `(`, `)` (and a `+` that starts a
/// group).
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
        loop {
            let plus_start = i;
            if b.get(i) == Some(&b'+') {
                i += 1;
            }
            let gstart = i;
            let mut digits = 0;
            while let Some(c) = s[i..].chars().next().filter(|&c| is_decimal_digit(c)) {
                i += c.len_utf8();
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
            let k = if b.get(j) == Some(&b'+') { j + 1 } else { j };
            if seps == 0 || !s[k..].chars().next().is_some_and(is_decimal_digit) {
                break;
            }
            i = j;
        }
        run
    }
}

fn card_separator(sep: &str) -> bool {
    matches!(sep, " " | "-")
}

fn digits_of<'a>(s: &'a str, g: &'a [Group]) -> impl Iterator<Item = u32> + 'a {
    g.iter()
        .flat_map(move |g| s[g.start..g.end].chars())
        .map(nd_value)
}

/// The value of a Unicode decimal digit.
fn nd_value(c: char) -> u32 {
    super::normalize::decimal_value(c).unwrap_or(0)
}

fn luhn(s: &str, g: &[Group]) -> bool {
    let digits: u32 = g.iter().map(|g| g.digits as u32).sum();
    let mut sum = 0;
    for (k, d) in digits_of(s, g).enumerate() {
        // Double every second digit from the right.
        let from_right = digits - 1 - k as u32;
        sum += if from_right % 2 == 1 {
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

fn write_card(s: &str, g: &[Group], out: &mut String) {
    let n: usize = g.iter().map(|g| g.digits).sum();
    for (k, d) in digits_of(s, g).enumerate() {
        if k < 6 || k >= n - 4 {
            out.push(char::from_digit(d, 10).unwrap_or('*'));
        } else {
            out.push('*');
        }
    }
}

/// Masks a credential header by its name (`authorization`, `x-api-key`, … →
/// `Bearer abcd****wxyz`; `cookie`, `set-cookie` → `****`); `None` for other headers.
/// The single rule for every place that logs headers (the masker, the HTTP layer).
#[cfg_attr(not(feature = "tower"), allow(dead_code))]
pub(crate) fn mask_header(name: &str, value: &str) -> Option<String> {
    if COOKIE_KEYS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
        return Some("****".to_owned());
    }
    if !AUTH_KEYS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
        return None;
    }
    let mut out = String::with_capacity(value.len().min(64));
    mask_auth(value, &mut out);
    Some(out)
}

/// The reference's auth header mask.
fn mask_auth(value: &str, out: &mut String) {
    fn secret(s: &str, out: &mut String) {
        let n = s.chars().count();
        if n > 8 {
            out.extend(s.chars().take(4));
            out.push_str("****");
            out.extend(s.chars().skip(n - 4));
        } else {
            out.push_str("****");
        }
    }
    match value.split_once(' ') {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push(' ');
            secret(rest, out);
        }
        None => secret(value, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_vectors() {
        for (i, o) in [
            ("Bearer abcdefghijklmnop1234", "Bearer abcd****1234"),
            ("Bearer short", "Bearer ****"),
            ("Token 12345678", "Token ****"),
            ("Token 123456789", "Token 1234****6789"),
            ("abcdefghijkl", "abcd****ijkl"),
            ("abcd", "****"),
            ("Basic dXNlcjpwYXNz", "Basic dXNl****YXNz"),
            ("", "****"),
            ("Bearer  doublespace1234", "Bearer  dou****1234"),
        ] {
            let mut s = String::new();
            mask_auth(i, &mut s);
            assert_eq!(s, o);
        }
    }

    #[test]
    fn job_names_are_not_personal_other_names_are() {
        let m = PiiMasker::new();
        assert_eq!(m.classify("extra.job.name"), Action::None);
        assert_eq!(m.classify("job.name"), Action::None);
        assert_eq!(m.classify("extra.customer.name"), Action::Tokenize);
        assert_eq!(m.classify("extra.job.customer_name"), Action::Tokenize);
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
    }

    #[test]
    fn nd_values_and_luhn() {
        assert_eq!(nd_value('\u{0669}'), 9);
        assert_eq!(nd_value('\u{0660}'), 0);
        assert_eq!(nd_value('\u{1D7D8}'), 0); // mathematical double-struck zero (2nd block)
        assert_eq!(nd_value('\u{1D7E1}'), 9);
        let m = PiiMasker::new();
        let mut out = String::new();
        assert!(m.replace_digits("4111-1111-1111-1111", &mut out));
        assert_eq!(out, "411111******1111");
        out.clear();
        assert!(!m.replace_digits("4111-1111-1111-1112 2024-01-01 12:00:00", &mut out));
    }

    #[test]
    fn classification() {
        let m = PiiMasker::new()
            .with_sensitive_keys(["iban"])
            .with_safe_keys(["product_name"]);
        for (p, a) in [
            ("extra.customer_name", Action::Tokenize),
            ("extra.gateway_name", Action::None),
            ("extra.Customer_ID", Action::None),
            ("payload.items.[].phone", Action::Tokenize),
            ("extra.emails.[]", Action::Tokenize),
            ("user.email", Action::Tokenize),
            ("user.name", Action::Tokenize),
            ("client.user.full_name", Action::Tokenize),
            ("user.target.name", Action::Tokenize),
            ("user.group.name", Action::None),
            ("user.phone", Action::Tokenize),
            ("service.name", Action::None),
            ("host.hostname", Action::None),
            ("client.address", Action::None),
            ("email.from.address", Action::Tokenize),
            ("url.username", Action::Tokenize),
            ("http.request.body.customer_name", Action::Tokenize),
            ("http.request.headers.authorization", Action::Auth),
            ("headers.Cookie", Action::Cookie),
            ("labels.customer_name", Action::Tokenize),
            ("extra.payer_iban", Action::Tokenize),
            ("extra.product_name", Action::None),
            ("message", Action::None),
        ] {
            assert_eq!(m.classify(p), a, "{p}");
        }
    }

    #[test]
    fn sensitive_dispatch_matches_the_list() {
        for key in [
            "x",
            "Customer_Name",
            "PAYER",
            "telco",
            "hotel",
            "udf3",
            "shipping_to",
            "ids",
            "beneficiaryX",
            "contactless",
            "mail",
        ] {
            let slow = SENSITIVE.iter().any(|n| contains_ci(key, n));
            assert_eq!(has_sensitive_substring(key), slow, "{key}");
        }
    }

    #[test]
    fn exempt_patterns() {
        let m = PiiMasker::new().with_exempt_paths(["extra.*.name", "payload.items.[]"]);
        assert!(m.is_exempt("extra.product.name"));
        assert!(m.is_exempt("payload.items.[].customer_name"));
        assert!(!m.is_exempt("extra.name"));
        assert!(!m.is_exempt("payload.customer_name"));
    }

    #[test]
    fn action_memo_follows_each_maskers_rules() {
        let plain = PiiMasker::new();
        let safe = PiiMasker::new().with_safe_keys(["product_name"]);
        let exempt = safe.clone().with_exempt_paths(["payload.*"]);
        for _ in 0..3 {
            // Same paths, alternating maskers, on one thread: each keeps its own answer.
            assert_eq!(plain.action("extra.product_name"), Action::Tokenize);
            assert_eq!(safe.action("extra.product_name"), Action::None);
            assert_eq!(safe.action("payload.customer"), Action::Tokenize);
            assert_eq!(exempt.action("payload.customer"), Action::None);
            assert_eq!(plain.action("payload.customer"), Action::Tokenize);
            // A clone shares its rules (and the memo entries).
            assert_eq!(safe.clone().action("extra.product_name"), Action::None);
            // Too long to memoize: still classified.
            let long = format!("extra.{}.customer_name", "x".repeat(60));
            assert_eq!(plain.action(&long), Action::Tokenize);
        }
    }

    #[test]
    fn precheck_fast_path() {
        assert_eq!(precheck("GET /api/v1/orders 200"), (false, false));
        assert_eq!(precheck("order 12 34 567"), (false, true));
        assert_eq!(precheck("a@b"), (true, false));
    }
}
