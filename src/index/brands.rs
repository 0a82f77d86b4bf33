//! Brands files: who the protected brands are (name, owned domains, aliases) and where
//! their pages are, as a brand-protection service states them.
//!
//! ```toml
//! [[brand]]
//! name = "Kestrel Software"
//! domains = ["kestrelsoftware.io"]
//! aliases = ["Kestrel Cloud"]          # optional: other names the brand goes by
//! pages = ["sites/kestrel-software"]   # site directories, HTML files or WARC files,
//!                                      # relative to the brands file
//! ```

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{IndexBuilder, IndexConfig};
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::scan::InputKind;
use crate::scan::feed::{open_warc, read_file};
use crate::{Brand, Error, Limits, Result};

/// Largest brands file read.
pub const MAX_BRANDS_FILE_BYTES: u64 = 64 << 20;

/// A parsed brands file: one [`BrandEntry`] per `[[brand]]` table.
///
/// ```
/// use clonehound::index::BrandsFile;
/// let file = BrandsFile::parse("[[brand]]\nname = \"Acme\"\ndomains = [\"acme.com\"]\npages = [\"acme\"]\n")?;
/// assert_eq!(file.brand[0].brand().domains, ["acme.com"]);
/// assert!(BrandsFile::parse("[[brand]]\nname = \"Acme\"\ncolour = \"red\"\n").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandsFile {
    /// The brands, in file order.
    pub brand: Vec<BrandEntry>,
}

/// One brand of a brands file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandEntry {
    /// The brand's name.
    pub name: String,
    /// Domains the brand owns.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Other names the brand goes by (products, short names).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Its pages: site directories, HTML files or WARC files.
    pub pages: Vec<PathBuf>,
}

impl BrandsFile {
    /// Parses a brands file's text; the error says what is wrong and where.
    pub fn parse(text: &str) -> std::result::Result<BrandsFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Reads and parses the brands file at `path` (at most
    /// [`MAX_BRANDS_FILE_BYTES`]).
    pub fn read(path: &Path) -> Result<BrandsFile> {
        let bytes = read_file(path, MAX_BRANDS_FILE_BYTES)?;
        let bad = |reason: String| Error::Brands {
            path: path.to_owned(),
            reason,
        };
        let text = String::from_utf8(bytes).map_err(|e| bad(e.to_string()))?;
        BrandsFile::parse(&text).map_err(bad)
    }
}

impl BrandEntry {
    /// The brand: name, owned domains and aliases.
    pub fn brand(&self) -> Brand {
        Brand::new(self.name.clone(), &self.domains).with_aliases(&self.aliases)
    }

    /// The brand's site from its pages, relative to `base`: site directories and HTML
    /// files (with their favicons) and the pages of WARC files.
    pub fn site(
        &self,
        base: &Path,
        limits: &Limits,
    ) -> std::result::Result<SiteFingerprint, String> {
        let mut pages = Vec::new();
        let mut favicon = None;
        for source in &self.pages {
            let path = base.join(source);
            let named = |e: Error| format!("brand {:?}: {}: {e}", self.name, path.display());
            if InputKind::of(&path) == InputKind::Warc {
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
            return Err(format!("brand {:?}: no pages", self.name));
        }
        Ok(SiteFingerprint {
            favicon,
            ..SiteFingerprint::from_pages(pages)
        })
    }
}

impl IndexBuilder {
    /// A builder holding every brand of the brands file at `path`, their pages
    /// fingerprinted in parallel; `done` is called once per brand fingerprinted (for a
    /// progress bar). The first brand whose pages cannot be read is the error.
    ///
    /// ```no_run
    /// use clonehound::index::{IndexBuilder, IndexConfig};
    /// let index = IndexBuilder::from_brands_file("brands.toml".as_ref(), IndexConfig::default(), &|| ())?.build();
    /// index.save("brands.idx")?;
    /// # Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_brands_file(
        path: &Path,
        config: IndexConfig,
        done: &(dyn Fn() + Sync),
    ) -> Result<IndexBuilder> {
        let file = BrandsFile::read(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        let limits = config.compare.limits.clone();
        let sites: Vec<_> = file
            .brand
            .par_iter()
            .map(|entry| {
                let site = entry.site(base, &limits);
                done();
                site
            })
            .collect();
        let mut builder = IndexBuilder::new(config);
        for (entry, site) in file.brand.iter().zip(sites) {
            let site = site.map_err(|reason| Error::Brands {
                path: path.to_owned(),
                reason,
            })?;
            builder.add(entry.brand(), site);
        }
        Ok(builder)
    }
}
