//! Flat `(dotted path, rendered JSON value)` entries: what one event (or one bind) adds to
//! a document before the paths are nested and merged with the context.

use std::cmp::Ordering;

/// One leaf: a placed dotted key and its rendered JSON value, both ranges into [`Entries`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    key: (u32, u32),
    val: (u32, u32),
    seq: u32,
}

/// Reusable storage for the leaves of one document layer; clearing keeps the capacity.
#[derive(Default, Debug)]
pub(crate) struct Entries {
    pub(crate) keys: String,
    pub(crate) vals: Vec<u8>,
    pub(crate) list: Vec<Entry>,
}

impl Entries {
    pub(crate) fn clear(&mut self) {
        self.keys.clear();
        self.vals.clear();
        self.list.clear();
    }

    /// Records a leaf whose value was rendered into `vals[val_start..]`.
    #[inline]
    pub(crate) fn push(&mut self, key: &str, val_start: usize) {
        push_entry(
            &mut self.keys,
            &mut self.list,
            key,
            val_start,
            self.vals.len(),
        );
    }

    #[inline]
    pub(crate) fn key(&self, e: &Entry) -> &str {
        &self.keys[e.key.0 as usize..e.key.1 as usize]
    }

    #[inline]
    pub(crate) fn val(&self, e: &Entry) -> &[u8] {
        &self.vals[e.val.0 as usize..e.val.1 as usize]
    }

    /// Sorts by path, segment by segment, then by insertion order (the last one wins).
    pub(crate) fn sort(&mut self) {
        let keys = &self.keys;
        self.list.sort_unstable_by(|a, b| {
            cmp_path(
                &keys[a.key.0 as usize..a.key.1 as usize],
                &keys[b.key.0 as usize..b.key.1 as usize],
            )
            .then(a.seq.cmp(&b.seq))
        });
    }
}

/// [`Entries::push`] on split borrows (the value buffer is borrowed elsewhere).
#[inline]
pub(crate) fn push_entry(
    keys: &mut String,
    list: &mut Vec<Entry>,
    key: &str,
    start: usize,
    end: usize,
) {
    let k0 = keys.len();
    keys.push_str(key);
    list.push(Entry {
        key: (k0 as u32, keys.len() as u32),
        val: (start as u32, end as u32),
        seq: list.len() as u32,
    });
}

/// Orders dotted paths segment-wise: `.` sorts before every other byte, so all paths that
/// share a prefix of whole segments are contiguous (`a` < `a.b` < `a-x`).
#[inline]
pub(crate) fn cmp_path(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let rank = |c: u8| if c == b'.' { 0u16 } else { c as u16 + 1 };
            return rank(*x).cmp(&rank(*y));
        }
    }
    a.len().cmp(&b.len())
}

/// The `d`-th segment of a dotted path (the path must have more than `d` segments).
#[inline]
pub(crate) fn segment(path: &str, d: usize) -> &str {
    path.split('.').nth(d).unwrap_or("")
}

/// Whether the path has exactly `n` segments.
#[inline]
pub(crate) fn has_segments(path: &str, n: usize) -> bool {
    path.bytes().filter(|&b| b == b'.').count() + 1 == n
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
}
