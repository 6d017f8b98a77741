//! The JSON writer: escaping, numbers, timestamps, values, pre-rendered layers, the merge
//! of an event over its context and the per-thread plans that skip it for known shapes.
//! No `serde_json::Value`, no `format!` per line.
//!
//! # Glossary
//!
//! Every term the renderer's (and the caches') docs use, defined once:
//!
//! - **leaf**: one `(dotted path, rendered JSON value)` pair ([`entries::Entry`]); what an
//!   event value, a bound field, the trace ids or a service field becomes.
//! - **entries**: a list of leaves with their key text and value bytes ([`entries::Entries`]).
//! - **key shape**: the keys of a list of leaves, without the values
//!   ([`entries::KeyShape`]); two lists with one shape nest the same way.
//! - **layer**: a frame's leaves (bound fields over trace over service metadata), merged
//!   and rendered once into a blob of top-level members with an index ([`layer::Layer`]).
//! - **run**: consecutive layer members a line copies as they are (no event leaf goes
//!   under them).
//! - **template**: how a layer was merged, kept so that a later frame whose sources have
//!   the same key shapes is copied value by value instead of merged ([`layer::Template`]).
//! - **plan**: where a line's pieces go for one event key shape over one layer key shape:
//!   literals and the places of event values and layer runs ([`plan`]).
//! - **piece** / **mark**: an entry of a plan (a literal, an event value, a layer run) and
//!   the note taken while merging the long way that becomes one.
//! - **bake**: a plan joined with one layer's bytes, so that a line over that layer is one
//!   copy per event value.
//! - **call-site shape** (`SiteShape`, in [`crate::event`](mod@crate::event)): where the values of one
//!   `event!` call site go, found on its first event; its **tag** names the plan recorded
//!   for it. A foreign event (a `tracing` event) and a `log` record whose values are
//!   scalars have one per key list.
//! - **head**: the leaves every line starts with (`log.logger`, the origin), before the
//!   event's values.
//!
//! # Caches
//!
//! Each is keyed by ids from [`crate::ids`] (never reused, never pointer identity) or by
//! the bytes it stands for. Gains measured with callgrind (instructions per checkout
//! request: bind 7 fields + 8 `event!`, default masker; the same workload as
//! `cargo bench --bench checkout`), each cache disabled in turn; `events only` is the
//! 8 events over a context already bound (`ecsctx_event_events_only`):
//!
//! | cache | where | keyed by | cost without it |
//! |---|---|---|---|
//! | frame layer | `render::bound::BoundFields` | logger id | +189% request, +398% events only |
//! | layer templates (4 per thread) | `render::bound` | the sources' key shapes | +62% request |
//! | plans (8 per thread) | [`plan::Plans`] | event and layer key shapes, layer/template ids, call-site tag | +101% request, +63% `log` records |
//! | baked plans | [`plan`] | layer id | +6.6% request, +21% events only |
//! | call-site shapes | `event::Callsite` | logger id | +68% request, +141% events only |
//! | key-classification memo (256 slots per thread) | `pii::mask` | masker rules id, tag (a path's action, a text key's class, a map key's verdict, a literal message's verdict), the key bytes | +120% request, +391% `log` records, +315% bind; a dotted map key's verdict: `keyloop.enterprise_id` 659 → 269 instructions, `masking_scan/key_dotted` 28.3 → 14.5 ns; a literal message's verdict: `log::info!` request 55,443 → 52,493 instructions |
//! | key-list shapes of `tracing` events and `log` records (16 slots per thread) | `logger::collect` (`FOREIGN`) | logger id, the head leaves, each key's bytes and whether its value is text (compared whole); a `tracing` event's keys are `&'static str`, so its list is hashed by the keys' addresses and recognised by them (the same address and length of a static string is the same bytes; on a mismatch the bytes decide) | `tracing` layer request (bind + span + 8 `tracing::info!`): 85,597 → 65,675 instructions, 7.25 → 5.90 µs (scratch harness, best of 5); `log::info!` request (records whose values are scalars): 75,662 → 55,443 instructions, `ecsctx_log_kv` 5.60 → 4.43 µs; the first message of a list that the masker kept, so a repeated `tracing` message is not scanned again: 65,556 → 62,293 instructions, `ecsctx_tracing_layer` 5.89 → 5.42 µs; recognising a static list by its keys' addresses instead of comparing and hashing their bytes: 56,973 → 53,963 instructions per `tracing` layer request |
//! | key places (32 sets of 2 slots per thread) | [`value`] (`PLACED`, `Scratch::place_key`) | the id of the logger (records, general `event!`s) or of the bound settings (`Fields`), the key's bytes (a key the masker rewrites is not kept) | records on the general path (a value no key-list shape serves, such as a `:%` capture): `ecsctx_log_kv_display` 8.96 → 8.15 µs (−9%), 92,253 → 85,122 instructions per request. (Records of scalars go by their shape: there it gains nothing.) A bind's 7 fields: 10,399 → 8,560 instructions (−18%), the checkout request 35,905 → 34,703 (−3.3%; one slot per key instead of a set of two left 4 of the 7 keys evicting each other: 10,742). |
//! | token memo (per thread) | `pii::token` | keyset id, keyed hash of the value | events with PII: 2.09 µs vs 1.05 µs (`checkout_event_masked`, every customer new vs repeated) |
//! | timestamp prefix | [`time`] | the second | +4.2% request, +8.6% events only |

pub(crate) mod bound;
pub(crate) mod entries;
pub(crate) mod error;
pub(crate) mod escape;
pub(crate) mod layer;
pub(crate) mod num;
pub(crate) mod plan;
pub(crate) mod pretty;
pub(crate) mod time;
pub(crate) mod value;

/// The `N` most recently recorded `T`s of a thread (its plans, its layer templates); the
/// oldest is replaced first.
#[derive(Debug)]
pub(crate) struct Ring<T, const N: usize> {
    slots: Vec<T>,
    next: usize,
}

impl<T, const N: usize> Default for Ring<T, N> {
    fn default() -> Self {
        Ring {
            slots: Vec::new(),
            next: 0,
        }
    }
}

impl<T: Default, const N: usize> Ring<T, N> {
    /// The slot to record into: a new one while there is room, else the oldest, left as
    /// it was (so its buffers can be reused).
    pub(crate) fn claim(&mut self) -> &mut T {
        if self.slots.len() < N {
            self.slots.push(T::default());
            return self.slots.last_mut().expect("just pushed");
        }
        let i = self.next;
        self.next = (i + 1) % N;
        &mut self.slots[i]
    }
}

impl<T, const N: usize> std::ops::Deref for Ring<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.slots
    }
}

impl<T, const N: usize> std::ops::DerefMut for Ring<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.slots
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::entries::Entries;

    /// xorshift64: a fixed, dependency-free sequence for the randomized tests.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A dotted key of 1 to 3 segments drawn from `segs`.
        pub(crate) fn key(&mut self, segs: &[&str]) -> String {
            let depth = 1 + self.below(3);
            (0..depth)
                .map(|_| segs[self.below(segs.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(".")
        }

        /// `min` to `min + spread - 1` random keys.
        pub(crate) fn keys(&mut self, min: u64, spread: u64, segs: &[&str]) -> Vec<String> {
            let n = min + self.below(spread);
            (0..n).map(|_| self.key(segs)).collect()
        }
    }

    /// Leaves with these keys and (already rendered) values, as added (not resolved).
    pub(crate) fn entries(kv: &[(&str, &str)]) -> Entries {
        let mut e = Entries::default();
        for (k, v) in kv {
            let s = e.vals.len();
            e.vals.extend_from_slice(v.as_bytes());
            e.push(k, s);
        }
        e
    }
}
