//! dnstwist's page similarity, as the baseline every detector must beat: ssdeep and
//! TLSH over HTML normalised the way dnstwist does it (whitespace collapsed, `href`,
//! `src` and `action` values and `url()` contents blanked).

use std::sync::LazyLock;

use clonehound::fingerprint::Favicon;
use clonehound::{Page, PageFingerprint};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};

static ATTRS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(href|src|action)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#).ok());
static CSS_URL: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?i)url\([^)]*\)").ok());
static SPACE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\s+").ok());

/// HTML normalised as dnstwist does before fuzzy hashing.
pub fn normalize_html(html: &str) -> String {
    let mut s = html.to_owned();
    if let Some(re) = ATTRS.as_ref() {
        s = re.replace_all(&s, "$1=\"\"").into_owned();
    }
    if let Some(re) = CSS_URL.as_ref() {
        s = re.replace_all(&s, "url()").into_owned();
    }
    if let Some(re) = SPACE.as_ref() {
        s = re.replace_all(&s, " ").into_owned();
    }
    s.trim().to_owned()
}

/// The ssdeep and TLSH digests of one page's normalised HTML (`None` where the
/// algorithm refuses the input, e.g. TLSH below 50 bytes).
#[derive(Clone, Debug, Default)]
pub struct Digests {
    /// ssdeep (via the pure-Rust `ffuzzy`).
    pub ssdeep: Option<String>,
    /// TLSH `T1…` (via `fast-tlsh`).
    pub tlsh: Option<String>,
}

impl Digests {
    /// Digests of a page's HTML, normalised first.
    pub fn of(html: &str) -> Digests {
        Digests::of_bytes(normalize_html(html).as_bytes())
    }

    /// Digests of bytes as they are, as malware and page-hash databases store them.
    ///
    /// ```
    /// let d = clonehound_eval::Digests::of_bytes(&b"<p>a page long enough for TLSH to accept it, with some variety of bytes 0123456789</p>".repeat(4));
    /// assert!(d.tlsh.is_some_and(|t| t.starts_with("T1")));
    /// assert!(d.ssdeep.is_some());
    /// ```
    pub fn of_bytes(bytes: &[u8]) -> Digests {
        Digests {
            ssdeep: ssdeep::hash_buf(bytes).ok().map(|h| h.to_string()),
            tlsh: tlsh::hash_buf(bytes).ok().map(|h| h.to_string()),
        }
    }

    /// ssdeep match score in [0, 1].
    pub fn ssdeep_similarity(&self, other: &Digests) -> f64 {
        match (&self.ssdeep, &other.ssdeep) {
            (Some(a), Some(b)) => ssdeep::compare(a, b).map_or(0.0, |s| f64::from(s) / 100.0),
            _ => 0.0,
        }
    }

    /// TLSH similarity in [0, 1]: `(100 - min(diff, 300) / 3) / 100`, as dnstwist scores it.
    pub fn tlsh_similarity(&self, other: &Digests) -> f64 {
        match (&self.tlsh, &other.tlsh) {
            (Some(a), Some(b)) => {
                tlsh::compare(a, b).map_or(0.0, |d| (100.0 - f64::from(d.min(300)) / 3.0) / 100.0)
            }
            _ => 0.0,
        }
    }
}

/// One line of `clonehound fingerprint`: a page's fingerprint with the pivots other
/// tools search by (SHA-256 of the HTML, TLSH and ssdeep of its bytes, the favicon's
/// Shodan, MD5, SHA-256 and perceptual hashes).
///
/// ```
/// use clonehound::{Limits, Page, PageFingerprint};
/// let page = Page::from_html("<title>Acme</title>", Some("https://acme.com/"));
/// let fp = PageFingerprint::new(&page, &Limits::default());
/// let record = clonehound_eval::PageRecord::new("acme.html", &page, &fp, None);
/// assert_eq!(record.sha256.len(), 64);
/// ```
#[derive(Debug, Serialize)]
pub struct PageRecord<'a> {
    /// The input the page came from.
    pub input: &'a str,
    /// The page's URL, when known.
    pub url: Option<&'a str>,
    /// SHA-256 of the page's HTML as UTF-8 (the body itself for UTF-8 pages).
    pub sha256: String,
    /// TLSH of the same bytes.
    pub tlsh: Option<String>,
    /// ssdeep of the same bytes.
    pub ssdeep: Option<String>,
    /// The site's favicon pivots: `shodan`, `shodan_unsigned`, `md5`, `sha256`, `phash`,
    /// `source`.
    pub favicon: Option<serde_json::Value>,
    /// clonehound's fingerprint.
    pub fingerprint: &'a PageFingerprint,
}

impl<'a> PageRecord<'a> {
    /// The record of `page` (read from `input`), fingerprinted as `fingerprint`.
    pub fn new(
        input: &'a str,
        page: &'a Page,
        fingerprint: &'a PageFingerprint,
        favicon: Option<&Favicon>,
    ) -> PageRecord<'a> {
        let digests = Digests::of_bytes(page.html.as_bytes());
        let sha256 = Sha256::digest(page.html.as_bytes());
        PageRecord {
            input,
            url: page.url.as_deref(),
            sha256: sha256.iter().map(|b| format!("{b:02x}")).collect(),
            tlsh: digests.tlsh,
            ssdeep: digests.ssdeep,
            favicon: favicon.map(|f| {
                serde_json::json!({
                    "shodan": f.shodan, "shodan_unsigned": f.shodan_unsigned(),
                    "md5": f.md5, "sha256": f.sha256, "phash": f.phash, "source": f.source,
                })
            }),
            fingerprint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_dnstwist() {
        let html = "<a href='https://x.com/a'>A</a>\n\n  <img src=/i.png> <div style=\"background:url(/b.png)\">";
        assert_eq!(
            normalize_html(html),
            "<a href=\"\">A</a> <img src=\"\"> <div style=\"background:url()\">"
        );
    }

    #[test]
    fn identical_pages_match_fully() {
        let page = "<html><body>".to_owned()
            + &"<p>Some reasonably long paragraph of text number. </p>".repeat(40);
        let a = Digests::of(&page);
        assert!(a.ssdeep.is_some() && a.tlsh.is_some());
        assert_eq!(a.ssdeep_similarity(&a), 1.0);
        assert_eq!(a.tlsh_similarity(&a), 1.0);
        assert_eq!(a.tlsh_similarity(&Digests::default()), 0.0);
    }
}
