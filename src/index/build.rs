//! Building an index: every brand's keys, posted and sorted, the too common dropped.

use rayon::prelude::*;

use super::keys::brand_keys;
use super::store::Store;
use super::{Index, IndexConfig, Tables};
use crate::brand::Brand;
use crate::fingerprint::SiteFingerprint;

/// Collects brands, then builds an [`Index`].
///
/// ```
/// use clonehound::{Brand, Limits, Page, PageFingerprint, SiteFingerprint, index::IndexBuilder};
/// let site = |html: &str, url: &str| SiteFingerprint::from_pages(vec![
///     PageFingerprint::new(&Page::from_html(html, Some(url)), &Limits::default())]);
/// let mut builder = IndexBuilder::default();
/// builder.add(Brand::new("Acme", ["acme.com"]), site("<title>Acme</title><p>Bridges and tunnels since 1952.</p>", "https://acme.com/"));
/// builder.add(Brand::new("Borealis", ["borealis.io"]), site("<title>Borealis</title><p>Cloud backups for clinics.</p>", "https://borealis.io/"));
/// let index = builder.build();
/// let phish = site("<title>Acme | Sign in</title><p>Bridges and tunnels since 1952.</p>", "http://acme-login.example/");
/// let matches = index.query(&phish, 1)?;
/// assert_eq!(matches[0].comparison.brand.name, "Acme");
/// Ok::<(), clonehound::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct IndexBuilder {
    config: IndexConfig,
    brands: Vec<Brand>,
    sites: Vec<SiteFingerprint>,
}

impl IndexBuilder {
    /// A builder with the given settings.
    pub fn new(config: IndexConfig) -> IndexBuilder {
        IndexBuilder {
            config,
            ..IndexBuilder::default()
        }
    }

    /// Adds a brand and its site; returns the brand's id. Missing parts of the identity
    /// (an empty name or no domains) are read off the site ([`Brand::infer`]).
    pub fn add(&mut self, brand: Brand, site: SiteFingerprint) -> usize {
        let brand = brand.completed_from(&site);
        self.brands.push(brand);
        self.sites.push(site);
        self.brands.len() - 1
    }

    /// Builds the retrieval tables, in parallel. Deterministic: the same brands in the
    /// same order give the same index, whatever the thread count.
    pub fn build(self) -> Index {
        let mut postings: Vec<(u64, u32)> = self
            .sites
            .par_iter()
            .zip(self.brands.par_iter())
            .enumerate()
            .flat_map_iter(|(id, (site, brand))| {
                let mut keys = brand_keys(brand, site);
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter().map(move |k| (k, id as u32))
            })
            .collect();
        postings.par_sort_unstable();
        let (keys, ids, stop_keys) = drop_common(postings, self.config.max_posting);
        let pages = self.sites.iter().map(|s| s.pages.len() as u32).collect();
        let matchers = self.brands.iter().map(|_| Default::default()).collect();
        Index {
            matchers,
            key_filter: Default::default(),
            tables: Tables {
                config: self.config,
                brands: self.brands,
                pages,
                keys,
                ids,
                stop_keys,
            },
            store: Store::Memory(self.sites),
        }
    }
}

/// Splits sorted `(key, brand)` postings into parallel arrays, leaving out keys held by
/// more than `max` brands. Returns the keys, the brand ids and how many keys were dropped.
pub(super) fn drop_common(postings: Vec<(u64, u32)>, max: usize) -> (Vec<u64>, Vec<u32>, usize) {
    let mut keys = Vec::with_capacity(postings.len());
    let mut ids = Vec::with_capacity(postings.len());
    let mut dropped = 0;
    for run in postings.chunk_by(|a, b| a.0 == b.0) {
        if run.len() > max {
            dropped += 1;
            continue;
        }
        keys.extend(run.iter().map(|p| p.0));
        ids.extend(run.iter().map(|p| p.1));
    }
    keys.shrink_to_fit();
    ids.shrink_to_fit();
    (keys, ids, dropped)
}
