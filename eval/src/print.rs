//! The harness's reports as text for people: what `clonehound eval` prints.

use std::fmt;

use clonehound::compare::model::FEATURE_NAMES;

use crate::{CrossValidation, EvalReport, FOLDS, IndexCheck, MAX_FPR, MethodReport, SketchStudy};

fn opt(x: Option<f64>) -> String {
    x.map_or("-".to_owned(), |v| format!("{v:.3}"))
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self;
        writeln!(
            f,
            "corpus {} : {} pairs, {} sites failed to load",
            r.corpus.display(),
            r.pairs,
            r.errors.len()
        )?;
        for e in &r.errors {
            writeln!(f, "  error: {e}")?;
        }
        if let Some(first) = r.headline.first() {
            writeln!(
                f,
                "headline: {} copies, {} distinct (same-site pairs apart)\n",
                first.positives, first.negatives
            )?;
        }
        writeln!(
            f,
            "{:<29} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>9}",
            "method", "ROC AUC", "PR AUC", "TPR@1%", "TPR@0.1%", "top-1", "top-3", "threshold"
        )?;
        for m in &r.headline {
            writeln!(
                f,
                "{:<29} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>6} {:>6} {:>9.3}",
                m.method,
                m.roc_auc,
                m.pr_auc,
                m.tpr_at_fpr_1,
                m.tpr_at_fpr_01,
                opt(m.top1),
                opt(m.top3),
                m.threshold
            )?;
        }
        type Pick = fn(&MethodReport) -> &std::collections::BTreeMap<String, f64>;
        let mut table = |title: &str, pick: Pick| -> fmt::Result {
            writeln!(f, "\n{title}")?;
            let kinds: std::collections::BTreeSet<&String> =
                r.headline.iter().flat_map(|m| pick(m).keys()).collect();
            write!(f, "{:<40}", "kind")?;
            for m in &r.headline {
                write!(
                    f,
                    " {:>13}",
                    m.method.replace("clonehound ", "").replace("dnstwist ", "")
                )?;
            }
            writeln!(f)?;
            for k in kinds {
                write!(f, "{k:<40}")?;
                for m in &r.headline {
                    write!(f, " {:>13}", opt(pick(m).get(k).copied()))?;
                }
                writeln!(f)?;
            }
            Ok(())
        };
        table("recall per copy kind at each method's threshold", |m| {
            &m.recall_by_kind
        })?;
        table(
            "share of each negative kind flagged at each method's threshold",
            |m| &m.fp_by_kind,
        )?;
        if let Some(m) = r.same_site.first().filter(|m| m.negatives > 0) {
            writeln!(
                f,
                "\nsame-site pairs, reported apart ({} pairs): share flagged",
                m.negatives
            )?;
            for m in &r.same_site {
                let flagged: f64 = m.fp_by_kind.values().copied().next().unwrap_or(0.0);
                writeln!(f, "  {:<29} {:.3}", m.method, flagged)?;
            }
        }
        writeln!(
            f,
            "\nthresholds: clonehound uses its calibrated default; baselines use their own 1%-FPR threshold on these pairs."
        )?;
        Ok(())
    }
}

/// An index check as a short table.
impl fmt::Display for IndexCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self;
        writeln!(
            f,
            "index of {}: {} brands, {} pages, {} postings ({} keys dropped as too common), {:.0} bytes in memory per brand page",
            c.label,
            c.stats.brands,
            c.stats.pages,
            c.stats.postings,
            c.stats.stop_keys,
            c.stats.memory_bytes as f64 / c.stats.pages.max(1) as f64,
        )?;
        writeln!(
            f,
            "{} copies: index agrees with brute force on {} ({:.4}); top-1 attribution index {:.3}, brute force {:.3}; {:.1} brands compared per query",
            c.copies, c.agree, c.exactness, c.index_top1, c.brute_top1, c.mean_candidates
        )?;
        if !c.misses.is_empty() {
            writeln!(
                f,
                "attributed to another brand (copy: brand copied, its score -> brand found, its score):"
            )?;
            for m in &c.misses {
                writeln!(
                    f,
                    "  {}: {} {:.3} -> {} {:.3}",
                    m.copy,
                    m.truth,
                    m.truth_score,
                    m.found.as_deref().unwrap_or("(none)"),
                    m.found_score
                )?;
            }
        }
        Ok(())
    }
}

/// The out-of-fold figures, then the fitted model as Rust source for `src/score.rs`.
impl fmt::Display for CrossValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cv = self;
        writeln!(
            f,
            "out-of-fold figures: {FOLDS} folds grouped by brand (no brand has pages in both a fold's training and its test pairs); same-site pairs apart"
        )?;
        writeln!(
            f,
            "threshold {:.4}: the lowest with FPR <= {MAX_FPR} on every kind of negative of every directory, out-of-fold and for the final model\n",
            cv.threshold
        )?;
        writeln!(
            f,
            "{:<34} {:>6} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7}",
            "directory (brand)",
            "copies",
            "neg",
            "ROC AUC",
            "PR AUC",
            "TPR@1%",
            "TPR@0.1%",
            "recall",
            "FPR"
        )?;
        for (reports, how) in [(&cv.given, "given"), (&cv.inferred, "inferred")] {
            for m in reports {
                writeln!(
                    f,
                    "{:<34} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>7.3} {:>7.4}",
                    format!("{} ({how})", m.method),
                    m.positives,
                    m.negatives,
                    m.roc_auc,
                    m.pr_auc,
                    m.tpr_at_fpr_1,
                    m.tpr_at_fpr_01,
                    m.recall,
                    m.fpr
                )?;
            }
        }
        writeln!(
            f,
            "\nrecall per copy kind and share of negatives flagged at the threshold (brand given):"
        )?;
        for m in &cv.given {
            for (k, v) in &m.recall_by_kind {
                writeln!(f, "  {:<40} copies  {k:<45} {v:.3}", m.method)?;
            }
            for (k, v) in &m.fp_by_kind {
                writeln!(f, "  {:<40} flagged {k:<45} {v:.4}", m.method)?;
            }
        }
        let sizes: Vec<String> = cv.folds.iter().map(|f| f.len().to_string()).collect();
        writeln!(
            f,
            "\nbrands per fold (listed by --format json): {}",
            sizes.join(", ")
        )?;
        writeln!(
            f,
            "\n// fitted on all {} pairs of: {}",
            cv.pairs,
            cv.given
                .iter()
                .map(|m| m.method.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        for m in &cv.given {
            writeln!(
                f,
                "// out-of-fold, {}: ROC AUC {:.4}, TPR@1% {:.4}, TPR@0.1% {:.4}; at the threshold recall {:.4}, FPR {:.4}",
                m.method, m.roc_auc, m.tpr_at_fpr_1, m.tpr_at_fpr_01, m.recall, m.fpr
            )?;
        }
        writeln!(
            f,
            "// Fitted numbers: one may lie near a named constant (1.0471 is not π/3).\n#[allow(clippy::approx_constant)]\npub const MODEL: Model = Model {{\n    copy_bias: {:.4},\n    impersonation_bias: {:.4},\n    weights: [",
            cv.model.copy_bias, cv.model.impersonation_bias
        )?;
        for (name, w) in FEATURE_NAMES.iter().zip(cv.model.weights) {
            writeln!(f, "        {w:.4}, // {name}")?;
        }
        writeln!(
            f,
            "    ],\n}};\n\n/// Default decision threshold: FPR at most {MAX_FPR} on every kind of negative of every directory, out-of-fold and in-sample.\npub const THRESHOLD: f64 = {:.4};",
            cv.threshold
        )?;
        Ok(())
    }
}

/// The sketch study as a Markdown table.
impl fmt::Display for SketchStudy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| text comparison | ROC AUC | TPR@1% FPR | bytes/page |")?;
        writeln!(f, "|---|---|---|---|")?;
        for s in &self.0 {
            writeln!(
                f,
                "| {} | {:.3} | {:.3} | {} |",
                s.method, s.roc_auc, s.tpr_at_fpr_1, s.bytes_per_page
            )?;
        }
        Ok(())
    }
}
