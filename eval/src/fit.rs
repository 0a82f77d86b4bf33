//! Fitting the score's logistic model, with cross-validation grouped by brand.
//!
//! `clonehound eval --fit DIR...` reads every pair of every directory, assigns each
//! brand to one of [`FOLDS`] folds, and scores each fold's pairs with a model fitted on
//! the pairs that involve none of that fold's brands: the out-of-fold figures are those
//! of brands the model never saw. The model printed for `src/score.rs` is then fitted on
//! all the pairs, and its threshold is the lowest whose false-positive rate is at most
//! [`MAX_FPR`] on every kind of negative of every directory, both out-of-fold and for
//! the final model itself.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{MethodReport, PairScores, PairSpec, method_report};
use clonehound::compare::model::{COPY_FEATURES, IMPERSONATION_PRIOR, Model, N_FEATURES};

/// Folds of the brand-grouped cross-validation.
pub const FOLDS: usize = 5;

/// The largest out-of-fold false-positive rate the default threshold may have.
pub const MAX_FPR: f64 = 0.005;

/// L2 penalty and iterations of [`fit_logistic`] as `--fit` runs it.
const L2: f64 = 1e-3;
const ITERATIONS: usize = 20_000;

/// One labelled feature vector and the weight it carries in the fit.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// The features.
    pub x: [f64; N_FEATURES],
    /// True for a copy.
    pub copy: bool,
    /// Weight in the loss.
    pub weight: f64,
}

/// Fits the two-sided model ([`Model`]) by full-batch gradient descent on the
/// weighted log loss with L2 regularisation. Deterministic: no randomness, fixed
/// iteration count. The impersonation side's intercept stays at
/// `IMPERSONATION_PRIOR` (in `src/score.rs`): left free, the kit pages that show nothing of their brand
/// pull it up until every page scores a third without any sign of a brand.
///
/// With `p = 1 - (1 - a)(1 - b)`, the loss's gradient with respect to the copy side's
/// logit is `(p - y) a / p`, and `(p - y) b / p` for the impersonation side's.
pub fn fit_logistic(rows: &[Row], l2: f64, iterations: usize) -> Model {
    let mut model = Model {
        copy_bias: -2.0,
        impersonation_bias: IMPERSONATION_PRIOR,
        weights: [0.0; N_FEATURES],
    };
    let total: f64 = rows
        .iter()
        .map(|r| r.weight)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    let rate = 2.0;
    for _ in 0..iterations {
        let mut grad_c = 0.0;
        let mut grad = [0.0; N_FEATURES];
        for r in rows {
            let (a, b) = model.sides(&r.x);
            let p = (1.0 - (1.0 - a) * (1.0 - b)).max(1e-12);
            let err = (p - f64::from(u8::from(r.copy))) * r.weight / p;
            let (ec, ei) = (err * a, err * b);
            grad_c += ec;
            for (k, (g, v)) in grad.iter_mut().zip(&r.x).enumerate() {
                *g += if k < COPY_FEATURES { ec } else { ei } * v;
            }
        }
        model.copy_bias -= rate * grad_c / total;
        for (w, g) in model.weights.iter_mut().zip(grad) {
            *w -= rate * (g / total + l2 * *w);
        }
    }
    model
}

/// The labelled pairs of one directory, scored, for fitting.
pub struct FitSet {
    /// The directory, as named on the command line.
    pub label: String,
    /// Its scored pairs (same-site pairs are left out of fitting and figures).
    pub scores: Vec<PairScores>,
}

/// The outcome of `eval --fit`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrossValidation {
    /// Out-of-fold figures per directory, brand given, at [`CrossValidation::threshold`].
    pub given: Vec<MethodReport>,
    /// Out-of-fold figures per directory with the brand inferred from the legitimate page.
    pub inferred: Vec<MethodReport>,
    /// Brands (grouping keys) per fold.
    pub folds: Vec<Vec<String>>,
    /// The model fitted on every pair, rounded as it is pasted into `src/score.rs`.
    pub model: Model,
    /// The lowest threshold with FPR at most [`MAX_FPR`] on every kind of negative of
    /// every directory, both out-of-fold and for the final model on its own pairs.
    pub threshold: f64,
    /// Pairs the final model was fitted on.
    pub pairs: usize,
    /// Every pair's out-of-fold scores, in directory then pair order.
    #[serde(skip)]
    pub scores: Vec<OutOfFold>,
}

/// One pair's out-of-fold scores.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutOfFold {
    /// The directory, as named on the command line.
    pub dir: String,
    /// The pair.
    #[serde(flatten)]
    pub pair: PairSpec,
    /// Fold the pair was scored in.
    pub fold: usize,
    /// Out-of-fold score, brand given.
    pub given: f64,
    /// Out-of-fold score, brand inferred.
    pub inferred: f64,
    /// The features (brand given).
    pub features: Vec<f64>,
}

/// A pair in the fit: which set, which pair, and the brands (grouping keys) it involves.
struct Item<'a> {
    set: usize,
    pair: &'a PairScores,
    legit_group: String,
    groups: Vec<String>,
}

/// The grouping key of each site: the brand it belongs to, where the pairs say it
/// (a legitimate site's `brand`, a copy's brand), else the site itself.
fn site_groups(set: usize, scores: &[PairScores]) -> BTreeMap<&str, String> {
    let mut out = BTreeMap::new();
    let key = |b: &str| format!("{set}:{b}");
    for s in scores {
        let p = &s.pair;
        if let Some(b) = &p.brand {
            out.insert(p.legit.as_str(), key(b));
            if p.is_copy() {
                out.insert(p.suspect.as_str(), key(b));
            }
        }
    }
    out
}

fn items(sets: &[FitSet]) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let groups = site_groups(i, &set.scores);
        let group_of = |site: &str| {
            groups
                .get(site)
                .cloned()
                .unwrap_or_else(|| format!("{i}:{site}"))
        };
        for s in set.scores.iter().filter(|s| !s.pair.is_same_site()) {
            let legit_group = group_of(&s.pair.legit);
            let mut g = vec![legit_group.clone(), group_of(&s.pair.suspect)];
            g.dedup();
            out.push(Item {
                set: i,
                pair: s,
                legit_group,
                groups: g,
            });
        }
    }
    out
}

/// Brands to folds: largest first, each to the fold holding the fewest pairs so far.
fn assign_folds(items: &[Item<'_>]) -> BTreeMap<String, usize> {
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for it in items {
        *sizes.entry(it.legit_group.as_str()).or_default() += 1;
        for g in &it.groups {
            sizes.entry(g.as_str()).or_default();
        }
    }
    let mut order: Vec<(&str, usize)> = sizes.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut load = [0usize; FOLDS];
    let mut out = BTreeMap::new();
    for (group, n) in order {
        let (fold, least) = load
            .iter_mut()
            .enumerate()
            .min_by_key(|(f, l)| (**l, *f))
            .map_or((0, None), |(f, l)| (f, Some(l)));
        if let Some(l) = least {
            *l += n;
        }
        out.insert(group.to_owned(), fold);
    }
    out
}

/// Rows for fitting, each set's copies and distinct pairs weighted to count equally:
/// every directory and both classes carry the same total weight.
fn rows(items: &[&Item<'_>]) -> Vec<Row> {
    let mut counts: BTreeMap<(usize, bool), usize> = BTreeMap::new();
    for it in items {
        *counts.entry((it.set, it.pair.pair.is_copy())).or_default() += 1;
    }
    items
        .iter()
        .filter_map(|it| {
            let x: [f64; N_FEATURES] = it.pair.features.as_slice().try_into().ok()?;
            let copy = it.pair.pair.is_copy();
            let n = counts.get(&(it.set, copy)).copied().unwrap_or(1).max(1) as f64;
            Some(Row {
                x,
                copy,
                weight: 1.0 / n,
            })
        })
        .collect()
}

/// The model as pasted into `src/score.rs` (four decimals), so that the figures and
/// the threshold are those of the constants the library runs.
fn rounded(m: Model) -> Model {
    let r = |x: f64| (x * 1e4).round() / 1e4;
    Model {
        copy_bias: r(m.copy_bias),
        impersonation_bias: r(m.impersonation_bias),
        weights: m.weights.map(r),
    }
}

fn score_with(m: &Model, x: &[f64]) -> f64 {
    <[f64; N_FEATURES]>::try_from(x).map_or(0.0, |x| m.score(&x))
}

/// Cross-validates, fits the final model and picks its threshold. See the module docs.
pub fn cross_validate(sets: &[FitSet]) -> CrossValidation {
    let items = items(sets);
    let folds = assign_folds(&items);
    let fold_of = |g: &str| folds.get(g).copied().unwrap_or(0);
    let mut oof = vec![(0.0, 0.0); items.len()];
    for k in 0..FOLDS {
        let train: Vec<&Item> = items
            .iter()
            .filter(|it| it.groups.iter().all(|g| fold_of(g) != k))
            .collect();
        let model = rounded(fit_logistic(&rows(&train), L2, ITERATIONS));
        for (o, it) in oof.iter_mut().zip(&items) {
            if fold_of(&it.legit_group) == k {
                *o = (
                    score_with(&model, &it.pair.features),
                    score_with(&model, &it.pair.features_inferred),
                );
            }
        }
    }
    let all: Vec<&Item> = items.iter().collect();
    let model = rounded(fit_logistic(&rows(&all), L2, ITERATIONS));
    let per_set = |s: usize, pick: fn(&(f64, f64)) -> f64| -> Vec<(f64, &PairSpec)> {
        items
            .iter()
            .zip(&oof)
            .filter(|(it, _)| it.set == s)
            .map(|(it, o)| (pick(o), &it.pair.pair))
            .collect()
    };
    // The threshold must hold for every kind of negative of every directory (a rare
    // hard kind is not outvoted by many easy ones), for the fold models (out-of-fold)
    // and for the final model on the pairs it was fitted on: the two need not score
    // alike.
    let kinds: BTreeSet<(usize, &str)> = items
        .iter()
        .filter(|it| !it.pair.pair.is_copy())
        .map(|it| (it.set, it.pair.pair.kind_group()))
        .collect();
    let threshold_for = |set: usize, kind: &str, score: &dyn Fn(usize) -> f64| -> f64 {
        let flat: Vec<(f64, bool)> = items
            .iter()
            .enumerate()
            .filter(|(_, it)| {
                it.set == set && (it.pair.pair.is_copy() || it.pair.pair.kind_group() == kind)
            })
            .map(|(i, it)| (score(i), it.pair.pair.is_copy()))
            .collect();
        super::tpr_at_fpr(&flat, MAX_FPR).1
    };
    let out_of_fold = |i: usize| oof.get(i).map_or(0.0, |o| o.0);
    let final_scores: Vec<f64> = items
        .iter()
        .map(|it| score_with(&model, &it.pair.features))
        .collect();
    let in_sample = |i: usize| final_scores.get(i).copied().unwrap_or(0.0);
    let threshold = kinds
        .iter()
        .flat_map(|(set, kind)| {
            [
                threshold_for(*set, kind, &out_of_fold),
                threshold_for(*set, kind, &in_sample),
            ]
        })
        .fold(0.0, f64::max);
    // Rounded up, never down: a negative just under the threshold must stay under it.
    let threshold = (threshold * 1e4).ceil() / 1e4;
    let report = |pick: fn(&(f64, f64)) -> f64| -> Vec<MethodReport> {
        sets.iter()
            .enumerate()
            .map(|(s, set)| method_report(&set.label, &per_set(s, pick), Some(threshold)))
            .collect()
    };
    let mut fold_groups = vec![BTreeSet::new(); FOLDS];
    for (g, f) in &folds {
        if let Some(set) = fold_groups.get_mut(*f) {
            set.insert(g.clone());
        }
    }
    CrossValidation {
        given: report(|o| o.0),
        inferred: report(|o| o.1),
        folds: fold_groups
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect(),
        model,
        threshold,
        pairs: items.len(),
        scores: items
            .iter()
            .zip(&oof)
            .map(|(it, o)| OutOfFold {
                dir: sets.get(it.set).map_or(String::new(), |s| s.label.clone()),
                pair: it.pair.pair.clone(),
                fold: fold_of(&it.legit_group),
                given: o.0,
                inferred: o.1,
                features: it.pair.features.clone(),
            })
            .collect(),
    }
}

/// Evaluates every directory (brand given and inferred, no attribution) and
/// cross-validates the score on all of them: `clonehound eval --fit DIR...`. A directory
/// with sites that fail to load is an error, naming the first.
pub fn fit_dirs(
    dirs: &[std::path::PathBuf],
    config: &clonehound::Config,
) -> Result<CrossValidation, String> {
    let mut sets = Vec::new();
    for dir in dirs {
        let report =
            super::evaluate(dir, config, false).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some(first) = report.errors.first() {
            return Err(format!(
                "{}: {} sites failed to load (first: {first})",
                dir.display(),
                report.errors.len(),
            ));
        }
        sets.push(FitSet {
            label: dir.display().to_string(),
            scores: report.scores,
        });
    }
    Ok(cross_validate(&sets))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Copies shown by either side alone: a copy-side feature for half the copies, an
    /// impersonation-side feature for the other half. Each side must learn to flag its
    /// copies on its own.
    #[test]
    fn each_side_learns_to_flag_alone() {
        let mut rows = Vec::new();
        for i in 0..90 {
            let mut x = [0.0; N_FEATURES];
            match i % 3 {
                0 => x[0] = 1.0,
                1 => x[COPY_FEATURES] = 1.0,
                _ => {}
            }
            x[1] = 0.5;
            rows.push(Row {
                x,
                copy: i % 3 != 2,
                weight: 1.0,
            });
        }
        let m = fit_logistic(&rows, 1e-4, 2000);
        let mut copy = [0.0; N_FEATURES];
        copy[0] = 1.0;
        copy[1] = 0.5;
        let mut impersonation = [0.0; N_FEATURES];
        impersonation[COPY_FEATURES] = 1.0;
        impersonation[1] = 0.5;
        let mut neither = [0.0; N_FEATURES];
        neither[1] = 0.5;
        assert!(m.score(&copy) > 0.9, "{m:?}");
        assert!(m.score(&impersonation) > 0.9, "{m:?}");
        assert!(m.score(&neither) < 0.2, "{m:?}");
        assert_eq!(m.impersonation_bias, IMPERSONATION_PRIOR);
    }
}
