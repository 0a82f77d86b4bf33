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
//! the most weighted votes are compared in full ([`crate::compare`]) and ranked by score.
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

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::brand::{Brand, file_name};
use crate::compare::{Comparison, Config, compare_completed};
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::normalize::words;
use crate::signals::assets::{clean_host, split_url};
use crate::sketch::hash64;
use crate::{Error, Result};

/// Version of the saved index format; [`Index::load`] refuses any other. The file
/// also records the [`crate::FORMAT_VERSION`] of the fingerprints it holds, and a file
/// holding fingerprints of another version is refused too.
pub const INDEX_VERSION: u32 = 4;

/// Bytes before the header: magic, index version, fingerprint version, header length,
/// header checksum.
const PREAMBLE: u64 = 32;

/// The checksum of index bytes: xxh3-64, which catches damage (a flipped bit, a torn
/// write, a file truncated or overwritten), not deliberate forgery.
fn checksum(parts: &[&[u8]]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.digest()
}

/// First bytes of a saved index.
const MAGIC: &[u8; 8] = b"CLHNDIDX";

/// Key families, each with its own hash domain and vote weight.
#[derive(Clone, Copy)]
enum Family {
    Text = 40,
    Structure = 41,
    Style = 42,
    Path = 43,
    Host = 44,
    Analytics = 45,
    FaviconSha = 46,
    FaviconBand = 47,
    Name = 48,
    Domain = 49,
    Mark = 50,
}

impl Family {
    fn key(self, bytes: &[u8]) -> u64 {
        hash64(self as u64, bytes)
    }

    /// How much one shared key of this family says about a brand.
    fn weight(self) -> f64 {
        match self {
            Family::Name
            | Family::Domain
            | Family::Analytics
            | Family::FaviconSha
            | Family::Mark => 4.0,
            Family::FaviconBand => 1.5,
            Family::Text | Family::Path | Family::Host => 1.0,
            Family::Structure | Family::Style => 0.5,
        }
    }

    /// Families are recovered from a key's low bits so postings need not store them.
    fn tag(self, key: u64) -> u64 {
        (key & !0xF) | (self as u64 - 40)
    }

    fn of_key(key: u64) -> Family {
        match key & 0xF {
            0 => Family::Text,
            1 => Family::Structure,
            2 => Family::Style,
            3 => Family::Path,
            4 => Family::Host,
            5 => Family::Analytics,
            6 => Family::FaviconSha,
            7 => Family::FaviconBand,
            8 => Family::Name,
            10 => Family::Mark,
            _ => Family::Domain,
        }
    }
}

/// Keys taken from each sketch: its smallest hashes.
const TEXT_KEYS: usize = 8;
const STRUCTURE_KEYS: usize = 6;
const STYLE_KEYS: usize = 4;
const PATH_KEYS: usize = 6;
const HOST_KEYS: usize = 6;
const ANALYTICS_KEYS: usize = 8;
/// Longest run of words tried as a brand name in a suspect's text.
const NAME_WORDS: usize = 3;

/// Settings of an index.
///
/// ```
/// let config = clonehound::IndexConfig::default();
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
    /// let config = clonehound::IndexConfig { candidates: 0, ..Default::default() };
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

/// Collects brands, then builds an [`Index`].
///
/// ```
/// use clonehound::{Brand, IndexBuilder, Limits, Page, PageFingerprint, SiteFingerprint};
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
        Index {
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
fn drop_common(postings: Vec<(u64, u32)>, max: usize) -> (Vec<u64>, Vec<u32>, usize) {
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

/// Where full brand fingerprints live.
#[derive(Debug)]
enum Store {
    Memory(Vec<SiteFingerprint>),
    File(FileStore),
}

#[derive(Debug)]
struct FileStore {
    path: PathBuf,
    file: File,
    /// Offset of each record in the file, then the end of the last.
    offsets: Vec<u64>,
    /// Checksum of each record.
    sums: Vec<u64>,
}

impl FileStore {
    fn read(&self, id: usize) -> Result<SiteFingerprint> {
        let buf = self.bytes(id)?;
        postcard::from_bytes(&buf).map_err(|e| Error::Decode {
            what: "index brand record",
            reason: e.to_string(),
        })
    }

    /// A record's bytes, checked against its checksum.
    fn bytes(&self, id: usize) -> Result<Vec<u8>> {
        let (Some(&start), Some(&end)) = (self.offsets.get(id), self.offsets.get(id + 1)) else {
            return Err(Error::Invalid(format!("no brand record {id} in the index")));
        };
        let len = usize::try_from(end.saturating_sub(start))
            .map_err(|_| Error::Invalid("index record too large".into()))?;
        let mut buf = vec![0u8; len];
        read_exact_at(&self.file, &mut buf, start).map_err(|e| Error::io(&self.path, e))?;
        if self.sums.get(id) != Some(&checksum(&[&buf])) {
            return Err(damaged(format!("brand record {id} fails its checksum")));
        }
        Ok(buf)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = buf.get_mut(n..).unwrap_or_default();
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
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
/// use clonehound::{Brand, IndexBuilder, IndexConfig, Limits, Page, PageFingerprint, SiteFingerprint, Verdict};
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

impl Index {
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
        let store = match &self.store {
            Store::Memory(sites) => sites
                .iter()
                .map(|s| postcard::to_allocvec(s).map_or(0, |v| v.len()))
                .sum(),
            Store::File(f) => f.offsets.len() * 8,
        };
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

    /// The full fingerprint of brand `id` (read from the file for a loaded index).
    pub fn site(&self, id: usize) -> Result<SiteFingerprint> {
        match &self.store {
            Store::Memory(sites) => sites
                .get(id)
                .cloned()
                .ok_or_else(|| Error::Invalid(format!("no brand {id} in the index"))),
            Store::File(f) => f.read(id),
        }
    }

    fn with_site<T>(&self, id: usize, f: impl FnOnce(&SiteFingerprint) -> T) -> Result<T> {
        match &self.store {
            Store::Memory(sites) => sites
                .get(id)
                .map(f)
                .ok_or_else(|| Error::Invalid(format!("no brand {id} in the index"))),
            Store::File(store) => Ok(f(&store.read(id)?)),
        }
    }

    fn postings(&self, key: u64) -> &[u32] {
        let start = self.tables.keys.partition_point(|&k| k < key);
        let end = start
            + self
                .tables
                .keys
                .get(start..)
                .map_or(0, |rest| rest.partition_point(|&k| k == key));
        self.tables.ids.get(start..end).unwrap_or_default()
    }

    /// The retrieval stage alone: brands voted for by the suspect's keys, best first,
    /// with their vote weights, at most [`IndexConfig::candidates`] of them. Brands
    /// that own one of the suspect's hosts are left out.
    pub fn candidates(&self, suspect: &SiteFingerprint) -> Vec<(usize, f64)> {
        let mut votes: Vec<(u32, f64)> = Vec::new();
        let mut keys = query_keys(suspect);
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let weight = Family::of_key(key).weight();
            votes.extend(self.postings(key).iter().map(|&id| (id, weight)));
        }
        votes.sort_unstable_by_key(|v| v.0);
        let hosts = suspect_hosts(suspect);
        let mut totals: Vec<(usize, f64)> = votes
            .chunk_by(|a, b| a.0 == b.0)
            .filter_map(|run| {
                let id = run.first()?.0 as usize;
                let brand = self.tables.brands.get(id)?;
                if hosts.iter().any(|h| brand.owns(h)) {
                    return None;
                }
                Some((id, run.iter().map(|v| v.1).sum()))
            })
            .collect();
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        totals.truncate(self.tables.config.candidates);
        totals
    }

    /// The `top` brands `suspect` most resembles, best first, each with a full
    /// comparison and its evidence. Only candidates from [`Index::candidates`] are
    /// compared. Ties keep brand order, so results never depend on thread count.
    ///
    /// `top` must be at least 1, and the index's settings must pass
    /// [`IndexConfig::check`]: a query that could only come back empty is an error, not
    /// a clean result.
    pub fn query(&self, suspect: &SiteFingerprint, top: usize) -> Result<Vec<Match>> {
        self.tables.config.check()?;
        if top == 0 {
            return Err(Error::Invalid(
                "a query must report at least one brand (top = 0)".into(),
            ));
        }
        let ids: Vec<usize> = self.candidates(suspect).into_iter().map(|c| c.0).collect();
        self.rank(suspect, &ids, top)
    }

    /// Compares `suspect` with every brand: the reference the index is measured
    /// against, and the cost it saves. Brands that own one of the suspect's hosts are
    /// left out, as in [`Index::query`].
    pub fn brute_force(&self, suspect: &SiteFingerprint, top: usize) -> Result<Vec<Match>> {
        let hosts = suspect_hosts(suspect);
        let ids: Vec<usize> = (0..self.tables.brands.len())
            .filter(|&id| {
                self.tables
                    .brands
                    .get(id)
                    .is_some_and(|b| !hosts.iter().any(|h| b.owns(h)))
            })
            .collect();
        self.rank(suspect, &ids, top)
    }

    pub(crate) fn rank(
        &self,
        suspect: &SiteFingerprint,
        ids: &[usize],
        top: usize,
    ) -> Result<Vec<Match>> {
        let mut matches = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(brand) = self.tables.brands.get(id) else {
                continue;
            };
            let comparison = self.with_site(id, |site| {
                compare_completed(site, suspect, brand.clone(), &self.tables.config.compare)
            })?;
            matches.push(Match {
                brand_id: id,
                comparison,
            });
        }
        matches.sort_by(|a, b| {
            b.comparison
                .score
                .total_cmp(&a.comparison.score)
                .then(a.brand_id.cmp(&b.brand_id))
        });
        matches.truncate(top);
        Ok(matches)
    }

    /// Queries many suspects in parallel; results keep input order.
    ///
    /// ```
    /// # use clonehound::{Brand, IndexBuilder, SiteFingerprint};
    /// let index = IndexBuilder::default().build();
    /// let results = index.scan(&[SiteFingerprint::default()], 3);
    /// assert!(results[0].as_ref().is_ok_and(|m| m.is_empty()));
    /// ```
    pub fn scan(&self, suspects: &[SiteFingerprint], top: usize) -> Vec<Result<Vec<Match>>> {
        suspects.par_iter().map(|s| self.query(s, top)).collect()
    }

    /// Writes the index to `path`: magic bytes, [`INDEX_VERSION`],
    /// [`crate::FORMAT_VERSION`], a header with the retrieval tables, then one record per
    /// brand (postcard-encoded serde). The header and every record carry a checksum.
    ///
    /// The file is written beside `path` under a temporary name and renamed into place
    /// when complete, so a scan reading the old index while a new one is built goes on
    /// reading the old one, and a failed write leaves the old file as it was.
    ///
    /// ```
    /// # use clonehound::{Index, IndexBuilder};
    /// let dir = std::env::temp_dir().join(format!("clonehound-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("brands.idx");
    /// IndexBuilder::default().build().save(&path)?;
    /// assert!(Index::load(&path)?.is_empty());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let encode = |site: &SiteFingerprint| {
            postcard::to_allocvec(site).map_err(|e| Error::Invalid(e.to_string()))
        };
        let mut records = Vec::new();
        let mut offsets = vec![0u64];
        let mut sums = Vec::with_capacity(self.tables.brands.len());
        for id in 0..self.tables.brands.len() {
            let bytes = match &self.store {
                Store::Memory(sites) => sites.get(id).map(encode).transpose()?.unwrap_or_default(),
                Store::File(f) => encode(&f.read(id)?)?,
            };
            sums.push(checksum(&[&bytes]));
            records.extend_from_slice(&bytes);
            offsets.push(records.len() as u64);
        }
        // The header is the tables, the record offsets and their checksums, as one
        // postcard tuple.
        let header = (&self.tables, &offsets, &sums);
        let header = postcard::to_allocvec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
        let mut preamble = Vec::with_capacity(PREAMBLE as usize);
        preamble.extend_from_slice(MAGIC);
        preamble.extend_from_slice(&INDEX_VERSION.to_le_bytes());
        preamble.extend_from_slice(&crate::FORMAT_VERSION.to_le_bytes());
        preamble.extend_from_slice(&(header.len() as u64).to_le_bytes());
        let sum = checksum(&[&preamble, &header]);
        preamble.extend_from_slice(&sum.to_le_bytes());
        write_atomically(path, &[&preamble, &header, &records])
    }

    /// Reads an index written by [`Index::save`]. The retrieval tables are read now;
    /// each brand's record is read from the file when that brand is a candidate. A file
    /// of another [`INDEX_VERSION`], or holding fingerprints of another
    /// [`crate::FORMAT_VERSION`], is refused with [`Error::Format`]; a file that is not
    /// an index, or is damaged (every checksum is verified now, and each record's again
    /// when it is read), with [`Error::Decode`]; a directory, device or FIFO with
    /// [`Error::NotRead`].
    pub fn load(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        let (mut file, size) = crate::input::open_regular(path)?;
        let bad = |reason: String| Error::Decode {
            what: "index file",
            reason,
        };
        let mut head = [0u8; PREAMBLE as usize];
        file.read_exact(&mut head)
            .map_err(|_| bad(format!("{size} bytes, shorter than an index header")))?;
        let (magic, rest) = head.split_at(8);
        if magic != MAGIC {
            return Err(bad("not a clonehound index (wrong magic bytes)".into()));
        }
        let word = |at: usize| -> Result<u64> {
            let bytes = rest.get(at..at + 8).ok_or_else(|| bad("header".into()))?;
            Ok(u64::from_le_bytes(
                bytes.try_into().map_err(|_| bad("header".into()))?,
            ))
        };
        let versions = word(0)?;
        let (index_version, format_version) = (versions as u32, (versions >> 32) as u32);
        for (found, supported) in [
            (index_version, INDEX_VERSION),
            (format_version, crate::FORMAT_VERSION),
        ] {
            if found != supported {
                return Err(Error::Format { found, supported });
            }
        }
        let (len, sum) = (word(8)?, word(16)?);
        if len > size.saturating_sub(PREAMBLE) {
            return Err(damaged(format!(
                "header claims {len} bytes but the file has {size}"
            )));
        }
        let mut buf = vec![0u8; usize::try_from(len).map_err(|_| bad("header too large".into()))?];
        file.read_exact(&mut buf).map_err(|e| Error::io(path, e))?;
        // The checksum covers the preamble before it, then the header.
        let summed = head.get(..PREAMBLE as usize - 8).unwrap_or_default();
        if checksum(&[summed, &buf]) != sum {
            return Err(damaged("the header fails its checksum".into()));
        }
        let (tables, offsets, sums): (Tables, Vec<u64>, Vec<u64>) =
            postcard::from_bytes(&buf).map_err(|e| bad(e.to_string()))?;
        let base = PREAMBLE + len;
        let n = tables.brands.len();
        let consistent = tables.pages.len() == n
            && offsets.len() == n + 1
            && sums.len() == n
            && tables.keys.len() == tables.ids.len()
            && tables.keys.is_sorted()
            && tables.ids.iter().all(|&id| (id as usize) < n)
            && offsets.is_sorted()
            && offsets.last().is_some_and(|&end| base + end == size);
        if !consistent {
            return Err(damaged("inconsistent tables".into()));
        }
        tables.config.check()?;
        let store = FileStore {
            path: path.to_owned(),
            file,
            offsets: offsets.into_iter().map(|o| o + base).collect(),
            sums,
        };
        for id in 0..n {
            store.bytes(id)?;
        }
        Ok(Index {
            tables,
            store: Store::File(store),
        })
    }
}

/// A damaged index file.
fn damaged(reason: String) -> Error {
    Error::Decode {
        what: "index file (damaged)",
        reason,
    }
}

/// Writes `parts` to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, parts: &[&[u8]]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(&temp)?);
        for part in parts {
            out.write_all(part)?;
        }
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|e| {
        // Best effort: the temporary file is ours, and useless now.
        let _ = std::fs::remove_file(&temp);
        Error::io(path, e)
    })
}

/// Hosts a suspect lives on (its pages' URLs and declared domains).
fn suspect_hosts(site: &SiteFingerprint) -> Vec<String> {
    let mut hosts: Vec<String> = site
        .pages
        .iter()
        .filter_map(|p| p.url.as_deref().and_then(|u| split_url(u).0))
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

fn smallest(values: impl Iterator<Item = u64>, n: usize) -> Vec<u64> {
    let mut v: Vec<u64> = values.collect();
    v.sort_unstable();
    v.dedup();
    v.truncate(n);
    v
}

/// Content keys of one page: what a brand page and a suspect page share when one
/// copies the other.
fn page_keys(page: &PageFingerprint, out: &mut Vec<u64>) {
    let sketch_keys = |family: Family, mins: &[u32], n: usize, out: &mut Vec<u64>| {
        out.extend(
            mins.iter()
                .take(n)
                .map(|m| family.tag(family.key(&m.to_le_bytes()))),
        );
    };
    sketch_keys(Family::Text, &page.text.shingles.mins, TEXT_KEYS, out);
    sketch_keys(Family::Structure, &page.structure.mins, STRUCTURE_KEYS, out);
    sketch_keys(Family::Style, &page.style.mins, STYLE_KEYS, out);
    let a = &page.assets;
    let hashed = |family: Family, items: &[String], n: usize| {
        smallest(
            items.iter().map(|i| family.tag(family.key(i.as_bytes()))),
            n,
        )
    };
    out.extend(hashed(Family::Path, &a.paths, PATH_KEYS));
    out.extend(hashed(Family::Host, &a.hosts, HOST_KEYS));
    out.extend(hashed(Family::Analytics, &a.analytics, ANALYTICS_KEYS));
}

/// The site's marks as keys: its inline SVG logos' geometry, and the SHA-256 of its
/// logo files and favicon, so that a kit showing the brand's logo file, or the brand's
/// favicon as its logo, meets the brand.
fn mark_keys(site: &SiteFingerprint, out: &mut Vec<u64>) {
    let key = |bytes: &[u8]| Family::Mark.tag(Family::Mark.key(bytes));
    for page in &site.pages {
        out.extend(page.marks.svg_logos.iter().map(|h| key(&h.to_le_bytes())));
    }
    for logo in site.logos.iter().chain(&site.favicon) {
        out.push(key(logo.sha256.as_bytes()));
    }
}

fn favicon_keys(site: &SiteFingerprint, out: &mut Vec<u64>) {
    let Some(icon) = &site.favicon else {
        return;
    };
    out.push(Family::FaviconSha.tag(Family::FaviconSha.key(icon.sha256.as_bytes())));
    // 16 bands of 16 bits: icons within 15 bits of each other share at least one.
    let hex = icon.phash.as_deref().unwrap_or_default().as_bytes();
    for (band, chunk) in hex.chunks(4).enumerate().take(16) {
        let mut bytes = vec![band as u8];
        bytes.extend_from_slice(chunk);
        out.push(Family::FaviconBand.tag(Family::FaviconBand.key(&bytes)));
    }
}

/// Name keys of every run of up to [`NAME_WORDS`] words, spaced and written as one word.
fn name_runs(w: &[&str], keys: &mut Vec<u64>) {
    for n in 1..=NAME_WORDS {
        for run in w.windows(n) {
            keys.push(name_key(&run.join(" ")));
            if n > 1 {
                keys.push(name_key(&run.concat()));
            }
        }
    }
}

fn name_key(phrase: &str) -> u64 {
    Family::Name.tag(Family::Name.key(phrase.as_bytes()))
}

fn domain_key(domain: &str) -> u64 {
    Family::Domain.tag(Family::Domain.key(domain.as_bytes()))
}

/// Every key of a brand: its pages' content keys, its favicon, its name and domains.
fn brand_keys(brand: &Brand, site: &SiteFingerprint) -> Vec<u64> {
    let mut keys = Vec::new();
    for page in &site.pages {
        page_keys(page, &mut keys);
    }
    favicon_keys(site, &mut keys);
    mark_keys(site, &mut keys);
    keys.extend(brand.phrases().iter().map(|p| name_key(p)));
    keys.extend(brand.domains.iter().map(|d| domain_key(&clean_host(d))));
    keys
}

/// Every key a suspect is looked up by: its pages' content keys, its favicon, runs of
/// up to three words from where pages name themselves and from resource paths (as
/// brand-name keys), and the hosts it links to, loads from, posts to, writes into its
/// scripts or writes e-mail to, with their parent domains (as brand-domain keys) and
/// their labels (as brand-name keys): every place [`crate::Presence`] looks for a brand.
fn query_keys(site: &SiteFingerprint) -> Vec<u64> {
    let mut keys = Vec::new();
    // Every page's keys: were only the first pages looked up, a kit page behind enough
    // harmless ones would never meet its brand. (A site's pages are bounded where they
    // are read: `Limits::max_site_pages`.)
    for page in &site.pages {
        page_keys(page, &mut keys);
        let z = &page.identity.zones;
        for zone in [
            &z.title,
            &z.headings,
            &z.prominent,
            &z.footer,
            &page.text.lead,
        ] {
            name_runs(&words(zone).collect::<Vec<_>>(), &mut keys);
        }
        let a = &page.assets;
        // Resource file names (`acme-logo.png`) name brands as the presence signal reads them.
        for path in &a.paths {
            let words: Vec<&str> = file_name(path)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            name_runs(&words, &mut keys);
        }
        let form_hosts = a.form_actions.iter().filter_map(|f| split_url(f).0);
        let hosts = a
            .hosts
            .iter()
            .chain(&a.link_hosts)
            .chain(&a.script_hosts)
            .cloned()
            .chain(form_hosts)
            .chain(page.identity.email_domains());
        for host in hosts {
            let host = clean_host(&host);
            // A label that is a brand's name written as one word (`acme.example.net`).
            keys.extend(host.split('.').map(name_key));
            let mut rest = host.as_str();
            loop {
                keys.push(domain_key(rest));
                match rest.split_once('.') {
                    Some((_, parent)) if parent.contains('.') => rest = parent,
                    _ => break,
                }
            }
        }
    }
    favicon_keys(site, &mut keys);
    mark_keys(site, &mut keys);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, Page};

    fn site(html: &str, url: &str) -> SiteFingerprint {
        SiteFingerprint::from_pages(vec![PageFingerprint::new(
            &Page::from_html(html, Some(url)),
            &Limits::default(),
        )])
    }

    fn sample() -> Index {
        let mut b = IndexBuilder::default();
        b.add(
            Brand::new("Acme", ["acme.com"]),
            site(
                "<title>Acme</title><p>Bridges tunnels and harbours since 1952 across three continents</p>",
                "https://acme.com/",
            ),
        );
        b.add(
            Brand::new("Borealis", ["borealis.io"]),
            site(
                "<title>Borealis</title><p>Cloud backups for clinics and dental practices everywhere</p>",
                "https://borealis.io/",
            ),
        );
        b.build()
    }

    #[test]
    fn retrieves_a_brand_named_only_in_a_script_url_or_a_file_name() {
        let index = sample();
        // A captcha frame saved from the brand's page: no brand text, only its origin.
        let frame = site(
            r#"<div id="rc"></div><script>init("\x22https://www.borealis.io:443\x22", [1,2])</script>"#,
            "http://frames.example/",
        );
        let logo = site(
            r#"<p>Enter your details</p><img src="img/borealis-logo.png"><form><input type=password></form>"#,
            "http://kit.example/",
        );
        for suspect in [frame, logo] {
            assert!(index.candidates(&suspect).iter().any(|c| c.0 == 1));
            let by_index = index.query(&suspect, 1).unwrap();
            assert_eq!(by_index[0].brand_id, 1);
            assert_eq!(by_index, index.brute_force(&suspect, 1).unwrap());
        }
    }

    #[test]
    fn finds_the_copied_brand_and_never_the_owner() {
        let index = sample();
        let copy = site(
            "<title>Borealis login</title><p>Cloud backups for clinics and dental practices everywhere</p>",
            "http://borealis-login.example/",
        );
        let found = index.query(&copy, 2).unwrap();
        assert_eq!(found[0].brand_id, 1);
        let own = site(
            "<title>Borealis</title><p>Cloud backups for clinics and dental practices everywhere</p>",
            "https://www.borealis.io/pricing",
        );
        assert!(index.candidates(&own).iter().all(|c| c.0 != 1));
        assert!(
            index
                .query(&own, 2)
                .unwrap()
                .iter()
                .all(|m| m.brand_id != 1)
        );
    }

    #[test]
    fn common_keys_are_dropped() {
        let postings = vec![(1, 0), (1, 1), (1, 2), (2, 0), (3, 1)];
        let (keys, ids, dropped) = drop_common(postings, 2);
        assert_eq!(keys, [2, 3]);
        assert_eq!(ids, [0, 1]);
        assert_eq!(dropped, 1);
    }

    #[test]
    fn saves_loads_and_refuses_other_versions() {
        let index = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.idx");
        index.save(&path).unwrap();
        let loaded = Index::load(&path).unwrap();
        assert_eq!(loaded.brands(), index.brands());
        assert_eq!(loaded.site(1).unwrap(), index.site(1).unwrap());
        let copy = site(
            "<title>Acme</title><p>Bridges tunnels and harbours since 1952 across three continents</p>",
            "http://x.example/",
        );
        assert_eq!(
            loaded.query(&copy, 2).unwrap(),
            index.query(&copy, 2).unwrap()
        );
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[8..12].copy_from_slice(&(INDEX_VERSION + 1).to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            Index::load(&path),
            Err(Error::Format { found, .. }) if found == INDEX_VERSION + 1
        ));
        bytes[8..12].copy_from_slice(&INDEX_VERSION.to_le_bytes());
        bytes[12..16].copy_from_slice(&(crate::FORMAT_VERSION - 1).to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            Index::load(&path),
            Err(Error::Format { found, supported })
                if found == crate::FORMAT_VERSION - 1 && supported == crate::FORMAT_VERSION
        ));
        bytes[12..16].copy_from_slice(&crate::FORMAT_VERSION.to_le_bytes());
        std::fs::write(&path, b"not an index at all, not even close").unwrap();
        assert!(matches!(Index::load(&path), Err(Error::Decode { .. })));
        bytes[8..12].copy_from_slice(&INDEX_VERSION.to_le_bytes());
        bytes.truncate(bytes.len() - 10);
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(Index::load(&path), Err(Error::Decode { .. })));
    }
}
