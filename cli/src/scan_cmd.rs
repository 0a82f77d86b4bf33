//! `clonehound scan`: the library's [`Scanner`] over the inputs given, its reports
//! printed as a table, JSON Lines, one JSON document or CSV. One bad input is reported
//! (standard error, and an `error` record in JSON Lines/JSON/CSV) and counted; the scan
//! goes on.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::RangedU64ValueParser;
use clap::{Args, ValueEnum};
use clonehound::scan::{REPORT_VERSION, ScanConfig, Scanner, Source, SuspectReport};
use clonehound::{Index, Limits, Verdict};
use indicatif::ProgressBar;

use crate::shown::shown;
use crate::{progress_bar, written};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Aligned text for people (the default on a terminal).
    Table,
    /// One JSON object per suspect (the default when piped).
    Jsonl,
    /// One JSON document at the end.
    Json,
    /// One row per match.
    Csv,
}

#[derive(Args)]
pub struct ScanArgs {
    /// The index to scan against (from `clonehound index build`).
    #[arg(long)]
    index: PathBuf,
    /// HTML files, site directories, WARC files (.warc, .warc.gz), JSON Lines files
    /// (.jsonl, .ndjson), or - for JSON Lines on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    format: Option<ScanFormat>,
    /// Score at or above which a suspect is called a copy (0 to 1).
    #[arg(long, value_parser = crate::unit_interval)]
    threshold: Option<f64>,
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

/// The process's peak resident memory (Linux: `VmHWM` in `/proc/self/status`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Where reports go, in the chosen format.
struct Output {
    format: ScanFormat,
    out: Box<dyn Write>,
    csv: Option<csv::Writer<Box<dyn Write>>>,
    /// Records written so far in `--format json`, which streams one document.
    json_records: usize,
    progress: ProgressBar,
}

impl Output {
    fn write(&mut self, s: &SuspectReport) -> std::io::Result<()> {
        match self.format {
            ScanFormat::Jsonl => {
                let line = serde_json::to_string(s).map_err(std::io::Error::other)?;
                writeln!(self.out, "{line}")
            }
            ScanFormat::Json => {
                // One document, streamed: memory does not grow with the suspects.
                let record = serde_json::to_string(s).map_err(std::io::Error::other)?;
                let lead = if self.json_records == 0 { "" } else { "," };
                self.json_records += 1;
                writeln!(self.out, "{lead}{record}")
            }
            ScanFormat::Csv => self.csv_rows(s),
            ScanFormat::Table => {
                let out = &mut self.out;
                self.progress.suspend(|| table(out, s))
            }
        }
    }

    fn csv_rows(&mut self, s: &SuspectReport) -> std::io::Result<()> {
        let Some(w) = self.csv.as_mut() else {
            return Ok(());
        };
        let row = |rank: String, brand: &str, score: String, verdict: &str, evidence: String| {
            [
                s.suspect.clone(),
                rank,
                brand.into(),
                score,
                verdict.into(),
                evidence,
            ]
        };
        let rows: Vec<[String; 6]> = match (&s.matches, &s.error) {
            (_, Some(e)) => vec![row(String::new(), "", String::new(), "error", e.clone())],
            (Some(ms), _) if ms.is_empty() => {
                vec![row(String::new(), "", String::new(), "none", String::new())]
            }
            (Some(ms), _) => ms
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let evidence = m
                        .evidence
                        .iter()
                        .map(|e| format!("[{}] {}", e.signal, e.detail))
                        .collect::<Vec<_>>()
                        .join(" | ");
                    let score = format!("{:.4}", m.score);
                    row(
                        (i + 1).to_string(),
                        &m.brand,
                        score,
                        verdict_word(m.verdict),
                        evidence,
                    )
                })
                .collect(),
            (None, None) => Vec::new(),
        };
        for row in rows {
            w.write_record(&row).map_err(csv_io)?;
        }
        Ok(())
    }
}

/// A suspect as aligned text for people.
fn table(out: &mut Box<dyn Write>, s: &SuspectReport) -> std::io::Result<()> {
    let suspect = shown(&s.suspect);
    match (&s.matches, &s.error) {
        (_, Some(e)) => writeln!(out, "{suspect}  ERROR  {}", shown(e)),
        (Some(ms), _) if ms.is_empty() => writeln!(out, "{suspect}  clean"),
        (Some(ms), _) => {
            writeln!(out, "{suspect}")?;
            for m in ms {
                writeln!(
                    out,
                    "  {:<14} {:.3}  {}",
                    verdict_word(m.verdict).to_uppercase(),
                    m.score,
                    shown(&m.brand)
                )?;
                for e in &m.evidence {
                    writeln!(out, "      [{}] {}", shown(&e.signal), shown(&e.detail))?;
                }
            }
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Rebrand => "rebrand",
        Verdict::Impersonation => "impersonation",
        Verdict::None => "none",
    }
}

pub fn run_scan(args: &ScanArgs, quiet: bool) -> Result<ExitCode, String> {
    let mut index = Index::load(&args.index).map_err(|e| crate::about(&args.index, &e))?;
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
        ScanFormat::Table
    } else {
        ScanFormat::Jsonl
    });
    let out: Box<dyn Write> = Box::new(std::io::BufWriter::new(stdout));
    let (out, csv) = if format == ScanFormat::Csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["suspect", "rank", "brand", "score", "verdict", "evidence"])
            .map_err(|e| written(&csv_io(e)))?;
        (Box::new(std::io::sink()) as Box<dyn Write>, Some(w))
    } else {
        (out, None)
    };
    let mut output = Output {
        format,
        out,
        csv,
        json_records: 0,
        progress: progress_bar(quiet, None, "pages"),
    };
    let io = |e: std::io::Error| written(&e);
    if format == ScanFormat::Json {
        writeln!(output.out, "{{\"results\": [").map_err(io)?;
    }
    let sources: Vec<Source> = args.inputs.iter().map(Source::from).collect();
    let mut reports = Scanner::new(index, config).scan(sources);
    for report in reports.by_ref() {
        if let Some(error) = &report.error {
            output.progress.suspend(|| {
                eprintln!("clonehound: {}: {}", shown(&report.suspect), shown(error));
            });
        }
        output.progress.inc(report.pages.unwrap_or(0) as u64);
        output.write(&report).map_err(io)?;
    }
    let mut summary = reports.summary().clone();
    summary.peak_memory_bytes = peak_memory();
    output.progress.finish_and_clear();
    if format == ScanFormat::Json {
        let summary = serde_json::to_string(&summary).map_err(|e| e.to_string())?;
        writeln!(
            output.out,
            "],\n\"summary\": {summary},\n\"report_version\": {REPORT_VERSION}}}"
        )
        .map_err(io)?;
    }
    if let Some(w) = output.csv.as_mut() {
        w.flush().map_err(io)?;
    }
    output.out.flush().map_err(io)?;
    if !quiet {
        let peak = summary
            .peak_memory_bytes
            .map(|b| format!("; peak memory {:.1} MiB", b as f64 / f64::from(1 << 20)))
            .unwrap_or_default();
        eprintln!(
            "scanned {} suspects ({} pages): {} copies, {} errors{peak}",
            summary.suspects, summary.pages, summary.copies, summary.errors
        );
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(2)
    } else if summary.copies > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The I/O error inside a CSV writer's error, so a broken pipe is still one.
fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
