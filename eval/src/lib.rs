//! Evaluation on a labelled corpus: the numbers researchers reproduce.
//!
//! A corpus is a directory with `sites/` and `pairs.jsonl` (one JSON object a line:
//! `legit`, `suspect`, `label` = `clone` | `distinct`, `kind`, optional `brand` and
//! `domains`). [`evaluate`] scores every pair with clonehound (brand given, and brand
//! inferred from the page) and with dnstwist's baselines in the same run.

mod baselines;
mod fit;
pub mod icons;
mod index_eval;
mod metrics;
pub mod operators;
pub mod population;
mod print;
mod sketch_study;
mod synthetic;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use baselines::{Digests, PageRecord, normalize_html};
pub use fit::{
    CrossValidation, FOLDS, FitSet, MAX_FPR, OutOfFold, Row, cross_validate, fit_dirs, fit_logistic,
};
pub use index_eval::{
    Copy, IndexCheck, Miss, check_built_index, check_index, corpus_index_check,
    fingerprint_generated, generated_index_check, index_check, sources_index_check,
};
pub use metrics::{pr_auc, roc_auc, tpr_at_fpr};
pub use sketch_study::{SketchScore, SketchStudy, sketch_study};
pub use synthetic::{KINDS as SYNTHETIC_KINDS, synthetic_pairs};

use clonehound::{Brand, Config, Error, Result, SiteFingerprint, compare, fingerprint::Site};

/// One labelled pair of `pairs.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSpec {
    /// Path of the legitimate site, relative to the corpus root.
    pub legit: String,
    /// Path of the suspect site, relative to the corpus root.
    pub suspect: String,
    /// `clone` or `distinct`.
    pub label: String,
    /// How the copy was made, or what kind of negative it is.
    #[serde(default)]
    pub kind: String,
    /// The legitimate side's brand name, as the protecting party knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Domains the legitimate brand owns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    /// Other names the legitimate brand goes by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
}

impl PairSpec {
    /// True for a copy.
    pub fn is_copy(&self) -> bool {
        self.label == "clone"
    }

    /// Kinds kept out of the headline: two pages of one site are naturally alike but
    /// not a fair negative for "is it a copy" (reported apart).
    pub fn is_same_site(&self) -> bool {
        self.kind.starts_with("same-site")
    }

    /// The kind without its detail (`same-template-different-firm:platform:x` gives
    /// `same-template-different-firm`).
    pub fn kind_group(&self) -> &str {
        self.kind.split(':').next().unwrap_or("")
    }

    pub(crate) fn given_brand(&self) -> Option<Brand> {
        let domains = self.domains.clone().unwrap_or_default();
        let aliases = self.aliases.clone().unwrap_or_default();
        match (&self.brand, domains.is_empty() && aliases.is_empty()) {
            (None, true) => None,
            (name, _) => {
                Some(Brand::new(name.clone().unwrap_or_default(), domains).with_aliases(aliases))
            }
        }
    }
}

/// Reads `pairs.jsonl` of a corpus directory.
pub fn read_pairs(dir: &Path) -> Result<Vec<PairSpec>> {
    let path = dir.join("pairs.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::Invalid(format!("{}:{}: {e}", path.display(), i + 1)))
        })
        .collect()
}

/// A site of the corpus, read once: its fingerprint and its pages' baseline digests.
pub struct LoadedSite {
    /// The site's fingerprint.
    pub fingerprint: SiteFingerprint,
    /// ssdeep/TLSH digests of each page.
    pub digests: Vec<Digests>,
}

/// Every site path the pairs name, sorted, once each.
pub(crate) fn site_paths(pairs: &[PairSpec]) -> Vec<&str> {
    let mut paths: Vec<&str> = pairs
        .iter()
        .flat_map(|p| [p.legit.as_str(), p.suspect.as_str()])
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// Reads and fingerprints every site the pairs name, in parallel. Sites that fail to
/// load are returned as errors by path; their pairs are skipped and counted.
pub fn load_sites(
    dir: &Path,
    pairs: &[PairSpec],
    config: &Config,
) -> BTreeMap<String, Result<LoadedSite>> {
    site_paths(pairs)
        .par_iter()
        .map(|p| {
            let loaded = Site::from_path(dir.join(p), &config.limits).map(|site| LoadedSite {
                fingerprint: SiteFingerprint::from_site(&site, &config.limits),
                digests: site.pages.iter().map(|pg| Digests::of(&pg.html)).collect(),
            });
            ((*p).to_owned(), loaded)
        })
        .collect()
}

/// The scores of one pair under every method.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PairScores {
    /// The pair.
    #[serde(flatten)]
    pub pair: PairSpec,
    /// clonehound with the pair's brand (inferred where the pair names none).
    pub clonehound: f64,
    /// clonehound with the brand always inferred from the legitimate page.
    pub clonehound_inferred: f64,
    /// The verdict clonehound gives with the pair's brand.
    pub verdict: clonehound::Verdict,
    /// dnstwist's ssdeep baseline.
    pub ssdeep: f64,
    /// dnstwist's TLSH baseline.
    pub tlsh: f64,
    /// The feature vector of clonehound's best page pair (brand given).
    pub features: Vec<f64>,
    /// The feature vector of the best page pair with the brand inferred.
    pub features_inferred: Vec<f64>,
}

fn max_pairwise(l: &LoadedSite, s: &LoadedSite, f: fn(&Digests, &Digests) -> f64) -> f64 {
    l.digests
        .iter()
        .flat_map(|a| s.digests.iter().map(move |b| f(a, b)))
        .fold(0.0, f64::max)
}

/// Scores every pair whose sites loaded. Results keep the pairs' order.
pub fn score_pairs(
    pairs: &[PairSpec],
    sites: &BTreeMap<String, Result<LoadedSite>>,
    config: &Config,
) -> Vec<PairScores> {
    pairs
        .par_iter()
        .filter_map(|p| {
            let l = sites.get(&p.legit)?.as_ref().ok()?;
            let s = sites.get(&p.suspect)?.as_ref().ok()?;
            let brand = p.given_brand();
            let given = compare(&l.fingerprint, &s.fingerprint, brand.as_ref(), config);
            let inferred = compare(&l.fingerprint, &s.fingerprint, None, config);
            Some(PairScores {
                pair: p.clone(),
                clonehound: given.score,
                clonehound_inferred: inferred.score,
                verdict: given.verdict,
                ssdeep: max_pairwise(l, s, Digests::ssdeep_similarity),
                tlsh: max_pairwise(l, s, Digests::tlsh_similarity),
                features: given.signals.features().to_vec(),
                features_inferred: inferred.signals.features().to_vec(),
            })
        })
        .collect()
}

/// The metrics of one method on one set of pairs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MethodReport {
    /// The method's name.
    pub method: String,
    /// Copy pairs and distinct pairs counted.
    pub positives: usize,
    /// Distinct pairs counted.
    pub negatives: usize,
    /// ROC AUC.
    pub roc_auc: f64,
    /// Average precision.
    pub pr_auc: f64,
    /// True-positive rate at a false-positive rate of at most 1%.
    pub tpr_at_fpr_1: f64,
    /// True-positive rate at a false-positive rate of at most 0.1%.
    pub tpr_at_fpr_01: f64,
    /// The operating threshold the per-kind figures use.
    pub threshold: f64,
    /// Share of copies at or above the threshold.
    pub recall: f64,
    /// Share of distinct pairs at or above the threshold.
    pub fpr: f64,
    /// Recall of each copy kind at the threshold.
    pub recall_by_kind: BTreeMap<String, f64>,
    /// Share of each negative kind flagged at the threshold.
    pub fp_by_kind: BTreeMap<String, f64>,
    /// Top-1 brand attribution of copies (each ranked against every legitimate site).
    pub top1: Option<f64>,
    /// Top-3 brand attribution.
    pub top3: Option<f64>,
}

/// Computes a method's metrics. `threshold` is the operating point; `None` takes
/// the threshold of at most 1% false positives on these pairs (kind to baselines).
pub fn method_report(
    name: &str,
    scored: &[(f64, &PairSpec)],
    threshold: Option<f64>,
) -> MethodReport {
    let flat: Vec<(f64, bool)> = scored.iter().map(|(s, p)| (*s, p.is_copy())).collect();
    let (tpr1, t1) = tpr_at_fpr(&flat, 0.01);
    let (tpr01, _) = tpr_at_fpr(&flat, 0.001);
    let threshold = threshold.unwrap_or(t1);
    let mut by_kind: BTreeMap<(bool, String), (usize, usize)> = BTreeMap::new();
    for (s, p) in scored {
        let e = by_kind
            .entry((p.is_copy(), p.kind_group().to_owned()))
            .or_default();
        e.0 += usize::from(*s >= threshold);
        e.1 += 1;
    }
    let share = |copy: bool| {
        by_kind
            .iter()
            .filter(|((c, _), _)| *c == copy)
            .map(|((_, k), (hit, n))| (k.clone(), *hit as f64 / (*n).max(1) as f64))
            .collect()
    };
    let flagged = |copy: bool| {
        let of: Vec<&(f64, bool)> = flat.iter().filter(|x| x.1 == copy).collect();
        of.iter().filter(|x| x.0 >= threshold).count() as f64 / of.len().max(1) as f64
    };
    MethodReport {
        method: name.to_owned(),
        positives: flat.iter().filter(|x| x.1).count(),
        negatives: flat.iter().filter(|x| !x.1).count(),
        roc_auc: roc_auc(&flat),
        pr_auc: pr_auc(&flat),
        tpr_at_fpr_1: tpr1,
        tpr_at_fpr_01: tpr01,
        threshold,
        recall: flagged(true),
        fpr: flagged(false),
        recall_by_kind: share(true),
        fp_by_kind: share(false),
        top1: None,
        top3: None,
    }
}

/// Top-1 and top-3 attribution: each copy's suspect ranked against every legitimate
/// site of the corpus by `score`; a hit when a site ranked at or above the true one's
/// place is the true site or has the same brand key.
pub fn attribution(
    pairs: &[PairSpec],
    sites: &BTreeMap<String, Result<LoadedSite>>,
    score: SiteScorer,
) -> (f64, f64) {
    let mut legit_brand: BTreeMap<&str, Option<Brand>> = BTreeMap::new();
    for p in pairs {
        let entry = legit_brand.entry(p.legit.as_str()).or_insert(None);
        if entry.is_none() {
            *entry = p.given_brand();
        }
    }
    let legits: Vec<(&str, &LoadedSite, Option<&Brand>)> = legit_brand
        .iter()
        .filter_map(|(path, b)| Some((*path, sites.get(*path)?.as_ref().ok()?, b.as_ref())))
        .collect();
    let copies: Vec<&PairSpec> = pairs
        .iter()
        .filter(|p| p.is_copy() && !p.is_same_site())
        .collect();
    let ranks: Vec<usize> = copies
        .par_iter()
        .filter_map(|p| {
            let s = sites.get(&p.suspect)?.as_ref().ok()?;
            let mut scored: Vec<(f64, &str, Option<&Brand>)> = legits
                .iter()
                .map(|(path, l, b)| (score(l, s, *b), *path, *b))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let same_brand = |b: Option<&Brand>| {
                p.brand
                    .as_ref()
                    .is_some_and(|want| b.is_some_and(|b| &b.name == want))
            };
            scored
                .iter()
                .position(|(_, path, b)| *path == p.legit || same_brand(*b))
        })
        .collect();
    let n = copies.len().max(1) as f64;
    let within = |k: usize| ranks.iter().filter(|&&r| r < k).count() as f64 / n;
    (within(1), within(3))
}

/// A way to score a (legit, suspect) pair of loaded sites, for attribution.
pub type SiteScorer<'a> = &'a (dyn Fn(&LoadedSite, &LoadedSite, Option<&Brand>) -> f64 + Sync);

type Method = (&'static str, fn(&PairScores) -> f64, bool);

/// Everything `clonehound eval` reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EvalReport {
    /// The corpus directory.
    pub corpus: PathBuf,
    /// Pairs read.
    pub pairs: usize,
    /// Pairs skipped because a site failed to load, with the reasons.
    pub errors: Vec<String>,
    /// Headline: every pair except same-site ones.
    pub headline: Vec<MethodReport>,
    /// Same-site pairs, reported apart (all negatives: share flagged).
    pub same_site: Vec<MethodReport>,
    /// The configuration clonehound ran with.
    pub config: Config,
    /// Per-pair scores.
    #[serde(skip)]
    pub scores: Vec<PairScores>,
}

/// Runs the whole evaluation on a corpus directory.
pub fn evaluate(dir: &Path, config: &Config, with_attribution: bool) -> Result<EvalReport> {
    let pairs = read_pairs(dir)?;
    let sites = load_sites(dir, &pairs, config);
    Ok(report(dir, pairs, &sites, config, with_attribution))
}

/// Evaluates synthetic copies of the real legitimate pages a `sources.tsv` in `dir`
/// lists (see [`synthetic_pairs`]): at most `max_pages` pages, each against
/// `negatives` pages of other brands.
pub fn evaluate_synthetic(
    dir: &Path,
    config: &Config,
    max_pages: usize,
    negatives: usize,
) -> Result<EvalReport> {
    let (pairs, sites) = synthetic_pairs(dir, config, max_pages, negatives)?;
    Ok(report(dir, pairs, &sites, config, false))
}

fn report(
    dir: &Path,
    pairs: Vec<PairSpec>,
    sites: &BTreeMap<String, Result<LoadedSite>>,
    config: &Config,
    with_attribution: bool,
) -> EvalReport {
    let errors = sites
        .iter()
        .filter_map(|(p, r)| r.as_ref().err().map(|e| format!("{p}: {e}")))
        .collect();
    let scores = score_pairs(&pairs, sites, config);
    let methods: [Method; 4] = [
        ("clonehound (brand given)", |s| s.clonehound, true),
        (
            "clonehound (brand inferred)",
            |s| s.clonehound_inferred,
            true,
        ),
        ("dnstwist ssdeep", |s| s.ssdeep, false),
        ("dnstwist tlsh", |s| s.tlsh, false),
    ];
    let report_for = |same_site: bool| -> Vec<MethodReport> {
        methods
            .iter()
            .map(|(name, f, ours)| {
                let scored: Vec<(f64, &PairSpec)> = scores
                    .iter()
                    .filter(|s| s.pair.is_same_site() == same_site)
                    .map(|s| (f(s), &s.pair))
                    .collect();
                method_report(name, &scored, ours.then_some(config.threshold))
            })
            .collect()
    };
    let mut headline = report_for(false);
    if with_attribution {
        let ours = |l: &LoadedSite, s: &LoadedSite, b: Option<&Brand>| {
            compare(&l.fingerprint, &s.fingerprint, b, config).score
        };
        let ours_inferred = |l: &LoadedSite, s: &LoadedSite, _: Option<&Brand>| {
            compare(&l.fingerprint, &s.fingerprint, None, config).score
        };
        let ssdeep = |l: &LoadedSite, s: &LoadedSite, _: Option<&Brand>| {
            max_pairwise(l, s, Digests::ssdeep_similarity)
        };
        let tlsh = |l: &LoadedSite, s: &LoadedSite, _: Option<&Brand>| {
            max_pairwise(l, s, Digests::tlsh_similarity)
        };
        let scorers: [SiteScorer; 4] = [&ours, &ours_inferred, &ssdeep, &tlsh];
        for (report, scorer) in headline.iter_mut().zip(scorers) {
            let (t1, t3) = attribution(&pairs, sites, scorer);
            report.top1 = Some(t1);
            report.top3 = Some(t3);
        }
    }
    EvalReport {
        corpus: dir.to_path_buf(),
        pairs: pairs.len(),
        errors,
        headline,
        same_site: report_for(true),
        config: config.clone(),
        scores,
    }
}

/// Writes `items` to `path` as JSON Lines (`clonehound eval --scores`).
pub fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for item in items {
        let line = serde_json::to_string(item).map_err(std::io::Error::other)?;
        writeln!(out, "{line}")?;
    }
    out.flush()
}
