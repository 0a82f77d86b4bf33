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
use clonehound::{
    Brand, Error, Index, Limits, Page, PageFingerprint, Result, SiteFingerprint,
    fingerprint::Site,
    index::{IndexBuilder, IndexConfig, IndexStats},
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
    /// The copies the index attributes to another brand than the one copied (or to
    /// none), so a person can check why.
    pub misses: Vec<Miss>,
}

/// A copy the index attributed to another brand than the one it copies.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Miss {
    /// The copy's name (its site directory).
    pub copy: String,
    /// The brand it copies.
    pub truth: String,
    /// Its score against that brand.
    pub truth_score: f64,
    /// The index's best brand, if any.
    pub found: Option<String>,
    /// Its score against that brand.
    pub found_score: f64,
}

/// A copy to query: its name, fingerprint and the id of the brand it copies.
#[derive(Clone, Debug)]
pub struct Copy {
    /// A name to report it by (its site directory).
    pub name: String,
    /// Its fingerprint.
    pub site: SiteFingerprint,
    /// The id of the brand it copies, in the order brands were added.
    pub truth: usize,
}

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
    let name = |id: usize| index.brands().get(id).map(|b| b.name.clone());
    let outcomes: Vec<Result<(Outcome, Option<Miss>)>> = copies
        .par_iter()
        .map(|copy| {
            // Retrieval once: its size is reported, its brands ranked as `query` does.
            let ids: Vec<usize> = index.candidates(&copy.site).iter().map(|c| c.0).collect();
            let candidates = ids.len();
            let best = index.rank(&copy.site, &ids, 1)?.into_iter().next();
            let by_index = best.as_ref().map(|m| m.brand_id);
            let by_brute = index
                .brute_force(&copy.site, 1)?
                .first()
                .map(|m| m.brand_id);
            let hit = same_brand(by_index, copy.truth);
            let miss = if hit {
                None
            } else {
                let truth_site = index.site(copy.truth)?;
                let truth_brand = index.brands().get(copy.truth);
                Some(Miss {
                    copy: copy.name.clone(),
                    truth: name(copy.truth).unwrap_or_default(),
                    truth_score: clonehound::compare(
                        &truth_site,
                        &copy.site,
                        truth_brand,
                        &index.config().compare,
                    )
                    .score,
                    found: best.as_ref().and_then(|m| name(m.brand_id)),
                    found_score: best.as_ref().map_or(0.0, |m| m.comparison.score),
                })
            };
            Ok((
                (
                    by_index == by_brute,
                    hit,
                    same_brand(by_brute, copy.truth),
                    candidates,
                ),
                miss,
            ))
        })
        .collect();
    let (outcomes, misses): (Vec<Outcome>, Vec<Option<Miss>>) = outcomes
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    let n = outcomes.len().max(1) as f64;
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
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
        misses: misses.into_iter().flatten().collect(),
    })
}

/// Per copy: index agrees with brute force, index top-1 right, brute-force top-1
/// right, brands compared in full.
type Outcome = (bool, bool, bool, usize);

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
            Some(Copy {
                name: p.suspect.clone(),
                site: suspect.fingerprint.clone(),
                truth,
            })
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
        .map(|(s, truth)| {
            Ok(Copy {
                name: s.site.clone(),
                site: load(&s.site)?,
                truth,
            })
        })
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
            Copy {
                name: format!("copy {i}"),
                site: population::copy_site(seed, truth as u64, pages, i, limits),
                truth,
            }
        })
        .collect();
    check_built_index(
        &format!("generated: {brands} brands x {pages} pages"),
        &index,
        &queries,
    )
}

/// Checks the index on `dir` as `clonehound eval DIR --index` does: by its brands
/// ([`sources_index_check`]) when it has a `sources.tsv`, else by its pairs
/// ([`corpus_index_check`]).
pub fn index_check(dir: &Path, config: &IndexConfig) -> Result<IndexCheck> {
    if dir.join("sources.tsv").is_file() {
        sources_index_check(dir, config)
    } else {
        corpus_index_check(dir, config)
    }
}
