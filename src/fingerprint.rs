//! Page and site fingerprints: compact, serialisable, versioned, deterministic.
//!
//! A [`PageFingerprint`] holds one page's signals ([`Identity`], [`Text`], [`Assets`],
//! [`Marks`], a [`Favicon`] and the structure and style [`Sketch`]es); a
//! [`SiteFingerprint`] holds a site's pages. Both serialise to JSON stamped with
//! [`FORMAT_VERSION`].

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::parse::extract;
use crate::signals::favicon::discover::{self, PageLinks};
use crate::urls::host_of;
use crate::{Error, Limits, Page, Result};

pub use crate::input::Site;
pub use crate::signals::assets::Assets;
pub use crate::signals::favicon::{self, Favicon};
pub use crate::signals::identity::{Identity, Zones};
pub use crate::signals::marks::Marks;
pub use crate::signals::text::{Text, text_shingles};
pub use crate::sketch::Sketch;

/// Version of the serialised fingerprint format. Fingerprints of another version are
/// refused by [`PageFingerprint::from_json`] and [`SiteFingerprint::from_json`].
pub const FORMAT_VERSION: u32 = 9;

/// Fewest distinct visible words a page needs to count as having content
/// ([`PageFingerprint::near_empty`]).
pub const NEAR_EMPTY_WORDS: u32 = 16;

/// Hashes kept per bottom-k sketch of a fingerprint.
///
/// ```
/// assert_eq!(clonehound::fingerprint::SKETCH_K, 128);
/// ```
pub const SKETCH_K: usize = 128;

/// The shape of a page's forms: login pages are what phishing copies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forms {
    /// `<form>` elements.
    pub forms: u32,
    /// `<input>` elements.
    pub inputs: u32,
    /// `<input type=password>` elements.
    pub passwords: u32,
}

/// Everything clonehound compares about one page.
///
/// Built from one tokenizer pass. The sketches (`structure`, `style`, `text`) are what
/// an index stores; the lists (`assets`, `identity`) are kept for evidence.
///
/// ```
/// use clonehound::{Limits, Page, PageFingerprint};
/// let page = Page::from_html("<title>Acme</title><p class=lead>Hello</p>", None);
/// let fp = PageFingerprint::new(&page, &Limits::default());
/// assert_eq!(fp.identity.title, "Acme");
/// let json = fp.to_json()?;
/// assert_eq!(PageFingerprint::from_json(&json)?, fp);
/// Ok::<(), clonehound::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageFingerprint {
    /// [`FORMAT_VERSION`] of the code that made it.
    pub version: u32,
    /// The URL the page was found at, if known ([`Page::url`]).
    pub url: Option<String>,
    /// The page's path inside its site directory, if read from one ([`Page::path`]).
    pub path: Option<String>,
    /// True when a [`Limits`] bound cut the reading short.
    pub truncated: bool,
    /// DOM shape: tag paths and tag 4-grams.
    pub structure: Sketch,
    /// Class and id tokens.
    pub style: Sketch,
    /// Visible text.
    pub text: Text,
    /// Resources, hosts, analytics IDs, form actions, links.
    pub assets: Assets,
    /// Names, domains, contacts, copyright.
    pub identity: Identity,
    /// Form shape.
    pub forms: Forms,
    /// `(rel, href)` of the page's icon links (`icon`, `shortcut icon`,
    /// `apple-touch-icon`, `mask-icon`), in page order.
    pub icons: Vec<(String, String)>,
    /// Logos: inline SVG geometry and logo image sources.
    pub marks: Marks,
}

impl PageFingerprint {
    /// True for a page with almost nothing on it: fewer than [`NEAR_EMPTY_WORDS`]
    /// distinct visible words, no form field and no logo. Blank pages, "coming soon"
    /// and parking stubs, bare redirects and empty application shells are alike in what
    /// they lack, which is no evidence that one copies another: such a suspect never
    /// matches on its content (the copy side is capped at
    /// [`crate::compare::model::NEAR_EMPTY_COPY`]), and such a brand page names no one
    /// (its title is a placeholder, not the brand's name).
    ///
    /// ```
    /// use clonehound::{Limits, Page, PageFingerprint};
    /// let fp = |h: &str| PageFingerprint::new(&Page::from_html(h, None), &Limits::default());
    /// assert!(fp("<title>Coming soon</title><h1>Coming soon</h1>").near_empty());
    /// assert!(!fp("<form><input name=user><input type=password></form>").near_empty());
    /// ```
    pub fn near_empty(&self) -> bool {
        self.text.words.len < NEAR_EMPTY_WORDS
            && self.forms.inputs == 0
            && self.marks.svg_logos.is_empty()
            && self.marks.logo_images.is_empty()
    }

    /// Fingerprints a page. Never fails: a page too hostile to read whole is read
    /// up to the limits and flagged `truncated`.
    pub fn new(page: &Page, limits: &Limits) -> PageFingerprint {
        let (e, streamed) = extract(&page.html, limits, SKETCH_K);
        let own_host = page.url.as_deref().and_then(host_of);
        let icons = e
            .links
            .iter()
            .filter(|(rel, _)| rel.split_whitespace().any(|r| r.contains("icon")))
            .cloned()
            .collect();
        PageFingerprint {
            version: FORMAT_VERSION,
            url: page.url.clone(),
            path: page.path.clone(),
            truncated: e.truncated,
            structure: streamed.structure.finish(),
            style: streamed.style.finish(),
            text: Text::build(&e.body, &e.title, SKETCH_K),
            assets: Assets::build(&e, own_host.as_deref(), limits.max_items),
            identity: Identity::build(&e, page.url.as_deref(), limits.max_items),
            forms: Forms {
                forms: e.forms as u32,
                inputs: e.inputs as u32,
                passwords: e.password_inputs as u32,
            },
            icons,
            marks: Marks {
                svg_logos: e.svg_logos.clone(),
                logo_images: e.logo_images.clone(),
            },
        }
    }

    /// Serialises to JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Invalid(e.to_string()))
    }

    /// Reads a fingerprint from JSON, refusing other format versions with
    /// [`Error::Format`].
    pub fn from_json(json: &str) -> Result<PageFingerprint> {
        check_version(json)?;
        serde_json::from_str(json).map_err(|e| Error::Decode {
            what: "page fingerprint",
            reason: e.to_string(),
        })
    }
}

/// A site: the fingerprints of its pages, in input order.
///
/// ```
/// use clonehound::{Limits, Page, PageFingerprint, SiteFingerprint};
/// let pages = ["<p>home</p>", "<p>about</p>"].map(|h| PageFingerprint::new(&Page::from_html(h, None), &Limits::default()));
/// let site = SiteFingerprint::from_pages(pages.to_vec());
/// assert_eq!(site.pages.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteFingerprint {
    /// [`FORMAT_VERSION`] of the code that made it.
    pub version: u32,
    /// One fingerprint per page.
    pub pages: Vec<PageFingerprint>,
    /// The site's favicon, with the icon chosen and why.
    pub favicon: Option<Favicon>,
    /// Why there is no favicon, or no decoded one (the other signals still count).
    pub favicon_note: Option<String>,
    /// Logo image files the site holds (its pages' logo images found inside the site
    /// directory), hashed as favicons are, at most four.
    pub logos: Vec<Favicon>,
}

impl SiteFingerprint {
    /// A site from page fingerprints.
    pub fn from_pages(pages: Vec<PageFingerprint>) -> SiteFingerprint {
        SiteFingerprint {
            version: FORMAT_VERSION,
            pages,
            favicon: None,
            favicon_note: None,
            logos: Vec::new(),
        }
    }

    /// A one-page site: `page` fingerprinted (no favicon: a lone page has no site
    /// directory to find one in).
    ///
    /// ```
    /// use clonehound::{Limits, Page, SiteFingerprint};
    /// let page = Page::from_html("<title>Acme</title>", Some("https://acme.com/"));
    /// let site = SiteFingerprint::from_page(&page, &Limits::default());
    /// assert_eq!(site.pages.len(), 1);
    /// ```
    pub fn from_page(page: &Page, limits: &Limits) -> SiteFingerprint {
        SiteFingerprint::from_pages(vec![PageFingerprint::new(page, limits)])
    }

    /// Fingerprints every page of a [`Site`], in parallel, keeping page order, and
    /// finds its favicon (declared icon links, then `/favicon.ico`).
    pub fn from_site(site: &Site, limits: &Limits) -> SiteFingerprint {
        let pages: Vec<PageFingerprint> = site
            .pages
            .par_iter()
            .map(|p| PageFingerprint::new(p, limits))
            .collect();
        SiteFingerprint::with_favicon(pages, site.root.as_deref(), limits)
    }

    fn with_favicon(
        pages: Vec<PageFingerprint>,
        root: Option<&Path>,
        limits: &Limits,
    ) -> SiteFingerprint {
        // Canonicalised once: every icon and logo is resolved and checked against it.
        let real_root = root.and_then(|r| r.canonicalize().ok());
        let root = real_root.as_deref();
        let links: Vec<PageLinks> = pages
            .iter()
            .map(|p| PageLinks {
                path: p.path.as_deref(),
                url: p.url.as_deref(),
                icons: &p.icons,
                logo_images: &p.marks.logo_images,
            })
            .collect();
        let (favicon, favicon_note) = discover::site_favicon(root, &links, limits);
        let logos = discover::site_logos(root, &links, limits);
        SiteFingerprint {
            favicon,
            favicon_note,
            logos,
            ..SiteFingerprint::from_pages(pages)
        }
    }

    /// Reads and fingerprints an HTML file or a site directory.
    ///
    /// ```no_run
    /// let site = clonehound::SiteFingerprint::from_path("corpus/sites/x", &Default::default())?;
    /// Ok::<(), clonehound::Error>(())
    /// ```
    ///
    /// A directory is read as [`Site::from_path`] reads it, but one page at a time per
    /// thread: each page's text is dropped once it is fingerprinted, so memory follows
    /// the largest page, not the whole site.
    pub fn from_path(path: impl AsRef<Path>, limits: &Limits) -> Result<SiteFingerprint> {
        let path = path.as_ref();
        if !path.is_dir() {
            return Ok(SiteFingerprint::from_site(
                &Site::from_path(path, limits)?,
                limits,
            ));
        }
        let pages = crate::input::site_files(path, limits)?
            .par_iter()
            .map(|file| Ok(PageFingerprint::new(&file.read(limits)?, limits)))
            .collect::<Result<Vec<_>>>()?;
        Ok(SiteFingerprint::with_favicon(pages, Some(path), limits))
    }

    /// Serialises to JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Invalid(e.to_string()))
    }

    /// Reads a site fingerprint from JSON, refusing other format versions.
    pub fn from_json(json: &str) -> Result<SiteFingerprint> {
        check_version(json)?;
        serde_json::from_str(json).map_err(|e| Error::Decode {
            what: "site fingerprint",
            reason: e.to_string(),
        })
    }
}

fn check_version(json: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct Versioned {
        version: u32,
    }
    let v: Versioned = serde_json::from_str(json).map_err(|e| Error::Decode {
        what: "fingerprint version",
        reason: e.to_string(),
    })?;
    if v.version != FORMAT_VERSION {
        return Err(Error::Format {
            found: v.version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(())
}

/// The favicon of `path`: an icon file's own, or, for an HTML page or a site directory,
/// the favicon its pages link to (an error saying why when there is none).
///
/// ```
/// use clonehound::{Limits, fingerprint::favicon_of};
/// let dir = std::env::temp_dir().join("clonehound-doc-favicon-of");
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("index.html"), "<title>No icon here</title>")?;
/// assert!(favicon_of(&dir, &Limits::default()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn favicon_of(path: impl AsRef<Path>, limits: &Limits) -> Result<Favicon> {
    let path = path.as_ref();
    if !(path.is_dir() || crate::input::is_html_name(path)) {
        return Favicon::from_path(path, limits);
    }
    let site = SiteFingerprint::from_path(path, limits)?;
    site.favicon.ok_or_else(|| {
        Error::Favicon(format!(
            "no favicon: {}",
            site.favicon_note.unwrap_or_default()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn future_versions_are_refused() {
        let page = Page::from_html("<p>x</p>", None);
        let json = PageFingerprint::new(&page, &Limits::default())
            .to_json()
            .unwrap();
        let future = json.replacen(
            &format!("\"version\":{FORMAT_VERSION}"),
            "\"version\":99",
            1,
        );
        let err = PageFingerprint::from_json(&future).unwrap_err();
        assert!(matches!(
            err,
            Error::Format {
                found: 99,
                supported: FORMAT_VERSION
            }
        ));
        assert!(matches!(
            PageFingerprint::from_json("{}"),
            Err(Error::Decode { .. })
        ));
    }
}
