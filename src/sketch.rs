//! Bottom-k MinHash sketches over fixed-seed xxh3 hashes.
//!
//! A bottom-k sketch keeps the `k` smallest distinct 32-bit hashes of a set and the
//! set's (estimated) size. Two sketches estimate Jaccard similarity exactly when both
//! sets are smaller than `k`, and with error about `1/sqrt(k)` otherwise; with the sizes
//! they also estimate containment, which partial copies need. Hashes are xxh3 with a
//! fixed seed per signal: the same bytes give the same sketch on every run and platform.
//!
//! Why bottom-k and not SimHash: `clonehound eval DIR --sketch-study` scores each way of
//! comparing two pages' word 3-shingles as a detector on its own. A 64-bit SimHash (our
//! own over these xxh3 hashes; the `simhash` crate hashes single words, so word order is
//! invisible to it, and costs ~12x more per feature) stores 8 bytes a page against ~400
//! and does better at low false-positive rates (TPR at 1% FPR 0.77 vs 0.58 for bottom-k
//! containment on the corpus, 0.66 vs 0.37 on the real pages), with ROC AUC 0.887 vs 0.898
//! (corpus) and 0.570 vs 0.555 (real). We keep bottom-k sketches because they give what
//! SimHash cannot: containment (how much of a partial copy's text is the brand's), exact
//! answers for small sets, and their minima as the index's MinHash LSH keys. A SimHash
//! text feature beside them is a candidate for the model, to be judged by `eval --fit`.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The seed of every persisted hash; changing it changes [`crate::fingerprint::FORMAT_VERSION`].
const SEED: u64 = 0x636c_6f6e_6568_6e64;

/// A 64-bit hash of `bytes` in the hash domain `domain` (one per signal).
pub(crate) fn hash64(domain: u64, bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, SEED ^ domain.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A bottom-k sketch: sorted smallest hashes and the set's size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sketch {
    /// The smallest distinct hashes, ascending.
    pub mins: Vec<u32>,
    /// Number of distinct items in the set (estimated when it exceeds `mins.len()`).
    pub len: u32,
}

impl Sketch {
    /// The bottom-`k` sketch of a set of 64-bit hashes (duplicates count once). With
    /// `k` at least the set's size it holds the whole set, and its estimates are exact.
    ///
    /// ```
    /// use clonehound::fingerprint::Sketch;
    /// // A sketch keeps each hash's high 32 bits.
    /// let a = Sketch::from_hashes([1, 2, 3, 4].map(|i: u64| i << 40), 128);
    /// let b = Sketch::from_hashes([3, 4, 5, 6].map(|i: u64| i << 40), 128);
    /// assert!((a.jaccard(&b) - 1.0 / 3.0).abs() < 1e-9);
    /// ```
    pub fn from_hashes(hashes: impl IntoIterator<Item = u64>, k: usize) -> Sketch {
        let mut builder = SketchBuilder::new(k);
        for h in hashes {
            builder.push(h);
        }
        builder.finish()
    }

    /// True when the set was empty.
    pub fn is_empty(&self) -> bool {
        self.mins.is_empty()
    }

    /// Estimated Jaccard similarity in [0, 1]; 0 when either set is empty.
    pub fn jaccard(&self, other: &Sketch) -> f64 {
        // A sketch holding fewer hashes than its set's size is truncated; the union's
        // bottom-k is only known up to the shorter truncated sketch.
        let k = [self, other]
            .iter()
            .filter(|s| s.mins.len() < s.len as usize)
            .map(|s| s.mins.len())
            .min()
            .unwrap_or(usize::MAX);
        if self.mins.is_empty() || other.mins.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut seen, mut both) = (0, 0, 0usize, 0usize);
        let (a, b) = (&self.mins, &other.mins);
        while seen < k {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => i += 1,
                (Some(_), Some(_)) => j += 1,
                (Some(_), None) => i += 1,
                (None, Some(_)) => j += 1,
                (None, None) => break,
            }
            seen += 1;
        }
        both as f64 / seen.max(1) as f64
    }

    /// Estimated share of `self`'s items that are also in `other`, in [0, 1].
    pub fn containment_in(&self, other: &Sketch) -> f64 {
        let j = self.jaccard(other);
        if j == 0.0 || self.len == 0 {
            return 0.0;
        }
        let shared = j / (1.0 + j) * (f64::from(self.len) + f64::from(other.len));
        (shared / f64::from(self.len)).min(1.0)
    }
}

/// Builds a [`Sketch`] from a stream of hashes in bounded memory.
#[derive(Debug)]
pub(crate) struct SketchBuilder {
    k: usize,
    buf: Vec<u32>,
    /// Distinct items known so far when no compaction has dropped any.
    exact: bool,
    /// Once the sketch is full, hashes above this cannot enter it.
    cutoff: u32,
}

impl SketchBuilder {
    pub(crate) fn new(k: usize) -> Self {
        SketchBuilder {
            k: k.max(1),
            buf: Vec::new(),
            exact: true,
            cutoff: u32::MAX,
        }
    }

    pub(crate) fn push(&mut self, hash: u64) {
        let h = (hash >> 32) as u32;
        if h > self.cutoff {
            return;
        }
        self.buf.push(h);
        if self.buf.len() >= self.k * 4 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.buf.sort_unstable();
        self.buf.dedup();
        if self.buf.len() > self.k {
            self.exact = false;
            // Keep one extra so the size estimate below has the (k+1)-th value.
            self.buf.truncate(self.k + 1);
            self.cutoff = self.buf.last().copied().unwrap_or(u32::MAX);
        }
    }

    pub(crate) fn finish(mut self) -> Sketch {
        self.compact();
        let len = if self.exact && self.buf.len() <= self.k {
            self.buf.len() as u32
        } else {
            // (k-1) / normalised k-th smallest value: the standard bottom-k size estimate.
            let kth = self.buf.get(self.k - 1).copied().unwrap_or(u32::MAX).max(1);
            let est = (self.k as f64 - 1.0) * (f64::from(u32::MAX) / f64::from(kth));
            est.min(f64::from(u32::MAX)) as u32
        };
        self.buf.truncate(self.k);
        Sketch {
            mins: self.buf,
            len,
        }
    }
}

/// Jaccard similarity of two sorted, deduplicated slices, exactly.
pub(crate) fn sorted_jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let shared = sorted_shared(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Number of items two sorted, deduplicated slices share.
pub(crate) fn sorted_shared<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(items: impl IntoIterator<Item = u64>, k: usize) -> Sketch {
        let mut b = SketchBuilder::new(k);
        for i in items {
            b.push(hash64(1, &i.to_le_bytes()));
        }
        b.finish()
    }

    #[test]
    fn small_sets_are_exact() {
        let a = sketch(0..10, 64);
        let b = sketch(5..15, 64);
        assert_eq!(a.len, 10);
        assert!((a.jaccard(&b) - 5.0 / 15.0).abs() < 1e-9);
        assert!((a.containment_in(&b) - 0.5).abs() < 1e-9);
        assert_eq!(a.jaccard(&a), 1.0);
    }

    #[test]
    fn large_sets_are_estimated() {
        let cases = [
            (0..10_000, 5_000..15_000, 1.0 / 3.0),
            (0..10_000, 0..10_000, 1.0),
        ];
        for (x, y, want) in cases {
            let a = sketch(x, 128);
            let b = sketch(y, 128);
            let got = a.jaccard(&b);
            assert!((got - want).abs() < 0.12, "want {want}, got {got}");
            assert!(
                (f64::from(a.len) - 10_000.0).abs() < 2_500.0,
                "len {}",
                a.len
            );
        }
    }

    #[test]
    fn empty_sets_share_nothing() {
        let e = sketch(0..0, 8);
        assert_eq!(e.jaccard(&e), 0.0);
        assert_eq!(e.containment_in(&sketch(0..3, 8)), 0.0);
    }

    #[test]
    fn sorted_set_helpers() {
        assert_eq!(sorted_shared(&[1, 2, 3], &[2, 3, 4]), 2);
        assert_eq!(sorted_jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(sorted_jaccard::<u8>(&[], &[]), 0.0);
    }
}
