//! Where a key goes: ECS field sets and the allowlist stay at the root, everything else
//! is wrapped into `extra`; dotted keys are paths; `labels` keys are sanitized.

mod ecs_leaves;
mod ecs_sets;
mod ecs_typed;

#[cfg(test)]
use ecs_sets::ECS_FIELD_SETS;

/// The custom keys that stay at the document root by default (besides ECS field sets).
pub const DEFAULT_ROOT_FIELDS: [&str; 8] = [
    "payment",
    "project",
    "merchant_id",
    "session_id",
    "view",
    "labels",
    "payload",
    "headers",
];

/// Whether `top` is an ECS top-level field set (an object with sub-fields, such as
/// `error`, `http`, `user`).
///
/// # Examples
/// ```
/// assert!(ecsctx::placement::is_ecs_field_set("error"));
/// assert!(!ecsctx::placement::is_ecs_field_set("amount"));
/// ```
#[inline]
pub fn is_ecs_field_set(top: &str) -> bool {
    ecs_sets::is_field_set(top)
}

/// The longest key written, in bytes: a longer one (a value logged as a key by mistake)
/// is cut to this at a character boundary.
pub(crate) const MAX_KEY: usize = 256;

/// `key`, cut to [`MAX_KEY`] bytes.
#[inline]
pub(crate) fn cap_key(key: &str) -> &str {
    if key.len() <= MAX_KEY {
        return key;
    }
    let mut end = MAX_KEY;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

/// The ECS field holding one value that a key at `path` would go below (`user.id` for
/// `user.id.x`, `tags` for `tags.x`): Elasticsearch maps that field as a value, so a
/// document with a key below it is rejected (a mapping conflict). `None` for every other
/// path, including anything under `extra`.
pub(crate) fn ecs_leaf_above(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let top_end = b.iter().position(|&c| c == b'.')?;
    let top = &path[..top_end];
    let field_set = is_ecs_field_set(top);
    if !field_set && top != "tags" {
        return None;
    }
    let is_leaf = |prefix: &str| ecs_leaves::ECS_LEAVES.binary_search(&prefix).is_ok();
    // A field set itself is an object; `tags` is a value.
    if !field_set && is_leaf(top) {
        return Some(top);
    }
    // Each longer prefix that ends before a dot (byte loops: a path is short).
    let mut end = top_end + 1;
    while let Some(p) = b[end..].iter().position(|&c| c == b'.') {
        let prefix = &path[..end + p];
        if is_leaf(prefix) {
            return Some(prefix);
        }
        end += p + 1;
    }
    None
}

/// The datatype of an ECS value field that is not a string (`placement::ecs_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `long`, `integer`, `short`, `byte`, `unsigned_long`.
    Int,
    /// `float`, `double`, `scaled_float`, `half_float`.
    Float,
    /// `boolean`.
    Bool,
    /// `ip`.
    Ip,
    /// `date`.
    Date,
}

/// The datatype of the ECS value field at `path` when it is not a string
/// (`http.response.status_code` → `Int`, `client.ip` → `Ip`); `None` for a string field
/// and any other path: one hash of the path and usually one comparison.
#[inline]
pub(crate) fn ecs_type(path: &str) -> Option<Ty> {
    let slots = &ecs_typed::ECS_TYPED_SLOTS;
    let mut i = fnv1a(path.as_bytes()) as usize;
    loop {
        i &= slots.len() - 1;
        let (p, ty) = ecs_typed::ECS_TYPED[usize::from(slots[i]).checked_sub(1)?];
        if p == path {
            return Some(ty);
        }
        i += 1;
    }
}

/// FNV-1a, 64 bits (the generator builds `ECS_TYPED_SLOTS` with the same function).
#[inline]
fn fnv1a(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &c| {
        (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether `text` (a string logged at an ECS field of datatype `ty`) is a value of that
/// type; `Some(json)` when it is, with the JSON to write for it, a part of `text`: the
/// number or boolean itself (`"200"` → `200`), or `None` for the string as it is (an
/// address, a date).
/// `Err(())` when it is not one: the caller moves it to `extra`.
pub(crate) fn typed_value(ty: Ty, text: &str) -> Result<Option<&str>, ()> {
    let t = text.trim();
    match ty {
        Ty::Int if is_json_number(t, false) => Ok(Some(t)),
        Ty::Float if is_json_number(t, true) => Ok(Some(t)),
        Ty::Bool if t == "true" || t == "false" => Ok(Some(t)),
        Ty::Ip if t.parse::<std::net::IpAddr>().is_ok() => Ok(None),
        Ty::Date if is_date(t) => Ok(None),
        _ => Err(()),
    }
}

/// A JSON number (`-12`, `12.5`, `1e3`; a fraction or exponent only when `fraction`).
fn is_json_number(t: &str, fraction: bool) -> bool {
    let b = t.strip_prefix('-').unwrap_or(t).as_bytes();
    let int_end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    if int_end == 0 || (b[0] == b'0' && int_end > 1) || int_end > 40 {
        return false;
    }
    let mut rest = &b[int_end..];
    if rest.is_empty() {
        return true;
    }
    if !fraction {
        return false;
    }
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    if let Some(r) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let r = r
            .strip_prefix(b"+")
            .or_else(|| r.strip_prefix(b"-"))
            .unwrap_or(r);
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 3 {
            return false;
        }
        rest = &r[n..];
    }
    rest.is_empty()
}

/// A date Elasticsearch's default `date` format reads: `yyyy-MM-dd`, optionally followed
/// by `T` and a time (`strict_date_optional_time`).
fn is_date(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && (b.len() == 10 || (b[10] == b'T' && digits(11..13)))
}

/// The reference package's context shorthands and the ECS field each stands for. The
/// macro crate checks `bind!` values against the same pairs (`ecsctx-macros/src/ast.rs`;
/// a test here keeps the two lists equal).
pub(crate) const SHORTHANDS: &[(&str, &str)] = &[
    ("ip", "client.ip"),
    ("orn", "payment.orn"),
    ("pg_code", "payment.pg_code"),
    ("reference_number", "payment.reference"),
    ("span_id", "span.id"),
    ("user_id", "user.id"),
];

/// The field a context shorthand stands for (`span_id` → `span.id`, …), applied when
/// binding context.
pub(crate) fn shorthand(key: &str) -> Option<&'static str> {
    SHORTHANDS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The placement rules of one logger: which top-level keys stay at the root.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    /// Sorted; the default allowlist plus additions from code and `ECSCTX_ROOT_FIELDS`.
    roots: Vec<Box<str>>,
}

impl Default for Policy {
    fn default() -> Self {
        Self::with_roots(std::iter::empty::<&str>())
    }
}

impl Policy {
    pub(crate) fn with_roots<I, S>(extra: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut roots: Vec<Box<str>> = DEFAULT_ROOT_FIELDS.iter().map(|s| (*s).into()).collect();
        for s in extra {
            let s = s.as_ref().trim();
            if !s.is_empty() && !s.contains('.') {
                roots.push(s.into());
            }
        }
        roots.sort();
        roots.dedup();
        Self { roots }
    }

    /// Whether a top-level key stays at the root.
    #[inline]
    pub(crate) fn is_root(&self, top: &str) -> bool {
        is_ecs_field_set(top)
            || top == "tags"
            || top == "extra"
            || self
                .roots
                .iter()
                .any(|r| r.len() == top.len() && **r == *top)
    }

    /// Writes the placed dotted path of the key `raw` into `path` (cleared first) and
    /// returns its number of segments.
    ///
    /// Keys are cut to [`MAX_KEY`] bytes; empty segments are dropped; keys under `labels`
    /// become one sanitized label key; the header keys (`message`, `@timestamp`,
    /// `log.level`, `ecs.version`) cannot be overwritten and go to `extra`.
    #[inline]
    pub(crate) fn place(&self, raw: &str, path: &mut String) -> usize {
        path.clear();
        let raw = cap_key(raw);
        // Fast path: a well-formed key (no empty segment) outside `labels`, copied as it is.
        // One scan finds the top segment, counts the dots and spots an empty segment.
        let b = raw.as_bytes();
        let (mut dots, mut top_end, mut after_dot, mut well_formed) = (0, b.len(), true, true);
        for (i, &c) in b.iter().enumerate() {
            if c == b'.' {
                if after_dot {
                    well_formed = false;
                    break;
                }
                if dots == 0 {
                    top_end = i;
                }
                dots += 1;
                after_dot = true;
            } else {
                after_dot = false;
            }
        }
        if well_formed && !after_dot {
            let top = &raw[..top_end];
            if top != "labels" {
                if self.goes_to_extra(top, raw) {
                    path.push_str("extra.");
                    path.push_str(raw);
                    return dots + 2;
                }
                path.push_str(raw);
                return dots + 1;
            }
        }
        self.place_slow(raw, path);
        path.bytes().filter(|&b| b == b'.').count() + 1
    }

    /// Whether the key `raw` (top-level segment `top`) is wrapped into `extra`: it is not
    /// a root key, or it would overwrite the header.
    #[inline]
    fn goes_to_extra(&self, top: &str, raw: &str) -> bool {
        top == "message"
            || top == "@timestamp"
            || raw == "log.level"
            || raw == "ecs.version"
            || !self.is_root(top)
    }

    /// Keys with empty segments, and `labels`.
    fn place_slow(&self, raw: &str, path: &mut String) {
        let mut segs = segments(raw).filter(|s| !s.is_empty());
        let Some(top) = segs.next() else {
            path.push_str("extra._");
            return;
        };
        if top == "labels" {
            path.push_str("labels");
            let mut first = true;
            for s in segs {
                path.push(if first { '.' } else { '_' });
                first = false;
                push_label_segment(path, s);
            }
            return;
        }
        if self.goes_to_extra(top, raw) {
            path.push_str("extra.");
        }
        path.push_str(top);
        for s in segs {
            path.push('.');
            path.push_str(s);
        }
    }
}

/// The dot-separated segments of `raw` (a byte loop: `str::split('.')`'s searcher costs
/// more on a key's few bytes).
fn segments(raw: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(raw);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|c| c == b'.') {
            Some(p) => {
                rest = Some(&r[p + 1..]);
                Some(&r[..p])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Appends a label key with `.`, `*` and `\` replaced by `_` (ECS logging spec).
pub(crate) fn push_label_segment(path: &mut String, seg: &str) {
    for c in seg.chars() {
        path.push(match c {
            '.' | '*' | '\\' => '_',
            c => c,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(p: &Policy, k: &str) -> String {
        let mut s = String::new();
        let n = p.place(k, &mut s);
        assert_eq!(n, s.split('.').count(), "{s}");
        s
    }

    #[test]
    fn root_extra_and_dotted() {
        let p = Policy::default();
        assert_eq!(placed(&p, "amount"), "extra.amount");
        assert_eq!(placed(&p, "http.request.method"), "http.request.method");
        assert_eq!(placed(&p, "session_id"), "session_id");
        assert_eq!(placed(&p, "keyloop.store_id"), "extra.keyloop.store_id");
        assert_eq!(placed(&p, "a..b."), "extra.a.b");
        assert_eq!(placed(&p, "..."), "extra._");
        assert_eq!(placed(&p, "message"), "extra.message");
        assert_eq!(placed(&p, "log.level"), "extra.log.level");
        assert_eq!(placed(&p, "log.logger"), "log.logger");
        assert_eq!(placed(&p, "labels.a.b*c\\d"), "labels.a_b_c_d");
        assert_eq!(placed(&p, "tags"), "tags");
    }

    #[test]
    fn allowlist_is_extendable() {
        let p = Policy::with_roots(["order", " tenant ", "bad.key", ""]);
        assert_eq!(placed(&p, "order.id"), "order.id");
        assert_eq!(placed(&p, "tenant"), "tenant");
        assert_eq!(placed(&p, "bad"), "extra.bad");
    }

    #[test]
    fn field_sets_come_from_the_schema() {
        for s in [
            "error", "http", "url", "user", "client", "host", "event", "trace", "span",
        ] {
            assert!(is_ecs_field_set(s), "{s}");
        }
        assert!(!is_ecs_field_set("message"));
        assert!(is_sorted(&ECS_FIELD_SETS));
        for s in ECS_FIELD_SETS {
            assert!(is_ecs_field_set(s));
            assert!(!is_ecs_field_set(&format!("{s}x")));
        }
    }

    #[test]
    fn keys_below_an_ecs_value_field_are_found() {
        assert!(is_sorted(&ecs_leaves::ECS_LEAVES));
        for (path, leaf) in [
            ("user.id.x", Some("user.id")),
            ("tags.x", Some("tags")),
            (
                "http.response.status_code.y.z",
                Some("http.response.status_code"),
            ),
            ("http.response.status_code", None),
            ("client.geo.location.lat", None),
            ("labels.region", None),
            ("user.id", None),
            ("extra.user.id.x", None),
            ("amount", None),
        ] {
            assert_eq!(ecs_leaf_above(path), leaf, "{path}");
        }
    }

    #[test]
    fn typed_ecs_fields_and_their_values() {
        assert!(ecs_typed::ECS_TYPED.windows(2).all(|w| w[0].0 < w[1].0));
        // Every entry is found through the hash table.
        for (path, ty) in ecs_typed::ECS_TYPED {
            assert_eq!(ecs_type(path), Some(ty), "{path}");
        }
        for leaf in ecs_leaves::ECS_LEAVES {
            let typed = ecs_typed::ECS_TYPED.iter().any(|(p, _)| *p == leaf);
            assert_eq!(ecs_type(leaf).is_some(), typed, "{leaf}");
        }
        for (path, ty) in [
            ("http.response.status_code", Some(Ty::Int)),
            ("client.ip", Some(Ty::Ip)),
            ("event.duration", Some(Ty::Int)),
            ("event.start", Some(Ty::Date)),
            ("http.request.method", None),
            ("extra.client.ip", None),
            ("status_code", None),
        ] {
            assert_eq!(ecs_type(path), ty, "{path}");
        }
        for (ty, text, ok) in [
            (Ty::Int, "200", Ok(Some("200"))),
            (Ty::Int, " 200 ", Ok(Some("200"))),
            (Ty::Int, "-3", Ok(Some("-3"))),
            (Ty::Int, "12.5", Err(())),
            (Ty::Int, "OK", Err(())),
            (Ty::Int, "007", Err(())),
            (Ty::Int, "", Err(())),
            (Ty::Float, "12.5", Ok(Some("12.5"))),
            (Ty::Float, "1e3", Ok(Some("1e3"))),
            (Ty::Float, "NaN", Err(())),
            (Ty::Float, "1.", Err(())),
            (Ty::Bool, "true", Ok(Some("true"))),
            (Ty::Bool, "yes", Err(())),
            (Ty::Ip, "203.0.113.9", Ok(None)),
            (Ty::Ip, "::1", Ok(None)),
            (Ty::Ip, "localhost", Err(())),
            (Ty::Date, "2026-12-06", Ok(None)),
            (Ty::Date, "2026-12-06T08:00:00Z", Ok(None)),
            (Ty::Date, "yesterday", Err(())),
        ] {
            assert_eq!(typed_value(ty, text), ok, "{ty:?} {text:?}");
        }
    }

    fn is_sorted(v: &[&str]) -> bool {
        v.windows(2).all(|w| w[0] < w[1])
    }
}

#[cfg(test)]
mod shorthand_tests {
    /// The macro crate's `SHORTHANDS` (it cannot be a dependency of the runtime) holds
    /// exactly the runtime's pairs.
    #[test]
    fn the_macro_crate_checks_the_same_shorthands() {
        let ast = include_str!("../../../ecsctx-macros/src/ast.rs");
        let start = ast
            .find("pub(crate) const SHORTHANDS")
            .expect("the macro crate's SHORTHANDS");
        let block = &ast[start..start + ast[start..].find("];").unwrap()];
        let macro_pairs: Vec<(&str, &str)> = block
            .lines()
            .filter_map(|l| {
                let l = l.trim().strip_prefix("(\"")?.strip_suffix("\"),")?;
                l.split_once("\", \"")
            })
            .collect();
        assert_eq!(macro_pairs, super::SHORTHANDS);
    }
}
