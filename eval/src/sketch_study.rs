//! SimHash or MinHash? The measurement behind the choice of sketch
//! (`clonehound eval DIR --sketch-study`).
//!
//! Each pair's visible text is reduced to word 3-shingles exactly as the text signal
//! does, then compared four ways: a 64-bit SimHash of the shingles (our own, over the
//! same fixed-seed xxh3 hashes: the `simhash` crate hashes single words, so it cannot see
//! word order, and costs ~12x more per feature, per `../shared/CRATES.md`), exact
//! Jaccard, and the bottom-k (k = 128) estimates of Jaccard and of containment that
//! clonehound stores. Each similarity is scored as a detector on its own (best page pair
//! per site pair), with ROC AUC and TPR at 1% FPR over the headline pairs.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::metrics::{roc_auc, tpr_at_fpr};
use clonehound::fingerprint::{SKETCH_K, Site, Sketch, text_shingles};
use clonehound::{Config, Page, Result};

/// The study's results, one row per way of comparing texts (`Display` writes them as a
/// Markdown table).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SketchStudy(pub Vec<SketchScore>);

/// One way of comparing texts, scored as a detector.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SketchScore {
    /// The comparison.
    pub method: String,
    /// ROC AUC over the headline pairs.
    pub roc_auc: f64,
    /// TPR at 1% FPR.
    pub tpr_at_fpr_1: f64,
    /// Mean bytes stored per page for it.
    pub bytes_per_page: usize,
}

struct PageText {
    shingles: Vec<u64>,
    simhash: u64,
    sketch: Sketch,
}

fn page_text(page: &Page, config: &Config) -> PageText {
    // The same shingle hashes as the text signal.
    let shingles = text_shingles(page, &config.limits);
    let mut weights = [0i64; 64];
    for &h in &shingles {
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    let simhash = weights
        .iter()
        .enumerate()
        .fold(0u64, |acc, (bit, &w)| acc | (u64::from(w > 0) << bit));
    PageText {
        sketch: Sketch::from_hashes(shingles.iter().copied(), SKETCH_K),
        shingles,
        simhash,
    }
}

/// Runs the study on a corpus directory (`pairs.jsonl` layout), same-site pairs left out.
pub fn sketch_study(dir: &Path, config: &Config) -> Result<SketchStudy> {
    let pairs: Vec<_> = super::read_pairs(dir)?
        .into_iter()
        .filter(|p| !p.is_same_site())
        .collect();
    let texts: BTreeMap<&str, Vec<PageText>> = super::site_paths(&pairs)
        .par_iter()
        .filter_map(|p| {
            let site = Site::from_path(dir.join(p), &config.limits).ok()?;
            Some((
                *p,
                site.pages.iter().map(|pg| page_text(pg, config)).collect(),
            ))
        })
        .collect();
    type Measure = fn(&PageText, &PageText) -> f64;
    type Size = fn(&PageText) -> usize;
    // Pages without text share nothing, whatever the sketch (two empty SimHashes are
    // equal, which would call every pair of empty pages a copy).
    let methods: [(&str, Measure, Size); 4] = [
        (
            "SimHash-64 of word 3-shingles (1 - Hamming/64)",
            |a, b| 1.0 - f64::from((a.simhash ^ b.simhash).count_ones()) / 64.0,
            |_| 8,
        ),
        (
            "exact Jaccard of word 3-shingles (all shingles kept)",
            |a, b| {
                // A sketch with room for every hash holds the whole set: exact.
                let whole = |p: &PageText| {
                    Sketch::from_hashes(p.shingles.iter().copied(), p.shingles.len())
                };
                whole(a).jaccard(&whole(b))
            },
            |p| 8 * p.shingles.len(),
        ),
        (
            "bottom-k Jaccard estimate (k = 128)",
            |a, b| a.sketch.jaccard(&b.sketch),
            |p| 4 * p.sketch.mins.len() + 4,
        ),
        (
            "bottom-k containment estimate (k = 128, max of both ways)",
            |a, b| {
                a.sketch
                    .containment_in(&b.sketch)
                    .max(b.sketch.containment_in(&a.sketch))
            },
            |p| 4 * p.sketch.mins.len() + 4,
        ),
    ];
    let all_pages: Vec<&PageText> = texts.values().flatten().collect();
    Ok(SketchStudy(
        methods
            .iter()
            .map(|(name, f, size)| {
                let scored: Vec<(f64, bool)> = pairs
                    .iter()
                    .filter_map(|p| {
                        let l = texts.get(p.legit.as_str())?;
                        let s = texts.get(p.suspect.as_str())?;
                        let best = l
                            .iter()
                            .flat_map(|a| s.iter().map(move |b| (a, b)))
                            .filter(|(a, b)| !a.shingles.is_empty() && !b.shingles.is_empty())
                            .map(|(a, b)| f(a, b))
                            .fold(0.0, f64::max);
                        Some((best, p.is_copy()))
                    })
                    .collect();
                SketchScore {
                    method: (*name).to_owned(),
                    roc_auc: roc_auc(&scored),
                    tpr_at_fpr_1: tpr_at_fpr(&scored, 0.01).1,
                    bytes_per_page: all_pages.iter().map(|p| size(p)).sum::<usize>()
                        / all_pages.len().max(1),
                }
            })
            .collect(),
    ))
}
