//! `clonehound eval`: metrics on a labelled corpus, beside dnstwist's baselines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::eval::{
    EvalReport, MethodReport, PairScores, evaluate, evaluate_synthetic, fit_logistic,
};
use clonehound::eval::{IndexCheck, corpus_index_check, sketch_study, sources_index_check};
use clonehound::{Config, FEATURE_NAMES, IndexConfig, Model, N_FEATURES};

#[derive(Args)]
pub struct EvalArgs {
    /// Corpus directory (with sites/ and pairs.jsonl).
    dir: PathBuf,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// Write every pair's scores as JSON Lines to this file.
    #[arg(long)]
    scores: Option<PathBuf>,
    /// Skip top-k attribution (ranks each copy against every legitimate site).
    #[arg(long)]
    no_attribution: bool,
    /// Fit the score's weights on half the legitimate sites, report on the other half,
    /// and print the model as Rust source for src/score.rs.
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
    if args.index {
        return index_check(args);
    }
    if args.sketch_study {
        let scores = sketch_study(&args.dir, &config).map_err(|e| e.to_string())?;
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
        evaluate_synthetic(&args.dir, &config, 300, 4)
    } else {
        evaluate(&args.dir, &config, !args.no_attribution && !args.fit)
    }
    .map_err(|e| e.to_string())?;
    if let Some(path) = &args.scores {
        write_scores(path, &report.scores).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.fit {
        fit(&report);
        return Ok(ExitCode::SUCCESS);
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

fn index_check(args: &EvalArgs) -> Result<ExitCode, String> {
    let config = IndexConfig::default();
    let check = if args.dir.join("sources.tsv").is_file() {
        sources_index_check(&args.dir, &config)
    } else {
        corpus_index_check(&args.dir, &config)
    }
    .map_err(|e| e.to_string())?;
    if args.format == "json" {
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

fn write_scores(path: &PathBuf, scores: &[PairScores]) -> std::io::Result<()> {
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

/// Deterministic split by legitimate site: pairs whose legit path hashes even train.
fn is_train(legit: &str) -> bool {
    xxhash(legit).is_multiple_of(2)
}

fn xxhash(s: &str) -> u64 {
    // FNV-1a: stable, and enough to split a corpus in two.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn rows(scores: &[PairScores], train: bool) -> Vec<([f64; N_FEATURES], bool)> {
    scores
        .iter()
        .filter(|s| !s.pair.is_same_site() && is_train(&s.pair.legit) == train)
        .filter_map(|s| {
            let x: [f64; N_FEATURES] = s.features.as_slice().try_into().ok()?;
            Some((x, s.pair.is_copy()))
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn fit(report: &EvalReport) {
    let train = rows(&report.scores, true);
    let test = rows(&report.scores, false);
    // The model as it is pasted into src/score.rs (four decimals), so the threshold and
    // the figures below are those of the constants the library will run.
    let fitted = fit_logistic(&train, 1e-2, 20_000);
    let model = Model {
        bias: round4(fitted.bias),
        weights: fitted.weights.map(round4),
    };
    let evaluate = |set: &[([f64; N_FEATURES], bool)], m: &Model| {
        let scored: Vec<(f64, bool)> = set.iter().map(|(x, y)| (m.score(x), *y)).collect();
        scored
    };
    let train_scored = evaluate(&train, &model);
    let (_, threshold) = clonehound::eval::tpr_at_fpr(&train_scored, 0.005);
    // Rounded up, never down: a negative just under the threshold must stay under it.
    let threshold = (threshold * 1e4).ceil() / 1e4;
    let test_scored = evaluate(&test, &model);
    let (tpr1, _) = clonehound::eval::tpr_at_fpr(&test_scored, 0.01);
    let flagged_neg = test_scored
        .iter()
        .filter(|(s, y)| !y && *s >= threshold)
        .count();
    let negs = test_scored.iter().filter(|(_, y)| !y).count().max(1);
    let caught = test_scored
        .iter()
        .filter(|(s, y)| *y && *s >= threshold)
        .count();
    let pos = test_scored.iter().filter(|(_, y)| *y).count().max(1);
    println!(
        "// fitted on {} train pairs, reported on {} held-out pairs (split by legit site)",
        train.len(),
        test.len()
    );
    println!(
        "// held-out: ROC AUC {:.4}, TPR@1% {:.4}; at the threshold: recall {:.4}, FPR {:.4}",
        clonehound::eval::roc_auc(&test_scored),
        tpr1,
        caught as f64 / pos as f64,
        flagged_neg as f64 / negs as f64
    );
    println!(
        "pub const MODEL: Model = Model {{\n    bias: {:.4},\n    weights: [",
        model.bias
    );
    for (name, w) in FEATURE_NAMES.iter().zip(model.weights) {
        println!("        {w:.4}, // {name}");
    }
    println!(
        "    ],\n}};\n\n/// Default decision threshold (train-split FPR at most 0.5%).\npub const THRESHOLD: f64 = {threshold:.4};"
    );
}
