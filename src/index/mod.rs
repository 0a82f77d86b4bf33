//! A brand index: find which of many protected brands a suspect copies without
//! comparing it with every brand.
//!
//! Retrieval is locality-sensitive: each brand page contributes a few keys per signal
//! — the smallest hashes of its text-shingle, tag-shape and class-token sketches (a
//! bottom-k sketch's minimum is shared by two sets with probability equal to their
//! Jaccard similarity, so its few smallest values are MinHash keys), hashes of its asset
//! paths and external hosts, its analytics IDs, its favicon's SHA-256 and 16 bands of its
//! perceptual hash (two icons within 15 bits of each other share a band), and the
//! brand's name phrases and domains. A suspect's keys vote for brands; the brands with
//! the most weighted votes are compared in full ([`crate::compare()`]) and ranked by score.
//! A copy that rewrote its text is still found by its structure, assets, favicon or the
//! brand name it shows.
//!
//! Keys shared by more than [`IndexConfig::max_posting`] brands (a stock template's tag
//! shape, a CDN host) say nothing about which brand was copied; they are dropped at build
//! time, which is also what keeps the cost of a query from growing with the number of
//! brands.
//!
//! Saved indexes ([`Index::save`], [`Index::load`]) hold the retrieval tables in a
//! header read at load time and each brand's full fingerprint in a record read only
//! when that brand is a candidate, so a 100,000-page index loads in well under a second
//! and keeps well under 1 KiB per brand page in memory.

mod brands;
mod build;
mod cache;
mod keys;
mod query;
mod store;

use serde::{Deserialize, Serialize};

pub use brands::{BrandEntry, BrandsFile, MAX_BRANDS_FILE_BYTES};
pub use build::IndexBuilder;

use crate::brand::Brand;
use crate::compare::{Comparison, Config};
use crate::{Error, Result};
use store::Store;

/// Version of the saved index format; [`Index::load`] refuses any other. The file
/// also records the [`crate::fingerprint::FORMAT_VERSION`] of the fingerprints it holds, and a file
/// holding fingerprints of another version is refused too.
pub const INDEX_VERSION: u32 = 4;

/// Settings of an index.
///
/// ```
/// let config = clonehound::index::IndexConfig::default();
/// assert!(config.candidates >= 16);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndexConfig {
    /// Brands compared in full per suspect, the best-voted first.
    ///
    /// # Default
    /// 32.
    pub candidates: usize,
    /// Keys shared by more brands than this are dropped at build time.
    ///
    /// # Default
    /// 2,000.
    pub max_posting: usize,
    /// Threshold and limits of the full comparisons.
    pub compare: Config,
}

impl IndexConfig {
    /// Refuses settings that would switch detection off without a word: no candidates
    /// compared, or a threshold no score can reach (scores lie in [0, 1]).
    ///
    /// ```
    /// let config = clonehound::index::IndexConfig { candidates: 0, ..Default::default() };
    /// assert!(config.check().is_err());
    /// ```
    pub fn check(&self) -> Result<()> {
        if self.candidates == 0 {
            return Err(Error::Invalid(
                "an index must compare at least one candidate brand (candidates = 0)".into(),
            ));
        }
        let t = self.compare.threshold;
        if !(0.0..=1.0).contains(&t) {
            return Err(Error::Invalid(format!(
                "threshold {t} lies outside [0, 1]: no score could reach it"
            )));
        }
        Ok(())
    }
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            candidates: 32,
            max_posting: 2000,
            compare: Config::default(),
        }
    }
}

/// One brand a suspect was found to resemble.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The brand's position in the index (the order brands were added).
    pub brand_id: usize,
    /// The full comparison with the brand's site; `comparison.brand` is the brand.
    pub comparison: Comparison,
}

/// The retrieval tables and identities: what [`Index::save`] writes, with the record
/// offsets, before the records, and what [`Index::load`] keeps in memory.
#[derive(Debug, Serialize, Deserialize)]
struct Tables {
    config: IndexConfig,
    brands: Vec<Brand>,
    pages: Vec<u32>,
    /// Sorted keys, each repeated once per brand holding it; `ids` runs beside.
    keys: Vec<u64>,
    ids: Vec<u32>,
    stop_keys: usize,
}

/// An index of protected brands: query a suspect for the brands it most resembles.
///
/// Build one with [`IndexBuilder`]; save and load it with [`Index::save`] and
/// [`Index::load`].
///
/// ```
/// use clonehound::{Brand, Limits, Page, PageFingerprint, SiteFingerprint, Verdict, index::{IndexBuilder, IndexConfig}};
/// let site = |html: &str, url: &str| SiteFingerprint::from_pages(vec![
///     PageFingerprint::new(&Page::from_html(html, Some(url)), &Limits::default())]);
/// let config = IndexConfig { candidates: 1, ..IndexConfig::default() };
/// let mut builder = IndexBuilder::new(config);
/// for (name, domain) in [("Acme", "acme.com"), ("Borealis", "borealis.io"), ("Cobalt", "cobalt.dev")] {
///     let html = format!("<title>{name}</title><h1>{name}</h1><p>{name} builds things for {domain} customers.</p>");
///     builder.add(Brand::new(name, [domain]), site(&html, &format!("https://{domain}/")));
/// }
/// let index = builder.build();
/// assert_eq!((index.len(), index.stats().pages), (3, 3));
/// assert_eq!(index.brands()[1].name, "Borealis");
///
/// let phish = site("<title>Borealis</title><h1>Borealis</h1><p>Borealis builds things for borealis.io customers.</p>",
///     "http://borealis-verify.example/");
/// // Retrieval alone, then full comparisons of the candidates only.
/// assert_eq!(index.candidates(&phish)[0].0, 1);
/// let best = &index.query(&phish, 1)?[0];
/// assert_eq!(best.comparison.verdict, Verdict::Impersonation);
/// // The same answer as comparing with every brand, at a fraction of the cost.
/// assert_eq!(index.brute_force(&phish, 1)?[0].brand_id, best.brand_id);
/// # Ok::<(), clonehound::Error>(())
/// ```
#[derive(Debug)]
pub struct Index {
    tables: Tables,
    store: Store,
    /// Each brand's name matcher, made on its first comparison and kept: a query
    /// compares a suspect with dozens of brands, a scan with the same ones again.
    matchers: Vec<std::sync::OnceLock<crate::brand::Matcher>>,
    /// A bit per 16-bit key prefix held by any posting, made on the first query: most
    /// of a suspect's keys are in no posting and end at one bit instead of a search.
    key_filter: std::sync::OnceLock<keys::KeyFilter>,
}

/// Figures about an index, for capacity planning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexStats {
    /// Brands indexed.
    pub brands: usize,
    /// Brand pages indexed.
    pub pages: usize,
    /// `(key, brand)` postings kept.
    pub postings: usize,
    /// Keys dropped for being shared by more than [`IndexConfig::max_posting`] brands.
    pub stop_keys: usize,
    /// Bytes the index holds in memory (retrieval tables, identities, record offsets;
    /// plus the fingerprints when they are held in memory rather than in a file).
    pub memory_bytes: usize,
}

/// `{brands} brands ({pages} pages, {postings} postings, {stop_keys} keys dropped as
/// too common)`, as `clonehound index build` reports them.
///
/// ```
/// use clonehound::index::IndexStats;
/// let stats = IndexStats { brands: 2, pages: 5, postings: 40, stop_keys: 1, memory_bytes: 900 };
/// assert_eq!(stats.to_string(), "2 brands (5 pages, 40 postings, 1 keys dropped as too common)");
/// ```
impl std::fmt::Display for IndexStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} brands ({} pages, {} postings, {} keys dropped as too common)",
            self.brands, self.pages, self.postings, self.stop_keys
        )
    }
}

/// What `clonehound index info` prints of an index ([`Index::info`]).
#[derive(Clone, Debug, Serialize)]
pub struct IndexInfo<'a> {
    /// Its figures.
    pub stats: IndexStats,
    /// The settings it was built with.
    pub config: &'a IndexConfig,
    /// Its brands, by id.
    pub brands: &'a [Brand],
    /// Its file format's version ([`INDEX_VERSION`]).
    pub format_version: u32,
}

impl Index {
    /// Its figures, settings, brands and format version, to print.
    ///
    /// ```
    /// use clonehound::index::IndexBuilder;
    /// let index = IndexBuilder::default().build();
    /// let info = serde_json::to_value(index.info()).map_err(|e| e.to_string())?;
    /// assert_eq!(info["stats"]["brands"], 0);
    /// # Ok::<(), String>(())
    /// ```
    pub fn info(&self) -> IndexInfo<'_> {
        IndexInfo {
            stats: self.stats(),
            config: self.config(),
            brands: self.brands(),
            format_version: INDEX_VERSION,
        }
    }

    /// Number of brands.
    pub fn len(&self) -> usize {
        self.tables.brands.len()
    }

    /// True when no brand is indexed.
    pub fn is_empty(&self) -> bool {
        self.tables.brands.is_empty()
    }

    /// The indexed brands, by id.
    pub fn brands(&self) -> &[Brand] {
        &self.tables.brands
    }

    /// The settings the index was built with.
    pub fn config(&self) -> &IndexConfig {
        &self.tables.config
    }

    /// Changes the settings used by queries (the build-time `max_posting` stays).
    /// Settings that would switch detection off are refused ([`IndexConfig::check`]).
    pub fn set_config(&mut self, config: IndexConfig) -> Result<()> {
        config.check()?;
        let max_posting = self.tables.config.max_posting;
        self.tables.config = IndexConfig {
            max_posting,
            ..config
        };
        Ok(())
    }

    /// Figures about the index.
    pub fn stats(&self) -> IndexStats {
        let identities: usize = self
            .tables
            .brands
            .iter()
            .map(|b| {
                std::mem::size_of::<Brand>()
                    + b.name.len()
                    + b.domains
                        .iter()
                        .map(|d| d.len() + std::mem::size_of::<String>())
                        .sum::<usize>()
            })
            .sum();
        let store = self.store.memory_bytes();
        IndexStats {
            brands: self.tables.brands.len(),
            pages: self.tables.pages.iter().map(|&p| p as usize).sum(),
            postings: self.tables.keys.len(),
            stop_keys: self.tables.stop_keys,
            memory_bytes: self.tables.keys.len() * 8
                + self.tables.ids.len() * 4
                + self.tables.pages.len() * 4
                + identities
                + store,
        }
    }
}

#[cfg(test)]
mod tests;
