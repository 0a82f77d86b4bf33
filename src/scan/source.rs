//! Where suspects come from: one dispatch for every input a scan reads, each input
//! yielding suspects as an iterator, so a scan holds only what is in flight.

use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::ScanConfig;
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::input::{Page, is_html_name};
use crate::scan::feed::{JsonLinesReader, open_json_lines, open_warc, stdin_json_lines};
use crate::urls::host_of;

/// Most pages read from a WARC file before they are fingerprinted together.
const WARC_BATCH: usize = 512;

/// What one page's fingerprint is charged while it waits, besides its page's bytes: a
/// fingerprint holds fixed-size sketches (a few KiB) and lists cut from the page, so
/// it is never larger than this plus its page.
const FINGERPRINT_BYTES: usize = 16 << 10;

/// Where a scan reads suspects from.
///
/// ```
/// use clonehound::scan::Source;
/// let from_path = Source::from("crawl/");
/// let from_pages = Source::Pages(Box::new(
///     vec![clonehound::Page::from_html("<title>Acme</title>", Some("http://acme.example/"))]
///         .into_iter(),
/// ));
/// # let _ = (from_path, from_pages);
/// ```
pub enum Source {
    /// A path, read by what it is:
    /// - an HTML file (`.html`, `.htm`, `.xhtml`, `.shtml`): one suspect;
    /// - a site directory (HTML files at its top or below): one suspect;
    /// - a directory with no HTML file of its own whose entries are site directories
    ///   (a crawl's output): one suspect per site, in name order;
    /// - a WARC file (`.warc`, `.warc.gz`): one suspect per host, in order of first
    ///   appearance; a host with more pages than a site may hold
    ///   ([`crate::Limits::max_site_pages`]), or waiting when
    ///   [`ScanConfig::max_pending_bytes`] is full, goes on as a further part
    ///   (`FILE#HOST#part2`);
    /// - a JSON Lines file (`.jsonl`, `.ndjson`, one `{"url": …, "html": …}` a line):
    ///   one suspect per line, named by its URL or `FILE:LINE`;
    /// - `-`: JSON Lines on standard input.
    ///
    /// Anything else is read as an HTML file, and fails as a suspect if it is not one.
    Path(PathBuf),
    /// Pages from elsewhere (a crawler, a queue): one suspect each, named by its URL or
    /// `page N` (from 1).
    Pages(Box<dyn Iterator<Item = Page> + Send>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Source::Pages(_) => f.write_str("Pages(..)"),
        }
    }
}

impl<P: AsRef<Path>> From<P> for Source {
    fn from(path: P) -> Source {
        Source::Path(path.as_ref().to_owned())
    }
}

/// One suspect waiting to be fingerprinted and queried.
pub(super) struct Suspect {
    pub(super) name: String,
    pub(super) work: Work,
    /// Bytes it holds or may hold while in flight.
    pub(super) cost: usize,
}

pub(super) enum Work {
    /// A file or site directory, read and fingerprinted by the worker.
    Path(PathBuf),
    Page(Page),
    Pages(Vec<PageFingerprint>),
    /// A site's pages, fingerprinted in parallel by the worker.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    Site(Vec<Page>),
    Failed(String),
}

impl Suspect {
    fn failed(name: String, error: impl ToString) -> Suspect {
        Suspect {
            name,
            work: Work::Failed(error.to_string()),
            cost: 0,
        }
    }

    fn page(name: String, page: Page) -> Suspect {
        let cost = page.html.len() + name.len();
        Suspect {
            name,
            work: Work::Page(page),
            cost,
        }
    }

    /// A file or site directory. A file is charged its size; a site directory what a
    /// page may cost, as its pages are fingerprinted one at a time.
    fn path(path: PathBuf, config: &ScanConfig) -> Suspect {
        let page_limit = usize::try_from(config.limits.max_page_bytes).unwrap_or(usize::MAX);
        let cost = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                usize::try_from(m.len()).map_or(page_limit, |n| n.min(page_limit))
            }
            _ => page_limit,
        };
        Suspect {
            name: path.display().to_string(),
            work: Work::Path(path),
            cost,
        }
    }

    /// Fingerprints what is not fingerprinted yet.
    pub(super) fn site(self, config: &ScanConfig) -> (String, Result<SiteFingerprint, String>) {
        let site = match self.work {
            Work::Path(path) => {
                SiteFingerprint::from_path(&path, &config.limits).map_err(|e| e.to_string())
            }
            Work::Page(page) => Ok(SiteFingerprint::from_page(&page, &config.limits)),
            Work::Pages(pages) => Ok(SiteFingerprint::from_pages(pages)),
            Work::Site(pages) => Ok(SiteFingerprint::from_pages(
                pages
                    .par_iter()
                    .map(|p| PageFingerprint::new(p, &config.limits))
                    .collect(),
            )),
            Work::Failed(error) => Err(error),
        };
        (self.name, site)
    }
}

type Suspects = Box<dyn Iterator<Item = Suspect> + Send>;

impl Source {
    /// The suspects this source yields: the one dispatch on what an input is.
    pub(super) fn suspects(self, config: &ScanConfig) -> Suspects {
        let path = match self {
            Source::Pages(pages) => {
                return Box::new(pages.enumerate().map(|(i, page)| {
                    let name = page
                        .url
                        .clone()
                        .unwrap_or_else(|| format!("page {}", i + 1));
                    Suspect::page(name, page)
                }));
            }
            Source::Path(path) => path,
        };
        let name = path.display().to_string();
        match InputKind::of(&path) {
            InputKind::Stdin => json_lines(name, stdin_json_lines(&config.limits)),
            InputKind::JsonLines => match open_json_lines(&path, &config.limits) {
                Ok(lines) => json_lines(name, lines),
                Err(e) => one(Suspect::failed(name, e)),
            },
            InputKind::Warc => match open_warc(&path, &config.limits) {
                Ok(reader) => Box::new(WarcSuspects::new(name, Box::new(reader), config)),
                Err(e) => one(Suspect::failed(name, e)),
            },
            InputKind::Crawl => {
                let config = config.clone();
                let sites = crawl_sites(&path).unwrap_or_default();
                Box::new(
                    sites
                        .into_iter()
                        .map(move |site| Suspect::path(site, &config)),
                )
            }
            InputKind::Site => one(Suspect::path(path, config)),
        }
    }
}

/// What an input path holds, by the one rule every command reads inputs by (see
/// [`Source::Path`]).
///
/// ```
/// use clonehound::scan::InputKind;
/// assert_eq!(InputKind::of("crawl.warc.gz".as_ref()), InputKind::Warc);
/// assert_eq!(InputKind::of("pages.JSONL".as_ref()), InputKind::JsonLines);
/// assert_eq!(InputKind::of("-".as_ref()), InputKind::Stdin);
/// assert_eq!(InputKind::of("page.html".as_ref()), InputKind::Site);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// `-`: JSON Lines on standard input.
    Stdin,
    /// A `.jsonl` or `.ndjson` file.
    JsonLines,
    /// A `.warc` or `.warc.gz` file.
    Warc,
    /// A directory of site directories, with no HTML file of its own.
    Crawl,
    /// An HTML file or a site directory (anything else is read as an HTML file).
    Site,
}

impl InputKind {
    /// What `path` holds. Only a directory is looked at on disk.
    pub fn of(path: &Path) -> InputKind {
        let lower = path.to_string_lossy().to_ascii_lowercase();
        if path.as_os_str() == "-" {
            InputKind::Stdin
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            InputKind::JsonLines
        } else if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
            InputKind::Warc
        } else if path.is_dir() && crawl_sites(path).is_some() {
            InputKind::Crawl
        } else {
            InputKind::Site
        }
    }
}

fn one(suspect: Suspect) -> Suspects {
    Box::new(std::iter::once(suspect))
}

fn json_lines<R: BufRead + Send + 'static>(
    name: String,
    mut lines: JsonLinesReader<R>,
) -> Suspects {
    Box::new(std::iter::from_fn(move || {
        let page = lines.next()?;
        let line = lines.line();
        Some(match page {
            Ok(page) => {
                let suspect = page.url.clone().unwrap_or_else(|| format!("{name}:{line}"));
                Suspect::page(suspect, page)
            }
            Err(e) => Suspect::failed(format!("{name}:{line}"), e),
        })
    }))
}

/// The site directories of a crawl's output ([`InputKind::Crawl`]): a directory with
/// no HTML file of its own and at least one subdirectory, in name order. `None` for
/// anything else (a site directory, a file).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("clonehound-crawl-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("b.example"))?;
/// std::fs::create_dir_all(dir.join("a.example"))?;
/// let sites = clonehound::scan::crawl_sites(&dir).unwrap_or_default();
/// assert_eq!(sites, [dir.join("a.example"), dir.join("b.example")]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn crawl_sites(path: &Path) -> Option<Vec<PathBuf>> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(path).ok()?.flatten().collect();
    let mut sites = Vec::new();
    for entry in entries {
        let p = entry.path();
        if p.is_dir() {
            sites.push(p);
        } else if is_html_name(&p) {
            return None;
        }
    }
    sites.sort();
    (!sites.is_empty()).then_some(sites)
}

/// A WARC file's pages, fingerprinted in parallel batches and grouped by host.
///
/// Memory is bounded whatever the file holds: pages wait to be fingerprinted in
/// batches of at most [`ScanConfig::max_batch_bytes`], and fingerprints wait for the
/// rest of their host's pages within [`ScanConfig::max_pending_bytes`]. No page is
/// dropped.
struct WarcSuspects {
    name: String,
    reader: Option<Box<dyn Iterator<Item = crate::Result<Page>> + Send>>,
    config: ScanConfig,
    grouper: Grouper,
    ready: VecDeque<Suspect>,
}

impl WarcSuspects {
    fn new(
        name: String,
        reader: Box<dyn Iterator<Item = crate::Result<Page>> + Send>,
        config: &ScanConfig,
    ) -> WarcSuspects {
        WarcSuspects {
            grouper: Grouper::new(name.clone()),
            name,
            reader: Some(reader),
            config: config.clone(),
            ready: VecDeque::new(),
        }
    }

    /// Reads the next batch of pages, fingerprints it and files it by host; at the end
    /// of the file, every host still waiting is made a suspect.
    fn fill(&mut self) {
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let (mut pending, mut bytes) = (Vec::new(), 0);
        for page in reader.by_ref() {
            match page {
                Ok(p) => {
                    bytes += p.html.len() + p.url.as_ref().map_or(0, String::len);
                    pending.push(p);
                }
                Err(e) => self.ready.push_back(Suspect::failed(self.name.clone(), e)),
            }
            if pending.len() >= WARC_BATCH || bytes >= self.config.max_batch_bytes {
                self.group(pending);
                return;
            }
        }
        self.group(pending);
        self.reader = None;
        while let Some(host) = self.grouper.order.pop_front() {
            self.ready.extend(self.grouper.flush(&host));
        }
    }

    fn group(&mut self, pending: Vec<Page>) {
        let limits = &self.config.limits;
        let fps: Vec<(PageFingerprint, usize)> = pending
            .into_par_iter()
            .map(|page| {
                let fp = PageFingerprint::new(&page, limits);
                (fp, FINGERPRINT_BYTES + page.html.len())
            })
            .collect();
        for (fp, bytes) in fps {
            // The host's key is its suspect name's `#HOST` ending (the file's name is
            // put before it when the host is flushed).
            let host = host_suspect("", fp.url.as_deref());
            let g = &mut self.grouper;
            if g.hosts
                .get(&host)
                .is_some_and(|g| g.pages.len() >= self.config.limits.max_site_pages)
            {
                g.order.retain(|h| *h != host);
                self.ready.extend(g.flush(&host));
            }
            g.add(host, fp, bytes);
            while g.bytes > self.config.max_pending_bytes {
                let Some(oldest) = g.order.pop_front() else {
                    break;
                };
                self.ready.extend(g.flush(&oldest));
            }
        }
    }
}

impl Iterator for WarcSuspects {
    type Item = Suspect;

    fn next(&mut self) -> Option<Suspect> {
        while self.ready.is_empty() && self.reader.is_some() {
            self.fill();
        }
        self.ready.pop_front()
    }
}

/// The suspect a WARC file's page is scanned as: `FILE#HOST`, its URL's host in lower
/// case without `www.`, or `FILE#(no host)`. A later part of a host too large for one
/// suspect adds `#partN`. A job that reads WARC files itself names its `site` rows by
/// this to match `clonehound scan` ([`Scanner::scan_batch`](super::Scanner)).
///
/// ```
/// use clonehound::scan::host_suspect;
/// assert_eq!(host_suspect("crawl.warc.gz", Some("https://WWW.Acme.com/login")), "crawl.warc.gz#acme.com");
/// assert_eq!(host_suspect("crawl.warc.gz", None), "crawl.warc.gz#(no host)");
/// ```
pub fn host_suspect(file: &str, url: Option<&str>) -> String {
    let host = url.and_then(host_of);
    format!("{file}#{}", host.as_deref().unwrap_or("(no host)"))
}

/// One host's pages of a WARC file, waiting to be scanned together.
struct HostGroup {
    pages: Vec<PageFingerprint>,
    bytes: usize,
    /// Which part of the host's pages this is (from 1).
    part: usize,
}

/// A WARC file's fingerprints waiting for the rest of their host's pages.
struct Grouper {
    name: String,
    /// Hosts waiting, the longest-waiting first.
    order: VecDeque<String>,
    hosts: HashMap<String, HostGroup>,
    /// Parts already scanned per host.
    parts: HashMap<String, usize>,
    bytes: usize,
}

impl Grouper {
    fn new(name: String) -> Grouper {
        Grouper {
            name,
            order: VecDeque::new(),
            hosts: HashMap::new(),
            parts: HashMap::new(),
            bytes: 0,
        }
    }

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

    /// A host's waiting pages as one suspect.
    fn flush(&mut self, host: &str) -> Option<Suspect> {
        let group = self.hosts.remove(host)?;
        self.bytes -= group.bytes;
        self.parts.insert(host.to_owned(), group.part);
        let name = match group.part {
            1 => format!("{}{host}", self.name),
            n => format!("{}{host}#part{n}", self.name),
        };
        Some(Suspect {
            name,
            work: Work::Pages(group.pages),
            cost: group.bytes,
        })
    }
}
