//! Collect: an `event!`, a `log::Record` or a foreign (`tracing`) event becomes the line's
//! leaves (`log.logger`, the origin, each key placed and its value rendered and masked),
//! or, for an `event!` call site or a foreign key list whose shape is known, only its
//! values. What the logger merges over the context's layer and delivers (`super`).

use log::kv::{self, VisitSource};
use log::Record;
use std::rc::Rc;

use super::EcsLogger;
use crate::event::{Arg, Callsite, SiteShape, MAX_SHAPE_ARGS};
use crate::memo;
use crate::render::entries::{Entries, KeySide};
use crate::render::error::ErrorFields;
use crate::render::escape;
use crate::render::layer::Layer;
use crate::render::plan::Plans;
use crate::render::value::{write_scalar, ArgSer, Cx, Scratch};

impl EcsLogger {
    /// Writes the values of the leaves every line has before its own fields,
    /// `log.logger` and (opt-in) the origin, into `vals`, and tells `leaf` each one's key
    /// and value range.
    pub(super) fn write_head(
        &self,
        src: &Src<'_>,
        max: usize,
        vals: &mut Vec<u8>,
        mut leaf: impl FnMut(&'static str, usize, usize),
    ) {
        let start = vals.len();
        // (An `event!` call site's target is checked for escapes once, in its `static`.)
        let plain = matches!(src, Src::Event(ev) if ev.site.plain & Callsite::PLAIN_TARGET != 0);
        escape::write_str_known(vals, src.target(), max, plain);
        leaf("log.logger", start, vals.len());
        if self.origin {
            if let Some(file) = src.file() {
                let start = vals.len();
                escape::write_str(vals, file, max);
                leaf("log.origin.file.name", start, vals.len());
            }
            if let Some(line) = src.line() {
                let start = vals.len();
                crate::render::num::write_int(vals, line);
                leaf("log.origin.file.line", start, vals.len());
            }
        }
    }

    /// The head leaves ([`Self::write_head`]) as leaves of the line.
    pub(super) fn add_head_fields(&self, src: &Src<'_>, cx: &Cx<'_>, s: &mut Scratch) {
        let Entries {
            keys,
            vals,
            indexed,
            list,
            ..
        } = &mut s.entries;
        let mut side = KeySide {
            keys,
            indexed,
            list,
        };
        self.write_head(src, cx.limits.max_str, vals, |key, start, end| {
            side.push(key, start, end)
        });
    }

    /// How many head leaves ([`Self::write_head`]) an `event!` has (it always has an
    /// origin).
    pub(super) fn event_head(&self) -> usize {
        1 + 2 * usize::from(self.origin)
    }

    /// Places `key` (masked) into `s.path` and returns its depth (remembered per thread:
    /// see [`Scratch::place_key`]).
    pub(super) fn place_key(&self, cx: &Cx<'_>, s: &mut Scratch, key: &str) -> usize {
        s.place_key(self.id, cx.masker, &self.shared.policy, key)
    }

    /// The key-values of an event (`event!` the general way, or another library's):
    /// scalars as they are, `log` values through [`Self::add_log_value`].
    pub(super) fn add_args(&self, cx: &Cx<'_>, s: &mut Scratch, kvs: &[(&str, Arg<'_>)]) {
        for (k, arg) in kvs {
            match arg {
                Arg::Value(v) => self.add_log_value(cx, s, k, v),
                scalar => self.add_pair(cx, s, k, &ArgSer(scalar)),
            }
        }
    }

    /// One key-value of a record or an event.
    pub(super) fn add_pair<T: serde::Serialize + ?Sized>(
        &self,
        cx: &Cx<'_>,
        s: &mut Scratch,
        key: &str,
        value: &T,
    ) {
        let depth = self.place_key(cx, s, key);
        s.add_value(cx, depth, value);
    }

    /// One key-value whose value is a `log` value.
    pub(super) fn add_log_value(
        &self,
        cx: &Cx<'_>,
        s: &mut Scratch,
        key: &str,
        value: &kv::Value<'_>,
    ) {
        // `serialize`, not `Value::visit`: a visitor would have to serialize what
        // `visit_any` hands it anyway (an earlier visitor that did so inside value_bag's
        // probing serializer panicked on nested serde values). `serialize` dispatches
        // primitives directly and serde values through their own impl.
        match value.to_borrowed_error() {
            // `log`'s `:err` capture: an error object, not a flat string.
            Some(err) => self.add_pair(
                cx,
                s,
                key,
                &ErrorFields {
                    error: err,
                    type_name: None,
                    backtrace: None,
                },
            ),
            None => self.add_pair(cx, s, key, value),
        }
    }

    /// The shape of an `event!` call site (or of a foreign event's key list) whose `head`
    /// leaves and fields were just added the general way (into `s.entries`, not yet
    /// resolved): `None` unless every value is a scalar that made exactly the one leaf its
    /// key places it at.
    pub(super) fn site_shape(
        &self,
        head: usize,
        kvs: &[(&str, Arg<'_>)],
        cx: &Cx<'_>,
        s: &mut Scratch,
    ) -> Option<SiteShape> {
        if kvs.len() > MAX_SHAPE_ARGS
            || s.entries.list.len() != head + kvs.len()
            || !kvs.iter().all(|(_, a)| a.is_scalar())
        {
            return None;
        }
        let mut masked = String::new();
        let mut by_path = 0u32;
        let mut nums_by_path = 0u32;
        let mut typed = 0u32;
        for (i, (k, arg)) in kvs.iter().enumerate() {
            // A key the masker rewrites (digits or an address in it) may be rewritten
            // differently after a keyset reload: never kept.
            if cx.masker.is_some_and(|m| m.mask_key("", k, &mut masked)) {
                return None;
            }
            self.shared.policy.place(k, &mut s.path);
            // Text at an ECS field that is not a string (`client.ip`, `status_code`) is
            // checked value by value (kept, or moved to `extra`): no fixed place.
            if crate::placement::ecs_type(&s.path).is_some() {
                if arg.is_text() {
                    return None;
                }
                typed |= 1 << i;
            }
            // A repaired flat field set (`user:% = x` → `extra.user`) is not at its place.
            if s.entries.key_of(&s.entries.list[head + i]) != s.path {
                return None;
            }
            // Whether the masker has a key rule for this path (asked once per call site).
            if cx.masker.is_some_and(|m| m.masks_by_path(&s.path)) {
                by_path |= 1 << i;
            }
            if cx.masker.is_some_and(|m| m.masks_numbers_at(&s.path)) {
                nums_by_path |= 1 << i;
            }
        }
        let mut keys = s.entries.clone();
        keys.vals.clear();
        keys.index();
        Some(SiteShape {
            logger: self.id,
            tag: crate::ids::next(),
            keys,
            by_path,
            nums_by_path,
            typed,
        })
    }

    /// Writes the members of an `event!` (or of a key list: a foreign event, a record) with
    /// a known shape: only its values are rendered, and the line comes from the shape's
    /// plan over this layer when there is one (else the leaves are merged the long way and
    /// a plan is recorded).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn event_from_shape(
        &self,
        src: &Src<'_>,
        kvs: &[(&str, Arg<'_>)],
        shape: &SiteShape,
        cx: &Cx<'_>,
        s: &mut Scratch,
        plans: &mut Plans,
        layer: &Layer,
        cache: bool,
        out: &mut Vec<u8>,
    ) {
        let mut ranges = [(0u32, 0u32); MAX_SHAPE_ARGS + 3];
        let n = shape.keys.list.len();
        // Taken so that masking can borrow the rest of `s` (already cleared).
        let mut vals = std::mem::take(&mut s.entries.vals);
        let mut at = 0;
        self.write_head(src, cx.limits.max_str, &mut vals, |_, start, end| {
            ranges[at] = (start as u32, end as u32);
            at += 1;
        });
        for (i, ((_, arg), leaf)) in kvs.iter().zip(&shape.keys.list[at..]).enumerate() {
            let start = vals.len();
            let bits = (
                shape.by_path & (1 << i) != 0,
                shape.nums_by_path & (1 << i) != 0,
            );
            write_scalar(&mut vals, arg, shape.keys.key_of(leaf), bits, cx, s);
            ranges[at] = (start as u32, vals.len() as u32);
            at += 1;
        }
        let done = cache && plans.write_tagged(shape.tag, &vals, &ranges[..n], layer, out);
        s.entries.vals = vals;
        if !done {
            s.entries.set_keys_from(&shape.keys, &ranges[..n]);
            plans.write(&mut s.entries, layer, cache, shape.tag, out);
        }
    }

    pub(super) fn write_message(
        &self,
        message: &dyn std::fmt::Display,
        s: &mut Scratch,
        out: &mut Vec<u8>,
    ) {
        escape::write_display_masked(
            out,
            message,
            "message",
            self.shared.masker.as_deref(),
            &mut s.fmt_buf,
            &mut s.mask_buf,
            self.shared.limits.max_str,
        );
    }
}

/// Collects a record's key-values as scalar arguments; stops (and says so) at the first
/// that is not one ([`Arg::scalar_of`]) or whose key the record does not lend.
pub(super) struct ScalarKvs<'r, 'kvs> {
    pub(super) kvs: &'r mut Vec<(&'kvs str, Arg<'kvs>)>,
    pub(super) all: bool,
}

impl<'kvs> VisitSource<'kvs> for ScalarKvs<'_, 'kvs> {
    fn visit_pair(&mut self, key: kv::Key<'kvs>, value: kv::Value<'kvs>) -> Result<(), kv::Error> {
        match (key.to_borrowed_str(), Arg::scalar_of(&value)) {
            (Some(k), Some(a)) => {
                self.kvs.push((k, a));
                Ok(())
            }
            _ => {
                self.all = false;
                Err(kv::Error::msg("not a scalar"))
            }
        }
    }
}

pub(super) struct KvVisitor<'a, 'c> {
    pub(super) logger: &'a EcsLogger,
    pub(super) s: &'a mut Scratch,
    pub(super) cx: &'a Cx<'c>,
}

impl<'kvs> VisitSource<'kvs> for KvVisitor<'_, '_> {
    fn visit_pair(&mut self, key: kv::Key<'kvs>, value: kv::Value<'kvs>) -> Result<(), kv::Error> {
        self.logger
            .add_log_value(self.cx, self.s, key.as_str(), &value);
        Ok(())
    }
}

/// A foreign event's (or a `log` record's) key list as the key of its remembered shape:
/// the head leaves it has (with the origin on, a `tracing` event may lack a file or a
/// line), then each key with whether its value is text. The same list renders the same
/// way: one call-site shape serves every event with it, as one `event!` call site's
/// shape serves its events.
pub(super) struct ForeignKey<'a> {
    logger: u64,
    head: u8,
    kvs: &'a [(&'a str, Arg<'a>)],
    hash: u64,
    /// Whether every key is a `&'static str` (a `tracing` event's field names): then a
    /// slot remembered from such a list is recognised by the keys' addresses
    /// ([`ForeignSlot::statics`]) before their bytes are compared.
    keys_static: bool,
}

impl<'a> ForeignKey<'a> {
    /// The key of `f`'s list for `logger`; `None` when no shape can serve it (too many
    /// values, or one that is not a scalar).
    #[inline]
    pub(super) fn of(logger: &EcsLogger, f: &Foreign<'a>) -> Option<Self> {
        // (`Foreign::kvs` holds `&'static str` keys: its type says so.)
        Self::with(logger, f.file.is_some(), f.line.is_some(), f.kvs, true)
    }

    /// The key of a list whose line has a file and a line (or not), for `logger`; `None`
    /// when no shape can serve it.
    #[inline]
    pub(super) fn new(
        logger: &EcsLogger,
        file: bool,
        line: bool,
        kvs: &'a [(&'a str, Arg<'a>)],
    ) -> Option<Self> {
        Self::with(logger, file, line, kvs, false)
    }

    /// [`Self::new`]; `keys_static`: every key is a `&'static str`, and the list is
    /// hashed by its keys' addresses (a list of static keys is found in a set of its
    /// own, never by another list's bytes).
    #[inline]
    fn with(
        logger: &EcsLogger,
        file: bool,
        line: bool,
        kvs: &'a [(&'a str, Arg<'a>)],
        keys_static: bool,
    ) -> Option<Self> {
        if kvs.len() > MAX_SHAPE_ARGS || !kvs.iter().all(|(_, a)| a.is_scalar()) {
            return None;
        }
        let head = if logger.origin {
            1 | (u8::from(file) << 1) | (u8::from(line) << 2)
        } else {
            1
        };
        let mut h = u64::from(head) | u64::from(keys_static) << 8;
        for (k, a) in kvs {
            h = memo::mix(h, u64::from(kind(a)) << 56 | k.len() as u64);
            h = if keys_static {
                memo::mix(h, k.as_ptr() as u64)
            } else {
                memo::hash(h, k.as_bytes())
            };
        }
        Some(ForeignKey {
            logger: logger.id,
            head,
            kvs,
            hash: h,
            keys_static,
        })
    }

    /// How many head leaves the line has.
    pub(super) fn head(&self) -> usize {
        self.head.count_ones() as usize
    }

    /// The first of the two slots of this list's set.
    fn set(&self) -> usize {
        ((self.hash >> 58) as usize % (FOREIGN_SLOTS / 2)) * 2
    }

    /// Whether `sig` ([`Self::write`]) stands for this list.
    fn matches(&self, sig: &[u8]) -> bool {
        let Some((&head, mut rest)) = sig.split_first() else {
            return false;
        };
        if head != self.head {
            return false;
        }
        for (k, a) in self.kvs {
            let k = k.as_bytes();
            match rest {
                [t, r @ ..]
                    if *t == kind(a)
                        && r.len() > k.len()
                        && r.starts_with(k)
                        && r[k.len()] == SIG_END =>
                {
                    rest = &r[k.len() + 1..];
                }
                _ => return false,
            }
        }
        rest.is_empty()
    }

    /// Whether `f` remembers this list: by its keys' addresses when both lists are of
    /// static keys (the same address and length of a `&'static str` is the same bytes,
    /// so this never says yes wrongly: static keys live for the whole program, as
    /// `tracing`'s metadata must), else (or when the addresses differ: the same names at
    /// another call site) by its bytes.
    #[inline]
    fn is_in(&self, f: &ForeignSlot) -> bool {
        if f.logger != self.logger || f.hash != self.hash {
            return false;
        }
        let same_statics = self.keys_static
            && f.sig.first() == Some(&self.head)
            && f.statics.len() == self.kvs.len()
            && f.statics.iter().zip(self.kvs).all(|(&(p, n, t), (k, a))| {
                p == k.as_ptr() as usize && n == k.len() && t == kind(a)
            });
        debug_assert!(!same_statics || self.matches(&f.sig));
        same_statics || self.matches(&f.sig)
    }

    /// Makes `f` remember this list (not yet its shape or a message).
    fn fill(&self, f: &mut ForeignSlot) {
        f.logger = self.logger;
        f.hash = self.hash;
        self.write(&mut f.sig);
        f.statics.clear();
        if self.keys_static {
            f.statics.extend(
                self.kvs
                    .iter()
                    .map(|(k, a)| (k.as_ptr() as usize, k.len(), kind(a))),
            );
        }
    }

    fn write(&self, sig: &mut Vec<u8>) {
        sig.clear();
        sig.push(self.head);
        for (k, a) in self.kvs {
            sig.push(kind(a));
            sig.extend_from_slice(k.as_bytes());
            sig.push(SIG_END);
        }
    }

    /// The remembered shape: `Some(None)` when the list is known to have none, `None`
    /// when it is not known (on this thread, for this logger).
    #[inline]
    pub(super) fn shape(&self) -> Option<Option<Rc<SiteShape>>> {
        self.lookup("").0
    }

    /// [`Self::shape`], and what the list remembers of `message`
    /// ([`Self::remember_message`]).
    #[inline]
    pub(super) fn lookup(&self, message: &str) -> (Option<Option<Rc<SiteShape>>>, Kept) {
        let hit = |f: &ForeignSlot| {
            self.is_in(f).then(|| {
                let kept = if f.message.is_empty() {
                    Kept::Nothing
                } else if f.message == message {
                    if f.message_plain {
                        Kept::ThisPlain
                    } else {
                        Kept::This
                    }
                } else {
                    Kept::Another
                };
                (f.shape.clone(), kept)
            })
        };
        let set = self.set();
        match memo::get_in_set(&FOREIGN, set, 2, hit) {
            Some((shape, kept)) => (Some(shape), kept),
            None => (None, Kept::Another),
        }
    }

    /// Remembers `message` as a message of the list that the masker kept whole as it is
    /// (when the list is remembered and has none yet, and the message is short enough:
    /// a call site whose message changes keeps its first).
    pub(super) fn remember_message(&self, message: &str) {
        if message.len() > MESSAGE_MEMO || message.is_empty() {
            return;
        }
        let set = self.set();
        memo::update(&FOREIGN, FOREIGN_SLOTS, ForeignSlot::default, |t| {
            for f in &mut t[set..set + 2] {
                if f.message.is_empty() && self.is_in(f) {
                    f.message.push_str(message);
                    f.message_plain = escape::is_plain(message.as_bytes());
                }
            }
        });
    }

    /// Remembers the list's shape (or that it has none): the newest first in its set,
    /// the one it displaces becomes the older.
    pub(super) fn remember(&self, shape: Option<SiteShape>) {
        let set = self.set();
        memo::update(&FOREIGN, FOREIGN_SLOTS, ForeignSlot::default, |t| {
            t[set + 1] = std::mem::take(&mut t[set]);
            let f = &mut t[set];
            self.fill(f);
            f.shape = shape.map(Rc::new);
            f.message.clear();
            f.message_plain = false;
        });
    }
}

/// What a remembered key list knows of a message ([`ForeignKey::lookup`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kept {
    /// The list remembers this message: the masker keeps it as it is.
    This,
    /// [`Kept::This`], and the message holds nothing JSON escapes: it is written as it is
    /// (within the length cap).
    ThisPlain,
    /// The list remembers no message yet.
    Nothing,
    /// Another message, or the list is not remembered.
    Another,
}

/// Ends a key in a [`ForeignKey`]'s bytes (never in UTF-8).
const SIG_END: u8 = 0xff;

/// A value's kind in a [`ForeignKey`]: whether its value is text decides whether the key
/// can have a fixed place (text at a non-string ECS field is checked value by value).
fn kind(a: &Arg<'_>) -> u8 {
    if a.is_text() {
        1
    } else {
        2
    }
}

/// One remembered foreign key list: its shape for one logger.
#[derive(Clone, Default)]
struct ForeignSlot {
    /// The logger's id; 0: empty (ids start at 1).
    logger: u64,
    hash: u64,
    /// The list ([`ForeignKey::write`]), compared whole.
    sig: Vec<u8>,
    /// For a list of static keys: each key's address and length, and its value's kind
    /// (empty otherwise). Only ever compared against another static list's.
    statics: Vec<(usize, usize, u8)>,
    /// `None`: the list has no shape.
    shape: Option<Rc<SiteShape>>,
    /// The last message of a line with this list that the masker kept whole as it is
    /// (empty: none): a `tracing` call site's literal message repeats on every line, and
    /// is not scanned again.
    message: String,
    /// Whether `message` holds nothing JSON escapes.
    message_plain: bool,
}

/// The longest message a [`ForeignSlot`] remembers.
const MESSAGE_MEMO: usize = 128;

/// 32 sets of two slots.
const FOREIGN_SLOTS: usize = 64;

thread_local! {
    /// The shapes of foreign events' key lists (`tracing` events), per thread: a
    /// `tracing` call site repeats its key list on every event, as an `event!` call site
    /// does, but has no `static` of ours to keep its shape in. A set of two slots per
    /// hash of the list (a new list replaces the older of its set).
    static FOREIGN: memo::Table<ForeignSlot> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What a line is made from: another crate's `log::Record`, an `event!`, or another
/// library's structured event (a `tracing` event).
pub(super) enum Src<'a> {
    Record(&'a Record<'a>),
    Event(&'a Event<'a>),
    // (Made by `integrations::tracing` only.)
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    Foreign(&'a Foreign<'a>),
}

/// An `event!` handed straight to the global logger.
pub(super) struct Event<'a> {
    pub(super) site: &'static Callsite,
    pub(super) args: std::fmt::Arguments<'a>,
    pub(super) level: log::Level,
    pub(super) target: &'a str,
    pub(super) file: &'static str,
    pub(super) line: u32,
    pub(super) kvs: &'a [(&'a str, Arg<'a>)],
}

/// Another library's structured event: its fields as [`Arg`]s (scalars unboxed, no
/// `log` value to go through), its message another crate's text (masked like a record's).
/// Its call-site shape is found by its key list (`ForeignKey`): its fields change with
/// the spans it runs in.
pub(super) struct Foreign<'a> {
    pub(super) message: &'a str,
    pub(super) level: log::Level,
    pub(super) target: &'a str,
    pub(super) file: Option<&'a str>,
    pub(super) line: Option<u32>,
    pub(super) kvs: &'a [(&'static str, Arg<'a>)],
}

impl Src<'_> {
    pub(super) fn level(&self) -> log::Level {
        match self {
            Src::Record(r) => r.level(),
            Src::Event(e) => e.level,
            Src::Foreign(f) => f.level,
        }
    }

    pub(super) fn target(&self) -> &str {
        match self {
            Src::Record(r) => r.target(),
            Src::Event(e) => e.target,
            Src::Foreign(f) => f.target,
        }
    }

    pub(super) fn file(&self) -> Option<&str> {
        match self {
            Src::Record(r) => r.file(),
            Src::Event(e) => Some(e.file),
            Src::Foreign(f) => f.file,
        }
    }

    pub(super) fn line(&self) -> Option<u32> {
        match self {
            Src::Record(r) => r.line(),
            Src::Event(e) => Some(e.line),
            Src::Foreign(f) => f.line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `tracing` event with `kvs`, from `f.rs` (at `line`).
    fn foreign<'a>(kvs: &'a [(&'static str, Arg<'a>)], line: Option<u32>) -> Foreign<'a> {
        Foreign {
            message: "m",
            level: log::Level::Info,
            target: "t",
            file: Some("f.rs"),
            line,
            kvs,
        }
    }

    /// A key list's bytes stand for that list only: other names (a name cut elsewhere
    /// included), another kind of value, another head or another length never match.
    #[test]
    fn a_foreign_key_list_matches_only_itself() {
        let logger = crate::Builder::new().with_origin(true).build();
        let lists: [&[(&str, Arg<'_>)]; 7] = [
            &[("amount", Arg::I64(1)), ("currency", Arg::Str("KWD"))],
            &[("amount", Arg::Str("1")), ("currency", Arg::Str("KWD"))],
            &[("amount", Arg::I64(1))],
            &[("amoun", Arg::I64(1)), ("tcurrency", Arg::Str("KWD"))],
            &[
                ("amount", Arg::I64(1)),
                ("currency", Arg::Str("KWD")),
                ("x", Arg::Bool(true)),
            ],
            &[("currency", Arg::Str("KWD")), ("amount", Arg::I64(1))],
            &[],
        ];
        let mut keys = Vec::new();
        for kvs in lists {
            for line in [Some(1), None] {
                keys.push(ForeignKey::of(&logger, &foreign(kvs, line)).unwrap());
            }
        }
        // The values themselves are not part of the key.
        let same = ForeignKey::of(
            &logger,
            &foreign(
                &[("amount", Arg::I64(2)), ("currency", Arg::Str("USD"))],
                Some(9),
            ),
        )
        .unwrap();
        let mut sig = Vec::new();
        for (i, a) in keys.iter().enumerate() {
            a.write(&mut sig);
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(b.matches(&sig), i == j, "{i} against {j}");
            }
            assert_eq!(same.matches(&sig), i == 0, "{i}");
        }
        assert!(!keys[0].matches(&[]));
        // A value that is not a scalar has no shape.
        let json = serde_json::json!({"a": 1});
        let nested = [("payload", Arg::Value(log::kv::Value::from_serde(&json)))];
        assert!(ForeignKey::of(&logger, &foreign(&nested, None)).is_none());
    }

    /// A slot is recognised by a key list of static keys only when it remembers that
    /// very list: the same names at other addresses (another call site) are found by
    /// their own slot, a list of other kinds or another head never, and a record's list
    /// (keys not static) is compared by its bytes.
    #[test]
    fn a_slot_of_static_keys_is_found_only_by_its_own_list() {
        let logger = crate::Builder::new().with_origin(true).build();
        let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        let (amount, currency) = (leak("amount"), leak("currency"));
        let lists: [&[(&'static str, Arg<'_>)]; 5] = [
            &[("amount", Arg::I64(1)), ("currency", Arg::Str("KWD"))],
            // The same names at other addresses.
            &[(amount, Arg::I64(1)), (currency, Arg::Str("KWD"))],
            // Another kind of value.
            &[("amount", Arg::Str("1")), ("currency", Arg::Str("KWD"))],
            &[("amount", Arg::I64(1))],
            &[],
        ];
        let mut keys = Vec::new();
        for kvs in lists {
            for line in [Some(1), None] {
                keys.push(ForeignKey::of(&logger, &foreign(kvs, line)).unwrap());
            }
        }
        let mut sig = Vec::new();
        for (i, a) in keys.iter().enumerate() {
            let mut slot = ForeignSlot::default();
            a.fill(&mut slot);
            a.write(&mut sig);
            for (j, b) in keys.iter().enumerate() {
                // Found by its own list; by another only when that list is the same
                // static keys (never here) — and never wrongly: what is found matches.
                assert_eq!(b.is_in(&slot), i == j, "{i} against {j}");
                if b.is_in(&slot) {
                    assert!(b.matches(&sig));
                }
                // Past a hash collision too: found exactly when the lists are equal.
                let mut forced = slot.clone();
                forced.hash = b.hash;
                assert_eq!(b.is_in(&forced), b.matches(&sig), "{i} against {j}, forced");
            }
            // A record's list (keys not known to be static) leaves no addresses in a
            // slot: only its bytes can find it.
            let record = ForeignKey::new(&logger, true, i % 2 == 0, lists[i / 2]).unwrap();
            record.fill(&mut slot);
            assert!(slot.statics.is_empty());
            assert!(record.is_in(&slot));
        }
    }

    /// Two key lists whose hashes share a set both keep their shapes (a set has two
    /// slots): lines alternating between them are not re-shaped on every line.
    #[test]
    fn two_key_lists_in_one_set_both_stay() {
        let logger = crate::Builder::new().build();
        let names: Vec<String> = (0..4096).map(|n| format!("k{n}")).collect();
        let key_of = |kvs: &'static [(&'static str, Arg<'static>)]| {
            ForeignKey::new(&logger, true, true, kvs).unwrap()
        };
        let leak = |k: &str| -> &'static [(&'static str, Arg<'static>)] {
            let k: &'static str = Box::leak(k.to_owned().into_boxed_str());
            Box::leak(Box::new([(k, Arg::I64(1))]))
        };
        let first = leak(&names[0]);
        let set = key_of(first).set();
        let second = names[1..]
            .iter()
            .map(|n| leak(n))
            .find(|kvs| key_of(kvs).set() == set)
            .expect("two names in one set");
        let shape = |tag| SiteShape {
            logger: logger.id,
            tag,
            keys: Entries::default(),
            by_path: 0,
            nums_by_path: 0,
            typed: 0,
        };
        key_of(first).remember(Some(shape(1)));
        key_of(second).remember(Some(shape(2)));
        for _ in 0..3 {
            assert_eq!(key_of(first).shape().flatten().map(|s| s.tag), Some(1));
            assert_eq!(key_of(second).shape().flatten().map(|s| s.tag), Some(2));
        }
    }
}
