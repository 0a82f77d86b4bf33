//! Every page of a source, fingerprinted one by one: what `clonehound fingerprint`
//! writes, for a pipeline that stores or exchanges fingerprints rather than scanning.

use std::path::PathBuf;

use super::source::{InputKind, Source, crawl_sites};
use crate::fingerprint::{Favicon, PageFingerprint, Site, SiteFingerprint};
use crate::input::Page;
use crate::scan::feed::{open_json_lines, open_warc, stdin_json_lines};
use crate::{Error, Limits, Result};

/// One page of a [`Source`] with its fingerprint, as [`Source::fingerprints`] gives it.
#[derive(Clone, Debug)]
pub struct FingerprintedPage {
    /// The page as read.
    pub page: Page,
    /// Its fingerprint.
    pub fingerprint: PageFingerprint,
    /// The favicon of the site directory it was read from (pages read one at a time,
    /// from WARC or JSON Lines, have none).
    pub favicon: Option<Favicon>,
}

/// The pages of one input, each named by the input it came from.
pub type Fingerprints = Box<dyn Iterator<Item = (String, Result<FingerprintedPage>)> + Send>;

impl Source {
    /// Every page this source holds, fingerprinted, in input order, each with the name
    /// of the input it came from (the file, site directory or WARC file; a page of
    /// [`Source::Pages`] by its URL or `page N`).
    ///
    /// Unlike a scan, which groups a WARC file's pages into one suspect per host, this
    /// gives them one by one as the file holds them. A site directory is fingerprinted
    /// as a site, so its pages come with the site's favicon. An input that cannot be
    /// read gives one error; a bad page within it gives one error and the rest go on.
    ///
    /// ```
    /// use clonehound::scan::Source;
    /// let page = clonehound::Page::from_html("<title>Acme</title>", None);
    /// let source = Source::Pages(Box::new(vec![page].into_iter()));
    /// let fingerprints: Vec<_> = source.fingerprints(&Default::default()).collect();
    /// assert_eq!(fingerprints.len(), 1);
    /// assert_eq!(fingerprints[0].0, "page 1");
    /// assert!(fingerprints[0].1.is_ok());
    /// ```
    pub fn fingerprints(self, limits: &Limits) -> Fingerprints {
        let limits = limits.clone();
        let path = match self {
            Source::Pages(pages) => {
                return Box::new(pages.enumerate().map(move |(i, page)| {
                    let name = page
                        .url
                        .clone()
                        .unwrap_or_else(|| format!("page {}", i + 1));
                    (name, Ok(one_page(page, &limits)))
                }));
            }
            Source::Path(path) => path,
        };
        let name = path.display().to_string();
        match InputKind::of(&path) {
            InputKind::Stdin => one_by_one(name, stdin_json_lines(&limits), limits),
            InputKind::JsonLines => match open_json_lines(&path, &limits) {
                Ok(lines) => one_by_one(name, lines, limits),
                Err(e) => Box::new(std::iter::once((name, Err(e)))),
            },
            InputKind::Warc => match open_warc(&path, &limits) {
                Ok(records) => one_by_one(name, records, limits),
                Err(e) => Box::new(std::iter::once((name, Err(e)))),
            },
            InputKind::Crawl => {
                let sites = crawl_sites(&path).unwrap_or_default();
                Box::new(
                    sites
                        .into_iter()
                        .flat_map(move |site| site_pages(site, &limits)),
                )
            }
            InputKind::Site => Box::new(site_pages(path, &limits).into_iter()),
        }
    }
}

fn one_page(page: Page, limits: &Limits) -> FingerprintedPage {
    FingerprintedPage {
        fingerprint: PageFingerprint::new(&page, limits),
        page,
        favicon: None,
    }
}

/// Pages read one at a time (WARC, JSON Lines), fingerprinted as they come.
fn one_by_one(
    name: String,
    pages: impl Iterator<Item = Result<Page>> + Send + 'static,
    limits: Limits,
) -> Fingerprints {
    Box::new(pages.map(move |page| (name.clone(), page.map(|p| one_page(p, &limits)))))
}

/// A site directory's pages, fingerprinted together with the site's favicon.
fn site_pages(path: PathBuf, limits: &Limits) -> Vec<(String, Result<FingerprintedPage>)> {
    let name = path.display().to_string();
    let site = match Site::from_path(&path, limits) {
        Ok(site) => site,
        Err(e) => return vec![(name, Err::<FingerprintedPage, Error>(e))],
    };
    let SiteFingerprint { pages, favicon, .. } = SiteFingerprint::from_site(&site, limits);
    site.pages
        .into_iter()
        .zip(pages)
        .map(|(page, fingerprint)| {
            let favicon = favicon.clone();
            let page = FingerprintedPage {
                page,
                fingerprint,
                favicon,
            };
            (name.clone(), Ok(page))
        })
        .collect()
}
