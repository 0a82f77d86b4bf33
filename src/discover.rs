//! Finding a site's favicon: declared icon links first, then `/favicon.ico`.

use std::path::{Path, PathBuf};

use base64::Engine;

use crate::fingerprint::PageFingerprint;
use crate::input::read_bounded;
use crate::signals::favicon::Favicon;
use crate::{Error, Limits, Result, Site};

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

/// The bytes an icon `href` names: a `data:` URI, or a file inside the site's root
/// (absolute URLs by their path, as mirrors lay them out). Nothing is fetched from a
/// network, and no path may leave the root.
fn icon_bytes(
    href: &str,
    page_url: Option<&str>,
    root: Option<&Path>,
    limits: &Limits,
) -> Result<Vec<u8>> {
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
                .map_err(|e| Error::Favicon(format!("bad base64 in data: URI: {e}")))
        } else {
            Ok(percent_decode(payload))
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
    let base: PathBuf = match (path.starts_with('/'), page_url) {
        (false, Some(page)) => root
            .join(page)
            .parent()
            .map_or_else(|| root.to_path_buf(), Path::to_path_buf),
        _ => root.to_path_buf(),
    };
    let candidate = base.join(
        percent_decode(path.trim_start_matches('/'))
            .iter()
            .map(|&b| b as char)
            .collect::<String>(),
    );
    let (real, real_root) = (candidate.canonicalize(), root.canonicalize());
    match (real, real_root) {
        (Ok(real), Ok(real_root)) if real.starts_with(&real_root) && real.is_file() => {
            read_bounded(&real, limits.max_favicon_bytes, "favicon bytes")
        }
        (Ok(_), Ok(_)) => Err(Error::Favicon(format!(
            "{href}: outside the site or not a file"
        ))),
        _ => Err(Error::Favicon(format!("{href}: no such file in the site"))),
    }
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

/// The site's favicon and, when there is none, why. Declared icons are tried page by
/// page (an `index` page first), best `rel` first; then `favicon.ico` and `favicon.png`
/// at the site's root. The first that decodes wins; the reasons others failed are kept.
pub(crate) fn site_favicon(
    site: &Site,
    pages: &[PageFingerprint],
    limits: &Limits,
) -> (Option<Favicon>, Option<String>) {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by_key(|&i| {
        !pages
            .get(i)
            .and_then(|p| p.url.as_deref())
            .is_some_and(|u| u.starts_with("index."))
    });
    let mut tried = Vec::new();
    for i in order {
        let Some(page) = pages.get(i) else { continue };
        let mut icons: Vec<&(String, String)> = page.icons.iter().collect();
        icons.sort_by_key(|(rel, _)| rank(rel));
        for (rel, href) in icons {
            let reason = format!(
                "<link rel=\"{rel}\"> on {}",
                page.url.as_deref().unwrap_or("the page")
            );
            match icon_bytes(href, page.url.as_deref(), site.root.as_deref(), limits)
                .and_then(|b| Favicon::from_bytes(&b, href, &reason, limits))
            {
                Ok(f) => return (Some(f), None),
                Err(e) => tried.push(e.to_string()),
            }
        }
    }
    for name in ["favicon.ico", "favicon.png"] {
        let Some(root) = site.root.as_deref() else {
            break;
        };
        let path = root.join(name);
        if !path.is_file() {
            continue;
        }
        let reason = format!("default /{name} at the site's root");
        match read_bounded(&path, limits.max_favicon_bytes, "favicon bytes")
            .and_then(|b| Favicon::from_bytes(&b, &format!("/{name}"), &reason, limits))
        {
            Ok(f) => return (Some(f), None),
            Err(e) => tried.push(format!("/{name}: {e}")),
        }
    }
    let note = if tried.is_empty() {
        "no icon declared and no /favicon.ico".to_owned()
    } else {
        tried.join("; ")
    };
    (None, Some(note))
}
