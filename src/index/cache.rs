//! Decoded brand records kept after a read: in a scan the same brands are candidates for
//! suspect after suspect, and reading and decoding their records again cost 9% of a
//! whole scan's CPU on real pages. Bounded by bytes; the least recently used go first.
//! What a query returns never depends on what the cache holds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::fingerprint::SiteFingerprint;

/// What a decoded record is charged per byte of its encoded form. A decoded
/// fingerprint holds the same hashes and strings as its encoding plus the `Vec` and
/// `String` headers around them; twice the encoded size is a generous estimate.
const CHARGE_PER_ENCODED_BYTE: usize = 2;

/// The default budget: [`crate::Index::set_record_cache_bytes`].
pub(super) const DEFAULT_BYTES: usize = 64 << 20;

#[derive(Debug)]
pub(super) struct RecordCache {
    budget: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Record id → (record, last use, charge).
    map: HashMap<usize, (Arc<SiteFingerprint>, u64, usize)>,
    used: usize,
    clock: u64,
}

impl RecordCache {
    pub(super) fn new(budget: usize) -> RecordCache {
        RecordCache {
            budget,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The record `id`, if held.
    pub(super) fn get(&self, id: usize) -> Option<Arc<SiteFingerprint>> {
        let mut e = self.inner.lock().ok()?;
        e.clock += 1;
        let now = e.clock;
        let (site, used, _) = e.map.get_mut(&id)?;
        *used = now;
        Some(Arc::clone(site))
    }

    /// Keeps record `id`, decoded from `encoded_len` bytes, making room by dropping the
    /// least recently used down to three quarters of the budget. A record larger than
    /// the whole budget is not kept.
    pub(super) fn put(&self, id: usize, site: &Arc<SiteFingerprint>, encoded_len: usize) {
        let charge = encoded_len.saturating_mul(CHARGE_PER_ENCODED_BYTE);
        if charge > self.budget {
            return;
        }
        let Ok(mut e) = self.inner.lock() else {
            return;
        };
        if e.used + charge > self.budget {
            let mut by_age: Vec<(u64, usize, usize)> =
                e.map.iter().map(|(&id, &(_, t, c))| (t, id, c)).collect();
            by_age.sort_unstable();
            let target = self.budget / 4 * 3;
            for (_, old, c) in by_age {
                if e.used + charge <= target {
                    break;
                }
                e.map.remove(&old);
                e.used -= c;
            }
        }
        e.clock += 1;
        let now = e.clock;
        if let Some((_, _, old)) = e.map.insert(id, (Arc::clone(site), now, charge)) {
            e.used -= old;
        }
        e.used += charge;
    }

    /// Bytes charged to the records held.
    #[cfg(test)]
    fn used(&self) -> usize {
        self.inner.lock().map_or(0, |e| e.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_recent_within_its_budget() {
        let cache = RecordCache::new(100);
        let site = Arc::new(SiteFingerprint::default());
        for id in 0..5 {
            cache.put(id, &site, 10);
        }
        assert_eq!(cache.used(), 100);
        assert!(cache.get(0).is_some());
        // Full: making room drops the least recently used (1, 2, 3; 0 was just read).
        cache.put(5, &site, 10);
        assert_eq!(cache.used(), 60);
        assert!([1, 2, 3].iter().all(|&id| cache.get(id).is_none()));
        assert!([0, 4, 5].iter().all(|&id| cache.get(id).is_some()));
        // Too large for the whole budget: not kept, nothing dropped.
        cache.put(6, &site, 51);
        assert!(cache.get(6).is_none());
        assert_eq!(cache.used(), 60);
        // Put twice: charged once.
        cache.put(5, &site, 10);
        assert_eq!(cache.used(), 60);
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = RecordCache::new(0);
        cache.put(0, &Arc::new(SiteFingerprint::default()), 1);
        assert!(cache.get(0).is_none());
    }
}
