//! `clonehound scan`: the library's [`Scanner`] over the inputs given, its reports
//! printed as a table, JSON Lines, one JSON document or CSV. One bad input is reported
//! (standard error, and an `error` record in JSON Lines/JSON/CSV) and counted; the scan
//! goes on.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clap::builder::RangedU64ValueParser;
use clonehound::Index;
use clonehound::Limits;
use clonehound::scan::known::Known;
use clonehound::scan::output::{Format, ReportWriter, scan_date, shown, use_colour};
use clonehound::scan::{ScanConfig, Scanner, Source};

use crate::{progress_bar, written};

#[derive(Args)]
pub struct ScanArgs {
    /// The index to scan against (from `clonehound index build`).
    #[arg(long)]
    index: PathBuf,
    /// HTML files, site directories, WARC files (.warc, .warc.gz), JSON Lines files
    /// (.jsonl, .ndjson), or - for JSON Lines on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output format: table, jsonl, json, csv, misp (one MISP event) or stix (one STIX
    /// 2.1 bundle) (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_parser = |s: &str| s.parse::<Format>())]
    format: Option<Format>,
    /// Score at or above which a suspect is called a copy (0 to 1).
    #[arg(long, value_parser = crate::unit_interval)]
    threshold: Option<f64>,
    /// Colour in the table: auto (only on a terminal, and not when NO_COLOR is set),
    /// always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
    /// Report only findings (suspect and brand) that this earlier run's --format jsonl
    /// output did not have, or whose verdict changed or whose score rose by more than
    /// 0.05. The exit code is then 1 only when something new was found.
    #[arg(long, value_name = "PREVIOUS.jsonl")]
    new_since: Option<PathBuf>,
    /// Brands reported per suspect, best first (at least 1).
    #[arg(long, default_value_t = 3, value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    top: usize,
    /// Report every piece of evidence (otherwise the three most telling).
    #[arg(long)]
    explain: bool,
    /// Also report the best brands of suspects that are not copies.
    #[arg(long)]
    all: bool,
    /// Largest suspect page read, in bytes; larger pages are reported as errors.
    #[arg(long, default_value_t = Limits::default().max_page_bytes)]
    max_page_bytes: u64,
    /// Most bytes of suspects being read and fingerprinted at once (at least one
    /// suspect is): a file is charged its size, a site directory --max-page-bytes.
    #[arg(long, default_value_t = ScanConfig::default().max_batch_bytes)]
    max_batch_bytes: usize,
    /// Most bytes of fingerprints a WARC file's pages may hold while they wait to be
    /// grouped by host; past it, the host waiting longest is scanned as it is, and its
    /// later pages make a further suspect (`FILE#HOST#part2`).
    #[arg(long, default_value_t = ScanConfig::default().max_pending_bytes)]
    max_pending_bytes: usize,
    /// Most suspects read but not yet reported (a slow suspect holds back the reports
    /// after it, to keep input order).
    #[arg(long, default_value_t = ScanConfig::default().max_in_flight,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    max_in_flight: usize,
}

pub fn run_scan(args: &ScanArgs, quiet: bool) -> Result<ExitCode, String> {
    let mut index = Index::load(&args.index).map_err(|e| e.about(&args.index))?;
    if let Some(t) = args.threshold {
        let mut config = index.config().clone();
        config.compare = config.compare.with_threshold(t);
        index.set_config(config).map_err(|e| e.to_string())?;
    }
    let config = ScanConfig {
        top: args.top,
        evidence: if args.explain { usize::MAX } else { 3 },
        all: args.all,
        limits: index
            .config()
            .compare
            .limits
            .clone()
            .with_max_page_bytes(args.max_page_bytes),
        max_batch_bytes: args.max_batch_bytes,
        max_pending_bytes: args.max_pending_bytes,
        max_in_flight: args.max_in_flight,
    };
    let stdout = std::io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let io = |e: std::io::Error| written(&e);
    let colour = use_colour(
        &args.color,
        stdout.is_terminal(),
        std::env::var_os("NO_COLOR").map(|v| if v.is_empty() { "" } else { "set" }),
    );
    let mut output = ReportWriter::new_at(format, std::io::BufWriter::new(stdout), scan_date())
        .map_err(io)?
        .with_colour(colour);
    let progress = progress_bar(quiet, "pages");
    let known = match &args.new_since {
        Some(path) => Some(Known::read(path).map_err(|e| e.about(path))?),
        None => None,
    };
    let (mut known_findings, mut new_findings) = (0, 0);
    let sources: Vec<Source> = args.inputs.iter().map(Source::from).collect();
    let mut reports = Scanner::new(index, config).scan(sources);
    for mut report in reports.by_ref() {
        if let Some(error) = &report.error {
            progress.suspend(|| {
                eprintln!("clonehound: {}: {}", shown(&report.suspect), shown(error));
            });
        }
        progress.inc(report.pages.unwrap_or(0) as u64);
        if let Some(known) = &known {
            known_findings += known.retain_new(&mut report);
            let new = report.matches.as_ref().map_or(0, Vec::len);
            new_findings += new;
            if new == 0 && report.error.is_none() {
                continue;
            }
        }
        progress.suspend(|| output.write(&report)).map_err(io)?;
    }
    let mut summary = reports.summary().clone();
    summary.record_peak_memory();
    if known.is_some() {
        summary.known_findings = Some(known_findings);
        summary.new_findings = Some(new_findings);
    }
    progress.finish_and_clear();
    output.finish(&summary).map_err(io)?;
    if !quiet {
        eprintln!("{summary}");
    }
    Ok(ExitCode::from(summary.exit_status()))
}
