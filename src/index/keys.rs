//! The keys a brand page is filed under and a suspect is looked up by: the smallest
//! hashes of its sketches, hashes of its paths, hosts, analytics IDs, marks, favicon and
//! the brand's name phrases and domains, each family in its own hash domain.

use crate::brand::{Brand, Places};
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::normalize::words;
use crate::sketch::hash64;
use crate::urls::clean_host;

/// Key families, each with its own hash domain and vote weight.
#[derive(Clone, Copy)]
pub(super) enum Family {
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

    /// How much one shared key of this family says about a brand. Keep these multiples
    /// of 1/2: [`Index::candidates`](super::Index::candidates) relies on vote sums
    /// being exact in any order.
    pub(super) fn weight(self) -> f64 {
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

    pub(super) fn of_key(key: u64) -> Family {
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

/// Hosts a suspect lives on (its pages' URLs and declared domains).
pub(super) fn suspect_hosts(site: &SiteFingerprint) -> Vec<String> {
    let mut hosts: Vec<String> = site
        .pages
        .iter()
        .filter_map(|p| Places(p).found_host())
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
    // One buffer for every run: the same bytes as `join(" ")` and `concat()`, without
    // two allocations per window of a page's text.
    let mut phrase = String::new();
    for n in 1..=NAME_WORDS {
        for run in w.windows(n) {
            phrase.clear();
            for (i, word) in run.iter().enumerate() {
                if i > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(word);
            }
            keys.push(name_key(&phrase));
            if n > 1 {
                phrase.clear();
                run.iter().for_each(|word| phrase.push_str(word));
                keys.push(name_key(&phrase));
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
pub(super) fn brand_keys(brand: &Brand, site: &SiteFingerprint) -> Vec<u64> {
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
/// their labels (as brand-name keys): every place [`crate::compare::Presence`] looks for a brand.
pub(super) fn query_keys(site: &SiteFingerprint) -> Vec<u64> {
    let mut keys = Vec::new();
    // Every page's keys: were only the first pages looked up, a kit page behind enough
    // harmless ones would never meet its brand. (A site's pages are bounded where they
    // are read: `Limits::max_site_pages`.)
    for page in &site.pages {
        page_keys(page, &mut keys);
        // Where a page shows a brand, as the score reads it (`brand::Places`).
        let places = Places(page);
        for zone in places.name_zones() {
            name_runs(&words(zone).collect::<Vec<_>>(), &mut keys);
        }
        // Logo file names (`acme-logo.png`) name brands as the presence signal reads them.
        for name in places.file_names() {
            let words: Vec<&str> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            name_runs(&words, &mut keys);
        }
        let hosts = places
            .resource_hosts()
            .iter()
            .chain(places.link_hosts())
            .chain(places.script_hosts())
            .cloned()
            .chain(places.form_hosts())
            .chain(places.email_domains());
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

/// Which 16-bit key prefixes (the top bits of the hash) any posting holds: one bit
/// each, 8 KiB in all. A key whose bit is clear is in no posting; a set bit means
/// "search the postings".
#[derive(Debug)]
pub(super) struct KeyFilter(Vec<u64>);

impl KeyFilter {
    pub(super) fn new(keys: &[u64]) -> KeyFilter {
        let mut bits = vec![0_u64; 1 << 10];
        for &key in keys {
            let prefix = (key >> 48) as usize;
            if let Some(word) = bits.get_mut(prefix >> 6) {
                *word |= 1 << (prefix & 63);
            }
        }
        KeyFilter(bits)
    }

    pub(super) fn may_hold(&self, key: u64) -> bool {
        let prefix = (key >> 48) as usize;
        self.0
            .get(prefix >> 6)
            .is_none_or(|word| word & (1 << (prefix & 63)) != 0)
    }
}
