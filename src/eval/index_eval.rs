//! How well the brand index stands in for comparing every suspect with every brand.
//!
//! For each true copy, the index's best brand is checked against the best brand of a
//! brute-force comparison with every brand (*exactness*) and against the brand that was
//! really copied (*top-1 attribution*).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::population;
use super::synthetic::read_sources;
use crate::{
    Brand, Error, Index, IndexBuilder, IndexConfig, IndexStats, Limits, Page, PageFingerprint,
    Result, Site, SiteFingerprint,
};

/// The outcome of an index check.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IndexCheck {
    /// What was indexed.
    pub label: String,
    /// Index figures.
    pub stats: IndexStats,
    /// True copies queried.
    pub copies: usize,
    /// Copies whose best brand by the index is the best brand by brute force.
    pub agree: usize,
    /// `agree / copies`.
    pub exactness: f64,
    /// Share of copies whose best brand by the index is the brand copied.
    pub index_top1: f64,
    /// The same by brute force.
    pub brute_top1: f64,
    /// Mean number of brands compared in full per query.
    pub mean_candidates: f64,
}

/// A copy to query and the id of the brand it copies.
pub type Copy = (SiteFingerprint, usize);

/// Builds an index of `brands`, queries every copy through it and by brute force, and
/// compares the answers.
pub fn check_index(
    label: &str,
    brands: Vec<(Brand, SiteFingerprint)>,
    copies: &[Copy],
    config: &IndexConfig,
) -> Result<IndexCheck> {
    let mut builder = IndexBuilder::new(config.clone());
    for (brand, site) in brands {
        builder.add(brand, site);
    }
    check_built_index(label, &builder.build(), copies)
}

/// Queries every copy through `index` and by brute force, and compares the answers.
pub fn check_built_index(label: &str, index: &Index, copies: &[Copy]) -> Result<IndexCheck> {
    let same_brand = |a: Option<usize>, b: usize| {
        a.is_some_and(|a| {
            a == b
                || matches!((index.brands().get(a), index.brands().get(b)),
                    (Some(x), Some(y)) if x.name.eq_ignore_ascii_case(&y.name))
        })
    };
    let outcomes: Vec<Result<(bool, bool, bool, usize)>> = copies
        .par_iter()
        .map(|(suspect, truth)| {
            let candidates = index.candidates(suspect).len();
            let by_index = index.query(suspect, 1)?.first().map(|m| m.brand_id);
            let by_brute = index.brute_force(suspect, 1)?.first().map(|m| m.brand_id);
            Ok((
                by_index == by_brute,
                same_brand(by_index, *truth),
                same_brand(by_brute, *truth),
                candidates,
            ))
        })
        .collect();
    let outcomes = outcomes.into_iter().collect::<Result<Vec<_>>>()?;
    let n = outcomes.len().max(1) as f64;
    let count =
        |f: fn(&(bool, bool, bool, usize)) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let agree = count(|o| o.0);
    Ok(IndexCheck {
        label: label.to_owned(),
        stats: index.stats(),
        copies: outcomes.len(),
        agree,
        exactness: agree as f64 / n,
        index_top1: count(|o| o.1) as f64 / n,
        brute_top1: count(|o| o.2) as f64 / n,
        mean_candidates: outcomes.iter().map(|o| o.3 as f64).sum::<f64>() / n,
    })
}

/// The index check on a corpus directory: every legitimate site of `pairs.jsonl` is a
/// brand (with the pair's `brand`/`domains` where given), every copy pair's suspect a
/// query.
pub fn corpus_index_check(dir: &Path, config: &IndexConfig) -> Result<IndexCheck> {
    let pairs = super::read_pairs(dir)?;
    let sites = super::load_sites(dir, &pairs, &config.compare);
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut brands = Vec::new();
    for p in &pairs {
        if ids.contains_key(p.legit.as_str()) {
            continue;
        }
        if let Some(Ok(site)) = sites.get(&p.legit) {
            ids.insert(&p.legit, brands.len());
            let brand = p.given_brand().unwrap_or_default();
            brands.push((brand, site.fingerprint.clone()));
        }
    }
    let copies: Vec<Copy> = pairs
        .iter()
        .filter(|p| p.is_copy() && !p.is_same_site())
        .filter_map(|p| {
            let truth = *ids.get(p.legit.as_str())?;
            let suspect = sites.get(&p.suspect)?.as_ref().ok()?;
            Some((suspect.fingerprint.clone(), truth))
        })
        .collect();
    check_index(&dir.display().to_string(), brands, &copies, config)
}

/// The index check on a `sources.tsv` layout (as `../shared/real-pages` has): one brand
/// per brand key of the legitimate pages (named by the key, domains read off its pages),
/// queried with every clone whose brand is indexed.
pub fn sources_index_check(dir: &Path, config: &IndexConfig) -> Result<IndexCheck> {
    let sources = read_sources(dir)?;
    let limits = &config.compare.limits;
    let load = |site: &str| -> Result<SiteFingerprint> {
        Ok(SiteFingerprint::from_site(
            &Site::from_path(dir.join(site), limits)?,
            limits,
        ))
    };
    let mut by_brand: BTreeMap<&str, Vec<PageFingerprint>> = BTreeMap::new();
    for s in sources.iter().filter(|s| s.role == "legit") {
        if let Some(key) = &s.brand {
            let site = load(&s.site)?;
            by_brand.entry(key).or_default().extend(site.pages);
        }
    }
    let ids: BTreeMap<&str, usize> = by_brand.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let copies = sources
        .iter()
        .filter(|s| s.role == "clone")
        .filter_map(|s| Some((s, *ids.get(s.brand.as_deref()?)?)))
        .map(|(s, truth)| Ok((load(&s.site)?, truth)))
        .collect::<Result<Vec<Copy>>>()?;
    let brands = by_brand
        .into_iter()
        .map(|(key, pages)| (Brand::new(key, [""; 0]), SiteFingerprint::from_pages(pages)))
        .collect();
    check_index(&dir.display().to_string(), brands, &copies, config)
}

/// Fingerprints a generated site.
pub fn fingerprint_generated(
    pages: &[(String, String)],
    host: &str,
    limits: &Limits,
) -> SiteFingerprint {
    let pages = pages
        .iter()
        .map(|(path, html)| {
            let url = format!("{host}{path}");
            PageFingerprint::new(&Page::from_html(html, Some(&url)), limits)
        })
        .collect();
    SiteFingerprint::from_pages(pages)
}

/// The index check on a generated population ([`population`]): `brands` brands of
/// `pages` pages each, queried with `copies` copies of every kind spread over them.
pub fn generated_index_check(
    seed: u64,
    brands: usize,
    pages: usize,
    copies: usize,
    config: &IndexConfig,
) -> Result<IndexCheck> {
    if brands == 0 {
        return Err(Error::Invalid("a generated index needs brands".into()));
    }
    let limits = &config.compare.limits;
    let index = population::index(seed, brands, pages, limits, config.clone());
    let queries: Vec<Copy> = (0..copies)
        .into_par_iter()
        .map(|i| {
            let truth = (i * 7919) % brands;
            (
                population::copy_site(seed, truth as u64, pages, i, limits),
                truth,
            )
        })
        .collect();
    check_built_index(
        &format!("generated: {brands} brands x {pages} pages"),
        &index,
        &queries,
    )
}
