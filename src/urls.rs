//! URL helpers every stage shares: the host and normalised path of a reference, hosts
//! cleaned one way (lower case, no `www.`), mirrored paths made to agree.

/// Splits a URL reference into its host (lower case, `www.` stripped) and its
/// normalised path. `data:`, `javascript:`, `mailto:` and fragments give neither.
pub(crate) fn split_url(reference: &str) -> (Option<String>, Option<String>) {
    let r = reference.trim();
    let lower = r.get(..r.len().min(16)).unwrap_or("").to_ascii_lowercase();
    if r.starts_with('#')
        || ["data:", "javascript:", "mailto:", "tel:", "about:", "blob:"]
            .iter()
            .any(|s| lower.starts_with(s))
    {
        return (None, None);
    }
    let absolute = if r.starts_with("//") {
        Some(format!("https:{r}"))
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(r.to_owned())
    } else {
        None
    };
    match absolute {
        Some(abs) => match url::Url::parse(&abs) {
            Ok(u) => {
                let host = u.host_str().map(clean_host);
                (host, Some(normalize_path(u.path())))
            }
            Err(_) => (None, None),
        },
        None => (None, Some(normalize_path(r))),
    }
}

/// The host of an absolute URL (`https://…`, `//…`), lower case, without `www.`.
pub(crate) fn host_of(url: &str) -> Option<String> {
    split_url(url).0
}

/// Lower case host without a leading `www.`.
pub(crate) fn clean_host(host: &str) -> String {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    h.strip_prefix("www.").map(str::to_owned).unwrap_or(h)
}

/// Normalises a path so that the original and a mirrored copy agree: query and
/// fragment dropped, `./` and `../` dropped, a leading mirrored host directory
/// (`acme.com/img/x.png`, as HTTrack and `wget -m` lay files out) dropped, lower case.
pub(crate) fn normalize_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = path.replace("%20", " ");
    let mut segments: Vec<&str> = decoded
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    if segments.len() > 1 && segments.first().is_some_and(|s| looks_like_host(s)) {
        segments.remove(0);
    }
    segments.join("/").to_lowercase()
}

fn looks_like_host(segment: &str) -> bool {
    let labels: Vec<&str> = segment.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=12).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !matches!(
            tld.to_ascii_lowercase().as_str(),
            "js" | "css"
                | "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "svg"
                | "ico"
                | "webp"
                | "html"
                | "htm"
                | "php"
                | "json"
                | "xml"
                | "woff"
                | "woff2"
                | "ttf"
                | "map"
                | "txt"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_and_normalise() {
        let cases = [
            (
                "https://www.Acme.com/img/Logo.png?v=3",
                Some("acme.com"),
                Some("img/logo.png"),
            ),
            (
                "//cdn.example.net/a.js",
                Some("cdn.example.net"),
                Some("a.js"),
            ),
            ("./img/logo.png", None, Some("img/logo.png")),
            ("../acme.com/img/logo.png", None, Some("img/logo.png")),
            ("/img/logo.png#x", None, Some("img/logo.png")),
            ("/js/jquery.min.js", None, Some("js/jquery.min.js")),
            ("data:image/png;base64,AAAA", None, None),
            ("javascript:void(0)", None, None),
            ("#top", None, None),
        ];
        for (input, host, path) in cases {
            let (h, p) = split_url(input);
            assert_eq!(h.as_deref(), host, "{input}");
            assert_eq!(p.as_deref(), path, "{input}");
        }
        assert_eq!(
            host_of("https://WWW.Acme.com/login?x=1").as_deref(),
            Some("acme.com")
        );
        assert_eq!(host_of("/relative/path"), None);
    }
}
