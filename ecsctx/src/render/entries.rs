//! Flat `(dotted path, rendered JSON value)` entries: what one event (or one bind) adds to
//! a document before the paths are nested and merged with the context.
//!
//! Segment boundaries are found once per list ([`Entries::index`], and only for lists
//! that are sorted or nested), so nesting and merging never rescan a key.

use std::cmp::Ordering;

/// Paths deeper than this are cut: the remaining segments join with `_` into the last one.
pub(crate) const MAX_SEGMENTS: usize = 32;

/// One leaf: a placed dotted key and its rendered JSON value, as ranges into [`Entries`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    key: (u32, u32),
    val: (u32, u32),
    /// Start of this key's segment ends in `Entries::segs`, and the segment count.
    segs: (u32, u32),
    seq: u32,
    /// The key has no byte that JSON must escape.
    plain: bool,
    /// The key's first 8 bytes as a number that orders like [`cmp_path`] (or ties).
    prefix: u64,
}

/// Reusable storage for the leaves of one document layer; clearing keeps the capacity.
#[derive(Default, Debug, Clone)]
pub(crate) struct Entries {
    pub(crate) keys: String,
    pub(crate) vals: Vec<u8>,
    pub(crate) segs: Vec<u32>,
    pub(crate) list: Vec<Entry>,
    /// `segs` and each entry's `plain` and `prefix` are up to date.
    pub(crate) indexed: bool,
}

/// The parts of [`Entries`] that record keys, borrowed apart from the value buffer.
pub(crate) struct KeySide<'a> {
    pub(crate) keys: &'a mut String,
    pub(crate) indexed: &'a mut bool,
    pub(crate) list: &'a mut Vec<Entry>,
}

impl Entry {
    #[inline]
    pub(crate) fn key_in<'k>(&self, keys: &'k str) -> &'k str {
        &keys[self.key.0 as usize..self.key.1 as usize]
    }

    /// The key's [`sort_prefix`] (once indexed).
    #[inline]
    pub(crate) fn prefix(&self) -> u64 {
        self.prefix
    }

    #[inline]
    pub(crate) fn seq(&self) -> u32 {
        self.seq
    }

    #[inline]
    pub(crate) fn val_range(&self) -> (u32, u32) {
        self.val
    }

    /// This leaf with its value at `vals[start..end]`.
    #[inline]
    pub(crate) fn with_val(mut self, start: usize, end: usize) -> Entry {
        self.val = (start as u32, end as u32);
        self
    }

    #[inline]
    pub(crate) fn key_range(&self) -> (u32, u32) {
        self.key
    }

    #[inline]
    pub(crate) fn is_plain(&self) -> bool {
        self.plain
    }
}

impl KeySide<'_> {
    /// Records `key` (a dotted path without empty segments) for `vals[start..end]`.
    ///
    /// Segments are found later, by [`Entries::index`], and only for lines that need
    /// them (a line written from a plan never does).
    #[inline]
    pub(crate) fn push(&mut self, key: &str, start: usize, end: usize) {
        let k0 = self.keys.len();
        // `MAX_SEGMENTS` dots need more than this many bytes; only such keys are searched.
        let deep = if key.len() > 2 * MAX_SEGMENTS {
            key.match_indices('.').nth(MAX_SEGMENTS - 1)
        } else {
            None
        };
        match deep {
            // Too deep for a document: keep the tail as part of the last segment.
            Some((i, _)) => {
                self.keys.push_str(&key[..i]);
                self.keys.push('_');
                self.keys.push_str(&key[i + 1..].replace('.', "_"));
            }
            None => self.keys.push_str(key),
        }
        *self.indexed = false;
        self.list.push(Entry {
            key: (k0 as u32, self.keys.len() as u32),
            val: (start as u32, end as u32),
            segs: (0, 0),
            seq: self.list.len() as u32,
            plain: true,
            prefix: 0,
        });
    }
}

impl Entries {
    /// No leaves (usable in statics).
    pub(crate) const EMPTY: Entries = Entries {
        keys: String::new(),
        vals: Vec::new(),
        segs: Vec::new(),
        list: Vec::new(),
        indexed: true,
    };

    pub(crate) fn clear(&mut self) {
        self.keys.clear();
        self.vals.clear();
        self.segs.clear();
        self.list.clear();
        self.indexed = true;
    }

    pub(crate) fn key_side(&mut self) -> KeySide<'_> {
        KeySide {
            keys: &mut self.keys,
            indexed: &mut self.indexed,
            list: &mut self.list,
        }
    }

    /// Finds every entry's segment boundaries and whether its key needs escaping (for
    /// sorting, nesting and merging).
    pub(crate) fn index(&mut self) {
        if self.indexed {
            return;
        }
        self.segs.clear();
        self.segs.reserve(self.list.len() * 3);
        let keys = self.keys.as_bytes();
        for e in &mut self.list {
            let key = &keys[e.key.0 as usize..e.key.1 as usize];
            let s0 = self.segs.len();
            let dots = key.iter().enumerate().filter(|&(_, &b)| b == b'.');
            self.segs.extend(dots.map(|(i, _)| i as u32));
            self.segs.push(key.len() as u32);
            e.segs = (s0 as u32, (self.segs.len() - s0) as u32);
            e.plain = super::escape::is_plain(key);
            e.prefix = sort_prefix(key);
        }
        self.indexed = true;
    }

    /// Sets every leaf's `seq` to its position in the list.
    pub(crate) fn renumber(&mut self) {
        for (i, e) in self.list.iter_mut().enumerate() {
            e.seq = i as u32;
        }
    }

    /// Records a copy of `src`'s leaf `e` with its value at `vals[val_start..]`, reusing
    /// the leaf's segment boundaries when `src` is indexed.
    #[inline]
    pub(crate) fn push_from(&mut self, src: &Entries, e: &Entry, val_start: usize) {
        if !(src.indexed && self.indexed) {
            self.push(src.key_of(e), val_start);
            return;
        }
        let k0 = self.keys.len();
        self.keys.push_str(src.key_of(e));
        let s0 = self.segs.len();
        self.segs.extend_from_slice(src.ends(e));
        self.list.push(Entry {
            key: (k0 as u32, self.keys.len() as u32),
            val: (val_start as u32, self.vals.len() as u32),
            segs: (s0 as u32, (self.segs.len() - s0) as u32),
            seq: self.list.len() as u32,
            plain: e.plain,
            prefix: e.prefix,
        });
    }

    /// Takes the keys of `shape`, leaf for leaf, with the values at `ranges` of `vals`
    /// (which is kept).
    pub(crate) fn set_keys_from(&mut self, shape: &Entries, ranges: &[(u32, u32)]) {
        self.keys.clear();
        self.keys.push_str(&shape.keys);
        self.segs.clear();
        self.segs.extend_from_slice(&shape.segs);
        self.list.clear();
        let leaves = shape.list.iter().zip(ranges);
        self.list
            .extend(leaves.map(|(e, &(a, b))| e.with_val(a as usize, b as usize)));
        self.indexed = shape.indexed;
    }

    /// Records a leaf whose value was rendered into `vals[val_start..]`.
    #[inline]
    pub(crate) fn push(&mut self, key: &str, val_start: usize) {
        let end = self.vals.len();
        self.key_side().push(key, val_start, end);
    }

    #[inline]
    pub(crate) fn key_of(&self, e: &Entry) -> &str {
        e.key_in(&self.keys)
    }

    #[inline]
    pub(crate) fn val(&self, e: &Entry) -> &[u8] {
        &self.vals[e.val.0 as usize..e.val.1 as usize]
    }

    /// The `d`-th segment of the entry's key (`d` must be below its segment count,
    /// `ends(e).len()`).
    #[inline]
    pub(crate) fn seg(&self, e: &Entry, d: usize) -> &str {
        let ends = &self.segs[e.segs.0 as usize..(e.segs.0 + e.segs.1) as usize];
        let start = if d == 0 { 0 } else { ends[d - 1] as usize + 1 };
        let k = e.key.0 as usize;
        &self.keys[k + start..k + ends[d] as usize]
    }

    /// Segment end offsets of the entry's key (relative to the key).
    #[inline]
    pub(crate) fn ends(&self, e: &Entry) -> &[u32] {
        &self.segs[e.segs.0 as usize..(e.segs.0 + e.segs.1) as usize]
    }
}

/// The keys of a leaf list without its values: the key text and each leaf's key range.
/// Both ends count: a resolved list can leave gaps in its key text (dropped duplicates),
/// so the same text with the same key ends can still hold other keys.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct KeyShape {
    keys: String,
    ranges: Vec<(u32, u32)>,
}

impl KeyShape {
    /// The shape of `e`.
    pub(crate) fn of(e: &Entries) -> KeyShape {
        let mut s = KeyShape::default();
        s.set(e);
        s
    }

    /// Becomes the shape of `e`, reusing its buffers.
    pub(crate) fn set(&mut self, e: &Entries) {
        self.keys.clear();
        self.keys.push_str(&e.keys);
        self.ranges.clear();
        self.ranges.extend(e.list.iter().map(Entry::key_range));
    }

    /// No leaves.
    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `e` has exactly these leaves' keys.
    #[inline]
    pub(crate) fn matches(&self, e: &Entries) -> bool {
        self.ranges.len() == e.list.len()
            && self.keys == e.keys
            && self.ranges.iter().zip(&e.list).all(|(r, x)| *r == x.key)
    }
}

/// The first 8 bytes of `key`, big-endian, each ranked as [`cmp_path`] ranks them (`.`
/// lowest, the other bytes in order) and zero-padded: a smaller prefix means a smaller
/// path; equal prefixes need [`cmp_path`].
#[inline]
pub(crate) fn sort_prefix(key: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    for (o, &b) in w.iter_mut().zip(key) {
        *o = match b {
            b'.' => 0,
            b if b < b'.' => b + 1,
            b => b,
        };
    }
    u64::from_be_bytes(w)
}

/// Orders dotted paths segment-wise: `.` sorts before every other byte, so all paths that
/// share a prefix of whole segments are contiguous (`a` < `a.b` < `a-x`).
#[inline]
pub(crate) fn cmp_path(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    // Skip the common prefix 8 bytes at a time (keys often share `extra.`, `keyloop.` …).
    let mut i = 0;
    while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < n {
        let (x, y) = (a[i], b[i]);
        if x != y {
            let rank = |c: u8| if c == b'.' { 0u16 } else { c as u16 + 1 };
            return rank(x).cmp(&rank(y));
        }
        i += 1;
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_groups_are_contiguous() {
        let mut v = ["a-x", "a.b", "a", "a.b.c", "ab", "a.a"];
        v.sort_by(|x, y| cmp_path(x, y));
        assert_eq!(v, ["a", "a.a", "a.b", "a.b.c", "a-x", "ab"]);
    }

    #[test]
    fn prefixes_order_like_paths() {
        let keys = [
            "",
            "a",
            "a.",
            "a.b",
            "a-x",
            "a!",
            "ab",
            "abcdefgh",
            "abcdefgh.x",
            "abcdefghi",
            "abcdefg.",
            "abcdefg",
            "a b",
            "extra.keyloop",
            "extra.amount",
            "é",
            "z\u{1}",
            ".",
        ];
        for a in keys {
            for b in keys {
                let (pa, pb) = (sort_prefix(a.as_bytes()), sort_prefix(b.as_bytes()));
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), cmp_path(a, b), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn segments() {
        let mut e = Entries::default();
        e.vals.extend_from_slice(b"1");
        e.push("extra.keyloop.store_id", 0);
        e.push("a", 0);
        let deep = "x.".repeat(40) + "y";
        e.push(&deep, 0);
        e.index();
        assert_eq!(e.ends(&e.list[2]).len(), MAX_SEGMENTS);
        let x = e.list[0];
        assert_eq!(e.ends(&x).len(), 3);
        assert_eq!(
            (e.seg(&x, 0), e.seg(&x, 1), e.seg(&x, 2)),
            ("extra", "keyloop", "store_id")
        );
        assert_eq!(e.seg(&e.list[1], 0), "a");
    }
}
