//! Synthetic copies of real pages: the corpus's copy operators applied to real
//! legitimate pages listed in a `sources.tsv` (as `../shared/real-pages` has), so the
//! operators meet real-world markup and not only our own templates.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::operators::{self as ops, Rng};
use super::{Digests, LoadedSite, PairSpec};
use clonehound::{Brand, Config, Error, Page, PageFingerprint, Result, SiteFingerprint};

/// The copy kinds applied to each page.
pub const KINDS: [&str; 8] = [
    "mirror", "rebrand", "partial", "reorder", "rename", "minify", "reword", "combo",
];

const FRONT: &str = "Volantis Group";

/// Pairs and the sites they name, loaded.
type Built = (Vec<PairSpec>, BTreeMap<String, Result<LoadedSite>>);

/// One page's pairs and the sites it added.
type PageEntries = (Vec<PairSpec>, Vec<(String, LoadedSite)>);

/// One row of a `sources.tsv`: a site path, its role and its brand key.
pub(crate) struct Source {
    pub site: String,
    pub role: String,
    /// The brand key, unless unknown or a `title:` key (a site named by its title).
    pub brand: Option<String>,
}

/// Reads every row of `dir/sources.tsv`.
pub(crate) fn read_sources(dir: &Path) -> Result<Vec<Source>> {
    let path = dir.join("sources.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let (Some(site), Some(role)) = (cols.first(), cols.get(4)) {
            let brand = cols
                .get(5)
                .filter(|b| !b.is_empty() && **b != "unknown" && !b.starts_with("title:"));
            out.push(Source {
                site: (*site).to_owned(),
                role: (*role).to_owned(),
                brand: brand.map(|b| (*b).to_owned()),
            });
        }
    }
    Ok(out)
}

fn load(html: &str, config: &Config) -> LoadedSite {
    let page = Page::from_html(html, None);
    LoadedSite {
        fingerprint: SiteFingerprint::from_pages(vec![PageFingerprint::new(&page, &config.limits)]),
        digests: vec![Digests::of(html)],
    }
}

fn copy(kind: &str, html: &str, brand: &Brand, rng: &mut Rng) -> String {
    let domain = brand.domains.first().cloned().unwrap_or_default();
    let mut swaps = vec![(brand.name.clone(), FRONT.to_owned())];
    if !domain.is_empty() {
        swaps.push((domain.clone(), "volantis-group.example".to_owned()));
    }
    let rebrand = |h: &str| ops::replace_all_cases(h, &swaps);
    match kind {
        "mirror" => ops::mirror(html, &domain),
        "rebrand" => rebrand(html),
        "partial" => ops::partial(&rebrand(html), rng, 0.6),
        "reorder" => ops::reorder(&rebrand(html), rng),
        "rename" => ops::rename_classes(&rebrand(html), rng),
        "minify" => ops::minify(&ops::mirror(html, &domain)),
        "reword" => ops::reword(&rebrand(html), rng, 0.5),
        _ => {
            let h = ops::partial(&rebrand(html), rng, 0.8);
            ops::minify(&ops::reword(
                &ops::rename_classes(&ops::reorder(&h, rng), rng),
                rng,
                0.3,
            ))
        }
    }
}

/// Builds synthetic pairs from the real legitimate pages of `dir` (at most `max_pages`,
/// in sorted order): every copy kind of each page as a clone, and each page against
/// `negatives` other real pages of other brands as distinct (`real-other-brand`).
pub fn synthetic_pairs(
    dir: &Path,
    config: &Config,
    max_pages: usize,
    negatives: usize,
) -> Result<Built> {
    let mut sources = read_sources(dir)?;
    sources.retain(|s| s.role == "legit");
    sources.sort_by(|a, b| a.site.cmp(&b.site));
    sources.truncate(max_pages);
    let built: Vec<(Source, Option<String>)> = sources
        .into_par_iter()
        .map(|s| {
            let page = Page::from_path(dir.join(&s.site).join("index.html"), &config.limits).ok();
            (s, page.map(|p| p.html))
        })
        .collect();
    let built: Vec<(Source, String)> = built
        .into_iter()
        .filter_map(|(s, h)| Some((s, h?)))
        .collect();
    let entries: Vec<PageEntries> = built
        .par_iter()
        .enumerate()
        .map(|(i, (src, html))| {
            let legit = load(html, config);
            let inferred = Brand::infer(&legit.fingerprint);
            let brand = Brand {
                name: src.brand.clone().unwrap_or(inferred.name.clone()),
                domains: inferred.domains.clone(),
                aliases: inferred.aliases.clone(),
            };
            let mut rng = Rng::from_str_seed(&src.site);
            let mut pairs = Vec::new();
            let mut sites = Vec::new();
            for kind in KINDS {
                let id = format!("synthetic/{kind}/{}", src.site);
                sites.push((
                    id.clone(),
                    load(
                        &copy(kind, html, &inferred_or(&brand, &inferred), &mut rng),
                        config,
                    ),
                ));
                pairs.push(spec(&src.site, &id, "clone", kind, src.brand.clone()));
            }
            let mut others: Vec<usize> = (0..built.len())
                .filter(|&j| {
                    j != i
                        && built
                            .get(j)
                            .is_some_and(|(o, _)| o.brand.is_none() || o.brand != src.brand)
                })
                .collect();
            rng.shuffle(&mut others);
            for j in others.into_iter().take(negatives) {
                if let Some((other, _)) = built.get(j) {
                    pairs.push(spec(
                        &src.site,
                        &other.site,
                        "distinct",
                        "real-other-brand",
                        src.brand.clone(),
                    ));
                }
            }
            sites.push((src.site.clone(), legit));
            (pairs, sites)
        })
        .collect();
    let mut pairs = Vec::new();
    let mut sites = BTreeMap::new();
    for (p, s) in entries {
        pairs.extend(p);
        sites.extend(s.into_iter().map(|(k, v)| (k, Ok(v))));
    }
    Ok((pairs, sites))
}

/// The name a copier would swap: the name the page itself shows (inferred), which is
/// what the text carries, falling back to the given brand key.
fn inferred_or(given: &Brand, inferred: &Brand) -> Brand {
    let name = if inferred.name.is_empty() {
        given.name.clone()
    } else {
        inferred.name.clone()
    };
    Brand {
        name,
        domains: given.domains.clone(),
        aliases: given.aliases.clone(),
    }
}

fn spec(legit: &str, suspect: &str, label: &str, kind: &str, brand: Option<String>) -> PairSpec {
    PairSpec {
        legit: legit.to_owned(),
        suspect: suspect.to_owned(),
        label: label.to_owned(),
        kind: kind.to_owned(),
        brand,
        domains: None,
        aliases: None,
    }
}
