//! `clonehound eval`: metrics on a labelled corpus, beside dnstwist's baselines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::{Config, index::IndexConfig};
use clonehound_eval::{FitSet, cross_validate, evaluate, evaluate_synthetic, sketch_table};
use clonehound_eval::{corpus_index_check, sketch_study, sources_index_check};

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
            print!("{}", sketch_table(&scores));
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
        _ => print!("{report}"),
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
        print!("{check}");
    }
    Ok(ExitCode::SUCCESS)
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
    print!("{cv}");
    Ok(ExitCode::SUCCESS)
}
