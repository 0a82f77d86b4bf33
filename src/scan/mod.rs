//! Scanning many suspects against an index: sources in, reports out, in input order.
//!
//! A [`Scanner`] reads its [`Source`]s on a thread of its own, hands each suspect to
//! rayon's pool as soon as there is room, and yields a [`SuspectReport`] per suspect in
//! the order the sources gave them. Room is bounded twice: by the bytes of the suspects
//! being fingerprinted ([`ScanConfig::max_batch_bytes`]) and by the number of suspects
//! read but not yet reported ([`ScanConfig::max_in_flight`]), so memory stays bounded
//! whatever the inputs hold, and no core waits for a batch to finish.

#[cfg(feature = "arrow")]
pub mod batch;
mod exchange;
pub mod feed;
pub mod known;
pub mod output;
mod pages;
mod report;
mod source;

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

#[cfg(feature = "arrow")]
pub use batch::batch_schema;
pub use pages::{FingerprintedPage, Fingerprints};
pub use report::{FaviconHashes, MatchReport, REPORT_VERSION, Summary, SuspectReport};
use source::Suspect;
pub use source::{InputKind, Source, crawl_sites, host_suspect};

use crate::{Index, Limits};

/// Settings of a scan.
///
/// ```
/// let config = clonehound::scan::ScanConfig { top: 1, ..Default::default() };
/// assert_eq!(config.evidence, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanConfig {
    /// Brands queried per suspect, best first (at least 1).
    ///
    /// # Default
    /// 3.
    pub top: usize,
    /// Pieces of evidence reported per match, the most telling first.
    ///
    /// # Default
    /// 3 (`usize::MAX` reports all).
    pub evidence: usize,
    /// Report the best brands of suspects that are not copies too.
    ///
    /// # Default
    /// `false`: a clean suspect is reported with no matches.
    pub all: bool,
    /// Limits on what a suspect's pages may hold.
    ///
    /// # Default
    /// [`Limits::default`].
    pub limits: Limits,
    /// Most bytes of suspects being read and fingerprinted at once (at least one
    /// suspect is). A file is charged its size, a site directory what one page may
    /// hold ([`Limits::max_page_bytes`]); a WARC file's pages are fingerprinted in
    /// batches of at most this many bytes.
    ///
    /// # Default
    /// 64 MiB.
    pub max_batch_bytes: usize,
    /// Most bytes of a WARC file's fingerprints waiting for the rest of their host's
    /// pages; past it, the host waiting longest is scanned as it is.
    ///
    /// # Default
    /// 256 MiB.
    pub max_pending_bytes: usize,
    /// Most suspects read but not yet reported (a slow suspect holds back the reports
    /// after it, to keep input order).
    ///
    /// # Default
    /// 512.
    pub max_in_flight: usize,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            top: 3,
            evidence: 3,
            all: false,
            limits: Limits::default(),
            max_batch_bytes: 64 << 20,
            max_pending_bytes: 256 << 20,
            max_in_flight: 512,
        }
    }
}

/// Scans suspects against an index.
///
/// ```
/// use clonehound::scan::{ScanConfig, Scanner, Source};
/// use clonehound::{Brand, Page, PageFingerprint, SiteFingerprint, Verdict, index::IndexBuilder};
/// let acme = Page::from_html("<title>Acme</title><h1>Acme</h1><p>Bridges and tunnels since 1952.</p>", Some("https://acme.com/"));
/// let mut builder = IndexBuilder::default();
/// builder.add(Brand::new("Acme", ["acme.com"]), SiteFingerprint::from_page(&acme, &Default::default()));
/// let scanner = Scanner::new(builder.build(), ScanConfig::default());
///
/// let phish = Page::from_html("<title>Acme</title><h1>Acme</h1><p>Bridges and tunnels since 1952.</p>
///     <form><input type=password></form>", Some("http://acme-login.example/"));
/// let reports: Vec<_> = scanner.scan([Source::Pages(Box::new([phish].into_iter()))]).collect();
/// assert_eq!(reports[0].suspect, "http://acme-login.example/");
/// assert!(reports[0].is_copy());
/// ```
#[derive(Clone, Debug)]
pub struct Scanner {
    index: Arc<Index>,
    config: ScanConfig,
}

impl Scanner {
    /// A scanner of `index` with `config`. A `top` of 0 is read as 1.
    pub fn new(index: impl Into<Arc<Index>>, config: ScanConfig) -> Scanner {
        let config = ScanConfig {
            top: config.top.max(1),
            max_in_flight: config.max_in_flight.max(1),
            ..config
        };
        Scanner {
            index: index.into(),
            config,
        }
    }

    /// The index scanned against.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Scans every suspect of `sources`, in parallel; the reports come back in input
    /// order. Dropping the iterator early stops the scan.
    pub fn scan<I>(&self, sources: I) -> Reports
    where
        I: IntoIterator<Item = Source>,
        I::IntoIter: Send + 'static,
    {
        let room = Arc::new(Room::default());
        let (tx, rx) = channel();
        let sources = sources.into_iter();
        let index = Arc::clone(&self.index);
        let config = self.config.clone();
        let producer_room = Arc::clone(&room);
        let producer = std::thread::Builder::new()
            .name("clonehound-scan-reader".into())
            .spawn(move || read_sources(sources, &index, &config, &producer_room, &tx))
            .ok();
        Reports {
            rx,
            waiting: BTreeMap::new(),
            next: 0,
            room,
            producer,
            summary: Summary::default(),
        }
    }
}

/// A scan's reports, in input order ([`Scanner::scan`]).
#[derive(Debug)]
pub struct Reports {
    rx: Receiver<(u64, SuspectReport)>,
    /// Reports that came back before an earlier one.
    waiting: BTreeMap<u64, SuspectReport>,
    next: u64,
    room: Arc<Room>,
    producer: Option<JoinHandle<()>>,
    summary: Summary,
}

impl Reports {
    /// Counts over the reports yielded so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
}

impl Iterator for Reports {
    type Item = SuspectReport;

    fn next(&mut self) -> Option<SuspectReport> {
        loop {
            if let Some(report) = self.waiting.remove(&self.next) {
                self.next += 1;
                self.room.reported();
                self.summary.add(&report);
                return Some(report);
            }
            let (seq, report) = self.rx.recv().ok()?;
            self.waiting.insert(seq, report);
        }
    }
}

impl Drop for Reports {
    fn drop(&mut self) {
        self.room.cancel();
        if let Some(producer) = self.producer.take() {
            // The reader ends once its suspects in flight are done; its panics were
            // already reported as errors of their suspects.
            let _ = producer.join();
        }
    }
}

/// Reads every source, handing each suspect to the pool when there is room.
fn read_sources(
    sources: impl Iterator<Item = Source>,
    index: &Arc<Index>,
    config: &ScanConfig,
    room: &Arc<Room>,
    tx: &Sender<(u64, SuspectReport)>,
) {
    let mut seq = 0u64;
    for source in sources {
        for suspect in source.suspects(config) {
            let cost = suspect.cost.min(config.max_batch_bytes);
            if !room.enter(cost, config) {
                return;
            }
            let (index, config, room, tx) = (
                Arc::clone(index),
                config.clone(),
                Arc::clone(room),
                tx.clone(),
            );
            rayon::spawn(move || {
                let report = scan_one(&index, suspect, &config);
                room.done(cost);
                // The receiver is gone only when the scan was dropped.
                let _ = tx.send((seq, report));
            });
            seq += 1;
        }
    }
}

/// Fingerprints and queries one suspect. A panic (a bug, never an input's doing by
/// design) is reported as the suspect's error, not carried into the pool.
fn scan_one(index: &Index, suspect: Suspect, config: &ScanConfig) -> SuspectReport {
    let name = suspect.name.clone();
    let run = std::panic::AssertUnwindSafe(|| {
        let (name, site) = suspect.site(config);
        let result = site.and_then(|site| {
            let matches = index.query(&site, config.top).map_err(|e| e.to_string())?;
            Ok((site, matches))
        });
        match result {
            Ok((site, matches)) => SuspectReport::found(
                name,
                site.pages.len(),
                site.favicon.as_ref(),
                matches,
                config.all,
                config.evidence,
            ),
            Err(error) => SuspectReport::failed(name, error),
        }
    });
    std::panic::catch_unwind(run)
        .unwrap_or_else(|_| SuspectReport::failed(name, "internal error (panic)".into()))
}

/// Room for suspects in flight: bytes being fingerprinted and suspects not yet
/// reported.
#[derive(Debug, Default)]
struct Room {
    state: Mutex<RoomState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct RoomState {
    bytes: usize,
    unreported: usize,
    cancelled: bool,
}

impl Room {
    /// Waits until a suspect of `cost` bytes fits; false when the scan was dropped.
    fn enter(&self, cost: usize, config: &ScanConfig) -> bool {
        let Ok(mut s) = self.state.lock() else {
            return false;
        };
        loop {
            if s.cancelled {
                return false;
            }
            let fits = s.unreported == 0
                || (s.unreported < config.max_in_flight
                    && s.bytes.saturating_add(cost) <= config.max_batch_bytes);
            if fits {
                s.bytes += cost;
                s.unreported += 1;
                return true;
            }
            match self.changed.wait(s) {
                Ok(guard) => s = guard,
                Err(_) => return false,
            }
        }
    }

    /// A suspect's fingerprinting is over: its bytes are free.
    fn done(&self, cost: usize) {
        if let Ok(mut s) = self.state.lock() {
            s.bytes -= cost;
        }
        self.changed.notify_all();
    }

    /// A suspect was reported.
    fn reported(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.unreported -= 1;
        }
        self.changed.notify_all();
    }

    fn cancel(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.cancelled = true;
        }
        self.changed.notify_all();
    }
}
