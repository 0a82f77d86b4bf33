//! `clonehound eval`: metrics on a labelled corpus, beside dnstwist's baselines.

use std::fmt::Display;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::{Config, index::IndexConfig};
use clonehound_eval::{
    evaluate, evaluate_synthetic, fit_dirs, index_check, sketch_study, write_jsonl,
};
use serde::Serialize;

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
    let json = args.format == "json";
    if args.fit {
        let cv = fit_dirs(&args.dirs, &config)?;
        save_scores(args, &cv.scores)?;
        return show(&cv, json);
    }
    let [dir] = args.dirs.as_slice() else {
        return Err("give one directory (only --fit takes several)".to_owned());
    };
    if args.index {
        let check = index_check(dir, &IndexConfig::default()).map_err(|e| e.to_string())?;
        return show(&check, json);
    }
    if args.sketch_study {
        return show(
            &sketch_study(dir, &config).map_err(|e| e.to_string())?,
            json,
        );
    }
    let report = if args.synthetic {
        evaluate_synthetic(dir, &config, 300, 4)
    } else {
        evaluate(dir, &config, !args.no_attribution)
    }
    .map_err(|e| e.to_string())?;
    save_scores(args, &report.scores)?;
    show(&report, json)
}

/// Writes every pair's scores where `--scores` says.
fn save_scores<T: Serialize>(args: &EvalArgs, scores: &[T]) -> Result<(), String> {
    match &args.scores {
        Some(path) => write_jsonl(path, scores).map_err(|e| format!("{}: {e}", path.display())),
        None => Ok(()),
    }
}

/// Prints a report as pretty JSON or as its text.
fn show<T: Serialize + Display>(report: &T, json: bool) -> Result<ExitCode, String> {
    if json {
        let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}
