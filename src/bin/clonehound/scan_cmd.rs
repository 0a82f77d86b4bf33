//! `clonehound index build`, `clonehound scan` and `clonehound fingerprint`: the
//! pipeline commands.
//!
//! Suspects come from HTML files, site directories, WARC files (`.warc`, `.warc.gz`;
//! pages grouped into one suspect per host) and JSON Lines (`{"url": …, "html": …}` a
//! line, one suspect each; `-` reads standard input). They are read in batches,
//! fingerprinted and queried in parallel, and reported in input order. One bad input
//! is reported (standard error, and an `error` record in JSON Lines/JSON/CSV) and
//! counted; the scan goes on.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Subcommand, ValueEnum};
use clonehound::feed::{JsonLinesReader, open_json_lines, open_warc, read_file};
use clonehound::signals::assets::host_of;
use clonehound::{
    Brand, Error, Index, IndexBuilder, IndexConfig, Limits, Match, Page, PageFingerprint, Site,
    SiteFingerprint, Verdict,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::shown::shown;

/// Most suspects read before a batch is fingerprinted and queried (a batch is also cut
/// by its bytes: `--max-batch-bytes`).
const BATCH: usize = 512;

/// Largest brands file read.
const MAX_BRANDS_FILE_BYTES: u64 = 64 << 20;

/// What one page's fingerprint is charged while it waits, besides its page's bytes: a
/// fingerprint holds fixed-size sketches (a few KiB) and lists cut from the page, so
/// it is never larger than this plus its page.
const FINGERPRINT_BYTES: usize = 16 << 10;

#[derive(Subcommand)]
pub enum IndexCommand {
    /// Build an index from a brands file (TOML, one [[brand]] table per brand with
    /// `name`, `domains`, optional `aliases` (other names the brand goes by) and
    /// `pages`: site directories, HTML files or WARC files, relative to the brands
    /// file).
    Build {
        /// The brands file.
        brands: PathBuf,
        /// Where to write the index.
        #[arg(short, long)]
        output: PathBuf,
        /// Brands compared in full per suspect (the best-voted by the index's keys; at
        /// least 1).
        #[arg(long, default_value_t = IndexConfig::default().candidates,
              value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
        candidates: usize,
    },
    /// Print an index's figures as JSON.
    Info {
        /// The index file.
        index: PathBuf,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandsFile {
    brand: Vec<BrandEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandEntry {
    name: String,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    pages: Vec<PathBuf>,
}

fn is_warc(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// The JSON Lines stream an input names: standard input for `-` (the one way to read
/// a pipe or device on purpose), or a `.jsonl` / `.ndjson` file; `None` for any other
/// input.
fn json_lines(input: &Path, limits: &Limits) -> Option<Result<JsonLines, Error>> {
    if input.as_os_str() == "-" {
        let stdin = std::io::BufReader::with_capacity(256 << 10, std::io::stdin());
        return Some(Ok(JsonLinesReader::new(Box::new(stdin), limits.clone())));
    }
    let name = input.to_string_lossy().to_ascii_lowercase();
    (name.ends_with(".jsonl") || name.ends_with(".ndjson")).then(|| open_json_lines(input, limits))
}

type JsonLines = JsonLinesReader<Box<dyn BufRead + Send>>;

/// One brand's site from its page sources: site directories and HTML files (with their
/// favicons) and the pages of WARC files.
fn brand_site(entry: &BrandEntry, base: &Path, limits: &Limits) -> Result<SiteFingerprint, String> {
    let mut pages = Vec::new();
    let mut favicon = None;
    for source in &entry.pages {
        let path = base.join(source);
        let named = |e: Error| format!("brand {:?}: {}: {e}", entry.name, path.display());
        if is_warc(&path) {
            for page in open_warc(&path, limits).map_err(named)? {
                let page = page.map_err(named)?;
                pages.push(PageFingerprint::new(&page, limits));
            }
        } else {
            let site = SiteFingerprint::from_path(&path, limits).map_err(named)?;
            favicon = favicon.or(site.favicon);
            pages.extend(site.pages);
        }
    }
    if pages.is_empty() {
        return Err(format!("brand {:?}: no pages", entry.name));
    }
    Ok(SiteFingerprint {
        favicon,
        ..SiteFingerprint::from_pages(pages)
    })
}

pub fn run_index(cmd: &IndexCommand, quiet: bool) -> Result<ExitCode, String> {
    match cmd {
        IndexCommand::Build {
            brands,
            output,
            candidates,
        } => {
            let bytes =
                read_file(brands, MAX_BRANDS_FILE_BYTES).map_err(|e| crate::about(brands, &e))?;
            let text =
                String::from_utf8(bytes).map_err(|e| format!("{}: {e}", brands.display()))?;
            let file: BrandsFile =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", brands.display()))?;
            let base = brands.parent().unwrap_or(Path::new("."));
            let limits = Limits::default();
            let progress = progress_bar(quiet, Some(file.brand.len() as u64), "brands");
            let sites: Vec<Result<SiteFingerprint, String>> = file
                .brand
                .par_iter()
                .map(|entry| {
                    let site = brand_site(entry, base, &limits);
                    progress.inc(1);
                    site
                })
                .collect();
            progress.finish_and_clear();
            let config = IndexConfig {
                candidates: *candidates,
                ..IndexConfig::default()
            };
            let mut builder = IndexBuilder::new(config);
            for (entry, site) in file.brand.iter().zip(sites) {
                builder.add(
                    Brand::new(entry.name.clone(), &entry.domains).with_aliases(&entry.aliases),
                    site?,
                );
            }
            let index = builder.build();
            index.save(output).map_err(|e| crate::about(output, &e))?;
            let s = index.stats();
            if !quiet {
                eprintln!(
                    "indexed {} brands ({} pages, {} postings, {} keys dropped as too common) into {}",
                    s.brands,
                    s.pages,
                    s.postings,
                    s.stop_keys,
                    output.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        IndexCommand::Info { index } => {
            let loaded = Index::load(index).map_err(|e| crate::about(index, &e))?;
            let info = serde_json::json!({
                "stats": loaded.stats(),
                "config": loaded.config(),
                "brands": loaded.brands(),
                "format_version": clonehound::INDEX_VERSION,
            });
            println!("{info:#}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

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
    /// Most bytes of pages held by one batch before it is fingerprinted and queried
    /// (a batch holds at least one page).
    #[arg(long, default_value_t = 64 << 20)]
    max_batch_bytes: usize,
    /// Most bytes of fingerprints a WARC file's pages may hold while they wait to be
    /// grouped by host; past it, the host waiting longest is scanned as it is, and its
    /// later pages make a further suspect (`FILE#HOST#part2`).
    #[arg(long, default_value_t = 256 << 20)]
    max_pending_bytes: usize,
}

/// A suspect's pages and best brands, or why it could not be read.
type Outcome = Result<(usize, Vec<Match>), String>;

/// A suspect waiting to be fingerprinted and queried.
enum Job {
    Path(String, PathBuf),
    Page(String, Page),
    Pages(String, Vec<PageFingerprint>),
    Failed(String, String),
}

/// A batch of jobs and the bytes they hold.
#[derive(Default)]
struct Batch {
    jobs: Vec<Job>,
    bytes: usize,
}

impl Batch {
    fn push(&mut self, job: Job, bytes: usize) {
        self.jobs.push(job);
        self.bytes = self.bytes.saturating_add(bytes);
    }
}

/// One host's pages of a WARC file, waiting to be scanned together.
struct HostGroup {
    pages: Vec<PageFingerprint>,
    bytes: usize,
    /// Which part of the host's pages this is (from 1): a host with more pages than a
    /// site may hold, or one flushed early to bound memory, goes on in a further part.
    part: usize,
}

#[derive(Serialize)]
struct MatchOut<'a> {
    brand: &'a str,
    domains: &'a [String],
    score: f64,
    verdict: Verdict,
    sides: clonehound::Sides,
    evidence: &'a [clonehound::Evidence],
    legit_page: Option<&'a str>,
    suspect_page: Option<&'a str>,
}

#[derive(Serialize)]
struct SuspectOut<'a> {
    suspect: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches: Option<Vec<MatchOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Default, Serialize)]
struct Summary {
    suspects: usize,
    pages: usize,
    copies: usize,
    errors: usize,
    /// Peak resident memory of the process, in bytes, where the system tells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_memory_bytes: Option<u64>,
}

/// The process's peak resident memory (Linux: `VmHWM` in `/proc/self/status`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

struct Scanner<'a> {
    index: &'a Index,
    args: &'a ScanArgs,
    format: ScanFormat,
    limits: Limits,
    out: Box<dyn Write>,
    csv: Option<csv::Writer<Box<dyn Write>>>,
    /// Records written so far in `--format json`, which streams one document.
    json_records: usize,
    summary: Summary,
    progress: ProgressBar,
}

fn progress_bar(quiet: bool, len: Option<u64>, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = format!("{{spinner}} {{pos}} {unit} ({{per_sec}}) {{elapsed}} {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

impl Scanner<'_> {
    /// Fingerprints and queries a batch in parallel, then reports it in order. Only
    /// each suspect's matches come back: its fingerprints are dropped in the worker.
    fn run(&mut self, batch: Batch) -> std::io::Result<()> {
        let jobs = batch.jobs;
        let limits = &self.limits;
        let index = self.index;
        let top = self.args.top;
        let results: Vec<(String, Outcome)> = jobs
            .into_par_iter()
            .map(|job| {
                let (name, site) = match job {
                    Job::Path(name, path) => {
                        let site =
                            SiteFingerprint::from_path(&path, limits).map_err(|e| e.to_string());
                        (name, site)
                    }
                    Job::Page(name, page) => {
                        let fp = PageFingerprint::new(&page, limits);
                        (name, Ok(SiteFingerprint::from_pages(vec![fp])))
                    }
                    Job::Pages(name, pages) => (name, Ok(SiteFingerprint::from_pages(pages))),
                    Job::Failed(name, error) => (name, Err(error)),
                };
                let result = site.and_then(|site| {
                    let matches = index.query(&site, top).map_err(|e| e.to_string())?;
                    Ok((site.pages.len(), matches))
                });
                (name, result)
            })
            .collect();
        for (name, result) in results {
            self.report(&name, result)?;
        }
        Ok(())
    }

    fn report(&mut self, name: &str, result: Outcome) -> std::io::Result<()> {
        self.summary.suspects += 1;
        let (pages, matches) = match result {
            Ok(r) => r,
            Err(error) => {
                self.summary.errors += 1;
                self.progress.suspend(|| {
                    eprintln!("clonehound: {}: {}", shown(name), shown(&error));
                });
                return self.write(&SuspectOut {
                    suspect: name,
                    pages: None,
                    matches: None,
                    error: Some(&error),
                });
            }
        };
        self.summary.pages += pages;
        self.progress.inc(pages as u64);
        let copy = matches
            .first()
            .is_some_and(|m| m.comparison.verdict != Verdict::None);
        self.summary.copies += usize::from(copy);
        let evidence_shown = if self.args.explain { usize::MAX } else { 3 };
        let shown: Vec<MatchOut> = matches
            .iter()
            .filter(|m| self.args.all || m.comparison.verdict != Verdict::None)
            .map(|m| {
                let c = &m.comparison;
                MatchOut {
                    brand: &c.brand.name,
                    domains: &c.brand.domains,
                    score: c.score,
                    verdict: c.verdict,
                    sides: c.sides,
                    evidence: c
                        .evidence
                        .get(..c.evidence.len().min(evidence_shown))
                        .unwrap_or_default(),
                    legit_page: c.legit_page.as_deref(),
                    suspect_page: c.suspect_page.as_deref(),
                }
            })
            .collect();
        self.write(&SuspectOut {
            suspect: name,
            pages: Some(pages),
            matches: Some(shown),
            error: None,
        })
    }

    fn write(&mut self, s: &SuspectOut) -> std::io::Result<()> {
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
            ScanFormat::Csv => {
                let Some(w) = self.csv.as_mut() else {
                    return Ok(());
                };
                let rows: Vec<[String; 6]> = match (&s.matches, s.error) {
                    (_, Some(e)) => vec![[
                        s.suspect.into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        "error".into(),
                        e.into(),
                    ]],
                    (Some(ms), _) if ms.is_empty() => vec![[
                        s.suspect.into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        "none".into(),
                        String::new(),
                    ]],
                    (Some(ms), _) => ms
                        .iter()
                        .enumerate()
                        .map(|(i, m)| {
                            [
                                s.suspect.into(),
                                (i + 1).to_string(),
                                m.brand.into(),
                                format!("{:.4}", m.score),
                                verdict_word(m.verdict).into(),
                                m.evidence
                                    .iter()
                                    .map(|e| format!("[{}] {}", e.signal, e.detail))
                                    .collect::<Vec<_>>()
                                    .join(" | "),
                            ]
                        })
                        .collect(),
                    (None, None) => Vec::new(),
                };
                for row in rows {
                    w.write_record(&row).map_err(csv_io)?;
                }
                Ok(())
            }
            ScanFormat::Table => {
                let out = &mut self.out;
                let progress = &self.progress;
                progress.suspend(|| -> std::io::Result<()> {
                    let suspect = shown(s.suspect);
                    match (&s.matches, s.error) {
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
                                    shown(m.brand)
                                )?;
                                for e in m.evidence {
                                    writeln!(
                                        out,
                                        "      [{}] {}",
                                        shown(&e.signal),
                                        shown(&e.detail)
                                    )?;
                                }
                            }
                            Ok(())
                        }
                        (None, None) => Ok(()),
                    }
                })
            }
        }
    }

    /// Reads one input into the batch, running it whenever it fills.
    fn input(&mut self, input: &Path, batch: &mut Batch) -> std::io::Result<()> {
        let name = input.display().to_string();
        if let Some(reader) = json_lines(input, &self.limits) {
            match reader {
                Ok(r) => return self.jsonl(&name, r, batch),
                Err(e) => batch.push(Job::Failed(name, e.to_string()), 0),
            }
        } else if is_warc(input) {
            self.warc(input, batch)?;
        } else {
            // A site directory is fingerprinted one page at a time per worker, and only
            // its matches are kept: it is charged what a page may cost.
            let bytes = usize::try_from(self.limits.max_page_bytes).unwrap_or(usize::MAX);
            batch.push(Job::Path(name, input.to_owned()), bytes);
        }
        self.flush_full(batch)
    }

    /// Runs the batch when it holds [`BATCH`] suspects or `--max-batch-bytes`.
    fn flush_full(&mut self, batch: &mut Batch) -> std::io::Result<()> {
        if batch.jobs.len() >= BATCH || batch.bytes >= self.args.max_batch_bytes {
            self.run(std::mem::take(batch))?;
        }
        Ok(())
    }

    fn jsonl(
        &mut self,
        name: &str,
        mut lines: JsonLines,
        batch: &mut Batch,
    ) -> std::io::Result<()> {
        while let Some(page) = lines.next() {
            let line = lines.line();
            match page {
                Ok(page) => {
                    let suspect = page.url.clone().unwrap_or_else(|| format!("{name}:{line}"));
                    let bytes = page.html.len() + suspect.len();
                    batch.push(Job::Page(suspect, page), bytes);
                }
                Err(e) => batch.push(Job::Failed(format!("{name}:{line}"), e.to_string()), 0),
            }
            self.flush_full(batch)?;
        }
        Ok(())
    }

    /// A WARC file's pages, fingerprinted in batches and grouped by host: one suspect
    /// per host, in order of first appearance; bad records are reported by number.
    ///
    /// Memory is bounded whatever the file holds: pages wait to be fingerprinted in
    /// batches of at most `--max-batch-bytes`, and fingerprints wait for the rest of
    /// their host's pages within `--max-pending-bytes`. A host that reaches
    /// [`Limits::max_site_pages`], or the one waiting longest when the pending bytes are
    /// full, is scanned at once; its later pages make a further part. No page is
    /// dropped.
    fn warc(&mut self, path: &Path, batch: &mut Batch) -> std::io::Result<()> {
        let name = path.display().to_string();
        let reader = match open_warc(path, &self.limits) {
            Ok(r) => r,
            Err(e) => {
                batch.push(Job::Failed(name, e.to_string()), 0);
                return Ok(());
            }
        };
        let mut grouper = Grouper {
            name: &name,
            order: VecDeque::new(),
            hosts: HashMap::new(),
            parts: HashMap::new(),
            bytes: 0,
        };
        let (mut pending, mut pending_bytes) = (Vec::new(), 0);
        for page in reader {
            match page {
                Ok(p) => {
                    pending_bytes += p.html.len() + p.url.as_ref().map_or(0, String::len);
                    pending.push(p);
                }
                Err(e) => {
                    batch.push(Job::Failed(name.clone(), e.to_string()), 0);
                    self.flush_full(batch)?;
                }
            }
            if pending.len() >= BATCH || pending_bytes >= self.args.max_batch_bytes {
                self.group(&mut grouper, std::mem::take(&mut pending), batch)?;
                pending_bytes = 0;
            }
        }
        self.group(&mut grouper, pending, batch)?;
        while let Some(host) = grouper.order.pop_front() {
            grouper.flush(&host, batch);
            self.flush_full(batch)?;
        }
        Ok(())
    }

    /// Fingerprints pending WARC pages in parallel and files them under their hosts,
    /// scanning whole or overflowing groups as they go.
    fn group(
        &mut self,
        grouper: &mut Grouper,
        pending: Vec<Page>,
        batch: &mut Batch,
    ) -> std::io::Result<()> {
        let limits = &self.limits;
        let fps: Vec<(PageFingerprint, usize)> = pending
            .into_par_iter()
            .map(|page| {
                let fp = PageFingerprint::new(&page, limits);
                (fp, FINGERPRINT_BYTES + page.html.len())
            })
            .collect();
        for (fp, bytes) in fps {
            let host = fp
                .url
                .as_deref()
                .and_then(host_of)
                .unwrap_or_else(|| "(no host)".into());
            if grouper
                .hosts
                .get(&host)
                .is_some_and(|g| g.pages.len() >= self.limits.max_site_pages)
            {
                grouper.order.retain(|h| *h != host);
                grouper.flush(&host, batch);
                self.flush_full(batch)?;
            }
            grouper.add(host, fp, bytes);
            while grouper.bytes > self.args.max_pending_bytes {
                let Some(oldest) = grouper.order.pop_front() else {
                    break;
                };
                grouper.flush(&oldest, batch);
                self.flush_full(batch)?;
            }
        }
        Ok(())
    }
}

/// A WARC file's fingerprints waiting for the rest of their host's pages.
struct Grouper<'a> {
    name: &'a str,
    /// Hosts waiting, the longest-waiting first.
    order: VecDeque<String>,
    hosts: HashMap<String, HostGroup>,
    /// Parts already scanned per host.
    parts: HashMap<String, usize>,
    bytes: usize,
}

impl Grouper<'_> {
    fn add(&mut self, host: String, fp: PageFingerprint, bytes: usize) {
        self.bytes += bytes;
        if let Some(group) = self.hosts.get_mut(&host) {
            group.pages.push(fp);
            group.bytes += bytes;
            return;
        }
        let part = self.parts.get(&host).map_or(1, |n| n + 1);
        self.order.push_back(host.clone());
        self.hosts.insert(
            host,
            HostGroup {
                pages: vec![fp],
                bytes,
                part,
            },
        );
    }

    /// Moves a host's waiting pages into the batch as one suspect.
    fn flush(&mut self, host: &str, batch: &mut Batch) {
        let Some(group) = self.hosts.remove(host) else {
            return;
        };
        self.bytes -= group.bytes;
        self.parts.insert(host.to_owned(), group.part);
        let suspect = match group.part {
            1 => format!("{}#{host}", self.name),
            n => format!("{}#{host}#part{n}", self.name),
        };
        batch.push(Job::Pages(suspect, group.pages), group.bytes);
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
    let mut scanner = Scanner {
        index: &index,
        args,
        format,
        limits: index
            .config()
            .compare
            .limits
            .clone()
            .with_max_page_bytes(args.max_page_bytes),
        out,
        csv,
        json_records: 0,
        summary: Summary::default(),
        progress: progress_bar(quiet, None, "pages"),
    };
    let io = |e: std::io::Error| written(&e);
    if format == ScanFormat::Json {
        writeln!(scanner.out, "{{\"results\": [").map_err(io)?;
    }
    let mut batch = Batch::default();
    for input in &args.inputs {
        scanner.input(input, &mut batch).map_err(io)?;
    }
    scanner.run(batch).map_err(io)?;
    scanner.summary.peak_memory_bytes = peak_memory();
    scanner.progress.finish_and_clear();
    if format == ScanFormat::Json {
        let summary = serde_json::to_string(&scanner.summary).map_err(|e| e.to_string())?;
        writeln!(scanner.out, "],\n\"summary\": {summary}}}").map_err(io)?;
    }
    if let Some(w) = scanner.csv.as_mut() {
        w.flush().map_err(io)?;
    }
    scanner.out.flush().map_err(io)?;
    let s = &scanner.summary;
    if !quiet {
        let peak = s
            .peak_memory_bytes
            .map(|b| format!("; peak memory {:.1} MiB", b as f64 / f64::from(1 << 20)))
            .unwrap_or_default();
        eprintln!(
            "scanned {} suspects ({} pages): {} copies, {} errors{peak}",
            s.suspects, s.pages, s.copies, s.errors
        );
    }
    Ok(if s.errors > 0 {
        ExitCode::from(2)
    } else if s.copies > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Args)]
pub struct FingerprintArgs {
    /// HTML files, site directories, WARC files, JSON Lines files, or - for JSON Lines
    /// on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

#[derive(Serialize)]
struct FingerprintOut<'a> {
    input: &'a str,
    url: Option<&'a str>,
    /// SHA-256 of the page's HTML as UTF-8 (the body itself for UTF-8 pages).
    sha256: String,
    tlsh: Option<String>,
    ssdeep: Option<String>,
    favicon: Option<serde_json::Value>,
    fingerprint: &'a PageFingerprint,
}

/// Writes one JSON line per page: our fingerprint with the pivots other tools use.
pub fn run_fingerprint(args: &FingerprintArgs) -> Result<ExitCode, String> {
    use sha2::Digest;
    let limits = Limits::default();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut errors = 0;
    let mut emit = |input: &str,
                    page: &Page,
                    fp: &PageFingerprint,
                    favicon: Option<&clonehound::Favicon>|
     -> Result<(), String> {
        let digests = clonehound::eval::Digests::of_bytes(page.html.as_bytes());
        let favicon = favicon.map(|f| {
            serde_json::json!({
                "shodan": f.shodan, "shodan_unsigned": f.shodan_unsigned(),
                "md5": f.md5, "sha256": f.sha256, "phash": f.phash, "source": f.source,
            })
        });
        let line = FingerprintOut {
            input,
            url: page.url.as_deref(),
            sha256: hex(&sha2::Sha256::digest(page.html.as_bytes())),
            tlsh: digests.tlsh,
            ssdeep: digests.ssdeep,
            favicon,
            fingerprint: fp,
        };
        let json = serde_json::to_string(&line).map_err(|e| e.to_string())?;
        writeln!(out, "{json}").map_err(|e| written(&e))
    };
    let mut fail = |what: &str, e: &dyn std::fmt::Display| {
        errors += 1;
        eprintln!("clonehound: {}: {}", shown(what), shown(&e.to_string()));
    };
    for input in &args.inputs {
        let name = input.display().to_string();
        let pages: Box<dyn Iterator<Item = Result<Page, Error>>> =
            if let Some(reader) = json_lines(input, &limits) {
                match reader {
                    Ok(r) => Box::new(r),
                    Err(e) => {
                        fail(&name, &e);
                        continue;
                    }
                }
            } else if is_warc(input) {
                match open_warc(input, &limits) {
                    Ok(r) => Box::new(r),
                    Err(e) => {
                        fail(&name, &e);
                        continue;
                    }
                }
            } else {
                match Site::from_path(input, &limits) {
                    Ok(site) => {
                        // Fingerprinted once, with the site's favicon.
                        let fp = SiteFingerprint::from_site(&site, &limits);
                        for (page, page_fp) in site.pages.iter().zip(&fp.pages) {
                            emit(&name, page, page_fp, fp.favicon.as_ref())?;
                        }
                    }
                    Err(e) => fail(&name, &e),
                }
                continue;
            };
        for page in pages {
            match page {
                Ok(page) => emit(&name, &page, &PageFingerprint::new(&page, &limits), None)?,
                Err(e) => fail(&name, &e),
            }
        }
    }
    out.flush().map_err(|e| written(&e))?;
    Ok(if errors > 0 {
        ExitCode::from(2)
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

/// A failed write to standard output: a broken pipe ends the process quietly.
fn written(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        crate::output_failed(e);
    }
    format!("writing output: {e}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
