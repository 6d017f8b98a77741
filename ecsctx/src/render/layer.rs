//! Layers of leaves and how they become nested JSON.
//!
//! Everything a line contains is a sorted list of `(dotted path, rendered value)` leaves:
//! the event's fields, the bound context, the trace, the service metadata. Context is
//! merged and rendered **once per frame** (on its first line) into a [`Layer`]: its
//! members joined in a blob with an index of its top-level keys; a frame whose sources
//! have the keys of an earlier one is copied from that layer's [`Template`] instead. A
//! line then merge-joins its few event leaves with the layer's leaves under the top-level
//! keys they share (`extra`, `user` …) and copies every other run of members from the
//! blob as it is; [`plan`](super::plan) remembers the result per shape.
//!
//! Conflicts: the higher-precedence list wins an equal path; between a leaf `a` and an
//! object `a.b…`, the higher-precedence side wins, and within one list the object wins.

use std::cmp::Ordering;

use super::entries::{cmp_path, Entries, Entry, KeyShape, MAX_SEGMENTS};
use super::escape;

/// Whether `a` is a strict segment prefix of `b` (`a` and `a.b`).
#[inline]
fn is_prefix(a: &str, b: &str) -> bool {
    b.len() > a.len() && b.as_bytes()[a.len()] == b'.' && b.starts_with(a)
}

/// Sorts `e` and resolves conflicts inside it (last write wins; objects win over leaves);
/// returns how many leaves were dropped (counted in `stats().collisions`).
pub(crate) fn resolve(e: &mut Entries) -> u32 {
    e.index();
    {
        let keys = &e.keys;
        e.list.sort_unstable_by(|a, b| {
            a.prefix()
                .cmp(&b.prefix())
                .then_with(|| cmp_path(a.key_in(keys), b.key_in(keys)))
                .then(b.seq().cmp(&a.seq()))
        });
    }
    let mut kept = 0;
    let mut dropped = 0;
    for i in 0..e.list.len() {
        let cur = e.list[i];
        if kept > 0 {
            let prev = e.list[kept - 1];
            let (p, c) = (prev.key_in(&e.keys), cur.key_in(&e.keys));
            if p == c {
                dropped += 1;
                continue;
            }
            if is_prefix(p, c) {
                dropped += 1;
                kept -= 1;
            }
        }
        e.list[kept] = cur;
        kept += 1;
    }
    e.list.truncate(kept);
    dropped
}

/// A kept leaf, from the higher or the lower list of a merge.
enum Pick<A, B> {
    Hi(A),
    Lo(B),
}

/// Merges two sorted, resolved sequences (`hi` wins): equal paths keep `hi`'s leaf, and
/// between a leaf `a` and an object `a.b…` the `hi` side wins. `f` sees the kept items in
/// order.
#[inline]
fn merge_by<'k, A, B>(
    his: &[A],
    los: &[B],
    hk: impl Fn(&A) -> &'k str,
    lk: impl Fn(&B) -> &'k str,
    mut f: impl FnMut(Pick<&A, &B>),
) {
    let (mut i, mut j) = (0, 0);
    while i < his.len() || j < los.len() {
        if j == los.len() {
            f(Pick::Hi(&his[i]));
            i += 1;
            continue;
        }
        if i == his.len() {
            f(Pick::Lo(&los[j]));
            j += 1;
            continue;
        }
        let (x, y) = (hk(&his[i]), lk(&los[j]));
        match cmp_path(x, y) {
            Ordering::Equal => {
                f(Pick::Hi(&his[i]));
                i += 1;
                j += 1;
            }
            Ordering::Less => {
                f(Pick::Hi(&his[i]));
                i += 1;
                if is_prefix(x, y) {
                    while j < los.len() && is_prefix(x, lk(&los[j])) {
                        j += 1;
                    }
                }
            }
            Ordering::Greater => {
                if !is_prefix(y, x) {
                    f(Pick::Lo(&los[j]));
                }
                j += 1;
            }
        }
    }
}

/// Merges two resolved lists (`hi` wins) with `f` called on each kept leaf, in order.
#[inline]
pub(crate) fn merge_join<'a>(
    hi: &'a Entries,
    his: &[Entry],
    lo: &'a Entries,
    los: &[Entry],
    mut f: impl FnMut(&'a Entries, &Entry),
) {
    merge_by(
        his,
        los,
        |e| e.key_in(&hi.keys),
        |e| e.key_in(&lo.keys),
        |p| match p {
            Pick::Hi(e) => f(hi, e),
            Pick::Lo(e) => f(lo, e),
        },
    );
}

/// Copies the leaves of `hi` merged over `lo` into `out` (cleared first).
pub(crate) fn merge_into(out: &mut Entries, hi: &Entries, lo: &Entries) {
    static NONE: Entries = Entries::EMPTY;
    merge3_into(out, hi, lo, &NONE);
}

/// Copies `a` over `b` over `c` (three resolved lists) into `out` in one pass.
pub(crate) fn merge3_into(out: &mut Entries, a: &Entries, b: &Entries, c: &Entries) {
    merge3_with_origin(out, [a, b, c], None);
}

/// Where a merged leaf came from: the number of its source list and its index there.
pub(crate) type Origin = (u8, u32);

/// The index of `e` in `list` (`e` must be one of its elements).
fn index_in(list: &[Entry], e: &Entry) -> u32 {
    let at = (e as *const Entry as usize - list.as_ptr() as usize) / std::mem::size_of::<Entry>();
    debug_assert!(at < list.len());
    at as u32
}

/// [`merge3_into`], also noting each kept leaf's [`Origin`].
pub(crate) fn merge3_with_origin(
    out: &mut Entries,
    [a, b, c]: [&Entries; 3],
    mut origin: Option<&mut Vec<Origin>>,
) {
    out.clear();
    if let Some(o) = origin.as_deref_mut() {
        o.clear();
    }
    let ab_src = [a, b];
    let mut ab: Vec<(Entry, Origin)> = Vec::with_capacity(a.list.len() + b.list.len());
    merge_join(a, &a.list, b, &b.list, |src, e| {
        let n = usize::from(!std::ptr::eq(src, a));
        ab.push((*e, (n as u8, index_in(&src.list, e))));
    });
    out.keys.reserve(a.keys.len() + b.keys.len() + c.keys.len());
    out.vals.reserve(a.vals.len() + b.vals.len() + c.vals.len());
    out.list.reserve(ab.len() + c.list.len());
    out.segs.reserve(a.segs.len() + b.segs.len() + c.segs.len());
    let mut put = |src: &Entries, e: &Entry, o: Origin| {
        let start = out.vals.len();
        out.vals.extend_from_slice(src.val(e));
        out.push_from(src, e, start);
        if let Some(v) = origin.as_deref_mut() {
            v.push(o);
        }
    };
    merge_by(
        &ab,
        &c.list,
        |x| ab_src[x.1 .0 as usize].key_of(&x.0),
        |e| c.key_of(e),
        |p| match p {
            Pick::Hi((e, o)) => put(ab_src[o.0 as usize], e, *o),
            Pick::Lo(e) => put(c, e, (2, index_in(&c.list, e))),
        },
    );
}

/// What a recorded line copied from where: the bytes at `at..at + len` of the line are
/// an event value, a layer leaf's value, or a run of the layer's members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) at: u32,
    pub(crate) len: u32,
    pub(crate) what: Piece,
}

/// The source of a [`Mark`]'s bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// The value of the event leaf added `n`-th (its `seq`).
    Event(u32),
    /// The value of the layer's `n`-th leaf.
    LayerValue(u32),
    /// The layer's members `t..u`, joined.
    LayerRun(u32, u32),
}

/// Streams sorted leaves as nested JSON members.
pub(crate) struct Nest<'o, 'a> {
    out: &'o mut Vec<u8>,
    prev: Option<&'a str>,
    open: usize,
    has_member: [bool; MAX_SEGMENTS + 1],
    /// While a [plan](super::plan) or a [`Template`] is recorded: the event's leaves, the layer's
    /// leaves, and where values and runs from them landed in `out`.
    marks: Option<(&'a Entries, &'a Entries, &'o mut Vec<Mark>)>,
}

impl<'o, 'a> Nest<'o, 'a> {
    /// A writer into `out`; `first` is false when the enclosing object already has members.
    pub(crate) fn new(out: &'o mut Vec<u8>, first: bool) -> Self {
        let mut has_member = [false; MAX_SEGMENTS + 1];
        has_member[0] = !first;
        Nest {
            out,
            prev: None,
            open: 0,
            has_member,
            marks: None,
        }
    }

    /// Also notes where each value of `ev`'s and `layer`'s leaves (and each run copied
    /// from the layer) is written, for a plan or a template.
    pub(crate) fn marking(
        mut self,
        ev: &'a Entries,
        layer: &'a Entries,
        marks: &'o mut Vec<Mark>,
    ) -> Self {
        marks.clear();
        self.marks = Some((ev, layer, marks));
        self
    }

    /// What a marking `Nest` calls the value of `src`'s leaf `e`.
    #[inline]
    fn piece_of(&self, src: &Entries, e: &Entry) -> Option<Piece> {
        let (ev, lay, _) = self.marks.as_ref()?;
        if std::ptr::eq(*ev, src) {
            Some(Piece::Event(e.seq()))
        } else if std::ptr::eq(*lay, src) {
            Some(Piece::LayerValue(e.seq()))
        } else {
            None
        }
    }

    fn mark(&mut self, len: usize, what: Piece) {
        if let Some((_, _, marks)) = &mut self.marks {
            marks.push(Mark {
                at: self.out.len() as u32,
                len: len as u32,
                what,
            });
        }
    }

    #[inline]
    fn member_key(&mut self, d: usize, key: &str, plain: bool) {
        if self.has_member[d] {
            self.out.push(b',');
        }
        self.has_member[d] = true;
        self.out.push(b'"');
        if plain {
            self.out.extend_from_slice(key.as_bytes());
        } else {
            escape::escape_into(self.out, key);
        }
        self.out.extend_from_slice(b"\":");
    }

    /// Writes one leaf, closing and opening objects as its path requires.
    #[inline]
    pub(crate) fn leaf(&mut self, src: &'a Entries, e: &Entry) {
        let key = src.key_of(e);
        let ends = src.ends(e);
        let n = ends.len();
        // Objects still open that this key shares: whole equal segments of the two keys.
        let mut c = 0;
        if let Some(prev) = self.prev {
            let (p, k) = (prev.as_bytes(), key.as_bytes());
            let limit = self.open.min(n - 1);
            let mut i = 0;
            while c < limit && i < p.len() && i < k.len() && p[i] == k[i] {
                if k[i] == b'.' {
                    c += 1;
                }
                i += 1;
            }
            // `a.b` then `a.b.c`: prev ended exactly at a segment boundary.
            if c < limit && i == p.len() && k.get(i) == Some(&b'.') {
                c += 1;
            }
        }
        for _ in c..self.open {
            self.out.push(b'}');
        }
        let plain = e.is_plain();
        let mut start = if c == 0 { 0 } else { ends[c - 1] as usize + 1 };
        for (d, &end) in ends.iter().enumerate().take(n - 1).skip(c) {
            let end = end as usize;
            self.member_key(d, &key[start..end], plain);
            self.out.push(b'{');
            self.has_member[d + 1] = false;
            start = end + 1;
        }
        self.open = n - 1;
        self.member_key(n - 1, &key[start..], plain);
        let val = src.val(e);
        if let Some(what) = self.piece_of(src, e) {
            self.mark(val.len(), what);
        }
        self.out.extend_from_slice(val);
        self.prev = Some(key);
    }

    /// Closes every open object; the next leaf starts a new top-level member.
    #[inline]
    pub(crate) fn close(&mut self) {
        for _ in 0..self.open {
            self.out.push(b'}');
        }
        self.open = 0;
        self.prev = None;
    }

    /// Marks that the enclosing object now has members (after a copied run).
    #[inline]
    pub(crate) fn set_has_member(&mut self) {
        self.has_member[0] = true;
    }

    pub(crate) fn out(&mut self) -> &mut Vec<u8> {
        self.out
    }

    pub(crate) fn has_member(&self) -> bool {
        self.has_member[0]
    }
}

/// The largest layer (key text, leaves) a template is kept for.
const MAX_TEMPLATE_KEYS: usize = 8 * 1024;
const MAX_TEMPLATE_LEAVES: usize = 512;

/// A blob position in a template: (literal bytes before it, values before it).
type At = (u32, u32);

/// A layer's structure without its values, to build the next layer with the same keys
/// from the same kinds of sources by copying: its key text and segment index, its
/// leaves with their origins, and its blob's bytes between the values.
#[derive(Debug, Default)]
pub(crate) struct Template {
    /// Names this structure: every layer built from it (or recorded into it) has its keys.
    id: u64,
    /// The sources' keys.
    sources: [KeyShape; 3],
    keys: String,
    segs: Vec<u32>,
    list: Vec<Entry>,
    origin: Vec<Origin>,
    /// The blob without values; value `k` (leaf `k`, in order) comes after `lit[..ends[k]]`.
    lit: Vec<u8>,
    ends: Vec<u32>,
    /// Members with `start`/`end` as [`At`]s.
    top: Vec<(Top, At, At)>,
}

impl Template {
    /// Builds the layer of `e` (merged from `sources`, with `origin`) and, when its blob
    /// holds every value once and in order, its template.
    pub(crate) fn record(
        e: Entries,
        origin: Vec<Origin>,
        sources: [&Entries; 3],
    ) -> (Layer, Option<Template>) {
        // Layers with very many keys are not worth keeping a copy of their structure.
        if e.keys.len() > MAX_TEMPLATE_KEYS
            || e.list.len() > MAX_TEMPLATE_LEAVES
            || sources.iter().any(|s| s.keys.len() > MAX_TEMPLATE_KEYS)
        {
            return (Layer::new(e), None);
        }
        let mut marks = Vec::new();
        let mut layer = Layer::build(e, Some(&mut marks));
        let in_order = marks.len() == layer.e.list.len()
            && origin.len() == layer.e.list.len()
            && marks
                .iter()
                .enumerate()
                .all(|(k, m)| m.what == Piece::LayerValue(k as u32));
        if !in_order {
            return (layer, None);
        }
        let id = crate::ids::next();
        layer.template = id;
        let mut t = Template {
            id,
            sources: sources.map(KeyShape::of),
            keys: layer.e.keys.clone(),
            segs: layer.e.segs.clone(),
            list: layer.e.list.clone(),
            origin,
            lit: Vec::with_capacity(layer.members().len()),
            ends: Vec::with_capacity(marks.len()),
            top: Vec::with_capacity(layer.top.len()),
        };
        let mut at = 0;
        for m in &marks {
            t.lit.extend_from_slice(&layer.members()[at..m.at as usize]);
            t.ends.push(t.lit.len() as u32);
            at = (m.at + m.len) as usize;
        }
        t.lit.extend_from_slice(&layer.members()[at..]);
        // A blob position as (literal bytes before it, values before it).
        let split = |pos: u32| {
            let before = marks.partition_point(|m| m.at < pos);
            let value_bytes: u32 = marks[..before].iter().map(|m| m.len).sum();
            (pos - value_bytes, before as u32)
        };
        for top in &layer.top {
            t.top.push((*top, split(top.start), split(top.end)));
        }
        (layer, Some(t))
    }

    /// Whether the merge of `sources` has this template's structure: the same leaves in
    /// each source (the keys decide the merge, never the values).
    pub(crate) fn fits(&self, sources: &impl Sources) -> bool {
        self.sources
            .iter()
            .enumerate()
            .all(|(s, shape)| sources.has_shape(s, shape))
    }

    /// The layer of `sources` (which must [`fit`](Self::fits)), built by copying.
    ///
    /// The values are written once, into the blob; the layer's leaves point at them there.
    pub(crate) fn instantiate(&self, sources: &impl Sources) -> Layer {
        let n = self.list.len();
        let value_bytes: usize = self
            .origin
            .iter()
            .map(|&(s, i)| sources.val(s as usize, i as usize).len())
            .sum();
        let mut list = Vec::with_capacity(n);
        let mut blob = Vec::with_capacity(self.lit.len() + value_bytes);
        let mut lit_at = 0;
        for (k, leaf) in self.list.iter().enumerate() {
            let (s, i) = self.origin[k];
            let v = sources.val(s as usize, i as usize);
            let end = self.ends[k] as usize;
            blob.extend_from_slice(&self.lit[lit_at..end]);
            lit_at = end;
            let start = blob.len();
            blob.extend_from_slice(v);
            list.push(leaf.with_val(start, blob.len()));
        }
        blob.extend_from_slice(&self.lit[lit_at..]);
        // Value bytes before leaf `k`: where its value starts, less the literals before it.
        let value_bytes = |k: u32| match list.get(k as usize) {
            Some(x) => x.val_range().0 - self.ends[k as usize],
            None => (blob.len() - self.lit.len()) as u32,
        };
        let top = self
            .top
            .iter()
            .map(|(t, (sl, sb), (el, eb))| Top {
                start: sl + value_bytes(*sb),
                end: el + value_bytes(*eb),
                ..*t
            })
            .collect();
        Layer {
            e: Entries {
                keys: self.keys.clone(),
                segs: self.segs.clone(),
                list,
                vals: blob,
                indexed: true,
            },
            blob: Vec::new(),
            blob_in_vals: true,
            top,
            id: crate::ids::next(),
            template: self.id,
        }
    }
}

/// The sources of a layer as a [`Template`] reads them: which leaves each has, and
/// their values.
pub(crate) trait Sources {
    /// Whether source `s` has exactly the leaves of `shape`.
    fn has_shape(&self, s: usize, shape: &KeyShape) -> bool;
    /// The value of source `s`'s leaf `i`.
    fn val(&self, s: usize, i: usize) -> &[u8];
}

/// Three entry lists as a template's sources (the tests build layers from them; the
/// runtime's sources are a frame's, `render::bound::FrameSources`).
#[cfg(test)]
impl Sources for [&Entries; 3] {
    #[inline]
    fn has_shape(&self, s: usize, shape: &KeyShape) -> bool {
        shape.matches(self[s])
    }

    #[inline]
    fn val(&self, s: usize, i: usize) -> &[u8] {
        self[s].val(&self[s].list[i])
    }
}

/// One top-level member of a layer: its key, its bytes in the blob and its leaves.
#[derive(Clone, Copy, Debug)]
struct Top {
    key: (u32, u32),
    start: u32,
    end: u32,
    lo: u32,
    hi: u32,
}

/// Resolved leaves rendered once: the members joined by `,`, indexed by top-level key.
#[derive(Debug, Default)]
pub(crate) struct Layer {
    pub(crate) e: Entries,
    /// The joined members, unless `blob_in_vals`.
    blob: Vec<u8>,
    /// The joined members are `e.vals`, and the leaves' values point into them (a layer
    /// copied from a template holds each value once).
    blob_in_vals: bool,
    top: Vec<Top>,
    /// Unique for the process's lifetime (never reused), so plans can name a layer.
    id: u64,
    /// The [`Template`] whose keys this layer has (0: none).
    template: u64,
}

impl Layer {
    /// Renders resolved leaves.
    pub(crate) fn new(e: Entries) -> Self {
        Layer::build(e, None)
    }

    /// Renders `e`; with `marks`, notes where each leaf's value landed in the blob.
    fn build(mut e: Entries, marks: Option<&mut Vec<Mark>>) -> Self {
        e.index();
        // A layer's leaves are named by position (plans refer to them).
        e.renumber();
        let mut blob = Vec::with_capacity(e.vals.len() + e.keys.len() * 2 + 16);
        let mut top = Vec::new();
        let mut i = 0;
        {
            let mut nest = Nest::new(&mut blob, true);
            if let Some(m) = marks {
                static NO_EVENT: Entries = Entries::EMPTY;
                nest = nest.marking(&NO_EVENT, &e, m);
            }
            while i < e.list.len() {
                let k0 = e.seg(&e.list[i], 0);
                let mut j = i + 1;
                while j < e.list.len() && e.seg(&e.list[j], 0) == k0 {
                    j += 1;
                }
                let start = nest.out().len() + usize::from(nest.has_member());
                for x in &e.list[i..j] {
                    nest.leaf(&e, x);
                }
                nest.close();
                let end = nest.out().len();
                let k = e.list[i].key_range();
                top.push(Top {
                    key: (k.0, k.0 + k0.len() as u32),
                    start: start as u32,
                    end: end as u32,
                    lo: i as u32,
                    hi: j as u32,
                });
                i = j;
            }
        }
        Layer {
            e,
            blob,
            blob_in_vals: false,
            top,
            id: crate::ids::next(),
            template: 0,
        }
    }

    /// The joined bytes of members `t..u`.
    #[inline]
    pub(crate) fn run(&self, t: usize, u: usize) -> &[u8] {
        &self.members()[self.top[t].start as usize..self.top[u - 1].end as usize]
    }

    /// The bytes of a [`Piece`] of this layer (a leaf's value, a run of members); an
    /// event's piece is not the layer's, and has none.
    #[inline]
    pub(crate) fn bytes_of(&self, piece: Piece) -> &[u8] {
        match piece {
            Piece::LayerValue(i) => self.e.val(&self.e.list[i as usize]),
            Piece::LayerRun(t, u) => self.run(t as usize, u as usize),
            Piece::Event(_) => &[],
        }
    }

    /// This layer's process-unique id.
    #[inline]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The id of the [`Template`] whose keys this layer has (0: none): layers with the
    /// same non-zero template id have the same keys.
    #[inline]
    pub(crate) fn template(&self) -> u64 {
        self.template
    }

    /// All members, joined (for `{` + … + `}`).
    #[inline]
    pub(crate) fn members(&self) -> &[u8] {
        if self.blob_in_vals {
            &self.e.vals
        } else {
            &self.blob
        }
    }

    #[inline]
    fn top_key(&self, t: &Top) -> &str {
        &self.e.keys[t.key.0 as usize..t.key.1 as usize]
    }

    /// Copies members `t..u` (joined) as one run.
    #[inline]
    fn copy_run(&self, t: usize, u: usize, nest: &mut Nest<'_, '_>) {
        if u > t {
            let (a, b) = (self.top[t].start as usize, self.top[u - 1].end as usize);
            if nest.has_member() {
                nest.out().push(b',');
            }
            nest.mark(b - a, Piece::LayerRun(t as u32, u as u32));
            nest.out().extend_from_slice(&self.members()[a..b]);
            nest.set_has_member();
        }
    }

    /// Writes the members of `ev` (resolved) merged over this layer: runs of members the
    /// event does not touch are copied, shared top-level keys are merge-joined.
    pub(crate) fn write_under<'a>(&'a self, ev: &'a Entries, nest: &mut Nest<'_, 'a>) {
        let evl = &ev.list;
        let (mut i, mut t) = (0, 0);
        while i < evl.len() {
            let k = ev.seg(&evl[i], 0);
            let mut j = i + 1;
            while j < evl.len() && ev.seg(&evl[j], 0) == k {
                j += 1;
            }
            let pos = t + self.top[t..].partition_point(|x| self.top_key(x) < k);
            self.copy_run(t, pos, nest);
            if pos < self.top.len() && self.top_key(&self.top[pos]) == k {
                let tp = self.top[pos];
                let los = &self.e.list[tp.lo as usize..tp.hi as usize];
                merge_join(ev, &evl[i..j], &self.e, los, |src, x| nest.leaf(src, x));
                t = pos + 1;
            } else {
                for x in &evl[i..j] {
                    nest.leaf(ev, x);
                }
                t = pos;
            }
            nest.close();
            i = j;
        }
        self.copy_run(t, self.top.len(), nest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolved leaves.
    fn entries(kv: &[(&str, &str)]) -> Entries {
        let mut e = crate::render::test_support::entries(kv);
        let _ = resolve(&mut e);
        e
    }

    fn render(ev: &Entries, layer: &Layer) -> String {
        let mut out = vec![b'{'];
        let mut n = Nest::new(&mut out, true);
        layer.write_under(ev, &mut n);
        out.push(b'}');
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn nests_and_merges() {
        let ctx = Layer::new(entries(&[
            ("user.id", "1"),
            ("extra.keyloop.store_id", "7"),
            ("session_id", "\"s\""),
            ("a.b", "1"),
        ]));
        assert_eq!(
            String::from_utf8(ctx.members().to_vec()).unwrap(),
            r#""a":{"b":1},"extra":{"keyloop":{"store_id":7}},"session_id":"s","user":{"id":1}"#
        );
        let ev = entries(&[
            ("extra.amount", "100"),
            ("extra.keyloop.store_id", "9"),
            ("log.logger", "\"x\""),
        ]);
        let s = render(&ev, &ctx);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "a": {"b": 1}, "session_id": "s", "user": {"id": 1},
                "extra": {"amount": 100, "keyloop": {"store_id": 9}}, "log": {"logger": "x"}
            })
        );
    }

    /// A layer instantiated from a template equals the layer merged and rendered the long
    /// way, for sources of many shapes (conflicts, prefixes, shared objects) whose values
    /// change length between uses.
    #[test]
    fn templates_build_the_same_layer() {
        const SEGS: [&str; 5] = ["a", "b", "extra", "user", "id"];
        let mut rng = crate::render::test_support::Rng(0x51_7cc1_b727_220a);
        let pool: Vec<[Vec<String>; 3]> = (0..5)
            .map(|_| std::array::from_fn(|_| rng.keys(0, 5, &SEGS)))
            .collect();
        let mut templates: Vec<Template> = Vec::new();
        let mut used = 0;
        for n in 0..200 {
            let shapes = &pool[rng.below(pool.len() as u64) as usize];
            let vals: Vec<Vec<String>> = shapes
                .iter()
                .map(|ks| {
                    (0..ks.len())
                        .map(|i| format!("\"{}\"", "v".repeat(n % 7 + i)))
                        .collect()
                })
                .collect();
            let sources: Vec<Entries> = shapes
                .iter()
                .zip(&vals)
                .map(|(ks, vs)| {
                    entries(
                        &ks.iter()
                            .zip(vs)
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            let src = [&sources[0], &sources[1], &sources[2]];
            let mut merged = Entries::default();
            merge3_into(&mut merged, src[0], src[1], src[2]);
            let long = Layer::new(merged);
            let layer = match templates.iter().find(|t| t.fits(&src)) {
                Some(t) => {
                    used += 1;
                    t.instantiate(&src)
                }
                None => {
                    let mut out = Entries::default();
                    let mut origin = Vec::new();
                    merge3_with_origin(&mut out, src, Some(&mut origin));
                    let (layer, t) = Template::record(out, origin, src);
                    templates.extend(t);
                    layer
                }
            };
            assert_eq!(layer.members(), long.members(), "{shapes:?}");
            assert_eq!(layer.top.len(), long.top.len());
            for t in 0..long.top.len() {
                assert_eq!(layer.run(t, t + 1), long.run(t, t + 1));
                assert_eq!(layer.top_key(&layer.top[t]), long.top_key(&long.top[t]));
            }
            assert_eq!(layer.e.list.len(), long.e.list.len());
            for (x, y) in layer.e.list.iter().zip(&long.e.list) {
                assert_eq!(layer.e.key_of(x), long.e.key_of(y));
                assert_eq!(layer.e.val(x), long.e.val(y));
                assert_eq!(layer.e.ends(x), long.e.ends(y));
            }
            // And an event merges over both the same way.
            let ev = entries(&[("extra.x", "1"), ("user.id", "2"), ("a", "3")]);
            assert_eq!(render(&ev, &layer), render(&ev, &long));
        }
        assert!(used > 150, "{used}");
    }

    #[test]
    fn conflicts() {
        // Within one list: last write wins, an object wins over a leaf.
        let e = entries(&[("a", "1"), ("a", "2"), ("b", "1"), ("b.c", "2")]);
        let l = Layer::new(e);
        assert_eq!(
            String::from_utf8(l.members().to_vec()).unwrap(),
            r#""a":2,"b":{"c":2}"#
        );
        // Across lists: the higher one wins either way.
        let ctx = Layer::new(entries(&[("x", "1"), ("y.z", "2"), ("w", "0")]));
        let ev = entries(&[("x.y", "3"), ("y", "4")]);
        let v: serde_json::Value = serde_json::from_str(&render(&ev, &ctx)).unwrap();
        assert_eq!(v, serde_json::json!({"w": 0, "x": {"y": 3}, "y": 4}));
    }
}
