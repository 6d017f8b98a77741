//! Collect: an `event!` or a `log::Record` becomes the line's leaves (`log.logger`, the
//! origin, each key placed and its value rendered and masked), or, for an `event!` call
//! site whose shape is known, only its values. What the logger merges over the context's
//! layer and delivers (`super`).

use log::kv::{self, VisitSource};
use log::Record;

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
        escape::write_str(vals, src.target(), max);
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
    /// see [`PLACED`]).
    pub(super) fn place_key(&self, cx: &Cx<'_>, s: &mut Scratch, key: &str) -> usize {
        let slot = (key.len() <= PLACED_KEY).then(|| placed_slot(key.as_bytes()));
        if let Some(i) = slot {
            let hit = memo::get(&PLACED, i, |p| {
                (p.logger == self.id && p.key() == key.as_bytes()).then(|| {
                    s.path.clear();
                    s.path.push_str(&p.path);
                    p.depth
                })
            });
            if let Some(depth) = hit {
                return depth;
            }
        }
        let policy = &self.shared.policy;
        let (depth, rewritten) = match cx.masker {
            Some(m) => {
                let mut masked = std::mem::take(&mut s.key_buf);
                masked.clear();
                let rewritten = m.mask_key("", key, &mut masked);
                let k = if rewritten { &*masked } else { key };
                let depth = policy.place(k, &mut s.path);
                s.key_buf = masked;
                (depth, rewritten)
            }
            None => (policy.place(key, &mut s.path), false),
        };
        // A key the masker rewrites (digits or an address in it) is not remembered.
        if let (Some(i), false) = (slot, rewritten) {
            memo::put(&PLACED, PLACED_SLOTS, PlacedSlot::default, i, |p| {
                p.logger = self.id;
                p.key_len = key.len() as u8;
                p.key[..key.len()].copy_from_slice(key.as_bytes());
                p.path.clear();
                p.path.push_str(&s.path);
                p.depth = depth;
            });
        }
        depth
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
        // Never `Value::visit`: for serde-captured values it runs value_bag's probing
        // serializer, which panics on nested values (value-bag 1.14). `serialize` dispatches
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

    /// The shape of an `event!` call site whose fields were just added the general way
    /// (into `s.entries`, not yet resolved): `None` unless every value is a scalar that
    /// made exactly the one leaf its key places it at.
    pub(super) fn site_shape(
        &self,
        ev: &Event<'_>,
        cx: &Cx<'_>,
        s: &mut Scratch,
    ) -> Option<SiteShape> {
        let head = self.event_head();
        if ev.kvs.len() > MAX_SHAPE_ARGS
            || s.entries.list.len() != head + ev.kvs.len()
            || !ev.kvs.iter().all(|(_, a)| a.is_scalar())
        {
            return None;
        }
        let mut masked = String::new();
        let mut by_path = 0u32;
        let mut nums_by_path = 0u32;
        for (i, (k, arg)) in ev.kvs.iter().enumerate() {
            // A key the masker rewrites (digits or an address in it) may be rewritten
            // differently after a keyset reload: never kept.
            if cx.masker.is_some_and(|m| m.mask_key("", k, &mut masked)) {
                return None;
            }
            self.shared.policy.place(k, &mut s.path);
            // Text at an ECS field that is not a string (`client.ip`, `status_code`) is
            // checked value by value (kept, or moved to `extra`): no fixed place.
            if arg.is_text() && crate::placement::ecs_type(&s.path).is_some() {
                return None;
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
        })
    }

    /// Writes the members of an `event!` with a known shape: only its values are
    /// rendered, and the line comes from the shape's plan over this layer when there is
    /// one (else the leaves are merged the long way and a plan is recorded).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn event_from_shape(
        &self,
        src: &Src<'_>,
        ev: &Event<'_>,
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
        for (i, ((_, arg), leaf)) in ev.kvs.iter().zip(&shape.keys.list[at..]).enumerate() {
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

/// One remembered key: where it goes for one logger.
#[derive(Clone)]
struct PlacedSlot {
    /// The logger's id (its placement policy and masker); 0: empty (ids start at 1).
    logger: u64,
    key_len: u8,
    key: [u8; PLACED_KEY],
    path: String,
    depth: usize,
}

impl Default for PlacedSlot {
    fn default() -> Self {
        PlacedSlot {
            logger: 0,
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
    /// The place of the keys of records and general `event!`s (`place_key`), per thread:
    /// another crate's records repeat their keys on every line, and a key's placement and
    /// masking cost about 450 instructions. One slot per hash of the key (a new key
    /// replaces the old); keyed by the logger and the key's bytes, compared whole.
    static PLACED: memo::Table<PlacedSlot> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The slot of a key: FNV-1a over its bytes.
fn placed_slot(key: &[u8]) -> usize {
    let h = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h >> 58) as usize % PLACED_SLOTS
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
/// No call-site shape: its fields change with the spans it runs in.
pub(super) struct Foreign<'a> {
    pub(super) message: &'a str,
    pub(super) level: log::Level,
    pub(super) target: &'a str,
    pub(super) file: Option<&'a str>,
    pub(super) line: Option<u32>,
    pub(super) kvs: &'a [(&'a str, Arg<'a>)],
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
