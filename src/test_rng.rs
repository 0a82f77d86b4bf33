//! Random text for the tests that hold a fast path to the code it replaced (or a
//! reading to a reference): a small deterministic generator and strings joined from
//! given parts, the same in every run.

/// A deterministic xorshift64 generator.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed` (a zero seed is taken as one: xorshift never leaves 0).
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 33) as usize % n.max(1)
    }

    /// Up to `most` of `parts`, each chosen at random, joined.
    pub(crate) fn text(&mut self, parts: &[&str], most: usize) -> String {
        (0..self.below(most + 1))
            .map(|_| {
                parts
                    .get(self.below(parts.len()))
                    .copied()
                    .unwrap_or_default()
            })
            .collect()
    }
}
