//! Scan reports written out: JSON Lines, one JSON document, CSV, or aligned text for
//! people. `clonehound scan --format` is this module; a pipeline embedding the scanner
//! writes the same bytes with the same [`ReportWriter`].

use std::io::{self, Write};
use std::str::FromStr;
use std::time::SystemTime;

pub use crate::shown::shown;

use super::exchange::{Exchange, Kind};
use super::{REPORT_VERSION, Summary, SuspectReport};
use crate::Verdict;

/// An output format of scan reports.
///
/// ```
/// use clonehound::scan::output::Format;
/// assert_eq!("jsonl".parse::<Format>(), Ok(Format::Jsonl));
/// assert!("xml".parse::<Format>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for people; page text is passed through [`shown`].
    Table,
    /// One [`SuspectReport`] as JSON per line (the wire format).
    Jsonl,
    /// One JSON document: `{"results": [...], "summary": {...}, "report_version": N}`,
    /// streamed, so memory does not grow with the suspects.
    Json,
    /// One row per match: `suspect, rank, brand, score, verdict, evidence`.
    Csv,
    /// One MISP event of the scan's findings (`phishing`, `organization` and `favicon`
    /// objects; see [`crate::scan`]'s exchange formats in the README).
    Misp,
    /// One STIX 2.1 bundle of the scan's findings (`url`, `indicator`, `identity`,
    /// `relationship`, with our `extension-definition` for score, verdict and evidence).
    Stix,
}

impl Format {
    /// Every format, by the name [`FromStr`] reads.
    pub const NAMES: [(&'static str, Format); 6] = [
        ("table", Format::Table),
        ("jsonl", Format::Jsonl),
        ("json", Format::Json),
        ("csv", Format::Csv),
        ("misp", Format::Misp),
        ("stix", Format::Stix),
    ];
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, f)| f)
            .ok_or_else(|| format!("unknown format {s:?} (table, jsonl, json, csv, misp or stix)"))
    }
}

/// The date to give a scan's MISP event or STIX bundle: `SOURCE_DATE_EPOCH` (seconds
/// since 1970) when it is set, for reproducible output, else now.
///
/// ```
/// use clonehound::scan::output::{Format, ReportWriter, scan_date};
/// let writer = ReportWriter::new_at(Format::Stix, Vec::new(), scan_date())?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn scan_date() -> SystemTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or_else(SystemTime::now, |secs| {
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        })
}

/// Writes scan reports in one [`Format`]: [`ReportWriter::write`] each report as it
/// comes, then [`ReportWriter::finish`] with the scan's summary.
///
/// ```
/// use clonehound::scan::output::{Format, ReportWriter};
/// use clonehound::scan::{Summary, SuspectReport};
/// let report = SuspectReport { suspect: "a.html".into(), pages: Some(1), matches: Some(vec![]), favicon: None, error: None };
/// let mut writer = ReportWriter::new(Format::Csv, Vec::new())?;
/// writer.write(&report)?;
/// let bytes = writer.finish(&Summary::default())?;
/// assert_eq!(String::from_utf8_lossy(&bytes), "suspect,rank,brand,score,verdict,evidence\na.html,,,,none,\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ReportWriter<W: Write> {
    format: Format,
    /// Colour the table's verdict words ([`ReportWriter::with_colour`]).
    colour: bool,
    out: Option<W>,
    csv: Option<csv::Writer<W>>,
    /// Records written so far in [`Format::Json`].
    json_records: usize,
    /// The MISP event or STIX bundle being written.
    exchange: Option<Exchange>,
}

impl<W: Write> ReportWriter<W> {
    /// A writer to `out`; CSV's header and JSON's opening are written at once.
    pub fn new(format: Format, out: W) -> io::Result<Self> {
        ReportWriter::new_at(format, out, SystemTime::now())
    }

    /// A writer whose MISP event and STIX bundle are dated `time` (the scan's start;
    /// give a fixed time for reproducible output).
    pub fn new_at(format: Format, mut out: W, time: SystemTime) -> io::Result<Self> {
        let mut csv = None;
        let exchange = match format {
            Format::Misp | Format::Stix => {
                let kind = if format == Format::Misp {
                    Kind::Misp
                } else {
                    Kind::Stix
                };
                let time = humantime::format_rfc3339_millis(time).to_string();
                Some(Exchange::start(kind, time, &mut out)?)
            }
            _ => None,
        };
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(["suspect", "rank", "brand", "score", "verdict", "evidence"])
                    .map_err(csv_io)?;
                csv = Some(w);
                return Ok(ReportWriter {
                    format,
                    colour: false,
                    out: None,
                    csv,
                    json_records: 0,
                    exchange,
                });
            }
            Format::Json => writeln!(out, "{{\"results\": [")?,
            Format::Table | Format::Jsonl | Format::Misp | Format::Stix => {}
        }
        Ok(ReportWriter {
            format,
            colour: false,
            out: Some(out),
            csv,
            json_records: 0,
            exchange,
        })
    }

    /// Colours the table's verdict words (ANSI) when `colour` is set: for a terminal,
    /// as [`use_colour`] decides. Machine formats are never coloured.
    pub fn with_colour(mut self, colour: bool) -> Self {
        self.colour = colour;
        self
    }

    /// Writes one suspect's report.
    pub fn write(&mut self, s: &SuspectReport) -> io::Result<()> {
        if let Some(w) = self.csv.as_mut() {
            return csv_rows(w, s);
        }
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        if let Some(exchange) = self.exchange.as_mut() {
            return exchange.write(out, s);
        }
        match self.format {
            Format::Json => {
                let record = serde_json::to_string(s).map_err(io::Error::other)?;
                let lead = if self.json_records == 0 { "" } else { "," };
                self.json_records += 1;
                writeln!(out, "{lead}{record}")
            }
            Format::Table => table(out, s, self.colour),
            Format::Jsonl | Format::Csv | Format::Misp | Format::Stix => {
                let line = serde_json::to_string(s).map_err(io::Error::other)?;
                writeln!(out, "{line}")
            }
        }
    }

    /// Ends the output (JSON's summary and closing), flushes it and hands the writer back.
    pub fn finish(self, summary: &Summary) -> io::Result<W> {
        if let Some(w) = self.csv {
            return w.into_inner().map_err(|e| io::Error::other(e.to_string()));
        }
        let Some(mut out) = self.out else {
            return Err(io::Error::other("report writer has no output"));
        };
        if let Some(exchange) = self.exchange {
            exchange.finish(&mut out, summary)?;
        }
        if self.format == Format::Json {
            let summary = serde_json::to_string(summary).map_err(io::Error::other)?;
            writeln!(
                out,
                "],\n\"summary\": {summary},\n\"report_version\": {REPORT_VERSION}}}"
            )?;
        }
        out.flush()?;
        Ok(out)
    }
}

fn csv_rows<W: Write>(w: &mut csv::Writer<W>, s: &SuspectReport) -> io::Result<()> {
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
                    m.verdict.as_str(),
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

/// ANSI colours of the table's verdict words.
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// A suspect as aligned text for people; verdict words in colour when `colour` is set.
/// Only our own words are coloured: page text goes through [`shown`] and stays plain.
fn table(out: &mut impl Write, s: &SuspectReport, colour: bool) -> io::Result<()> {
    let paint = |word: &str, code: &str| {
        if colour {
            format!("{code}{word}{RESET}")
        } else {
            word.to_owned()
        }
    };
    let suspect = shown(&s.suspect);
    match (&s.matches, &s.error) {
        (_, Some(e)) => writeln!(out, "{suspect}  {}  {}", paint("ERROR", RED), shown(e)),
        (Some(ms), _) if ms.is_empty() => writeln!(out, "{suspect}  {}", paint("clean", GREEN)),
        (Some(ms), _) => {
            writeln!(out, "{suspect}")?;
            for m in ms {
                let word = format!("{:<14}", m.verdict.as_str().to_uppercase());
                let code = match m.verdict {
                    Verdict::Impersonation => RED,
                    Verdict::Rebrand => YELLOW,
                    Verdict::None => GREEN,
                };
                writeln!(
                    out,
                    "  {} {:.3}  {}",
                    paint(&word, code),
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

/// Whether people's output should be coloured: `--color always` / `never` decide;
/// `auto` colours only a terminal, and not when the `NO_COLOR` environment variable is
/// set to anything but the empty string (<https://no-color.org>).
///
/// ```
/// use clonehound::scan::output::use_colour;
/// assert!(!use_colour("never", true, None));
/// assert!(use_colour("always", false, Some("1")));
/// assert!(use_colour("auto", true, None));
/// assert!(!use_colour("auto", true, Some("1")));
/// assert!(use_colour("auto", true, Some("")));
/// assert!(!use_colour("auto", false, None));
/// ```
pub fn use_colour(choice: &str, terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => terminal && no_color.is_none_or(str::is_empty),
    }
}

/// The I/O error inside a CSV writer's error, so a broken pipe is still one.
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
