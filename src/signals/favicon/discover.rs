//! Finding a site's favicon: declared icon links first, then `/favicon.ico`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use base64::Engine;

use super::Favicon;
use crate::input::read_bounded;
use crate::{Error, Limits, Result};

/// What discovery reads of a page: where it is, and the icons and logo images it
/// links (the fingerprint hands these over, so discovery needs no fingerprint type).
pub(crate) struct PageLinks<'a> {
    /// The page's path inside the site directory.
    pub path: Option<&'a str>,
    /// The URL it was found at.
    pub url: Option<&'a str>,
    /// Its icon links: `(rel, href)`.
    pub icons: &'a [(String, String)],
    /// Its logo images' `src`.
    pub logo_images: &'a [String],
}

/// Preference among icon `rel`s: the page's own icon before touch and mask icons.
fn rank(rel: &str) -> u8 {
    let rel = rel.to_ascii_lowercase();
    if rel.split_whitespace().any(|r| r == "icon") {
        0
    } else if rel.contains("apple-touch-icon") {
        1
    } else {
        2
    }
}

/// Where an icon's bytes are: decoded from a `data:` URI, or a file inside the site.
enum IconSource {
    Data(Vec<u8>),
    File(PathBuf),
}

impl IconSource {
    /// Tells one icon from another, so each is decoded at most once per site.
    fn key(&self) -> IconKey {
        match self {
            IconSource::Data(bytes) => IconKey::Data(xxhash_rust::xxh3::xxh3_128(bytes)),
            IconSource::File(path) => IconKey::File(path.clone()),
        }
    }

    fn bytes(self, limits: &Limits) -> Result<Vec<u8>> {
        match self {
            IconSource::Data(bytes) => Ok(bytes),
            IconSource::File(path) => {
                read_bounded(&path, limits.max_favicon_bytes, "favicon bytes")
            }
        }
    }
}

#[derive(PartialEq, Eq, Hash)]
enum IconKey {
    Data(u128),
    File(PathBuf),
}

/// The icon an `href` names: a `data:` URI, or a file inside the site's root (absolute
/// URLs by their path, as mirrors lay them out). Nothing is fetched from a network, and
/// no path may leave the root.
fn icon_source(
    href: &str,
    page_path: Option<&str>,
    root: Option<&Path>,
    limits: &Limits,
) -> Result<IconSource> {
    let href = href.trim();
    if let Some(rest) = href.strip_prefix("data:") {
        let (meta, payload) = rest
            .split_once(',')
            .ok_or_else(|| Error::Favicon("malformed data: URI".into()))?;
        if payload.len() as u64 > limits.max_favicon_bytes.saturating_mul(2) {
            return Err(Error::TooLarge {
                what: "favicon data URI",
                limit: limits.max_favicon_bytes,
                actual: payload.len() as u64,
            });
        }
        return if meta.ends_with(";base64") {
            let clean: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .map(IconSource::Data)
                .map_err(|e| Error::Favicon(format!("bad base64 in data: URI: {e}")))
        } else {
            Ok(IconSource::Data(percent_decode(payload)))
        };
    }
    let root =
        root.ok_or_else(|| Error::Favicon(format!("{href}: no site directory to resolve it in")))?;
    let path = href.split(['?', '#']).next().unwrap_or("");
    let path = match path.find("://") {
        Some(i) => path
            .get(i + 3..)
            .and_then(|p| p.find('/').map(|j| p.get(j..).unwrap_or("")))
            .unwrap_or(""),
        None => path.strip_prefix("//").map_or(path, |p| {
            p.find('/').map_or("", |j| p.get(j..).unwrap_or(""))
        }),
    };
    let base: PathBuf = match (path.starts_with('/'), page_path) {
        (false, Some(page)) => Path::new(page)
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf),
        _ => PathBuf::new(),
    };
    let rel = base.join(
        percent_decode(path.trim_start_matches('/'))
            .iter()
            .map(|&b| b as char)
            .collect::<String>(),
    );
    inside_site(root, &rel)
        .map(IconSource::File)
        .map_err(|reason| Error::Favicon(format!("{href}: {reason}")))
}

/// A file of the site by its path inside it, resolved with every link followed; read
/// only when the resolved file still lies inside the site's root.
/// `root` is the site's root already canonicalised.
fn inside_site(root: &Path, rel: &Path) -> std::result::Result<PathBuf, &'static str> {
    let real = root
        .join(rel)
        .canonicalize()
        .map_err(|_| "no such file in the site")?;
    if !real.starts_with(root) {
        return Err("outside the site directory (a link or a path out of it)");
    }
    if !real.is_file() {
        return Err("not a regular file");
    }
    Ok(real)
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The site's favicon and, when there is none or it could not be decoded, why. Declared
/// icons are tried page by page (an `index` page first), best `rel` first; then
/// `favicon.ico` and `favicon.png`
/// at the site's root. The first that decodes wins; the reasons others failed are kept.
/// Each distinct icon (file or `data:` bytes) is decoded at most once, however many
/// links name it, and at most [`Limits::max_icon_candidates`] icons are decoded (of at
/// most four times as many distinct links). `root` is the site's directory already
/// canonicalised: every icon is resolved and checked against it.
pub(crate) fn site_favicon(
    root: Option<&Path>,
    pages: &[PageLinks<'_>],
    limits: &Limits,
) -> (Option<Favicon>, Option<String>) {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by_key(|&i| {
        !pages
            .get(i)
            .and_then(|p| p.path)
            .is_some_and(|u| u.starts_with("index."))
    });
    let mut candidates: Vec<(Result<IconSource>, String, String)> = Vec::new();
    let mut seen_links = HashSet::new();
    // Resolving a link costs a few system calls: a bound on distinct links tried keeps
    // a page of 10,000 different icon links cheap.
    let max_links = limits.max_icon_candidates.saturating_mul(4);
    let mut links_cut = false;
    for page in order.iter().filter_map(|&i| pages.get(i)) {
        let mut icons: Vec<&(String, String)> = page.icons.iter().collect();
        icons.sort_by_key(|(rel, _)| rank(rel));
        for (rel, href) in icons {
            let dir = page.path.and_then(|p| Path::new(p).parent());
            if seen_links.len() >= max_links {
                links_cut = true;
                continue;
            }
            if !seen_links.insert((href.as_str(), dir)) {
                continue;
            }
            let name = page.path.or(page.url);
            let reason = format!("<link rel=\"{rel}\"> on {}", name.unwrap_or("the page"));
            let source = icon_source(href, page.path, root, limits);
            candidates.push((source, href.clone(), reason));
        }
    }
    if let Some(root) = root {
        for name in ["favicon.ico", "favicon.png"] {
            if let Ok(path) = inside_site(root, Path::new(name)) {
                let reason = format!("default /{name} at the site's root");
                candidates.push((Ok(IconSource::File(path)), format!("/{name}"), reason));
            }
        }
    }
    let mut tried = Vec::new();
    if links_cut {
        tried.push(format!(
            "icon links past the first {max_links} distinct ones not tried"
        ));
    }
    let mut decoded = HashSet::new();
    // An icon that does not decode still has its exact hashes: it stands in when no
    // other one decodes.
    let mut undecoded = None;
    for (source, href, reason) in candidates {
        let source = match source {
            Ok(s) if !decoded.insert(s.key()) => continue,
            Ok(s) => s,
            Err(e) => {
                tried.push(e.to_string());
                continue;
            }
        };
        if decoded.len() > limits.max_icon_candidates {
            tried.push(format!(
                "more icons not decoded (limit {})",
                limits.max_icon_candidates
            ));
            break;
        }
        match source
            .bytes(limits)
            .and_then(|b| Favicon::from_bytes(&b, &href, &reason, limits))
        {
            Ok(f) if f.decoded() => return (Some(f), None),
            Ok(f) => {
                tried.push(format!("{href}: {}", f.phash_note.as_deref().unwrap_or("")));
                undecoded.get_or_insert(f);
            }
            Err(e) => tried.push(format!("{href}: {e}")),
        }
    }
    let note = if tried.is_empty() {
        "no icon declared and no /favicon.ico".to_owned()
    } else {
        tried.join("; ")
    };
    (undecoded, Some(note))
}

/// Most logo files hashed per site.
const MAX_LOGOS: usize = 4;

/// The logo image files a site holds: its pages' logo images
/// ([`crate::signals::marks::Marks::logo_images`]) resolved inside the site directory
/// as icons are, each distinct file read once, at most [`MAX_LOGOS`], hashed as a
/// favicon is (SHA-256, MD5, Shodan's hash and, when it decodes, a perceptual hash).
/// Logos that cannot be read are left out: they are one signal among many. `root` is
/// the site's directory already canonicalised, as for [`site_favicon`].
pub(crate) fn site_logos(
    root: Option<&Path>,
    pages: &[PageLinks<'_>],
    limits: &Limits,
) -> Vec<Favicon> {
    let Some(root) = root else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let links = pages
        .iter()
        .flat_map(|p| p.logo_images.iter().map(move |src| (p, src)))
        .take(MAX_LOGOS * 4);
    for (page, src) in links {
        if out.len() >= MAX_LOGOS {
            break;
        }
        let Ok(source) = icon_source(src, page.path, Some(root), limits) else {
            continue;
        };
        if !seen.insert(source.key()) {
            continue;
        }
        let reason = format!("logo image on {}", page.path.unwrap_or("the page"));
        if let Ok(logo) = source
            .bytes(limits)
            .and_then(|b| Favicon::from_bytes(&b, src, &reason, limits))
        {
            out.push(logo);
        }
    }
    out
}
