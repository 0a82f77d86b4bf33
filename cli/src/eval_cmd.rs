//! `clonehound eval`: metrics on a labelled corpus, beside dnstwist's baselines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::{Config, compare::model::FEATURE_NAMES, index::IndexConfig};
use clonehound_eval::{
    CrossValidation, EvalReport, FOLDS, FitSet, MAX_FPR, MethodReport, cross_validate, evaluate,
    evaluate_synthetic,
};
use clonehound_eval::{IndexCheck, corpus_index_check, sketch_study, sources_index_check};

#[derive(Args)]
pub struct EvalArgs {
    /// Corpus directory (with sites/ and pairs.jsonl); `--fit` takes several.
    #[arg(required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// Write every pair's scores as JSON Lines to this file (with --fit: the
    /// out-of-fold scores).
    #[arg(long)]
    scores: Option<PathBuf>,
    /// Skip top-k attribution (ranks each copy against every legitimate site).
    #[arg(long)]
    no_attribution: bool,
    /// Fit the score's weights on the pairs of every DIR, with cross-validation grouped
    /// by brand: print the out-of-fold figures of each directory, then the model fitted
    /// on all pairs and its threshold as Rust source for src/score.rs.
    #[arg(long)]
    fit: bool,
    /// Instead of pairs.jsonl, apply the corpus's copy operators to the real legitimate
    /// pages DIR/sources.tsv lists, and evaluate those synthetic copies.
    #[arg(long)]
    synthetic: bool,
    /// Instead of scoring pairs, index the legitimate sites and check the index against
    /// brute force on every copy: the brands of DIR/sources.tsv when it has one (one
    /// brand per key of its legitimate pages, queried with its clones), else the
    /// legitimate sites of pairs.jsonl.
    #[arg(long)]
    index: bool,
    /// Instead of scoring pairs, compare ways of sketching the text (SimHash, exact and
    /// bottom-k Jaccard, bottom-k containment), each as a detector on its own.
    #[arg(long)]
    sketch_study: bool,
}

pub fn run(args: &EvalArgs) -> Result<ExitCode, String> {
    let config = Config::default();
    if args.fit {
        return fit(args, &config);
    }
    let [dir] = args.dirs.as_slice() else {
        return Err("give one directory (only --fit takes several)".to_owned());
    };
    if args.index {
        return index_check(dir, &args.format);
    }
    if args.sketch_study {
        let scores = sketch_study(dir, &config).map_err(|e| e.to_string())?;
        if args.format == "json" {
            println!(
                "{}",
                serde_json::to_string_pretty(&scores).map_err(|e| e.to_string())?
            );
        } else {
            println!("| text comparison | ROC AUC | TPR@1% FPR | bytes/page |");
            println!("|---|---|---|---|");
            for s in &scores {
                println!(
                    "| {} | {:.3} | {:.3} | {} |",
                    s.method, s.roc_auc, s.tpr_at_fpr_1, s.bytes_per_page
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = if args.synthetic {
        evaluate_synthetic(dir, &config, 300, 4)
    } else {
        evaluate(dir, &config, !args.no_attribution)
    }
    .map_err(|e| e.to_string())?;
    if let Some(path) = &args.scores {
        write_jsonl(path, &report.scores).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    match args.format.as_str() {
        "json" => println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        ),
        _ => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

fn index_check(dir: &std::path::Path, format: &str) -> Result<ExitCode, String> {
    let config = IndexConfig::default();
    let check = if dir.join("sources.tsv").is_file() {
        sources_index_check(dir, &config)
    } else {
        corpus_index_check(dir, &config)
    }
    .map_err(|e| e.to_string())?;
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&check).map_err(|e| e.to_string())?
        );
    } else {
        print_index_check(&check);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints an index check as a short table.
pub fn print_index_check(c: &IndexCheck) {
    println!(
        "index of {}: {} brands, {} pages, {} postings ({} keys dropped as too common), {:.0} bytes in memory per brand page",
        c.label,
        c.stats.brands,
        c.stats.pages,
        c.stats.postings,
        c.stats.stop_keys,
        c.stats.memory_bytes as f64 / c.stats.pages.max(1) as f64,
    );
    println!(
        "{} copies: index agrees with brute force on {} ({:.4}); top-1 attribution index {:.3}, brute force {:.3}; {:.1} brands compared per query",
        c.copies, c.agree, c.exactness, c.index_top1, c.brute_top1, c.mean_candidates
    );
    if !c.misses.is_empty() {
        println!(
            "attributed to another brand (copy: brand copied, its score -> brand found, its score):"
        );
        for m in &c.misses {
            println!(
                "  {}: {} {:.3} -> {} {:.3}",
                m.copy,
                m.truth,
                m.truth_score,
                m.found.as_deref().unwrap_or("(none)"),
                m.found_score
            );
        }
    }
}

fn write_jsonl<T: serde::Serialize>(path: &PathBuf, scores: &[T]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for s in scores {
        writeln!(
            out,
            "{}",
            serde_json::to_string(s).map_err(std::io::Error::other)?
        )?;
    }
    out.flush()
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".to_owned(), |v| format!("{v:.3}"))
}

fn print_table(r: &EvalReport) {
    println!(
        "corpus {} : {} pairs, {} sites failed to load",
        r.corpus.display(),
        r.pairs,
        r.errors.len()
    );
    for e in &r.errors {
        println!("  error: {e}");
    }
    if let Some(first) = r.headline.first() {
        println!(
            "headline: {} copies, {} distinct (same-site pairs apart)\n",
            first.positives, first.negatives
        );
    }
    println!(
        "{:<29} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>9}",
        "method", "ROC AUC", "PR AUC", "TPR@1%", "TPR@0.1%", "top-1", "top-3", "threshold"
    );
    for m in &r.headline {
        println!(
            "{:<29} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>6} {:>6} {:>9.3}",
            m.method,
            m.roc_auc,
            m.pr_auc,
            m.tpr_at_fpr_1,
            m.tpr_at_fpr_01,
            opt(m.top1),
            opt(m.top3),
            m.threshold
        );
    }
    let table =
        |title: &str, pick: fn(&MethodReport) -> &std::collections::BTreeMap<String, f64>| {
            println!("\n{title}");
            let kinds: std::collections::BTreeSet<&String> =
                r.headline.iter().flat_map(|m| pick(m).keys()).collect();
            print!("{:<40}", "kind");
            for m in &r.headline {
                print!(
                    " {:>13}",
                    m.method.replace("clonehound ", "").replace("dnstwist ", "")
                );
            }
            println!();
            for k in kinds {
                print!("{k:<40}");
                for m in &r.headline {
                    print!(" {:>13}", opt(pick(m).get(k).copied()));
                }
                println!();
            }
        };
    table("recall per copy kind at each method's threshold", |m| {
        &m.recall_by_kind
    });
    table(
        "share of each negative kind flagged at each method's threshold",
        |m| &m.fp_by_kind,
    );
    if let Some(m) = r.same_site.first().filter(|m| m.negatives > 0) {
        println!(
            "\nsame-site pairs, reported apart ({} pairs): share flagged",
            m.negatives
        );
        for m in &r.same_site {
            let flagged: f64 = m.fp_by_kind.values().copied().next().unwrap_or(0.0);
            println!("  {:<29} {:.3}", m.method, flagged);
        }
    }
    println!(
        "\nthresholds: clonehound uses its calibrated default; baselines use their own 1%-FPR threshold on these pairs."
    );
}

fn fit(args: &EvalArgs, config: &Config) -> Result<ExitCode, String> {
    let mut sets = Vec::new();
    for dir in &args.dirs {
        let report = evaluate(dir, config, false).map_err(|e| format!("{}: {e}", dir.display()))?;
        if !report.errors.is_empty() {
            return Err(format!(
                "{}: {} sites failed to load (first: {})",
                dir.display(),
                report.errors.len(),
                report.errors.first().map_or("", String::as_str)
            ));
        }
        sets.push(FitSet {
            label: dir.display().to_string(),
            scores: report.scores,
        });
    }
    let cv = cross_validate(&sets);
    if let Some(path) = &args.scores {
        write_jsonl(path, &cv.scores).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&cv).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    print_cross_validation(&cv);
    Ok(ExitCode::SUCCESS)
}

fn print_cross_validation(cv: &CrossValidation) {
    println!(
        "out-of-fold figures: {FOLDS} folds grouped by brand (no brand has pages in both a fold's training and its test pairs); same-site pairs apart"
    );
    println!(
        "threshold {:.4}: the lowest with FPR <= {MAX_FPR} on every kind of negative of every directory, out-of-fold and for the final model\n",
        cv.threshold
    );
    println!(
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
    );
    for (reports, how) in [(&cv.given, "given"), (&cv.inferred, "inferred")] {
        for m in reports {
            println!(
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
            );
        }
    }
    println!(
        "\nrecall per copy kind and share of negatives flagged at the threshold (brand given):"
    );
    for m in &cv.given {
        for (k, v) in &m.recall_by_kind {
            println!("  {:<40} copies  {k:<45} {v:.3}", m.method);
        }
        for (k, v) in &m.fp_by_kind {
            println!("  {:<40} flagged {k:<45} {v:.4}", m.method);
        }
    }
    let sizes: Vec<String> = cv.folds.iter().map(|f| f.len().to_string()).collect();
    println!(
        "\nbrands per fold (listed by --format json): {}",
        sizes.join(", ")
    );
    println!(
        "\n// fitted on all {} pairs of: {}",
        cv.pairs,
        cv.given
            .iter()
            .map(|m| m.method.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for m in &cv.given {
        println!(
            "// out-of-fold, {}: ROC AUC {:.4}, TPR@1% {:.4}, TPR@0.1% {:.4}; at the threshold recall {:.4}, FPR {:.4}",
            m.method, m.roc_auc, m.tpr_at_fpr_1, m.tpr_at_fpr_01, m.recall, m.fpr
        );
    }
    println!(
        "pub const MODEL: Model = Model {{\n    copy_bias: {:.4},\n    impersonation_bias: {:.4},\n    weights: [",
        cv.model.copy_bias, cv.model.impersonation_bias
    );
    for (name, w) in FEATURE_NAMES.iter().zip(cv.model.weights) {
        println!("        {w:.4}, // {name}");
    }
    println!(
        "    ],\n}};\n\n/// Default decision threshold: FPR at most {MAX_FPR} on every kind of negative of every directory, out-of-fold and in-sample.\npub const THRESHOLD: f64 = {:.4};",
        cv.threshold
    );
}
