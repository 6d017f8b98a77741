//! Values to JSON: one serde `Serializer` with two modes.
//!
//! * **Flatten** (a key-value's value, a bound field): scalars become leaves of the
//!   document at the current dotted path, maps and structs descend into their keys (so
//!   they deep-merge with context), sequences become one rendered leaf.
//! * **Json** (inside a sequence, or a subtree past the depth cap): plain JSON text.
//!
//! Every string passes through the [`Masker`] with its path, strings
//! are capped with a visible marker, non-finite floats become strings, and nesting is
//! capped so a pathological value still yields a valid line.

use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};

use super::entries::{Entries, Entry, KeySide};
use super::escape;
use super::num;
use crate::event::Arg;
use crate::mask::Masker;
use crate::memo;
use crate::placement;

/// The default longest string value, in bytes: with the cut marker, below Lucene's limit
/// for one indexed term (32,766 bytes), so a cut value still indexes whole in a
/// `keyword`, `flattened` or `flat_object` field (a longer one makes Elasticsearch and
/// OpenSearch reject the whole document: `tests/tests/search_round_trip.rs`).
pub(crate) const DEFAULT_MAX_STR: usize = 32_000;

/// Size limits applied while rendering values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Longest string value (bytes) before it is cut with a marker.
    pub(crate) max_str: usize,
    /// Deepest dotted path a value may flatten to; deeper subtrees become JSON text.
    pub(crate) max_depth: usize,
    /// Longest `error.stack_trace` (bytes) before it is cut with a marker.
    pub(crate) max_stack_trace: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_str: DEFAULT_MAX_STR,
            max_depth: 10,
            max_stack_trace: 8 * 1024,
        }
    }
}

/// Nesting inside a value rendered as JSON text (arrays, stringified subtrees).
const MAX_JSON_NEST: usize = 32;

/// Where a value comes from, for the once-per-call-site repair warning.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Site<'a> {
    pub(crate) file: Option<&'a str>,
    pub(crate) line: Option<u32>,
    pub(crate) target: &'a str,
}

/// Render settings shared by every value of one line (or one bind).
pub(crate) struct Cx<'c> {
    pub(crate) masker: Option<&'c dyn Masker>,
    pub(crate) limits: Limits,
    pub(crate) site: Site<'c>,
}

/// Reusable buffers for rendering (thread-local on the logging path).
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    pub(crate) entries: Entries,
    pub(crate) path: String,
    pub(crate) fmt_buf: String,
    pub(crate) mask_buf: String,
    pub(crate) key_buf: String,
    pub(crate) tmp: Vec<u8>,
    /// The sensitive name of the entry being written (`{"name":"DB_PASSWORD","value":
    /// …}`): its `value` is masked as that key's value.
    pub(crate) entry: String,
    /// A record's key-values as scalars (empty between lines; see
    /// [`recycle`](crate::event::recycle)).
    pub(crate) record_kvs: Vec<(&'static str, Arg<'static>)>,
}

impl Scratch {
    /// Places `key` (masked by `masker`, placed by `policy`) into `self.path` and returns
    /// its depth, remembered per thread for the settings `id` (a logger's id for its
    /// records and events, the bound settings' id for [`Fields`](crate::context::Fields)):
    /// records and binds repeat their keys, and a key's placement and masking cost about
    /// 450 instructions (see [`PLACED`]).
    pub(crate) fn place_key(
        &mut self,
        id: u64,
        masker: Option<&dyn Masker>,
        policy: &placement::Policy,
        key: &str,
    ) -> usize {
        let set = (key.len() <= PLACED_KEY).then(|| placed_set(key.as_bytes()));
        if let Some(i) = set {
            let path = &mut self.path;
            let hit = memo::get_in_set(&PLACED, i, 2, |p| {
                (p.id == id && p.key() == key.as_bytes()).then(|| {
                    path.clear();
                    path.push_str(&p.path);
                    p.depth
                })
            });
            if let Some(depth) = hit {
                return depth;
            }
        }
        let (depth, rewritten) = match masker {
            Some(m) => {
                let mut masked = std::mem::take(&mut self.key_buf);
                masked.clear();
                let rewritten = m.mask_key("", key, &mut masked);
                let k = if rewritten { &*masked } else { key };
                let depth = policy.place(k, &mut self.path);
                self.key_buf = masked;
                (depth, rewritten)
            }
            None => (policy.place(key, &mut self.path), false),
        };
        // A key the masker rewrites (digits or an address in it) is not remembered.
        if let (Some(i), false) = (set, rewritten) {
            memo::update(&PLACED, PLACED_SLOTS, PlacedSlot::default, |t| {
                // The newest entry goes first; the one it displaces becomes the older
                // (its path's buffer is reused for the new one).
                t.swap(i, i + 1);
                let p = &mut t[i];
                p.id = id;
                p.key_len = key.len() as u8;
                p.key[..key.len()].copy_from_slice(key.as_bytes());
                p.path.clear();
                p.path.push_str(&self.path);
                p.depth = depth;
            });
        }
        depth
    }

    /// Placed leaves of `value` under the already placed `path` (in `self.path`, with
    /// `depth` segments).
    ///
    /// A value whose `Serialize` fails is rolled back and recorded as a marker string.
    pub(crate) fn add_value<T: Serialize + ?Sized>(
        &mut self,
        cx: &Cx<'_>,
        depth: usize,
        value: &T,
    ) {
        let (k, v, l, g) = (
            self.entries.keys.len(),
            self.entries.vals.len(),
            self.entries.list.len(),
            self.entries.segs.len(),
        );
        let path_len = self.path.len();
        let res = value.serialize(Ser::new(self, cx, Mode::Flatten, depth));
        if let Err(e) = res {
            self.entries.keys.truncate(k);
            self.entries.vals.truncate(v);
            self.entries.list.truncate(l);
            self.entries.segs.truncate(g);
            self.path.truncate(path_len);
            let start = self.entries.vals.len();
            self.fmt_buf.clear();
            let _ = write!(self.fmt_buf, "[ecsctx: value failed to serialize: {}]", e.0);
            escape::write_str(&mut self.entries.vals, &self.fmt_buf, cx.limits.max_str);
            let Scratch { entries, path, .. } = self;
            entries.push(path, start);
        }
        self.path.truncate(path_len);
    }
}

/// A string value at `path`, masked and capped as every string is.
#[inline]
fn write_str_masked(out: &mut Vec<u8>, s: &str, path: &str, cx: &Cx<'_>, mask_buf: &mut String) {
    write_masked_with(out, s, cx, mask_buf, |m, s, buf| m.mask_str(path, s, buf))
}

/// A string written as `mask` (a [`Masker`] call) rewrites it, or as it is; capped.
#[inline]
fn write_masked_with(
    out: &mut Vec<u8>,
    s: &str,
    cx: &Cx<'_>,
    mask_buf: &mut String,
    mask: impl FnOnce(&dyn Masker, &str, &mut String) -> bool,
) {
    if let Some(m) = cx.masker {
        mask_buf.clear();
        if mask(m, s, mask_buf) {
            return escape::write_str(out, mask_buf, cx.limits.max_str);
        }
    }
    escape::write_str(out, s, cx.limits.max_str)
}

/// An integer at `path`: its digits, or what the masker writes for them (as a string).
/// `keyed`: the masker may rewrite a number at this path
/// ([`Masker::masks_numbers_at`]); otherwise only 13 digits or more (a card number) are
/// shown to it.
#[inline]
fn write_int_masked<I: itoa::Integer>(
    out: &mut Vec<u8>,
    v: I,
    path: &str,
    keyed: bool,
    cx: &Cx<'_>,
    mask_buf: &mut String,
) {
    let mut buf = itoa::Buffer::new();
    let text = buf.format(v);
    if let Some(m) = cx.masker.filter(|_| keyed || text.len() >= 13) {
        mask_buf.clear();
        if m.mask_number(path, text, mask_buf) {
            return escape::write_str(out, mask_buf, cx.limits.max_str);
        }
    }
    out.extend_from_slice(text.as_bytes());
}

/// A float at `path`: its number, or what the masker writes for its text (a CVV logged
/// as `123.0` is still a CVV).
#[inline]
fn write_f64_masked(out: &mut Vec<u8>, v: f64, path: &str, cx: &Cx<'_>, mask_buf: &mut String) {
    if let (Some(m), true) = (cx.masker, v.is_finite()) {
        if !m.masks_numbers_at(path) {
            return num::write_f64(out, v);
        }
        let mut buf = ryu::Buffer::new();
        mask_buf.clear();
        if m.mask_number(path, buf.format_finite(v), mask_buf) {
            return escape::write_str(out, mask_buf, cx.limits.max_str);
        }
    }
    num::write_f64(out, v)
}

/// A string at a path the masker has no key rule for ([`Masker::masks_by_path`] said
/// `false`): masked by its content alone.
#[inline]
fn write_text_masked(out: &mut Vec<u8>, s: &str, cx: &Cx<'_>, mask_buf: &mut String) {
    write_masked_with(out, s, cx, mask_buf, |m, s, buf| m.mask_text(s, buf))
}

/// Writes an `event!` scalar ([`Arg::is_scalar`]) exactly as [`Scratch::add_value`]
/// writes it as the one leaf at `path`. `by_path` and `nums_by_path` are what the masker
/// said of the path ([`Masker::masks_by_path`], [`Masker::masks_numbers_at`]) when the
/// call site's shape was made.
pub(crate) fn write_scalar(
    out: &mut Vec<u8>,
    arg: &Arg<'_>,
    path: &str,
    (by_path, nums_by_path): (bool, bool),
    cx: &Cx<'_>,
    s: &mut Scratch,
) {
    let mb = &mut s.mask_buf;
    match *arg {
        Arg::I64(v) => write_int_masked(out, v, path, nums_by_path, cx, mb),
        Arg::U64(v) => write_int_masked(out, v, path, nums_by_path, cx, mb),
        Arg::I128(v) => write_int_masked(out, v, path, nums_by_path, cx, mb),
        Arg::U128(v) => write_int_masked(out, v, path, nums_by_path, cx, mb),
        Arg::F64(v) if nums_by_path => write_f64_masked(out, v, path, cx, mb),
        Arg::F64(v) => num::write_f64(out, v),
        Arg::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        Arg::Char(v) if by_path => write_str_masked(out, v.encode_utf8(&mut [0; 4]), path, cx, mb),
        Arg::Char(v) => write_text_masked(out, v.encode_utf8(&mut [0; 4]), cx, mb),
        Arg::Str(v) if by_path => write_str_masked(out, v, path, cx, mb),
        Arg::Str(v) => write_text_masked(out, v, cx, mb),
        // Only at ECS fields (the macro emits it nowhere else); each element is masked as
        // the field's value (the general path masks at `path.[]`, which the masker
        // classifies by the same key).
        Arg::StrList(list) => {
            out.push(b'[');
            for (i, v) in list.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if by_path {
                    write_str_masked(out, v, path, cx, mb);
                } else {
                    write_text_masked(out, v, cx, mb);
                }
            }
            out.push(b']');
        }
        Arg::Display(v) => display_masked(out, v, path, cx, &mut s.fmt_buf, &mut s.mask_buf),
        // As `log` serializes a `Debug` capture: its `{:?}` text.
        Arg::Debug(v) => display_masked(
            out,
            &format_args!("{v:?}"),
            path,
            cx,
            &mut s.fmt_buf,
            &mut s.mask_buf,
        ),
        // Not a scalar: the caller never passes one.
        Arg::Value(_) => out.extend_from_slice(b"null"),
    }
}

/// A `Display` value at `path`, formatted, masked and capped as every string is.
#[inline]
fn display_masked(
    out: &mut Vec<u8>,
    d: &dyn fmt::Display,
    path: &str,
    cx: &Cx<'_>,
    fmt_buf: &mut String,
    mask_buf: &mut String,
) {
    escape::write_display_masked(
        out,
        d,
        path,
        cx.masker,
        fmt_buf,
        mask_buf,
        cx.limits.max_str,
    );
}

/// An `event!` value as `serde` sees it (for the general path).
pub(crate) struct ArgSer<'x, 'a>(pub(crate) &'x Arg<'a>);

impl Serialize for ArgSer<'_, '_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self.0 {
            Arg::I64(v) => s.serialize_i64(v),
            Arg::U64(v) => s.serialize_u64(v),
            Arg::I128(v) => s.serialize_i128(v),
            Arg::U128(v) => s.serialize_u128(v),
            Arg::F64(v) => s.serialize_f64(v),
            Arg::Bool(v) => s.serialize_bool(v),
            Arg::Char(v) => s.serialize_char(v),
            Arg::Str(v) => s.serialize_str(v),
            Arg::StrList(v) => v.serialize(s),
            Arg::Display(v) => s.collect_str(v),
            Arg::Debug(v) => s.collect_str(&format_args!("{v:?}")),
            Arg::Value(ref v) => v.serialize(s),
        }
    }
}

/// The error of a user's `Serialize` impl (or an unsupported map key).
#[derive(Debug)]
pub(crate) struct SerError(String);

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flatten,
    /// JSON text into `vals` (`false`) or into `tmp` (`true`, to be stringified).
    Json {
        into_tmp: bool,
    },
}

/// Where JSON text goes in `mode`: the value buffer, or `tmp` for a subtree that will be
/// stringified.
#[inline]
fn target<'x>(mode: Mode, vals: &'x mut Vec<u8>, tmp: &'x mut Vec<u8>) -> &'x mut Vec<u8> {
    match mode {
        Mode::Json { into_tmp: true } => tmp,
        _ => vals,
    }
}

/// The serializer; constructed per value, reborrowed per nested value.
pub(crate) struct Ser<'a, 'c> {
    vals: &'a mut Vec<u8>,
    tmp: &'a mut Vec<u8>,
    keys: &'a mut String,
    indexed: &'a mut bool,
    list: &'a mut Vec<Entry>,
    path: &'a mut String,
    fmt_buf: &'a mut String,
    mask_buf: &'a mut String,
    key_buf: &'a mut String,
    entry: &'a mut String,
    /// What the value being written is to an entry named by a key ([`EntryRole`]).
    role: EntryRole,
    cx: &'a Cx<'c>,
    mode: Mode,
    /// Flatten: segments in `path`. Json: nesting level.
    depth: usize,
    /// Json: > 0 while skipping the inside of a subtree past the nesting cap.
    skip: usize,
}

impl<'a, 'c> Ser<'a, 'c> {
    fn new(s: &'a mut Scratch, cx: &'a Cx<'c>, mode: Mode, depth: usize) -> Self {
        Ser {
            vals: &mut s.entries.vals,
            tmp: &mut s.tmp,
            keys: &mut s.entries.keys,
            indexed: &mut s.entries.indexed,
            list: &mut s.entries.list,
            path: &mut s.path,
            fmt_buf: &mut s.fmt_buf,
            mask_buf: &mut s.mask_buf,
            key_buf: &mut s.key_buf,
            entry: &mut s.entry,
            role: EntryRole::None,
            cx,
            mode,
            depth,
            skip: 0,
        }
    }

    fn reborrow(&mut self) -> Ser<'_, 'c> {
        Ser {
            vals: self.vals,
            tmp: self.tmp,
            keys: self.keys,
            indexed: self.indexed,
            list: self.list,
            path: self.path,
            fmt_buf: self.fmt_buf,
            mask_buf: self.mask_buf,
            key_buf: self.key_buf,
            entry: self.entry,
            role: self.role,
            cx: self.cx,
            mode: self.mode,
            depth: self.depth,
            skip: self.skip,
        }
    }

    #[inline]
    fn out(&mut self) -> &mut Vec<u8> {
        target(self.mode, self.vals, self.tmp)
    }

    /// Writes a scalar through `f`, recording a leaf in flatten mode.
    #[inline]
    fn scalar(mut self, f: impl FnOnce(&mut Vec<u8>)) -> Result<(), SerError> {
        if self.skip > 0 {
            return Ok(());
        }
        let start = self.vals.len();
        f(self.out());
        if self.mode == Mode::Flatten {
            self.record(start);
        }
        Ok(())
    }

    /// An entry's name (`{"name":"DB_PASSWORD",…}`): remembered when the masker masks a
    /// key of that name, for the entry's `value`.
    #[inline]
    fn note_entry_name(&mut self, s: &str) {
        if self.role == EntryRole::Name {
            // (A JSON Patch's path names the member by its last part: `/card/cvv`.)
            let s = match s.strip_prefix('/') {
                Some(p) => p.rsplit('/').next().unwrap_or(p),
                None => s,
            };
            if let Some(m) = self.cx.masker {
                if s.len() <= 64 && m.masks_by_path(s) {
                    self.entry.clear();
                    self.entry.push_str(s);
                }
            }
        }
    }

    fn int<I: itoa::Integer>(mut self, v: I) -> Result<(), SerError> {
        if self.skip > 0 {
            return Ok(());
        }
        let start = self.vals.len();
        let path = mask_path(self.role, self.entry, self.path);
        let out = target(self.mode, self.vals, self.tmp);
        write_int_masked(out, v, path, true, self.cx, self.mask_buf);
        if self.mode == Mode::Flatten {
            self.record(start);
        }
        Ok(())
    }

    fn float(mut self, v: f64) -> Result<(), SerError> {
        if self.skip > 0 {
            return Ok(());
        }
        let start = self.vals.len();
        let path = mask_path(self.role, self.entry, self.path);
        let out = target(self.mode, self.vals, self.tmp);
        write_f64_masked(out, v, path, self.cx, self.mask_buf);
        if self.mode == Mode::Flatten {
            self.record(start);
        }
        Ok(())
    }

    fn string(mut self, s: &str) -> Result<(), SerError> {
        if self.skip > 0 {
            return Ok(());
        }
        self.note_entry_name(s);
        let start = self.vals.len();
        let path = mask_path(self.role, self.entry, self.path);
        let out = target(self.mode, self.vals, self.tmp);
        write_str_masked(out, s, path, self.cx, self.mask_buf);
        if self.mode == Mode::Flatten {
            self.record(start);
        }
        Ok(())
    }

    fn display(mut self, d: &dyn fmt::Display) -> Result<(), SerError> {
        if self.skip > 0 {
            return Ok(());
        }
        let start = self.vals.len();
        let path = mask_path(self.role, self.entry, self.path);
        let out = target(self.mode, self.vals, self.tmp);
        display_masked(out, d, path, self.cx, self.fmt_buf, self.mask_buf);
        if self.mode == Mode::Flatten {
            self.record(start);
        }
        Ok(())
    }

    /// Records `vals[start..]` as the leaf at `path`, repairing a flat value on an ECS
    /// field set (`error = "boom"` → `error.message`; other sets and `extra` →
    /// `extra.<set>`) and a key below an ECS value field (`user.id.x` → `extra.user.id.x`).
    fn record(&mut self, start: usize) {
        // A flat value where every line has an object: an ECS field set, or `extra`.
        let flat_set =
            self.depth == 1 && (placement::is_ecs_field_set(self.path) || self.path == "extra");
        // The leaf's key: its path, or (repaired) a key written into `key_buf`.
        let renamed = if flat_set {
            warn_flat_field_set(self.path, &self.cx.site);
            self.key_buf.clear();
            if self.path == "error" {
                if self.vals.get(start) != Some(&b'"') {
                    self.tmp.clear();
                    self.tmp.extend_from_slice(&self.vals[start..]);
                    self.vals.truncate(start);
                    let text = String::from_utf8_lossy(self.tmp);
                    escape::write_str(self.vals, &text, self.cx.limits.max_str);
                }
                self.key_buf.push_str("error.message");
            } else {
                self.key_buf.push_str("extra.");
                self.key_buf.push_str(self.path);
            }
            true
        } else if let Some(leaf) = (self.depth >= 2)
            .then(|| placement::ecs_leaf_above(self.path))
            .flatten()
        {
            // `user.id.x`: a key below an ECS field that holds one value.
            warn_conflict(
                leaf,
                &self.cx.site,
                "is an ECS field that holds one value, not an object: keys below it are moved to `extra`",
            );
            self.key_under_extra()
        } else if let Some(ty) = (self.depth >= 2 && self.vals.get(start) == Some(&b'"'))
            .then(|| placement::ecs_type(self.path))
            .flatten()
        {
            self.typed_string(start, ty)
        } else {
            false
        };
        let end = self.vals.len();
        let mut side = KeySide {
            keys: self.keys,
            indexed: self.indexed,
            list: self.list,
        };
        side.push(if renamed { self.key_buf } else { self.path }, start, end);
    }

    /// A string at an ECS field whose datatype is not a string (`http.response.status_code`
    /// = `"200"` from a foreign record): written as the number or boolean it holds, kept
    /// when it is an address or date of the field's type, and otherwise moved to
    /// `extra.<path>` with a warning once per call site (Elasticsearch would reject the
    /// document). `true` when the key was renamed (into `key_buf`).
    #[cold]
    fn typed_string(&mut self, start: usize, ty: placement::Ty) -> bool {
        let raw = &self.vals[start + 1..self.vals.len().saturating_sub(1).max(start + 1)];
        let text = std::str::from_utf8(raw).ok().filter(|t| !t.contains('\\'));
        match text.map(|t| placement::typed_value(ty, t)) {
            Some(Ok(None)) => false,
            Some(Ok(Some(json))) => {
                // The value's own text, without its quotes (and spaces around it).
                let from = json.as_ptr() as usize - self.vals.as_ptr() as usize;
                let len = json.len();
                debug_assert!(from > start && from + len <= self.vals.len());
                self.vals.copy_within(from..from + len, start);
                self.vals.truncate(start + len);
                false
            }
            _ => {
                warn_conflict(
                    self.path,
                    &self.cx.site,
                    match ty {
                        placement::Ty::Int => "is an ECS integer field (`long`) but got a string that is not a number: moved to `extra`",
                        placement::Ty::Float => "is an ECS number field (`float`) but got a string that is not a number: moved to `extra`",
                        placement::Ty::Bool => "is an ECS `boolean` field but got a string other than `true`/`false`: moved to `extra`",
                        placement::Ty::Ip => "is an ECS `ip` field but got a string that is not an IP address: moved to `extra`",
                        placement::Ty::Date => "is an ECS `date` field but got a string that is not a date (`yyyy-MM-dd…`): moved to `extra`",
                    },
                );
                self.key_under_extra()
            }
        }
    }

    /// Writes `extra.<path>` into `key_buf` (the leaf's key once it is moved there);
    /// `true`, for `record`'s "renamed".
    fn key_under_extra(&mut self) -> bool {
        self.key_buf.clear();
        self.key_buf.push_str("extra.");
        self.key_buf.push_str(self.path);
        true
    }

    fn in_labels(&self) -> bool {
        self.path == "labels" || self.path.starts_with("labels.")
    }

    /// Starts an array or object (wrapped in `{"variant": …}` for enum variants).
    fn begin(
        mut self,
        kind: Kind,
        variant: Option<&'static str>,
    ) -> Result<Compound<'a, 'c>, SerError> {
        let base_len = self.path.len();
        let base_depth = self.depth;
        if self.mode == Mode::Flatten {
            if let Some(v) = variant {
                self.path.push('.');
                self.path.push_str(v);
                self.depth += 1;
            }
            let start = self.vals.len();
            let stringify = kind == Kind::Map
                && (self.depth > self.cx.limits.max_depth || (self.in_labels() && self.depth >= 2));
            let seq_as_string = kind == Kind::Seq && self.in_labels();
            if kind == Kind::Map && !stringify {
                let inner_len = self.path.len();
                let inner_depth = self.depth;
                return Ok(Compound {
                    ser: self,
                    kind,
                    first: true,
                    base_len,
                    base_depth,
                    inner_len,
                    inner_depth,
                    owner_skip: false,
                    variant_close: false,
                    named: false,
                    finish: Finish::FlatMap { start },
                });
            }
            let into_tmp = stringify || seq_as_string;
            if into_tmp {
                self.tmp.clear();
            }
            self.mode = Mode::Json { into_tmp };
            let finish = if into_tmp {
                Finish::RecordString { start }
            } else {
                Finish::RecordLeaf { start }
            };
            self.depth = 0;
            let mut c = self.open_json(kind, None, base_len, finish)?;
            c.base_depth = base_depth;
            return Ok(c);
        }
        self.open_json(kind, variant, base_len, Finish::Nested)
    }

    fn open_json(
        mut self,
        kind: Kind,
        variant: Option<&'static str>,
        base_len: usize,
        finish: Finish,
    ) -> Result<Compound<'a, 'c>, SerError> {
        let mut owner_skip = false;
        let base_depth = self.depth;
        if let Some(v) = variant {
            self.path.push('.');
            self.path.push_str(v);
        }
        let inner_len = self.path.len();
        if self.skip == 0 {
            let max = self.cx.limits.max_str;
            if self.depth >= MAX_JSON_NEST {
                escape::write_str(self.out(), "[ecsctx: nesting limit reached]", max);
                self.skip = 1;
                owner_skip = true;
            } else {
                if let Some(v) = variant {
                    let out = self.out();
                    out.push(b'{');
                    escape::write_str(out, v, max);
                    out.push(b':');
                }
                self.out().push(if kind == Kind::Seq { b'[' } else { b'{' });
            }
        }
        if kind == Kind::Seq {
            self.path.push_str(".[]");
        }
        self.depth += 1;
        let inner_depth = self.depth;
        Ok(Compound {
            ser: self,
            kind,
            first: true,
            base_len,
            base_depth,
            inner_len,
            inner_depth,
            owner_skip,
            variant_close: variant.is_some(),
            named: false,
            finish,
        })
    }
}

fn warn_flat_field_set(set: &str, site: &Site<'_>) {
    let what = if set == "error" {
        "is an ECS field set but got a flat value: logged as `error.message`; write `error = { message: .. }` or pass a std::error::Error"
    } else if set == "extra" {
        "holds the non-ECS fields as an object but got a flat value: moved to `extra.extra`"
    } else {
        "is an ECS field set but got a flat value: moved to `extra`; an ECS field set must be an object"
    };
    warn_conflict(set, site, what);
}

/// Reports a repaired mapping conflict at `field` once per call site.
#[cold]
fn warn_conflict(field: &str, site: &Site<'_>, what: &str) {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static SEEN: Mutex<Option<HashSet<(String, String, u32)>>> = Mutex::new(None);
    let key = (
        field.to_owned(),
        site.file.unwrap_or(site.target).to_owned(),
        site.line.unwrap_or(0),
    );
    let Ok(mut seen) = SEEN.lock() else { return };
    if seen.get_or_insert_with(HashSet::new).insert(key) {
        eprintln!(
            "ecsctx: `{field}` {what} (at {}:{}, target `{}`)",
            site.file.unwrap_or("?"),
            site.line.unwrap_or(0),
            site.target
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Seq,
    Map,
}

#[derive(Clone, Copy)]
enum Finish {
    /// JSON nested in JSON: nothing to record.
    Nested,
    /// A sequence rendered into `vals[start..]`: record it as one leaf.
    RecordLeaf { start: usize },
    /// JSON rendered into `tmp`: write it into `vals` as a string leaf.
    RecordString { start: usize },
    /// A flattened map: if it had no entries, record `{}`.
    FlatMap { start: usize },
}

/// Sequence/map/struct state for both modes.
pub(crate) struct Compound<'a, 'c> {
    ser: Ser<'a, 'c>,
    kind: Kind,
    first: bool,
    /// Path and depth to restore at the end.
    base_len: usize,
    base_depth: usize,
    /// Path and depth of the members (after a variant key; before `.[]`).
    inner_len: usize,
    inner_depth: usize,
    owner_skip: bool,
    variant_close: bool,
    finish: Finish,
    /// A member named this object an entry of a sensitive key (its name in `entry`).
    named: bool,
}

/// What a value is to an entry named by a key (`{"name":"DB_PASSWORD","value":"…"}`,
/// `{"Key":"pin","Value":8674}`, `{"field":"cvv","val":"123"}`): its name, its value, or
/// neither.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EntryRole {
    None,
    Name,
    Value,
}

/// The path a scalar is masked by: its own, or, for an entry's value, the entry's
/// sensitive name (`{"name":"pin","value":8674}` is masked as a `pin`).
#[inline]
fn mask_path<'x>(role: EntryRole, entry: &'x str, path: &'x str) -> &'x str {
    if role == EntryRole::Value {
        entry
    } else {
        path
    }
}

/// The role of the member `key` in an object (`named`: a member before it named the
/// object a sensitive key's entry).
#[inline]
fn entry_role(key: &str, named: bool) -> EntryRole {
    // Names and values are short words: most keys leave on the length.
    if !(2..=10).contains(&key.len()) {
        return EntryRole::None;
    }
    if crate::mask::ENTRY_NAMES
        .iter()
        .any(|n| key.eq_ignore_ascii_case(n))
    {
        EntryRole::Name
    } else if named
        && crate::mask::VALUE_MEMBERS
            .iter()
            .any(|n| key.eq_ignore_ascii_case(n))
    {
        EntryRole::Value
    } else {
        EntryRole::None
    }
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        if self.ser.skip == 0 && !self.first {
            self.ser.out().push(b',');
        }
        self.first = false;
        if self.ser.skip > 0 {
            // Past the nesting cap: the value is not written, so it is not visited
            // either (a 100,000-deep value must not recurse 100,000 frames deep).
            return Ok(());
        }
        value.serialize(self.ser.reborrow())
    }

    fn key_str(&mut self, key: &str) {
        let flat = matches!(self.finish, Finish::FlatMap { .. });
        self.ser.role = entry_role(key, self.named);
        let ser = &mut self.ser;
        ser.path.truncate(self.inner_len);
        let mut masked = false;
        if let Some(m) = ser.cx.masker {
            ser.mask_buf.clear();
            masked = m.mask_key(ser.path, key, ser.mask_buf);
        }
        let key = placement::cap_key(if masked { &*ser.mask_buf } else { key });
        if flat {
            let mut n = 0;
            if ser.path == "labels" {
                ser.path.push('.');
                placement::push_label_segment(ser.path, key);
                n = 1;
            } else {
                for s in key.split('.').filter(|s| !s.is_empty()) {
                    ser.path.push('.');
                    ser.path.push_str(s);
                    n += 1;
                }
            }
            if n == 0 {
                ser.path.push_str("._");
                n = 1;
            }
            self.first = false;
            ser.depth = self.inner_depth + n;
            return;
        }
        ser.path.push('.');
        ser.path.push_str(key);
        if ser.skip > 0 {
            return;
        }
        let max = ser.cx.limits.max_str;
        let out = target(ser.mode, ser.vals, ser.tmp);
        if !self.first {
            out.push(b',');
        }
        self.first = false;
        escape::write_str(out, key, max);
        out.push(b':');
    }

    fn map_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        if self.ser.skip > 0 {
            return Ok(());
        }
        // An entry's name: remembered when sensitive (an outer entry's name is kept
        // otherwise), so the entry's value is masked as that key's.
        let saved = (self.ser.role == EntryRole::Name).then(|| std::mem::take(self.ser.entry));
        let r = value.serialize(self.ser.reborrow());
        if let Some(saved) = saved {
            if self.ser.entry.is_empty() {
                *self.ser.entry = saved;
            } else {
                self.named = true;
            }
        }
        self.ser.role = EntryRole::None;
        self.ser.depth = self.inner_depth;
        r
    }

    fn end_compound(mut self) -> Result<(), SerError> {
        let ser = &mut self.ser;
        ser.path.truncate(self.inner_len);
        if let Finish::FlatMap { start } = self.finish {
            if self.first {
                // An empty object is a leaf `{}`.
                ser.vals.extend_from_slice(b"{}");
                ser.depth = self.inner_depth;
                ser.record(start);
            }
            ser.path.truncate(self.base_len);
            ser.depth = self.base_depth;
            return Ok(());
        }
        if self.owner_skip {
            ser.skip = 0;
        } else if ser.skip == 0 {
            let out = ser.out();
            out.push(if self.kind == Kind::Seq { b']' } else { b'}' });
            if self.variant_close {
                out.push(b'}');
            }
        }
        match self.finish {
            Finish::RecordLeaf { start } => {
                ser.mode = Mode::Flatten;
                ser.depth = ser.path.split('.').count();
                ser.record(start);
            }
            Finish::RecordString { start } => {
                ser.mode = Mode::Flatten;
                ser.depth = ser.path.split('.').count();
                let text = String::from_utf8_lossy(ser.tmp);
                escape::write_str(ser.vals, &text, ser.cx.limits.max_str);
                ser.record(start);
            }
            _ => {}
        }
        ser.path.truncate(self.base_len);
        ser.depth = self.base_depth;
        Ok(())
    }
}

macro_rules! compound_impls {
    ($($tr:ident :: $m:ident),*) => {$(
        impl ser::$tr for Compound<'_, '_> {
            type Ok = ();
            type Error = SerError;
            fn $m<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
                self.element(v)
            }
            fn end(self) -> Result<(), SerError> {
                self.end_compound()
            }
        }
    )*};
}
compound_impls!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        let mut kb = std::mem::take(self.ser.key_buf);
        kb.clear();
        if key.serialize(KeySer(&mut kb)).is_err() {
            kb.clear();
            kb.push('_');
        }
        self.key_str(&kb);
        *self.ser.key_buf = kb;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.map_value(v)
    }
    fn end(self) -> Result<(), SerError> {
        self.end_compound()
    }
}

macro_rules! struct_impls {
    ($($tr:ident),*) => {$(
        impl ser::$tr for Compound<'_, '_> {
            type Ok = ();
            type Error = SerError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), SerError> {
                self.key_str(key);
                self.map_value(v)
            }
            fn end(self) -> Result<(), SerError> {
                self.end_compound()
            }
        }
    )*};
}
struct_impls!(SerializeStruct, SerializeStructVariant);

macro_rules! scalar_methods {
    ($($m:ident: $t:ty => $w:expr),* $(,)?) => {$(
        #[inline]
        fn $m(self, v: $t) -> Result<(), SerError> {
            self.scalar(|out| ($w)(out, v))
        }
    )*};
}

impl<'a, 'c> ser::Serializer for Ser<'a, 'c> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Compound<'a, 'c>;
    type SerializeTuple = Compound<'a, 'c>;
    type SerializeTupleStruct = Compound<'a, 'c>;
    type SerializeTupleVariant = Compound<'a, 'c>;
    type SerializeMap = Compound<'a, 'c>;
    type SerializeStruct = Compound<'a, 'c>;
    type SerializeStructVariant = Compound<'a, 'c>;

    scalar_methods! {
        serialize_bool: bool => |o: &mut Vec<u8>, v: bool| o.extend_from_slice(if v { b"true" } else { b"false" }),
    }

    fn serialize_f32(self, v: f32) -> Result<(), SerError> {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), SerError> {
        self.float(v)
    }

    fn serialize_i8(self, v: i8) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), SerError> {
        self.int(v)
    }

    fn serialize_char(self, v: char) -> Result<(), SerError> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), SerError> {
        self.string(v)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<(), SerError> {
        self.display(&v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), SerError> {
        use ser::SerializeSeq;
        let mut seq = self.begin(Kind::Seq, None)?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), SerError> {
        self.scalar(|o| o.extend_from_slice(b"null"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), SerError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), SerError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), SerError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), SerError> {
        self.string(v)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        use ser::SerializeMap;
        let mut m = self.begin(Kind::Map, None)?;
        m.key_str(variant);
        m.map_value(v)?;
        m.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Seq, None)
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Seq, None)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Seq, None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Seq, Some(variant))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Map, None)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Map, None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'c>, SerError> {
        self.begin(Kind::Map, Some(variant))
    }
}

/// Map keys to strings: strings as they are, numbers, bools and chars as text.
struct KeySer<'k>(&'k mut String);

macro_rules! key_display {
    ($($m:ident: $t:ty),*) => {$(
        fn $m(self, v: $t) -> Result<(), SerError> { let _ = write!(self.0, "{v}"); Ok(()) }
    )*};
}

impl ser::Serializer for KeySer<'_> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = ser::Impossible<(), SerError>;
    type SerializeTuple = ser::Impossible<(), SerError>;
    type SerializeTupleStruct = ser::Impossible<(), SerError>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = ser::Impossible<(), SerError>;
    type SerializeStruct = ser::Impossible<(), SerError>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;
    key_display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str);
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<(), SerError> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), SerError> {
        Err(SerError("bytes as a map key".into()))
    }
    fn serialize_none(self) -> Result<(), SerError> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), SerError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), SerError> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), SerError> {
        self.0.push_str(name);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), SerError> {
        self.0.push_str(v);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        Err(SerError("enum as a map key".into()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(SerError("sequence as a map key".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(SerError("tuple as a map key".into()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(SerError("tuple as a map key".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(SerError("enum as a map key".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(SerError("map as a map key".into()))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(SerError("struct as a map key".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(SerError("enum as a map key".into()))
    }
}

/// One remembered key: where it goes for one logger's (or one set of bound settings')
/// policy and masker.
#[derive(Clone)]
struct PlacedSlot {
    /// The id of the logger or the settings; 0: empty (ids start at 1).
    id: u64,
    key_len: u8,
    key: [u8; PLACED_KEY],
    path: String,
    depth: usize,
}

impl Default for PlacedSlot {
    fn default() -> Self {
        PlacedSlot {
            id: 0,
            key_len: 0,
            key: [0; PLACED_KEY],
            path: String::new(),
            depth: 0,
        }
    }
}

impl PlacedSlot {
    fn key(&self) -> &[u8] {
        &self.key[..usize::from(self.key_len)]
    }
}

const PLACED_SLOTS: usize = 64;
/// The longest key remembered.
const PLACED_KEY: usize = 40;

thread_local! {
    /// The place of the keys of records, general `event!`s and bound fields
    /// ([`Scratch::place_key`]), per thread. A set of two slots per hash of the key (a
    /// new key displaces the older); keyed by the logger's or the settings' id and the key's bytes,
    /// compared whole.
    static PLACED: memo::Table<PlacedSlot> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The first slot of a key's set (two slots).
fn placed_set(key: &[u8]) -> usize {
    ((memo::hash(0, key) >> 59) as usize * 2) % PLACED_SLOTS
}

#[cfg(test)]
mod place_tests {
    use super::*;
    use crate::placement::Policy;

    /// The per-thread memo of key places answers for one settings id only: the same key
    /// under two policies goes where each puts it, however often it comes back, and a
    /// key the masker rewrites is masked every time.
    #[test]
    fn remembered_key_places_are_per_settings_id() {
        let (plain, rooted) = (Policy::with_roots([""; 0]), Policy::with_roots(["amount"]));
        let (a, b) = (crate::ids::next(), crate::ids::next());
        let masker = crate::pii::PiiMasker::new();
        let mut s = Scratch::default();
        for _ in 0..3 {
            assert_eq!(s.place_key(a, None, &plain, "amount"), 2);
            assert_eq!(s.path, "extra.amount");
            assert_eq!(s.place_key(b, None, &rooted, "amount"), 1);
            assert_eq!(s.path, "amount");
            s.place_key(a, Some(&masker), &plain, "card_4111111111111111");
            assert!(!s.path.contains("4111111111111111"), "{}", s.path);
        }
    }
}
