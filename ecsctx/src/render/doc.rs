//! Writes the members of a document: an event's sorted entries deep-merged over layers of
//! pre-rendered trees (bound context, then service metadata), in precedence order.
//!
//! Members that only one layer has are copied from their pre-rendered bytes; only objects
//! that two sources share (`extra`, `user`, …) are opened and merged.

use super::entries::{has_segments, segment, Entries, Entry};
use super::tree::{write_key, ObjNode};

/// At most this many tree layers take part in one merge.
pub(crate) const MAX_LAYERS: usize = 4;

#[inline]
fn sep(out: &mut Vec<u8>, first: &mut bool) {
    if !*first {
        out.push(b',');
    }
    *first = false;
}

/// Writes the merged members at depth `d` (without braces). `ev` holds the event entries
/// that share the path prefix of this object, sorted; `layers` are highest first.
pub(crate) fn write_members(
    out: &mut Vec<u8>,
    e: &Entries,
    ev: &[Entry],
    d: usize,
    layers: &[&ObjNode],
    first: &mut bool,
) {
    // 1. Event members (they win), merged with the layers' objects of the same key.
    let mut i = 0;
    while i < ev.len() {
        let seg = segment(e.key(&ev[i]), d);
        let mut j = i + 1;
        while j < ev.len() && segment(e.key(&ev[j]), d) == seg {
            j += 1;
        }
        let mut k = i;
        while k < j && has_segments(e.key(&ev[k]), d + 1) {
            k += 1;
        }
        sep(out, first);
        write_key(out, seg);
        if k == j {
            out.extend_from_slice(e.val(&ev[j - 1]));
        } else {
            let mut sub: [&ObjNode; MAX_LAYERS] = [&EMPTY; MAX_LAYERS];
            let mut n = 0;
            for l in layers {
                if let Some(obj) = l.get(seg).and_then(|c| c.obj.as_ref()) {
                    sub[n] = obj;
                    n += 1;
                }
            }
            out.push(b'{');
            let mut f = true;
            write_members(out, e, &ev[k..j], d + 1, &sub[..n], &mut f);
            out.push(b'}');
        }
        i = j;
    }
    // 2. Layer members the event does not have; the highest layer with a key wins.
    for (li, layer) in layers.iter().enumerate() {
        for c in &layer.children {
            if !ev.is_empty()
                && ev
                    .binary_search_by(|x| segment(e.key(x), d).cmp(&c.key))
                    .is_ok()
            {
                continue;
            }
            if layers[..li].iter().any(|h| h.get(&c.key).is_some()) {
                continue;
            }
            let mut sub: [&ObjNode; MAX_LAYERS] = [&EMPTY; MAX_LAYERS];
            let mut n = 0;
            if let Some(obj) = &c.obj {
                sub[0] = obj;
                n = 1;
                for lower in &layers[li + 1..] {
                    if let Some(o) = lower.get(&c.key).and_then(|lc| lc.obj.as_ref()) {
                        sub[n] = o;
                        n += 1;
                    }
                }
            }
            sep(out, first);
            if n <= 1 {
                out.extend_from_slice(&c.rendered);
            } else {
                write_key(out, &c.key);
                out.push(b'{');
                let mut f = true;
                write_members(out, e, &[], d + 1, &sub[..n], &mut f);
                out.push(b'}');
            }
        }
    }
}

static EMPTY: ObjNode = ObjNode {
    children: Vec::new(),
};
