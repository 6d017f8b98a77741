//! Plans: the shape of a line, remembered per thread so repeated events skip the merge.
//!
//! Where a line's members go depends only on its event's keys (after placement) and on
//! the layer under it, never on the values. The first line of a shape is merged the long
//! way ([`Layer::write_under`]) while [`Nest`] notes where each event value landed; the
//! bytes around those values become the plan. The next line with the same keys over the
//! same layer copies the plan's bytes and splices its own values in: no sort, no merge,
//! no nesting. Values are still rendered (and masked) per line as before.
//!
//! A layer is named by its process-unique id, and a plan compares the event's whole key
//! text and every key boundary, so a hit cannot pick a wrong shape.

use super::entries::Entries;
use super::layer::{resolve, Layer, Mark, Nest};

/// Plans kept per thread (replaced round-robin).
const SLOTS: usize = 8;
/// Lines with more event leaves, or longer key text or bodies, are not planned.
const MAX_LEAVES: usize = 32;
const MAX_KEYS: usize = 1024;
const MAX_BODY: usize = 16 * 1024;

/// One remembered shape.
#[derive(Debug, Default)]
struct Plan {
    layer: u64,
    /// The event's key text and each leaf's key end, in the order the leaves were added.
    keys: String,
    ends: Vec<u32>,
    /// The body without the event's values.
    body: Vec<u8>,
    /// `(offset in body, leaf index)`: where each kept event value is spliced in.
    ops: Vec<(u32, u32)>,
}

impl Plan {
    fn matches(&self, layer: u64, ev: &Entries) -> bool {
        self.layer == layer
            && self.ends.len() == ev.list.len()
            && self.keys == ev.keys
            && self
                .ends
                .iter()
                .zip(&ev.list)
                .all(|(end, e)| *end == e.key_range().1)
    }
}

/// A thread's plans and the scratch used to record one.
#[derive(Debug, Default)]
pub(crate) struct Plans {
    slots: Vec<Plan>,
    next: usize,
    marks: Vec<Mark>,
    /// Lines written from a plan (for tests).
    hits: u64,
}

impl Plans {
    /// Writes the members of `ev` (unresolved, as added) over `layer` into `out`, from a
    /// plan when one matches, else by merging (and remembering the shape when `cache`).
    pub(crate) fn write(
        &mut self,
        ev: &mut Entries,
        layer: &Layer,
        cache: bool,
        out: &mut Vec<u8>,
    ) {
        let id = layer.id();
        if cache {
            if let Some(p) = self.slots.iter().find(|p| p.matches(id, ev)) {
                let mut at = 0;
                for &(off, i) in &p.ops {
                    out.extend_from_slice(&p.body[at..off as usize]);
                    out.extend_from_slice(ev.val(&ev.list[i as usize]));
                    at = off as usize;
                }
                out.extend_from_slice(&p.body[at..]);
                self.hits += 1;
                return;
            }
        }
        let plan = cache && ev.list.len() <= MAX_LEAVES && ev.keys.len() <= MAX_KEYS;
        if !plan {
            resolve(ev);
            let mut nest = Nest::new(out, false);
            layer.write_under(ev, &mut nest);
            return;
        }
        // Record: the shape is taken before `resolve` reorders the leaves.
        let slot = if self.slots.len() < SLOTS {
            self.slots.push(Plan::default());
            self.slots.len() - 1
        } else {
            self.next = (self.next + 1) % SLOTS;
            self.next
        };
        let p = &mut self.slots[slot];
        p.layer = 0;
        p.keys.clear();
        p.keys.push_str(&ev.keys);
        p.ends.clear();
        p.ends.extend(ev.list.iter().map(|e| e.key_range().1));
        resolve(ev);
        let start = out.len();
        {
            let mut nest = Nest::new(out, false).marking(ev, &mut self.marks);
            layer.write_under(ev, &mut nest);
        }
        if out.len() - start > MAX_BODY {
            return;
        }
        p.body.clear();
        p.ops.clear();
        let mut at = start;
        for &(off, seq, len) in &self.marks {
            p.body.extend_from_slice(&out[at..off as usize]);
            p.ops.push(((p.body.len()) as u32, seq));
            at = off as usize + len as usize;
        }
        p.body.extend_from_slice(&out[at..]);
        p.layer = id;
    }
}

#[cfg(test)]
mod tests_support {
    use super::*;

    pub(super) fn entries(kv: &[(&str, &str)]) -> Entries {
        let mut e = Entries::default();
        for (k, v) in kv {
            let s = e.vals.len();
            e.vals.extend_from_slice(v.as_bytes());
            e.push(k, s);
        }
        e
    }

    pub(super) fn layer(kv: &[(&str, &str)]) -> Layer {
        let mut e = entries(kv);
        resolve(&mut e);
        Layer::new(e)
    }

    pub(super) fn long_way(kv: &[(&str, &str)], l: &Layer) -> Vec<u8> {
        let mut e = entries(kv);
        let mut out = Vec::new();
        Plans::default().write(&mut e, l, false, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;
    use super::*;

    #[test]
    fn a_planned_line_equals_the_merged_line() {
        let l = layer(&[
            ("extra.keyloop.store_id", "7"),
            ("user.id", "1"),
            ("session_id", "\"s\""),
        ]);
        let mut plans = Plans::default();
        let shapes: [&[(&str, &str)]; 3] = [
            &[
                ("log.logger", "\"a\""),
                ("extra.amount", "100"),
                ("extra.attempt", "1"),
            ],
            // Duplicates and a leaf under an object of the layer: resolved the same way.
            &[("extra.amount", "1"), ("extra.amount", "2"), ("user", "3")],
            &[("extra.keyloop.store_id", "9"), ("zz", "\"x\"")],
        ];
        for shape in shapes {
            for round in 0..3 {
                // Different values each round, same keys: the plan must splice them.
                let vals: Vec<String> = shape
                    .iter()
                    .map(|(_, v)| format!("{}{round}", v.trim_matches('"')))
                    .map(|v| format!("\"{v}\""))
                    .collect();
                let kv: Vec<(&str, &str)> = shape
                    .iter()
                    .zip(&vals)
                    .map(|((k, _), v)| (*k, v.as_str()))
                    .collect();
                let mut e = entries(&kv);
                let mut out = Vec::new();
                plans.write(&mut e, &l, true, &mut out);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(long_way(&kv, &l)).unwrap()
                );
            }
        }
        assert_eq!(
            plans.hits, 6,
            "rounds 2 and 3 of each shape come from the plan"
        );
    }

    #[test]
    fn another_layer_or_other_keys_miss() {
        let (a, b) = (layer(&[("user.id", "1")]), layer(&[("user.id", "1")]));
        let mut plans = Plans::default();
        let mut out = Vec::new();
        plans.write(&mut entries(&[("extra.x", "1")]), &a, true, &mut out);
        // Same key text, other boundaries: `ab` + `c` against `a` + `bc` (two leaves).
        for (kv, l) in [
            (&[("extra.x", "2")][..], &b),
            (&[("extra.y", "2")][..], &a),
            (&[("extra.x", "2"), ("extra.x", "3")][..], &a),
        ] {
            out.clear();
            plans.write(&mut entries(kv), l, true, &mut out);
            assert_eq!(out, long_way(kv, l));
        }
        assert_eq!(plans.hits, 0);
        let mut p = Plans::default();
        let mut out = Vec::new();
        p.write(&mut entries(&[("ab", "1"), ("c", "2")]), &a, true, &mut out);
        out.clear();
        p.write(&mut entries(&[("a", "1"), ("bc", "2")]), &a, true, &mut out);
        assert_eq!(out, long_way(&[("a", "1"), ("bc", "2")], &a));
        assert_eq!(p.hits, 0);
    }
}

#[cfg(test)]
mod shapes {
    use super::tests_support::*;
    use super::*;

    /// Many random shapes (conflicts, duplicates, prefixes, shared objects), each written
    /// twice with other values: the planned line must equal the merged one.
    #[test]
    fn random_shapes_match_the_merge() {
        const SEGS: [&str; 6] = ["a", "b", "extra", "user", "a-x", "id"];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let key = |next: &mut dyn FnMut(u64) -> u64| {
            let depth = 1 + next(3);
            (0..depth)
                .map(|_| SEGS[next(SEGS.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(".")
        };
        let mut plans = Plans::default();
        for _ in 0..300 {
            let lk: Vec<String> = (0..next(5)).map(|_| key(&mut next)).collect();
            let l = layer(&lk.iter().map(|k| (k.as_str(), "0")).collect::<Vec<_>>());
            let ek: Vec<String> = (0..1 + next(5)).map(|_| key(&mut next)).collect();
            for round in 0..2 {
                let vals: Vec<String> = (0..ek.len()).map(|i| format!("{round}{i}")).collect();
                let kv: Vec<(&str, &str)> = ek
                    .iter()
                    .zip(&vals)
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let mut out = Vec::new();
                plans.write(&mut entries(&kv), &l, true, &mut out);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(long_way(&kv, &l)).unwrap(),
                    "{kv:?} over {lk:?}"
                );
            }
        }
        assert!(plans.hits >= 300);
    }
}
