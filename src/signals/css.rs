//! The URLs a style sheet refers to: `url(...)` and `@import "..."`.
//!
//! One pass by hand. The regex this replaces,
//! `url\(\s*['"]?([^'")\s]{1,2048})['"]?\s*\)|@import\s+['"]([^'"]{1,2048})['"]`, ran as a
//! capturing (Pike VM) search and cost 8% of a whole scan's CPU on real pages; this reads
//! exactly the same matches (the test at the bottom holds the two side by side).

/// The most URLs read from one page's styles.
const MAX_URLS: usize = 4096;
/// The longest URL read, in characters.
const MAX_URL_CHARS: usize = 2048;

/// The URLs of `url(...)` and `@import "..."` in `css`, in order, `data:` URLs left out,
/// at most [`MAX_URLS`].
pub(crate) fn style_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while out.len() < MAX_URLS {
        let Some(i) = css
            .as_bytes()
            .get(at..)
            .and_then(|rest| memchr::memchr2(b'u', b'@', rest))
            .map(|i| at + i)
        else {
            break;
        };
        let rest = css.get(i..).unwrap_or_default();
        let found = if let Some(call) = rest.strip_prefix("url(") {
            url_call(call)
        } else if let Some(import) = rest.strip_prefix("@import") {
            import_target(import)
        } else {
            None
        };
        match found {
            Some((url, used)) => {
                if !url.starts_with("data:") {
                    out.push(url.to_owned());
                }
                at = css.len() - used.len();
            }
            None => at = i + 1,
        }
    }
    out
}

/// After `url(`: spaces, an optional quote, the URL (no quote, `)` or space), an
/// optional quote, spaces, `)`. The URL and what follows the `)`.
fn url_call(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start_matches(char::is_whitespace);
    let body = s.strip_prefix(['\'', '"']).unwrap_or(s);
    let url = take_run(body, |c| {
        !matches!(c, '\'' | '"' | ')') && !c.is_whitespace()
    })?;
    let after = body.get(url.len()..).unwrap_or_default();
    let after = after.strip_prefix(['\'', '"']).unwrap_or(after);
    let after = after.trim_start_matches(char::is_whitespace);
    Some((url, after.strip_prefix(')')?))
}

/// After `@import`: at least one space, a quote, the URL (no quote), a quote. The URL
/// and what follows the closing quote.
fn import_target(s: &str) -> Option<(&str, &str)> {
    let body = s.trim_start_matches(char::is_whitespace);
    if body.len() == s.len() {
        return None;
    }
    let body = body.strip_prefix(['\'', '"'])?;
    let url = take_run(body, |c| !matches!(c, '\'' | '"'))?;
    let after = body.get(url.len()..).unwrap_or_default();
    Some((url, after.strip_prefix(['\'', '"'])?))
}

/// The longest prefix of `s` whose characters all pass `keep`: 1 to [`MAX_URL_CHARS`]
/// characters, and none if the run is longer (the regex's `{1,2048}` then fails, as
/// what follows is neither a quote, a space nor `)`).
fn take_run(s: &str, keep: impl Fn(char) -> bool) -> Option<&str> {
    let mut end = 0;
    for (n, (i, c)) in s.char_indices().enumerate() {
        if !keep(c) {
            break;
        }
        if n == MAX_URL_CHARS {
            return None;
        }
        end = i + c.len_utf8();
    }
    (end > 0).then(|| s.get(..end)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    static CSS_URL: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"url\(\s*['"]?([^'")\s]{1,2048})['"]?\s*\)|@import\s+['"]([^'"]{1,2048})['"]"#)
            .unwrap_or_else(|e| unreachable!("{e}"))
    });

    /// What the regex this module replaces found.
    fn by_regex(css: &str) -> Vec<String> {
        CSS_URL
            .captures_iter(css)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().to_owned())
            .filter(|u| !u.starts_with("data:"))
            .take(MAX_URLS)
            .collect()
    }

    #[test]
    fn reads_what_the_regex_read() {
        let long = "x".repeat(MAX_URL_CHARS);
        let cases = [
            "a{background:url('/img/a.png')} @import \"/css/b.css\"; b{x:url(data:xx)}",
            "url( \"a b\" ) url(  c ) url('') url(\"\") url() url(a\"\") url(a'b) url('a\"\n)",
            "@import'x'; @import  \"y\" ; @import url(z); @import \"\"; @importq 'w'",
            "uurl(a)url(b)@@import 'c' url(\u{a0}d\u{2003})",
            "url(é/ü) url(日本) @import \"é\u{2028}x\" url(\"a)",
            &format!("url({long}) url({long}x) @import '{long}' @import '{long}x' url(ok)"),
            &format!("url({long}) @import \"é{long}\""),
            "url(a url(b) @import 'c url(d)' url(e",
        ];
        for css in cases {
            assert_eq!(style_urls(css), by_regex(css), "{css:?}");
        }
    }

    #[test]
    fn reads_what_the_regex_read_on_generated_styles() {
        // Every string of up to 5 tokens from an alphabet of the scanner's turning points.
        let parts = [
            "url(", "@import", " ", "'", "\"", ")", "a", "é", "data:", "u",
        ];
        let mut stack = vec![(String::new(), 0)];
        let mut checked = 0;
        while let Some((css, tokens)) = stack.pop() {
            assert_eq!(style_urls(&css), by_regex(&css), "{css:?}");
            checked += 1;
            if tokens < 5 {
                stack.extend(parts.iter().map(|p| (format!("{css}{p}"), tokens + 1)));
            }
        }
        assert_eq!(checked, 111_111);
    }

    #[test]
    fn stops_at_the_cap() {
        let css = "url(a)".repeat(MAX_URLS + 10);
        assert_eq!(style_urls(&css).len(), MAX_URLS);
    }
}
