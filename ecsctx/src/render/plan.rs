//! Plans: the shape of a line, remembered per thread so repeated events skip the merge.
//!
//! Where a line's members go depends only on its event's keys (after placement) and on
//! the keys of the layer under it, never on the values. The first line of a shape is
//! merged the long way ([`Layer::write_under`]) while [`Nest`] notes where each event
//! value, each layer value and each run of layer members landed; the bytes between them
//! become the plan's literals. The next line with the same event keys over a layer with
//! the same keys copies the literals and splices in its own values and the layer's bytes:
//! no sort, no merge, no nesting. So the first line of the next request (a new layer,
//! usually bound with the same keys) is written from the plan too. Values are still
//! rendered (and masked) per line as before.
//!
//! From the second line over the same layer (a request's lines share one), a plan's
//! literals are joined with that layer's bytes once, so a line is one copy per value.
//!
//! A plan compares the event's and the layer's [`KeyShape`]s, or an id standing for keys
//! compared once: the layer it was last written over, the layer's
//! [`Template`](super::layer::Template), or the `event!` call site's shape
//! ([`SiteShape`](crate::event::SiteShape)). So a hit cannot pick a wrong shape.

use super::entries::{Entries, KeyShape};
use super::layer::{resolve, Layer, Mark, Nest, Piece};
use super::Ring;

/// Plans kept per thread (replaced round-robin).
const SLOTS: usize = 8;
/// Lines with more event leaves, or longer key text or literals, are not planned.
const MAX_LEAVES: usize = 32;
const MAX_KEYS: usize = 1024;
const MAX_LITERALS: usize = 16 * 1024;
/// Layers with longer key text are matched by identity only.
const MAX_LAYER_KEYS: usize = 8 * 1024;
/// A plan joined with its layer's bytes is kept up to this size.
const MAX_BAKED: usize = 32 * 1024;

/// One remembered shape.
#[derive(Debug, Default)]
struct Plan {
    /// The last layer this plan was written over (0: none).
    layer: u64,
    /// The [`Template`](super::layer::Template) id of that layer (0: none): a layer with
    /// the same one has its keys.
    layer_template: u64,
    /// The layer's keys (`has_shape` is false when they were too large to keep).
    layer_shape: KeyShape,
    has_shape: bool,
    /// The `event!` call site shape this plan was recorded for (0: none).
    tag: u64,
    /// The event's keys, in the order the leaves were added.
    shape: KeyShape,
    /// The line's bytes that come from neither the event nor the layer.
    lit: Vec<u8>,
    /// `(end of the literal before it, piece)`, in line order.
    ops: Vec<(u32, Piece)>,
    /// Leaves of the event dropped as collisions when the plan was recorded (each
    /// line written from it drops them again).
    collisions: u32,
    /// The layer `baked` was made for (0: none).
    baked_for: u64,
    /// The last layer too large to bake (not tried again).
    no_bake: u64,
    /// Joins tried (tests only).
    #[cfg(test)]
    bakes: u32,
    /// The literals joined with that layer's bytes: only event values remain to splice.
    baked: Vec<u8>,
    /// `(end of the bytes before it, event leaf)`, in line order.
    baked_ops: Vec<(u32, u32)>,
}

impl Plan {
    fn matches(&self, layer: &Layer, ev: &Entries) -> bool {
        self.shape.matches(ev) && self.fits(layer)
    }

    fn fits(&self, layer: &Layer) -> bool {
        self.layer == layer.id()
            || (self.layer_template != 0 && self.layer_template == layer.template())
            || (self.has_shape && self.layer_shape.matches(&layer.e))
    }

    /// Writes the line; `ev(i)` is the value of the event's `i`-th leaf (in the order
    /// the leaves were added).
    ///
    /// The second line over the same layer (a request's lines share one) joins the
    /// literals with the layer's bytes once; its lines then copy one piece per event value.
    fn write<'v>(&mut self, ev: impl Fn(usize) -> &'v [u8], layer: &Layer, out: &mut Vec<u8>) {
        let id = layer.id();
        if self.baked_for == id || (self.layer == id && self.no_bake != id && self.bake(layer)) {
            let mut at = 0;
            for &(end, i) in &self.baked_ops {
                out.extend_from_slice(&self.baked[at..end as usize]);
                at = end as usize;
                out.extend_from_slice(ev(i as usize));
            }
            out.extend_from_slice(&self.baked[at..]);
            return;
        }
        self.layer = id;
        let mut at = 0;
        for &(end, piece) in &self.ops {
            out.extend_from_slice(&self.lit[at..end as usize]);
            at = end as usize;
            out.extend_from_slice(match piece {
                Piece::Event(i) => ev(i as usize),
                from_layer => layer.bytes_of(from_layer),
            });
        }
        out.extend_from_slice(&self.lit[at..]);
    }

    /// Joins the literals with `layer`'s bytes (`false`, and nothing kept, when that
    /// would be larger than [`MAX_BAKED`]).
    fn bake(&mut self, layer: &Layer) -> bool {
        #[cfg(test)]
        {
            self.bakes += 1;
        }
        self.baked.clear();
        self.baked_ops.clear();
        self.baked_for = 0;
        let mut at = 0;
        for &(end, piece) in &self.ops {
            self.baked.extend_from_slice(&self.lit[at..end as usize]);
            at = end as usize;
            match piece {
                Piece::Event(i) => self.baked_ops.push((self.baked.len() as u32, i)),
                from_layer => self.baked.extend_from_slice(layer.bytes_of(from_layer)),
            }
            if self.baked.len() > MAX_BAKED {
                self.baked = Vec::new();
                self.no_bake = layer.id();
                return false;
            }
        }
        self.baked.extend_from_slice(&self.lit[at..]);
        self.baked_for = layer.id();
        true
    }
}

/// A thread's plans and the scratch used to record one.
#[derive(Debug, Default)]
pub(crate) struct Plans {
    slots: Ring<Plan, SLOTS>,
    marks: Vec<Mark>,
    /// Lines written from a plan (tests only: no counter on the hot path).
    #[cfg(test)]
    pub(crate) hits: u64,
    /// Of those, lines found by their call site's shape tag (tests only).
    #[cfg(test)]
    pub(crate) tagged: u64,
}

impl Plans {
    /// Writes the line of an `event!` call site shape (`tag`, see
    /// [`SiteShape`](crate::event::SiteShape)) from a plan recorded for it over a layer
    /// with `layer`'s keys; `vals[ranges[i]]` is the value of the shape's `i`-th leaf.
    /// `false` when there is no such plan (nothing is written).
    #[inline]
    pub(crate) fn write_tagged(
        &mut self,
        tag: u64,
        vals: &[u8],
        ranges: &[(u32, u32)],
        layer: &Layer,
        out: &mut Vec<u8>,
    ) -> bool {
        let Some(p) = self
            .slots
            .iter_mut()
            .find(|p| p.tag == tag && p.fits(layer))
        else {
            return false;
        };
        p.write(
            |i| {
                let (a, b) = ranges[i];
                &vals[a as usize..b as usize]
            },
            layer,
            out,
        );
        #[cfg(test)]
        {
            self.hits += 1;
            self.tagged += 1;
        }
        true
    }

    /// Writes the members of `ev` (unresolved, as added) over `layer` into `out`, from a
    /// plan when one matches, else by merging (and remembering the shape when `cache`,
    /// for the `event!` call site shape `tag` when it is not 0).
    pub(crate) fn write(
        &mut self,
        ev: &mut Entries,
        layer: &Layer,
        cache: bool,
        tag: u64,
        out: &mut Vec<u8>,
    ) {
        if cache {
            // A plan of another call site with the same keys is left to it (both would
            // miss their tagged lookup taking turns): this one records its own.
            let mine = |p: &Plan| tag == 0 || p.tag == 0 || p.tag == tag;
            if let Some(p) = self
                .slots
                .iter_mut()
                .find(|p| mine(p) && p.matches(layer, ev))
            {
                if tag != 0 {
                    p.tag = tag;
                }
                if p.collisions > 0 {
                    crate::sink::record_collisions(p.collisions);
                }
                p.write(|i| ev.val(&ev.list[i]), layer, out);
                #[cfg(test)]
                {
                    self.hits += 1;
                }
                return;
            }
        }
        let plan = cache && ev.list.len() <= MAX_LEAVES && ev.keys.len() <= MAX_KEYS;
        if !plan {
            let n = resolve(ev);
            if n > 0 {
                crate::sink::record_collisions(n);
            }
            let mut nest = Nest::new(out, false);
            layer.write_under(ev, &mut nest);
            return;
        }
        // Record: the shape is taken before `resolve` reorders the leaves.
        let p = self.slots.claim();
        p.layer = 0;
        p.layer_template = 0;
        p.baked_for = 0;
        p.no_bake = 0;
        p.has_shape = false;
        p.tag = tag;
        p.shape.set(ev);
        p.collisions = resolve(ev);
        if p.collisions > 0 {
            crate::sink::record_collisions(p.collisions);
        }
        let start = out.len();
        {
            let mut nest = Nest::new(out, false).marking(ev, &layer.e, &mut self.marks);
            layer.write_under(ev, &mut nest);
        }
        let literals = out.len() - start - self.marks.iter().map(|m| m.len as usize).sum::<usize>();
        if literals > MAX_LITERALS {
            return;
        }
        p.lit.clear();
        p.ops.clear();
        let mut at = start;
        for m in &self.marks {
            p.lit.extend_from_slice(&out[at..m.at as usize]);
            p.ops.push((p.lit.len() as u32, m.what));
            at = (m.at + m.len) as usize;
        }
        p.lit.extend_from_slice(&out[at..]);
        if layer.e.keys.len() <= MAX_LAYER_KEYS {
            p.layer_shape.set(&layer.e);
            p.has_shape = true;
        }
        p.layer = layer.id();
        p.layer_template = layer.template();
    }
}

#[cfg(test)]
mod tests_support {
    use super::*;

    pub(super) use crate::render::test_support::entries;

    pub(super) fn layer(kv: &[(&str, &str)]) -> Layer {
        let mut e = entries(kv);
        let _ = resolve(&mut e);
        Layer::new(e)
    }

    pub(super) fn long_way(kv: &[(&str, &str)], l: &Layer) -> Vec<u8> {
        let mut e = entries(kv);
        let mut out = Vec::new();
        Plans::default().write(&mut e, l, false, 0, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;
    use super::*;

    /// A layer too large to join with a plan is written the plain way, and not tried again.
    #[test]
    fn a_layer_too_large_to_bake_is_not_retried() {
        let big = format!("\"{}\"", "x".repeat(MAX_BAKED + 10));
        let l = layer(&[("extra.big", &big), ("user.id", "1")]);
        let mut plans = Plans::default();
        for round in 0..4 {
            let kv = [("log.logger", "\"t\""), ("extra.n", "1")];
            let mut out = Vec::new();
            plans.write(&mut entries(&kv), &l, true, 0, &mut out);
            assert_eq!(out, long_way(&kv, &l), "round {round}");
        }
        let p = &plans.slots[0];
        assert_eq!((p.no_bake, p.baked_for, p.bakes), (l.id(), 0, 1));
        assert_eq!(p.baked.capacity(), 0);
    }

    /// Two call sites with the same keys keep a plan each (found by their tags).
    #[test]
    fn call_sites_with_the_same_keys_keep_their_own_plans() {
        let l = layer(&[("user.id", "1")]);
        let mut plans = Plans::default();
        let kv = [("log.logger", "\"t\""), ("extra.n", "1")];
        let e = entries(&kv);
        let ranges: Vec<(u32, u32)> = e.list.iter().map(|x| x.val_range()).collect();
        for round in 0..6 {
            for tag in [7, 8] {
                let mut out = Vec::new();
                if !plans.write_tagged(tag, &e.vals, &ranges, &l, &mut out) {
                    assert!(round == 0, "tag {tag} missed in round {round}");
                    plans.write(&mut e.clone(), &l, true, tag, &mut out);
                }
                assert_eq!(out, long_way(&kv, &l));
            }
        }
        assert_eq!(plans.tagged, 10);
    }

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
                plans.write(&mut e, &l, true, 0, &mut out);
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

    /// A new layer with the same keys (the next request) reuses the plan, with its own
    /// values and member bytes.
    #[test]
    fn a_layer_with_the_same_keys_reuses_the_plan() {
        let mut plans = Plans::default();
        for round in 0..4 {
            let (id, store) = (format!("{round}"), format!("\"s{}\"", "x".repeat(round)));
            let l = layer(&[
                ("user.id", id.as_str()),
                ("extra.keyloop.store_id", store.as_str()),
                ("session_id", "\"s\""),
                ("zz", "1"),
            ]);
            let kv = [
                ("extra.amount", "1"),
                ("log.logger", "\"a\""),
                ("user.name", "\"n\""),
            ];
            let mut out = Vec::new();
            plans.write(&mut entries(&kv), &l, true, 0, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(long_way(&kv, &l)).unwrap()
            );
        }
        assert_eq!(plans.hits, 3);
    }

    /// A resolved layer keeps the text of dropped duplicates: `a`,`a` and `aa` have the
    /// same key text and the same last key end, but not the same keys.
    #[test]
    fn gaps_in_a_layers_key_text_do_not_match() {
        let (a, b) = (layer(&[("a", "1"), ("a", "2")]), layer(&[("aa", "3")]));
        let mut plans = Plans::default();
        let mut out = Vec::new();
        plans.write(&mut entries(&[("aa", "9")]), &a, true, 0, &mut out);
        out.clear();
        plans.write(&mut entries(&[("aa", "9")]), &b, true, 0, &mut out);
        assert_eq!(out, long_way(&[("aa", "9")], &b));
        assert_eq!(plans.hits, 0);
    }

    #[test]
    fn another_layer_or_other_keys_miss() {
        let a = layer(&[("user.id", "1")]);
        let other_shape = layer(&[("user.name", "1")]);
        let other_keys = layer(&[("user.i", "1"), ("d", "2")]);
        let mut plans = Plans::default();
        let mut out = Vec::new();
        plans.write(&mut entries(&[("extra.x", "1")]), &a, true, 0, &mut out);
        for (kv, l) in [
            (&[("extra.x", "2")][..], &other_shape),
            (&[("extra.y", "2")][..], &a),
            (&[("extra.x", "2"), ("extra.x", "3")][..], &a),
        ] {
            out.clear();
            plans.write(&mut entries(kv), l, true, 0, &mut out);
            assert_eq!(out, long_way(kv, l));
        }
        assert_eq!(plans.hits, 0);
        let mut plans = Plans::default();
        // `ab` + `c` and `a` + `bc`: the same key text, other boundaries.
        let ab = layer(&[("ab", "1"), ("c", "2")]);
        plans.write(&mut entries(&[("x", "1")]), &ab, true, 0, &mut out);
        for l in [&other_keys, &layer(&[("a", "1"), ("bc", "2")])] {
            out.clear();
            plans.write(&mut entries(&[("x", "1")]), l, true, 0, &mut out);
            assert_eq!(out, long_way(&[("x", "1")], l));
        }
        assert_eq!(plans.hits, 0);
        let mut p = Plans::default();
        let mut out = Vec::new();
        p.write(
            &mut entries(&[("ab", "1"), ("c", "2")]),
            &a,
            true,
            0,
            &mut out,
        );
        out.clear();
        p.write(
            &mut entries(&[("a", "1"), ("bc", "2")]),
            &a,
            true,
            0,
            &mut out,
        );
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
        let mut rng = crate::render::test_support::Rng(0x9e37_79b9_7f4a_7c15);
        let mut plans = Plans::default();
        let pool: Vec<Vec<String>> = (0..6).map(|_| rng.keys(0, 5, &SEGS)).collect();
        let events: Vec<Vec<String>> = (0..6).map(|_| rng.keys(1, 5, &SEGS)).collect();
        for n in 0..300 {
            // Layers of a few shapes, with values of changing lengths.
            let lk = &pool[rng.below(pool.len() as u64) as usize];
            let lv: Vec<String> = (0..lk.len()).map(|i| format!("{}", n * 7 + i)).collect();
            let l = layer(
                &lk.iter()
                    .zip(&lv)
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect::<Vec<_>>(),
            );
            // Event shapes from a pool too, so plans are reused across layers.
            let ek = &events[rng.below(events.len() as u64) as usize];
            for round in 0..2 {
                let vals: Vec<String> = (0..ek.len()).map(|i| format!("{round}{i}")).collect();
                let kv: Vec<(&str, &str)> = ek
                    .iter()
                    .zip(&vals)
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let mut out = Vec::new();
                plans.write(&mut entries(&kv), &l, true, 0, &mut out);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(long_way(&kv, &l)).unwrap(),
                    "{kv:?} over {lk:?}"
                );
            }
        }
        // Every second round hits (300); first rounds hit when the (layer shape, event
        // shape) pair is still among the 8 plans: a known shape over a new layer.
        assert!(plans.hits >= 350, "{}", plans.hits);
    }
}
