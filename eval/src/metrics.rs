//! Ranking and threshold metrics over (score, is_copy) pairs.

/// ROC AUC by the Mann–Whitney statistic (ties count half).
pub fn roc_auc(scored: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pos = v.iter().filter(|x| x.1).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while v
            .get(j + 1)
            .is_some_and(|x| x.0 == v.get(i).map_or(f64::NAN, |y| y.0))
        {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        let positives = v.get(i..=j).map_or(0, |s| s.iter().filter(|x| x.1).count());
        rank_sum += avg_rank * positives as f64;
        i = j + 1;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Average precision (area under the precision–recall curve, step-wise).
pub fn pr_auc(scored: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let pos = v.iter().filter(|x| x.1).count() as f64;
    if pos == 0.0 {
        return f64::NAN;
    }
    let (mut tp, mut fp, mut ap) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < v.len() {
        let score = v.get(i).map_or(0.0, |x| x.0);
        let (mut dtp, mut dfp) = (0.0, 0.0);
        while let Some(x) = v.get(i).filter(|x| x.0 == score) {
            if x.1 {
                dtp += 1.0
            } else {
                dfp += 1.0
            }
            i += 1;
        }
        tp += dtp;
        fp += dfp;
        ap += dtp / pos * (tp / (tp + fp));
    }
    ap
}

/// The lowest threshold whose false-positive rate is at most `max_fpr`, and the
/// true-positive rate there. A pair is called a copy when `score >= threshold`.
pub fn tpr_at_fpr(scored: &[(f64, bool)], max_fpr: f64) -> (f64, f64) {
    let mut neg: Vec<f64> = scored.iter().filter(|x| !x.1).map(|x| x.0).collect();
    neg.sort_by(|a, b| b.total_cmp(a));
    let pos: Vec<f64> = scored.iter().filter(|x| x.1).map(|x| x.0).collect();
    if pos.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let allowed = (max_fpr * neg.len() as f64).floor() as usize;
    // Every negative at or above the threshold is a false positive: the threshold must
    // sit just above the (allowed+1)-th highest negative.
    let threshold = match neg.get(allowed) {
        Some(&s) => next_up(s),
        None => f64::NEG_INFINITY,
    };
    let tpr = pos.iter().filter(|&&s| s >= threshold).count() as f64 / pos.len() as f64;
    (tpr, threshold)
}

fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    let bits = x.to_bits();
    let next = if x == 0.0 {
        1
    } else if x > 0.0 {
        bits + 1
    } else {
        bits - 1
    };
    f64::from_bits(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_known_cases() {
        let perfect = [(0.9, true), (0.8, true), (0.2, false), (0.1, false)];
        assert_eq!(roc_auc(&perfect), 1.0);
        assert_eq!(pr_auc(&perfect), 1.0);
        assert_eq!(tpr_at_fpr(&perfect, 0.0).0, 1.0);
        let inverted = [(0.1, true), (0.2, true), (0.8, false), (0.9, false)];
        assert_eq!(roc_auc(&inverted), 0.0);
        assert_eq!(tpr_at_fpr(&inverted, 0.0).0, 0.0);
        let ties = [(0.5, true), (0.5, false)];
        assert_eq!(roc_auc(&ties), 0.5);
        let mixed = [(0.9, true), (0.7, false), (0.6, true), (0.1, false)];
        assert_eq!(roc_auc(&mixed), 0.75);
        assert!((pr_auc(&mixed) - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)).abs() < 1e-12);
        let (tpr, t) = tpr_at_fpr(&mixed, 0.5);
        assert_eq!(tpr, 1.0);
        assert!(t > 0.1 && t <= 0.6);
    }
}
