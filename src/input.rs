//! Bytes to [`Page`]s: charset sniffing as browsers do it, and site directories.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::sniff::{decode, decode_owned};
use serde::{Deserialize, Serialize};

use crate::{Error, Limits, Result};

/// One decoded HTML page and where it came from.
///
/// ```
/// use clonehound::{Limits, Page};
/// let page = Page::from_bytes(b"<title>Acme</title>", Some("https://acme.example/"), None, &Limits::default())?;
/// assert_eq!(page.url.as_deref(), Some("https://acme.example/"));
/// Ok::<(), clonehound::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The URL the page was found at, if known (a crawl's record, a JSON Lines `url`).
    /// Only this says where a page lives: ownership of a brand's domain is read from it.
    pub url: Option<String>,
    /// The page's path inside the site directory it was read from. A name on disk is
    /// never a URL and never becomes a host, however it is spelt.
    #[serde(default)]
    pub path: Option<String>,
    /// The page as text, decoded from its charset.
    pub html: String,
    /// The encoding the bytes were decoded from (WHATWG name).
    pub encoding: String,
}

impl Page {
    /// A page from text that is already decoded.
    ///
    /// ```
    /// let page = clonehound::Page::from_html("<p>hello</p>", None);
    /// assert_eq!(page.encoding, "UTF-8");
    /// ```
    pub fn from_html(html: impl Into<String>, url: Option<&str>) -> Page {
        Page {
            url: url.map(str::to_owned),
            path: None,
            html: html.into(),
            encoding: "UTF-8".to_owned(),
        }
    }

    /// Decodes a page from bytes, choosing the charset exactly as the HTML standard does:
    /// a byte order mark, then the caller's transport charset (`Content-Type`), then the
    /// prescan of the first 1024 bytes for a real `<meta>` element (not one inside a
    /// comment or another attribute), then UTF-8 if the bytes are valid UTF-8, else
    /// windows-1252. UTF-16 is never guessed from NUL bytes, and UTF-32 is not a web
    /// encoding: a browser reads such pages as ASCII-compatible text, and so do we.
    ///
    /// Refuses pages over [`Limits::max_page_bytes`] with [`Error::TooLarge`].
    ///
    /// ```
    /// use clonehound::{Limits, Page};
    /// // "Привет" in windows-1251, declared by a meta tag.
    /// let bytes = b"<meta charset=windows-1251><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>";
    /// let page = Page::from_bytes(bytes, None, None, &Limits::default())?;
    /// assert!(page.html.contains("Привет"));
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_bytes(
        bytes: &[u8],
        url: Option<&str>,
        charset: Option<&str>,
        limits: &Limits,
    ) -> Result<Page> {
        let actual = bytes.len() as u64;
        if actual > limits.max_page_bytes {
            return Err(Error::TooLarge {
                what: "page bytes",
                limit: limits.max_page_bytes,
                actual,
            });
        }
        let (html, encoding) = decode(bytes, charset);
        Ok(Page {
            url: url.map(str::to_owned),
            path: None,
            html,
            encoding: encoding.to_owned(),
        })
    }

    /// True when an HTTP response is a page by [`Page::from_response`]'s rule:
    /// `content_type` says HTML, or is absent or empty and the body's first non-blank
    /// byte is `<`. Cheap: it decodes nothing.
    ///
    /// ```
    /// use clonehound::Page;
    /// assert!(Page::is_html_response(b"", Some("Text/HTML; charset=utf-8")));
    /// assert!(Page::is_html_response(b"\n<!doctype html>", None));
    /// assert!(!Page::is_html_response(b"<svg/>", Some("image/svg+xml")));
    /// ```
    pub fn is_html_response(body: &[u8], content_type: Option<&str>) -> bool {
        let content_type = content_type.unwrap_or_default();
        if content_type.is_empty() {
            return body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'<');
        }
        content_type.to_ascii_lowercase().contains("html")
    }

    /// An HTTP response body as a page, by the rule every crawl input is read by (WARC
    /// records, Arrow batches): a page when `content_type` says HTML, or is absent or
    /// empty and the body's first non-blank byte is `<`; `Ok(None)` for anything else (an
    /// image, a script, JSON). The charset of `content_type`, if any, is the transport
    /// charset of [`Page::from_bytes`]. The body is what the server meant, with any
    /// transfer and content encoding already undone.
    ///
    /// ```
    /// use clonehound::{Limits, Page};
    /// let limits = Limits::default();
    /// let page = Page::from_response(b"<p>Hi</p>", Some("http://a.example/"), Some("text/html; charset=utf-8"), &limits)?;
    /// assert!(page.is_some());
    /// assert!(Page::from_response(b"{}", None, Some("application/json"), &limits)?.is_none());
    /// assert!(Page::from_response(b"  <html>", None, None, &limits)?.is_some());
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_response(
        body: &[u8],
        url: Option<&str>,
        content_type: Option<&str>,
        limits: &Limits,
    ) -> Result<Option<Page>> {
        if !Page::is_html_response(body, content_type) {
            return Ok(None);
        }
        let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
        let charset = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("charset="))
            .map(|c| c.trim_matches('"').to_owned())
            .next();
        Page::from_bytes(body, url, charset.as_deref(), limits).map(Some)
    }

    /// Reads and decodes one HTML file.
    ///
    /// ```no_run
    /// let page = clonehound::Page::from_path("corpus/sites/x/index.html", &Default::default())?;
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>, limits: &Limits) -> Result<Page> {
        let path = path.as_ref();
        let bytes = read_bounded(path, limits.max_page_bytes, "page bytes")?;
        let (html, encoding) = decode_owned(bytes);
        Ok(Page {
            url: None,
            path: None,
            html,
            encoding: encoding.to_owned(),
        })
    }
}

/// Opens a regular file, refusing anything else from its metadata before opening it:
/// a directory, a device (`/dev/zero` never ends) or a FIFO (opening one blocks until
/// a writer comes). Standard input is the way to give such a stream on purpose.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64)> {
    let regular = |meta: std::fs::Metadata| {
        if meta.is_file() {
            Ok(meta)
        } else {
            Err(Error::NotRead {
                path: path.to_path_buf(),
                reason: file_kind(&meta.file_type()),
            })
        }
    };
    regular(std::fs::metadata(path).map_err(|e| Error::io(path, e))?)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    // The name may have been pointed elsewhere between the two looks.
    let meta = regular(file.metadata().map_err(|e| Error::io(path, e))?)?;
    Ok((file, meta.len()))
}

/// Why a file that is not a regular file is not read.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO, not a regular file (give it on standard input)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device, not a regular file (give it on standard input)";
        }
        if kind.is_socket() {
            return "a socket, not a regular file";
        }
    }
    if kind.is_dir() {
        "a directory, not a file"
    } else {
        "not a regular file"
    }
}

/// Reads a regular file of at most `limit` bytes: a larger one is refused from its
/// metadata before reading, and the read itself stops one byte past the limit, so a
/// file that grows while it is read costs no more.
pub(crate) fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path)?;
    let too_large = |actual| Error::TooLarge {
        what,
        limit,
        actual,
    };
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A site: the HTML pages of one directory tree, in sorted path order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The pages, each with its path inside the site's root as [`Page::path`].
    pub pages: Vec<Page>,
    /// The site's root directory, if it was read from disk.
    pub root: Option<PathBuf>,
}

impl Site {
    /// Reads a site from an HTML file or a directory of them, recursively.
    ///
    /// # How a directory is read
    /// Every file with an HTML extension is a page. Symbolic links are followed only
    /// where they stay inside the site's root; a page or directory linked from outside
    /// it, a broken link and a page that is not a regular file are refused with
    /// [`Error::NotRead`] naming it, never skipped in silence. Bounded by
    /// [`Limits::max_dir_depth`], [`Limits::max_site_pages`] and
    /// [`Limits::max_site_bytes`] ([`Error::TooLarge`] past any of them).
    ///
    /// ```no_run
    /// let site = clonehound::fingerprint::Site::from_path("corpus/sites/example", &Default::default())?;
    /// println!("{} pages", site.pages.len());
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>, limits: &Limits) -> Result<Site> {
        let path = path.as_ref();
        if !path.is_dir() {
            let page = Page::from_path(path, limits)?;
            return Ok(Site {
                pages: vec![page],
                root: path.parent().map(Path::to_path_buf),
            });
        }
        let pages = site_files(path, limits)?
            .iter()
            .map(|file| file.read(limits))
            .collect::<Result<Vec<_>>>()?;
        Ok(Site {
            pages,
            root: Some(path.to_path_buf()),
        })
    }
}

/// One HTML page of a site directory, listed but not yet read.
#[derive(Clone, Debug)]
pub(crate) struct SiteFile {
    /// Where to read it (a link already resolved).
    real: PathBuf,
    /// Its path inside the site, `/`-separated, as the site names it.
    rel: String,
}

impl SiteFile {
    /// Reads and decodes the page.
    pub(crate) fn read(&self, limits: &Limits) -> Result<Page> {
        let mut page = Page::from_path(&self.real, limits)?;
        page.path = Some(self.rel.clone());
        Ok(page)
    }
}

/// The HTML pages of a site directory, sorted by their path inside it.
pub(crate) fn site_files(root: &Path, limits: &Limits) -> Result<Vec<SiteFile>> {
    let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let mut walk = Walk {
        real_root: real_root.clone(),
        limits,
        visited: HashSet::from([real_root.clone()]),
        files: Vec::new(),
        bytes: 0,
    };
    walk.dir(&real_root, "", 0)?;
    let mut files = walk.files;
    if files.is_empty() {
        return Err(Error::EmptySite(root.to_path_buf()));
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(files)
}

struct Walk<'a> {
    real_root: PathBuf,
    limits: &'a Limits,
    /// Directories already listed (a link may lead back to one).
    visited: HashSet<PathBuf>,
    files: Vec<SiteFile>,
    bytes: u64,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, rel: &str, depth: usize) -> Result<()> {
        if depth > self.limits.max_dir_depth {
            return Err(Error::TooLarge {
                what: "site directory depth",
                limit: self.limits.max_dir_depth as u64,
                actual: depth as u64,
            });
        }
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .map(|e| e.map_err(|e| Error::io(dir, e)))
            .collect::<Result<Vec<_>>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            let (real, meta) = if kind.is_symlink() {
                match self.inside(&path)? {
                    Some(resolved) => resolved,
                    None => continue,
                }
            } else {
                let meta = entry.metadata().map_err(|e| Error::io(&path, e))?;
                (path.clone(), meta)
            };
            if meta.is_dir() {
                if self.visited.insert(real.clone()) {
                    self.dir(&real, &rel, depth + 1)?;
                }
            } else if is_html_name(&path) {
                if !meta.is_file() {
                    return Err(Error::NotRead {
                        path,
                        reason: file_kind(&meta.file_type()),
                    });
                }
                self.add(SiteFile { real, rel }, meta.len())?;
            }
        }
        Ok(())
    }

    /// A link's target and metadata when it stays inside the site; `None` for a link to
    /// a file outside it that is no page (an icon link is judged where icons are read).
    fn inside(&self, link: &Path) -> Result<Option<(PathBuf, std::fs::Metadata)>> {
        let not_read = |reason| Error::NotRead {
            path: link.to_path_buf(),
            reason,
        };
        let Ok(real) = link.canonicalize() else {
            return if is_html_name(link) {
                Err(not_read("a broken link"))
            } else {
                Ok(None)
            };
        };
        let meta = std::fs::metadata(&real).map_err(|e| Error::io(link, e))?;
        if real.starts_with(&self.real_root) {
            Ok(Some((real, meta)))
        } else if meta.is_dir() || is_html_name(link) {
            Err(not_read("a link out of the site directory"))
        } else {
            Ok(None)
        }
    }

    fn add(&mut self, file: SiteFile, len: u64) -> Result<()> {
        let limits = self.limits;
        if self.files.len() >= limits.max_site_pages {
            return Err(Error::TooLarge {
                what: "site pages",
                limit: limits.max_site_pages as u64,
                actual: self.files.len() as u64 + 1,
            });
        }
        self.bytes = self.bytes.saturating_add(len);
        if self.bytes > limits.max_site_bytes {
            return Err(Error::TooLarge {
                what: "site bytes",
                limit: limits.max_site_bytes,
                actual: self.bytes,
            });
        }
        self.files.push(file);
        Ok(())
    }
}

pub(crate) fn is_html_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "html" | "htm" | "xhtml" | "shtml"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_decode_to_the_same_text() {
        let utf8 = "<html><body><p>Привет, 日本</p></body></html>";
        let utf16 = |big: bool| -> Vec<u8> {
            utf8.encode_utf16()
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (utf8.as_bytes().to_vec(), None),
            ([b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat(), None),
            ([b"\xFF\xFE".as_slice(), &utf16(false)].concat(), None),
            ([b"\xFE\xFF".as_slice(), &utf16(true)].concat(), None),
            // A transport charset is honoured, UTF-16 included.
            (utf16(false), Some("utf-16le")),
            (utf16(true), Some("UTF-16BE")),
        ];
        for (i, (bytes, charset)) in cases.iter().enumerate() {
            let (text, _) = decode(bytes, *charset);
            assert_eq!(text, utf8, "case {i}");
        }
        // Without a BOM or a declaration, NUL bytes are just NUL bytes.
        for bytes in [utf16(false), utf16(true)] {
            let (_, name) = decode(&bytes, None);
            assert!(!name.starts_with("UTF-16"), "{name}");
        }
    }

    #[test]
    fn meta_and_header_charsets() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<p>日本語のページ</p>");
        let with_meta = [b"<meta charset=\"shift_jis\">".as_slice(), &sjis].concat();
        assert!(decode(&with_meta, None).0.contains("日本語のページ"));
        assert!(
            decode(&sjis, Some("Shift_JIS"))
                .0
                .contains("日本語のページ")
        );
        let http_equiv = [
            b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'>".as_slice(),
            b"\xcf\xf0\xe8",
        ]
        .concat();
        assert!(decode(&http_equiv, None).0.ends_with("При"));
    }

    #[test]
    fn bogus_meta_falls_back() {
        let (text, name) = decode(b"<meta charset=no-such-thing><p>caf\xe9</p>", None);
        assert_eq!(name, "windows-1252");
        assert!(text.contains("café"));
        let (_, name) = decode("<meta charset=bogus><p>café</p>".as_bytes(), None);
        assert_eq!(name, "UTF-8");
    }

    #[test]
    fn too_large_is_refused() {
        let limits = Limits::default().with_max_page_bytes(10);
        let err = Page::from_bytes(&[b'a'; 11], None, None, &limits).unwrap_err();
        assert!(matches!(err, Error::TooLarge { actual: 11, .. }));
    }
}
