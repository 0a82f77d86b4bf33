//! What a scan reports: the JSON Lines wire format, one [`SuspectReport`] a line.
//!
//! These types are the format, kept apart from the library's working types
//! ([`crate::Comparison`], [`crate::index::Match`]) so that those can change without
//! breaking readers. A field is added only with a new [`REPORT_VERSION`].

use serde::{Deserialize, Serialize};

use crate::compare::Verdict;
use crate::evidence::Evidence;
use crate::index::Match;
use crate::score::Sides;

/// Version of the report format ([`SuspectReport`], [`MatchReport`], [`Summary`]); the
/// `--format json` summary carries it as `report_version`.
pub const REPORT_VERSION: u32 = 1;

/// One suspect: the brands it resembles, or why it could not be read.
///
/// In JSON, `pages` and `matches` are present when the suspect was read, `error` when
/// it was not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuspectReport {
    /// The suspect's name: its path, its URL, `FILE#HOST` for a WARC host,
    /// `FILE:LINE` for a JSON Lines record without a URL.
    pub suspect: String,
    /// Pages fingerprinted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// The brands reported, best first: those it copies, or with
    /// [`crate::scan::ScanConfig::all`] the best brands whatever their verdict. Empty
    /// for a clean suspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<MatchReport>>,
    /// The suspect's favicon hashes, for pivoting (Shodan's `http.favicon.hash`, MD5,
    /// SHA-256), when its favicon was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon: Option<FaviconHashes>,
    /// Why the suspect could not be read (a bad file, a page over the size limit, a
    /// broken record). One bad suspect never stops a scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One brand a suspect resembles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchReport {
    /// The brand's name, as the brands file gives it.
    pub brand: String,
    /// The domains it owns.
    pub domains: Vec<String>,
    /// The impersonation score in [0, 1].
    pub score: f64,
    /// `rebrand`, `impersonation` or `none`.
    pub verdict: Verdict,
    /// The copy and impersonation sides the score combines.
    pub sides: Sides,
    /// The most telling evidence first (all of it with
    /// [`crate::scan::ScanConfig::evidence`] unbounded).
    pub evidence: Vec<Evidence>,
    /// The brand's page the suspect is closest to.
    pub legit_page: Option<String>,
    /// The suspect's page closest to it.
    pub suspect_page: Option<String>,
}

/// Counts over a whole scan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Suspects reported (read or not).
    pub suspects: usize,
    /// Pages fingerprinted.
    pub pages: usize,
    /// Suspects whose best brand's verdict is a copy.
    pub copies: usize,
    /// Suspects that could not be read.
    pub errors: usize,
    /// With `--new-since` ([`crate::scan::known::Known`]): findings the earlier run
    /// already had, not reported again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_findings: Option<usize>,
    /// With `--new-since`: findings reported as new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_findings: Option<usize>,
    /// Peak resident memory of the process, in bytes, where the system tells it
    /// ([`Summary::record_peak_memory`]; left out otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
}

/// The summary line `clonehound scan` prints on standard error.
///
/// ```
/// let summary = clonehound::scan::Summary { suspects: 3, pages: 5, copies: 1, ..Default::default() };
/// assert_eq!(summary.to_string(), "scanned 3 suspects (5 pages): 1 copies, 0 errors");
/// ```
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "scanned {} suspects ({} pages): {} copies, {} errors",
            self.suspects, self.pages, self.copies, self.errors
        )?;
        if let (Some(k), Some(n)) = (self.known_findings, self.new_findings) {
            write!(f, "; {n} new findings, {k} already known")?;
        }
        if let Some(b) = self.peak_memory_bytes {
            write!(f, "; peak memory {:.1} MiB", b as f64 / f64::from(1 << 20))?;
        }
        Ok(())
    }
}

impl Summary {
    /// Sets [`Summary::peak_memory_bytes`] to the process's peak resident memory so
    /// far, where the system tells it (Linux: `VmHWM` in `/proc/self/status`;
    /// elsewhere it stays unknown).
    ///
    /// ```
    /// let mut summary = clonehound::scan::Summary::default();
    /// summary.record_peak_memory();
    /// if cfg!(target_os = "linux") {
    ///     assert!(summary.peak_memory_bytes.is_some_and(|b| b > 0));
    /// }
    /// ```
    pub fn record_peak_memory(&mut self) {
        let status = std::fs::read_to_string("/proc/self/status").ok();
        self.peak_memory_bytes = status.as_deref().and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
    }

    /// The exit status of a scan, as virus scanners (clamscan) give it: 2 when a
    /// suspect could not be read, else 1 when a copy was found (with
    /// [`Summary::new_findings`] counted: a new finding), else 0.
    ///
    /// ```
    /// let summary = clonehound::scan::Summary { suspects: 3, copies: 1, ..Default::default() };
    /// assert_eq!(summary.exit_status(), 1);
    /// ```
    pub fn exit_status(&self) -> u8 {
        if self.errors > 0 {
            2
        } else if self.new_findings.unwrap_or(self.copies) > 0 {
            1
        } else {
            0
        }
    }

    /// Counts one more report.
    pub fn add(&mut self, report: &SuspectReport) {
        self.suspects += 1;
        self.pages += report.pages.unwrap_or(0);
        self.copies += usize::from(report.is_copy());
        self.errors += usize::from(report.error.is_some());
    }
}

/// A favicon's exact hashes, as threat-intelligence platforms search by them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaviconHashes {
    /// MurmurHash3 of the base64 bytes, as Shodan's `http.favicon.hash` (signed).
    pub mmh3: i32,
    /// MD5 of the bytes, hex.
    pub md5: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

impl SuspectReport {
    /// A suspect that could not be read.
    pub(super) fn failed(suspect: String, error: String) -> SuspectReport {
        SuspectReport {
            suspect,
            pages: None,
            matches: None,
            favicon: None,
            error: Some(error),
        }
    }

    /// A suspect read and queried: its matches as `all` and `evidence` ask.
    pub(super) fn found(
        suspect: String,
        pages: usize,
        favicon: Option<&crate::fingerprint::Favicon>,
        matches: Vec<Match>,
        all: bool,
        evidence: usize,
    ) -> SuspectReport {
        let shown = matches
            .into_iter()
            .filter(|m| all || m.comparison.verdict != Verdict::None)
            .map(|m| {
                let c = m.comparison;
                let mut evidence_shown = c.evidence;
                evidence_shown.truncate(evidence);
                MatchReport {
                    brand: c.brand.name,
                    domains: c.brand.domains,
                    score: c.score,
                    verdict: c.verdict,
                    sides: c.sides,
                    evidence: evidence_shown,
                    legit_page: c.legit_page,
                    suspect_page: c.suspect_page,
                }
            })
            .collect();
        SuspectReport {
            suspect,
            pages: Some(pages),
            matches: Some(shown),
            favicon: favicon.map(|f| FaviconHashes {
                mmh3: f.shodan,
                md5: f.md5.clone(),
                sha256: f.sha256.clone(),
            }),
            error: None,
        }
    }

    /// True when the suspect's best brand is a copy.
    pub fn is_copy(&self) -> bool {
        self.matches
            .as_ref()
            .and_then(|m| m.first())
            .is_some_and(|m| m.verdict != Verdict::None)
    }
}
