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
use crate::normalize::for_each_word;
use crate::sketch::{Sketch, SketchBuilder, hash64};
use crate::{Config, Result, fingerprint::Site};

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

fn page_text(html: &str, config: &Config) -> PageText {
    let (extract, _) = crate::parse::extract(html, &config.limits, 1);
    let mut window = [0u64; 3];
    let mut count = 0usize;
    let mut shingles = Vec::new();
    // The same shingle hashes as the text signal (`signals/text.rs`).
    for_each_word(&extract.body, |word| {
        window = [window[1], window[2], hash64(4, word.as_bytes())];
        count += 1;
        if count >= 3 {
            let mut bytes = [0u8; 24];
            for (chunk, w) in bytes.chunks_exact_mut(8).zip(&window) {
                chunk.copy_from_slice(&w.to_le_bytes());
            }
            shingles.push(hash64(3, &bytes));
        }
    });
    shingles.sort_unstable();
    shingles.dedup();
    let mut builder = SketchBuilder::new(crate::fingerprint::SKETCH_K);
    let mut weights = [0i64; 64];
    for &h in &shingles {
        builder.push(h);
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    let simhash = weights
        .iter()
        .enumerate()
        .fold(0u64, |acc, (bit, &w)| acc | (u64::from(w > 0) << bit));
    PageText {
        shingles,
        simhash,
        sketch: builder.finish(),
    }
}

fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    crate::sketch::sorted_jaccard(a, b)
}

/// Runs the study on a corpus directory (`pairs.jsonl` layout), same-site pairs left out.
pub fn sketch_study(dir: &Path, config: &Config) -> Result<Vec<SketchScore>> {
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
                site.pages
                    .iter()
                    .map(|pg| page_text(&pg.html, config))
                    .collect(),
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
            |a, b| exact_jaccard(&a.shingles, &b.shingles),
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
    Ok(methods
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
        .collect())
}
