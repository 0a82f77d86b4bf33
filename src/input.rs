//! Bytes to [`Page`]s: charset sniffing as browsers do it, and site directories.

use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
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
    /// The page's URL, or its path inside a site directory, if known.
    pub url: Option<String>,
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
            html: html.into(),
            encoding: "UTF-8".to_owned(),
        }
    }

    /// Decodes a page from bytes, choosing the charset as the HTML standard does: a byte
    /// order mark, then the caller's transport charset (`Content-Type`), then a
    /// `<meta charset>` in the first 1024 bytes, then UTF-16/UTF-32 by their NUL pattern,
    /// then UTF-8 if the bytes are valid UTF-8, else windows-1252.
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
            html,
            encoding: encoding.to_owned(),
        })
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
        Page::from_bytes(&bytes, None, None, limits)
    }
}

/// Reads a file, refusing it (before reading) if it is larger than `limit`.
pub(crate) fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // A file already known to be too large is refused without reading it.
    if let Some(actual) = file.metadata().ok().map(|m| m.len()).filter(|&n| n > limit) {
        return Err(Error::TooLarge {
            what,
            limit,
            actual,
        });
    }
    let mut bytes = Vec::new();
    // Read one byte past the limit so a file that grew after a stat is still caught.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let actual = bytes.len() as u64;
    if actual > limit {
        let actual = std::fs::metadata(path).map_or(actual, |m| m.len());
        return Err(Error::TooLarge {
            what,
            limit,
            actual,
        });
    }
    Ok(bytes)
}

/// A site: the HTML pages of one directory tree, in sorted path order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The pages, each with its path relative to the site's root as `url`.
    pub pages: Vec<Page>,
    /// The site's root directory, if it was read from disk.
    pub root: Option<PathBuf>,
}

impl Site {
    /// Reads a site from an HTML file or a directory of them (recursively, bounded by
    /// [`Limits::max_dir_depth`] and [`Limits::max_site_pages`]).
    ///
    /// ```no_run
    /// let site = clonehound::Site::from_path("corpus/sites/example", &Default::default())?;
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
        let mut files = Vec::new();
        collect_html(path, 0, limits, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(Error::EmptySite(path.to_path_buf()));
        }
        let pages = files
            .iter()
            .map(|file| {
                let mut page = Page::from_path(file, limits)?;
                let rel = file.strip_prefix(path).unwrap_or(file);
                page.url = Some(rel.to_string_lossy().replace('\\', "/"));
                Ok(page)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Site {
            pages,
            root: Some(path.to_path_buf()),
        })
    }
}

fn collect_html(dir: &Path, depth: usize, limits: &Limits, out: &mut Vec<PathBuf>) -> Result<()> {
    if depth > limits.max_dir_depth {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        let path = entry.path();
        if kind.is_dir() {
            collect_html(&path, depth + 1, limits, out)?;
        } else if kind.is_file() && is_html_name(&path) {
            if out.len() >= limits.max_site_pages {
                return Err(Error::TooLarge {
                    what: "site pages",
                    limit: limits.max_site_pages as u64,
                    actual: out.len() as u64 + 1,
                });
            }
            out.push(path);
        }
    }
    Ok(())
}

fn is_html_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "html" | "htm" | "xhtml" | "shtml"
    )
}

/// Decodes page bytes; returns the text and the encoding's name.
pub(crate) fn decode(bytes: &[u8], charset: Option<&str>) -> (String, &'static str) {
    if let Some((text, name)) = decode_utf32(bytes) {
        return (text, name);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = encoding.decode_without_bom_handling(rest);
        return (text.into_owned(), encoding.name());
    }
    let encoding = charset
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .or_else(|| utf16_by_pattern(bytes))
        .or_else(|| prescan_meta(bytes))
        .unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        });
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding.name())
}

/// UTF-16 without a byte order mark, told by the NUL byte beside each ASCII character.
fn utf16_by_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(512))?;
    if head.len() < 8 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for (i, &b) in head.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even_nul += 1
            } else {
                odd_nul += 1
            }
        }
    }
    let half = head.len() / 2;
    // Markup is mostly ASCII, so at least 40% of one byte column is NUL and
    // almost none of the other.
    if odd_nul * 10 > half * 4 && even_nul * 20 < half {
        Some(UTF_16LE)
    } else if even_nul * 10 > half * 4 && odd_nul * 20 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// UTF-32, which encoding_rs does not decode: by byte order mark or by NUL pattern.
fn decode_utf32(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (big_endian, skip) = match bytes {
        [0, 0, 0xFE, 0xFF, ..] => (true, 4),
        [0xFF, 0xFE, 0, 0, ..] => (false, 4),
        [0, 0, 0, a, 0, 0, 0, b, ..] if *a != 0 && *b != 0 => (true, 0),
        [a, 0, 0, 0, b, 0, 0, 0, ..] if *a != 0 && *b != 0 => (false, 0),
        _ => return None,
    };
    let body = bytes.get(skip..)?;
    let text = body
        .chunks(4)
        .map(|c| {
            let mut word = [0u8; 4];
            for (dst, src) in word.iter_mut().zip(c) {
                *dst = *src;
            }
            let v = if big_endian {
                u32::from_be_bytes(word)
            } else {
                u32::from_le_bytes(word)
            };
            char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect();
    Some((text, if big_endian { "UTF-32BE" } else { "UTF-32LE" }))
}

/// The HTML standard's prescan, simplified: the first `<meta>` in 1024 bytes that
/// names a charset (`charset=` or `http-equiv` content). A meta naming UTF-16 means
/// UTF-8 (the bytes were ASCII-compatible to be read at all); x-user-defined means
/// windows-1252; an unknown label is ignored.
fn prescan_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(1024))?;
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut rest: &[u8] = &lower;
    while let Some(pos) = find(rest, b"<meta") {
        let after = rest.get(pos + 5..).unwrap_or_default();
        let end = after.iter().position(|&b| b == b'>').unwrap_or(after.len());
        let (tag, tail) = after.split_at(end);
        if let Some(label) = charset_in(tag) {
            let encoding = Encoding::for_label(label)?;
            return Some(if encoding == UTF_16LE || encoding == UTF_16BE {
                UTF_8
            } else if encoding.name() == "x-user-defined" {
                WINDOWS_1252
            } else {
                encoding
            });
        }
        rest = tail;
    }
    None
}

fn charset_in(tag: &[u8]) -> Option<&[u8]> {
    let pos = find(tag, b"charset")?;
    let rest = tag.get(pos + 7..)?;
    let rest = rest.strip_prefix_ws();
    let rest = rest.strip_prefix(b"=")?.strip_prefix_ws();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'\t' | b'\n' | b'\r' | b'/'))
        .unwrap_or(rest.len());
    let label = rest.get(..len)?;
    (!label.is_empty()).then_some(label)
}

trait StripWs {
    fn strip_prefix_ws(&self) -> &Self;
}

impl StripWs for [u8] {
    fn strip_prefix_ws(&self) -> &[u8] {
        let n = self.iter().take_while(|b| b.is_ascii_whitespace()).count();
        self.get(n..).unwrap_or_default()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_decode_to_the_same_text() {
        let utf8 = "<html><body><p>Привет, 日本</p></body></html>";
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (utf8.as_bytes().to_vec(), None),
            ([b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat(), None),
            (UTF_16LE.encode(utf8).0.to_vec(), None),
            (
                utf8.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
                None,
            ),
            (
                utf8.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
                None,
            ),
            (
                utf8.chars()
                    .flat_map(|c| (c as u32).to_le_bytes())
                    .collect(),
                None,
            ),
            (
                [0u8, 0, 0xFE, 0xFF]
                    .into_iter()
                    .chain(utf8.chars().flat_map(|c| (c as u32).to_be_bytes()))
                    .collect(),
                None,
            ),
        ];
        for (i, (bytes, charset)) in cases.iter().enumerate() {
            let (text, _) = decode(bytes, *charset);
            assert_eq!(text, utf8, "case {i}");
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
