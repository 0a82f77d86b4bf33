//! The `clonehound` command line: a thin layer over the library that parses
//! arguments, calls it and prints. Exit codes follow virus scanners (clamscan):
//! 0 no copy found, 1 a copy found, 2 an error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use clonehound::{Brand, Comparison, Config, SiteFingerprint, Verdict, compare};

mod eval_cmd;

#[derive(Parser)]
#[command(
    name = "clonehound",
    version,
    about = "Find websites cloned to impersonate legitimate firms"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Compare a suspect with a legitimate site (each an HTML file or a site directory).
    Compare {
        /// The legitimate site: an HTML file or a directory of pages.
        legit: PathBuf,
        /// The suspect site: an HTML file or a directory of pages.
        suspect: PathBuf,
        /// The legitimate brand's name (inferred from its pages when absent).
        #[arg(long)]
        brand: Option<String>,
        /// A domain the brand owns (repeatable).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Score at or above which the suspect is called a copy.
        #[arg(long)]
        threshold: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Evaluate the detector on a labelled corpus directory (sites/ + pairs.jsonl).
    Eval(eval_cmd::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compare {
            legit,
            suspect,
            brand,
            domains,
            threshold,
            format,
        } => run_compare(&legit, &suspect, brand, domains, threshold, format),
        Command::Eval(args) => eval_cmd::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clonehound: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_compare(
    legit: &PathBuf,
    suspect: &PathBuf,
    brand: Option<String>,
    domains: Vec<String>,
    threshold: Option<f64>,
    format: Format,
) -> Result<ExitCode, String> {
    let mut config = Config::default();
    if let Some(t) = threshold {
        config = config.with_threshold(t);
    }
    let read = |p: &PathBuf| {
        SiteFingerprint::from_path(p, &config.limits).map_err(|e| format!("{}: {e}", p.display()))
    };
    let (l, s) = (read(legit)?, read(suspect)?);
    let brand = match (brand, domains.is_empty()) {
        (None, true) => None,
        (name, _) => {
            let inferred = Brand::infer(&l);
            Some(Brand::new(
                name.unwrap_or(inferred.name),
                if domains.is_empty() {
                    inferred.domains
                } else {
                    domains
                },
            ))
        }
    };
    let result = compare(&l, &s, brand.as_ref(), &config);
    match format {
        Format::Json => {
            let report = serde_json::json!({
                "legit": legit, "suspect": suspect,
                "score": result.score, "verdict": result.verdict, "signals": result.signals,
                "evidence": result.evidence, "brand": result.brand,
                "legit_page": result.legit_page, "suspect_page": result.suspect_page,
                "pages_matched": result.pages_matched, "suspect_pages": result.suspect_pages,
                "config": config, "version": env!("CARGO_PKG_VERSION"),
            });
            println!("{report:#}");
        }
        Format::Text => print_text(&result),
    }
    Ok(if result.verdict == Verdict::None {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_text(r: &Comparison) {
    let verdict = match r.verdict {
        Verdict::Rebrand => "REBRAND (copy under another name)",
        Verdict::Impersonation => "IMPERSONATION (copy keeping the brand's identity)",
        Verdict::None => "no copy",
    };
    println!("score    {:.3}", r.score);
    println!("verdict  {verdict}");
    let domains = if r.brand.domains.is_empty() {
        "none known".to_owned()
    } else {
        r.brand.domains.join(", ")
    };
    println!("brand    {:?} (domains: {domains})", r.brand.name);
    if let (Some(l), Some(s)) = (&r.legit_page, &r.suspect_page) {
        println!(
            "pair     {l} <-> {s} ({} of {} suspect pages matched)",
            r.pages_matched, r.suspect_pages
        );
    }
    let s = &r.signals;
    println!(
        "signals  structure {:.2}  style {:.2}  text {:.2} (contained {:.2})  words {:.2}  title {:.2}  assets {:.2} (contained {:.2})  hosts {:.2}",
        s.structure,
        s.style,
        s.text,
        s.text_containment,
        s.words,
        s.title,
        s.assets,
        s.asset_containment,
        s.hosts
    );
    if r.evidence.is_empty() {
        println!("evidence none");
    }
    for e in &r.evidence {
        println!("  - [{}] {}", e.signal, e.detail);
    }
}
