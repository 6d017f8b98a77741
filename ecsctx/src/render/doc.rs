//! Writes the members of a document: an event's sorted entries deep-merged over layers of
//! pre-rendered trees (bound context, then service metadata), in precedence order.
//!
//! Members that only the context has are copied from their pre-rendered bytes, in runs;
//! only objects that the event and the context share (`extra`, `user`, …) are opened.

use super::entries::{Entries, Entry};
use super::tree::{write_key, ObjNode};

/// At most this many tree layers take part in one merge.
pub(crate) const MAX_LAYERS: usize = 4;

static EMPTY: ObjNode = ObjNode::EMPTY;

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
    // Members of a single layer taken by the event (bit i = child i), when it has ≤ 64.
    let mut taken: u64 = 0;
    let single = layers.len() == 1 && layers[0].children.len() <= 64;

    // 1. Event members (they win), merged with the layers' objects of the same key.
    let mut i = 0;
    while i < ev.len() {
        let seg = e.seg(&ev[i], d);
        let mut j = i + 1;
        while j < ev.len() && e.seg(&ev[j], d) == seg {
            j += 1;
        }
        let mut k = i;
        while k < j && e.depth(&ev[k]) == d + 1 {
            k += 1;
        }
        sep(out, first);
        write_key(out, seg);
        let mut sub: [&ObjNode; MAX_LAYERS] = [&EMPTY; MAX_LAYERS];
        let mut n = 0;
        for l in layers {
            if let Some(idx) = l.find(seg) {
                if single {
                    taken |= 1 << idx;
                }
                if let Some(obj) = &l.children[idx].obj {
                    sub[n] = obj;
                    n += 1;
                }
            }
        }
        if k == j {
            out.extend_from_slice(e.val(&ev[j - 1]));
        } else {
            out.push(b'{');
            let mut f = true;
            write_members(out, e, &ev[k..j], d + 1, &sub[..n], &mut f);
            out.push(b'}');
        }
        i = j;
    }

    // 2. Layer members the event does not have.
    if single {
        let l = layers[0];
        let n = l.children.len();
        let mut run = 0;
        while run < n {
            if taken & (1 << run) != 0 {
                run += 1;
                continue;
            }
            let mut end = run + 1;
            while end < n && taken & (1 << end) == 0 {
                end += 1;
            }
            sep(out, first);
            out.extend_from_slice(l.run(run, end));
            run = end;
        }
        return;
    }
    // The general case: several layers, the highest layer with a key wins.
    for (li, layer) in layers.iter().enumerate() {
        for c in &layer.children {
            if !ev.is_empty() && ev.binary_search_by(|x| e.seg(x, d).cmp(&c.key)).is_ok() {
                continue;
            }
            if layers[..li].iter().any(|h| h.find(&c.key).is_some()) {
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
