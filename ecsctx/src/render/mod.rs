//! The JSON writer: escaping, numbers, timestamps, values, pre-rendered layers, the merge
//! of an event over its context and the per-thread plans that skip it for known shapes.
//! No `serde_json::Value`, no `format!` per line.

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
