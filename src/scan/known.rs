//! What an earlier run already found, so a daily run reports only what is new
//! (`clonehound scan --new-since PREVIOUS.jsonl`).
//!
//! A finding is one brand a suspect copies (a match whose verdict is not `none`), keyed
//! by suspect and brand. It is new when the earlier run did not have that key, when its
//! verdict changed, or when its score rose by more than [`SCORE_MARGIN`].

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;

use super::feed::{JsonRecords, LineError, RecordError};
use super::{MatchReport, SuspectReport};
use crate::{Error, Result, Verdict};

/// A score up by more than this (on the [0, 1] scale) makes a known finding new again:
/// the copy grew closer to the brand.
pub const SCORE_MARGIN: f64 = 0.05;

/// Longest line read from an earlier run's JSON Lines.
const MAX_LINE_BYTES: usize = 64 << 20;

/// The findings of an earlier run.
///
/// ```
/// use clonehound::scan::known::Known;
/// use clonehound::scan::SuspectReport;
/// let line = r#"{"suspect":"http://evil.example/","pages":1,"matches":[{"brand":"Acme","domains":["acme.com"],"score":0.9,"verdict":"impersonation","sides":{"copy":0.1,"impersonation":0.9},"evidence":[],"legit_page":null,"suspect_page":null}]}"#;
/// let known = Known::from_reports([serde_json::from_str::<SuspectReport>(line)?]);
/// let mut again: SuspectReport = serde_json::from_str(line)?;
/// assert_eq!(known.retain_new(&mut again), 1);
/// assert!(again.matches.unwrap().is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Known {
    findings: HashMap<(String, String), (Verdict, f64)>,
}

impl Known {
    /// The findings of these reports.
    pub fn from_reports(reports: impl IntoIterator<Item = SuspectReport>) -> Known {
        let mut known = Known::default();
        for report in reports {
            known.add(report);
        }
        known
    }

    /// Reads an earlier run's `--format jsonl` output. Error records carry no finding;
    /// a line that is not a report is an error naming the line.
    pub fn read(path: &Path) -> Result<Known> {
        let (file, _) = crate::input::open_regular(path)?;
        let mut records = JsonRecords::new(BufReader::new(file), MAX_LINE_BYTES);
        let mut known = Known::default();
        while let Some((number, record)) = records.next_record::<SuspectReport>() {
            let bad =
                |reason: String| Error::Invalid(format!("{}:{number}: {reason}", path.display()));
            match record {
                Ok(report) => known.add(report),
                Err(RecordError::Line(LineError::Io(e))) => return Err(Error::io(path, e)),
                Err(RecordError::Line(e)) => return Err(bad(e.to_string())),
                Err(RecordError::Json(e)) => return Err(bad(format!("not a scan report: {e}"))),
            }
        }
        Ok(known)
    }

    fn add(&mut self, report: SuspectReport) {
        for m in report.matches.into_iter().flatten() {
            if m.verdict != Verdict::None {
                self.findings
                    .insert((report.suspect.clone(), m.brand), (m.verdict, m.score));
            }
        }
    }

    /// Findings known.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// True when no finding is known.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// True when `m`, a finding of `suspect`, is new: unknown, another verdict, or a
    /// score up by more than [`SCORE_MARGIN`].
    pub fn is_new(&self, suspect: &str, m: &MatchReport) -> bool {
        match self.findings.get(&(suspect.to_owned(), m.brand.clone())) {
            None => true,
            Some(&(verdict, score)) => verdict != m.verdict || m.score > score + SCORE_MARGIN,
        }
    }

    /// Keeps only the new findings of `report` (matches that are not findings go too);
    /// returns how many known findings it dropped.
    pub fn retain_new(&self, report: &mut SuspectReport) -> usize {
        let Some(matches) = report.matches.as_mut() else {
            return 0;
        };
        let findings = matches
            .iter()
            .filter(|m| m.verdict != Verdict::None)
            .count();
        let suspect = report.suspect.as_str();
        matches.retain(|m| m.verdict != Verdict::None && self.is_new(suspect, m));
        findings - matches.len()
    }
}
