//! URL helpers every stage shares: the host and normalised path of a reference, hosts
//! cleaned one way (lower case, no `www.`), mirrored paths made to agree.

/// Splits a URL reference into its host (lower case, `www.` stripped) and its
/// normalised path. `data:`, `javascript:`, `mailto:` and fragments give neither.
pub(crate) fn split_url(reference: &str) -> (Option<String>, Option<String>) {
    split_with(reference, true, true)
}

/// [`split_url`], with or without the plain-URL shortcut (the test compares both), and
/// with or without the path (callers that want only the host skip its normalisation).
fn split_with(
    reference: &str,
    shortcut: bool,
    with_path: bool,
) -> (Option<String>, Option<String>) {
    let path = |p: &str| with_path.then(|| normalize_path(p));
    let r = reference.trim();
    // Schemes are ASCII, so they are compared byte by byte: whatever follows them (an
    // IDN host, a non-ASCII path) cannot hide them.
    let starts = |prefix: &str| {
        r.as_bytes()
            .get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    if r.starts_with('#')
        || ["data:", "javascript:", "mailto:", "tel:", "about:", "blob:"]
            .iter()
            .any(|s| starts(s))
    {
        return (None, None);
    }
    if !(r.starts_with("//") || starts("http://") || starts("https://")) {
        return (None, path(r));
    }
    // Most references are plain; those skip the full parse, with the same result.
    let after_scheme = r.split_once("//").map_or("", |(_, rest)| rest);
    if shortcut && let Some((host, plain)) = plain_parts(after_scheme, with_path) {
        return (Some(clean_host(&host)), path(plain));
    }
    if r.starts_with("//") {
        parsed_parts(&format!("https:{r}"))
    } else {
        parsed_parts(r)
    }
}

/// Host and normalised path of an absolute URL by the WHATWG parser (`url`).
fn parsed_parts(abs: &str) -> (Option<String>, Option<String>) {
    match url::Url::parse(abs) {
        Ok(u) => {
            let host = u.host_str().map(clean_host);
            (host, Some(normalize_path(u.path())))
        }
        Err(_) => (None, None),
    }
}

/// The lower-case host and the path of a plain absolute URL (what follows `scheme://`),
/// read without a full parse: `None` unless the WHATWG parser would return both
/// unchanged. Plain means printable ASCII only; a host of non-empty `[a-z0-9-]` labels,
/// no port, no user, no punycode label, a last label of letters only (no IPv4 or hex
/// number to read); a path of characters the parser neither escapes nor rewrites (no
/// backslash, no `.` or `..` segment, no `%2e`); the path is not looked at unless
/// `with_path` (the host's reading does not depend on it). A test holds it to the parser.
fn plain_parts(after_scheme: &str, with_path: bool) -> Option<(String, &str)> {
    if !after_scheme.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return None;
    }
    let end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(end);
    let host = authority.to_ascii_lowercase();
    let labels_plain = host.split('.').all(|l| {
        !l.is_empty()
            && !l.starts_with("xn--")
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let last_is_word = host
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_lowercase()));
    if !labels_plain || !last_is_word {
        return None;
    }
    let path = rest.get(..rest.find(['?', '#']).unwrap_or(rest.len()))?;
    if !with_path {
        return Some((host, path));
    }
    let path_plain = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b))
        && !path
            .as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%2e"))
        && !path.split('/').any(|seg| seg == "." || seg == "..");
    path_plain.then_some((host, path))
}

/// The host of an absolute URL (`https://…`, `//…`), lower case, without `www.`.
pub(crate) fn host_of(url: &str) -> Option<String> {
    split_with(url, true, false).0
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
    let decoded = if path.contains("%20") {
        std::borrow::Cow::Owned(path.replace("%20", " "))
    } else {
        std::borrow::Cow::Borrowed(path)
    };
    let mut segments = decoded
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .peekable();
    let mut out = String::with_capacity(decoded.len());
    if let Some(first) = segments.next()
        && (segments.peek().is_none() || !looks_like_host(first))
    {
        out.push_str(first);
    }
    for segment in segments {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(segment);
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
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

    /// An absolute URL stays absolute whatever characters follow its scheme: a
    /// multi-byte character across the 16th byte once made it read as a relative path,
    /// hiding a brand's host (`https://vk.com/фото.png`) or an IDN host.
    #[test]
    fn non_ascii_after_the_scheme_keeps_the_host() {
        for (url, host) in [
            ("https://vk.com/фото.png", "vk.com"),
            ("http://ok.ru/€/login", "ok.ru"),
            ("//t.co/路径", "t.co"),
            ("https://例子.测试/x", "xn--fsqu00a.xn--0zwm56d"),
            ("HTTPS://0x7f.1/é", "127.0.0.1"),
        ] {
            assert_eq!(split_url(url).0.as_deref(), Some(host), "{url}");
            assert_eq!(host_of(url).as_deref(), Some(host), "{url}");
        }
        assert_eq!(split_url("javascript:alert('é')"), (None, None));
        assert_eq!(split_url("data:text/html,<p>é</p>"), (None, None));
    }

    /// The plain-URL fast path gives what the WHATWG parser gives, on every URL it
    /// accepts: hosts and paths built from pieces that parsers treat specially.
    #[test]
    fn plain_urls_read_as_the_parser_reads_them() {
        let hosts = [
            "acme.com",
            "WWW.Acme.COM",
            "a-b.example",
            "xn--bcher-kva.example",
            "127.0.0.1",
            "0x7f.1",
            "a..b",
            "a.b.",
            "user@acme.com",
            "acme.com:8080",
            "acme.com:443",
            "ac me.com",
            "acme.c0m",
            "ACME",
            "a_b.com",
            "[::1]",
            "%61cme.com",
            "acme.com\\x",
            "1.2.3.com",
            "münchen.de",
            "a.123",
            "-a-.b-c.org",
        ];
        let paths = [
            "",
            "/",
            "/a/b.png",
            "/A/B%20C.png",
            "/a/./b",
            "/a/../b",
            "/%2e%2E/x",
            "/a b",
            "/a\\b",
            "/a\"b",
            "/a<b>",
            "/a{b}",
            "/a`b",
            "/a^b",
            "/a|b",
            "/~u/!$&'()*+,;=:@",
            "/%zz",
            "/.",
            "/..",
            "/é",
            "/a\tb",
            "//double//slash",
            "/a.b.c/",
        ];
        let tails = ["", "?q=1", "?q=a b", "#frag", "?x#y", "?%2e"];
        let mut fast = 0;
        for scheme in ["https://", "http://", "HTTPS://", "//"] {
            for h in hosts {
                for p in paths {
                    for t in tails {
                        let r = format!("{scheme}{h}{p}{t}");
                        let abs = if r.starts_with("//") {
                            format!("https:{r}")
                        } else {
                            r.clone()
                        };
                        let after = abs.split_once("//").map_or("", |(_, rest)| rest);
                        if let Some((host, path)) = plain_parts(after, true) {
                            fast += 1;
                            let quick = (Some(clean_host(&host)), Some(normalize_path(path)));
                            assert_eq!(quick, parsed_parts(&abs), "{r}");
                        }
                        if let Some((host, _)) = plain_parts(after, false) {
                            assert_eq!(Some(clean_host(&host)), parsed_parts(&abs).0, "{r}");
                        }
                        assert_eq!(split_url(&r), split_with(&r, false, true), "{r}");
                        assert_eq!(host_of(&r), split_url(&r).0, "{r}");
                    }
                }
            }
        }
        assert!(fast > 500, "the fast path took only {fast} URLs");
    }
}
