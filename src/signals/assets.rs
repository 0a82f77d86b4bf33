//! Resources a page loads and where it points: telling, cheap, and hard for a copier
//! to change everywhere.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::parse::Extract;
use crate::sketch::{sorted_jaccard, sorted_shared};
use crate::urls::{clean_host, host_of, split_url};

/// The asset signal of one page. Lists are sorted, deduplicated and capped at
/// [`crate::Limits::max_items`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assets {
    /// Resource paths with scheme, host, query and mirror prefixes stripped.
    pub paths: Vec<String>,
    /// Hosts of absolute resource, link and form URLs other than the page's own.
    pub hosts: Vec<String>,
    /// Analytics, tag-manager and ad account IDs (`G-…`, `UA-…`, `GTM-…`, `fbq:…`).
    pub analytics: Vec<String>,
    /// Form actions, normalised like paths (absolute ones keep their host).
    pub form_actions: Vec<String>,
    /// Hosts that `<a href>` links point to.
    pub link_hosts: Vec<String>,
    /// Hosts of absolute URLs written inside inline scripts (configuration, API
    /// endpoints, a widget's `origin=`), other than the page's own. A saved copy of a
    /// brand's page keeps the brand's origin there long after its text and layout are
    /// replaced.
    pub script_hosts: Vec<String>,
    /// Hosts the page reaches only by running a script or a frame from them (an SDK,
    /// a share button, an embedded video or map) or by images that point at them (a
    /// store badge on a link leading away, a payment icon in the footer): a subset of
    /// [`Assets::hosts`] that uses or points at a firm's service without wearing its
    /// look, so it never claims the firm.
    #[serde(default)]
    pub embed_hosts: Vec<String>,
    /// Hosts written in inline scripts as bare origins, with no path
    /// (`"https://www.acme.com"`, `origin=https://acme.com:443`): the origin a saved
    /// sign-in or captcha frame was rendered for, where a script that merely loads a
    /// firm's SDK writes a path (`https://cdn.acme.com/sdk.js`). A subset of
    /// [`Assets::script_hosts`].
    #[serde(default)]
    pub script_origins: Vec<String>,
}

impl Assets {
    pub(crate) fn build(e: &Extract, own_host: Option<&str>, max_items: usize) -> Assets {
        let mut paths = BTreeSet::new();
        let mut hosts = BTreeSet::new();
        let mut link_hosts = BTreeSet::new();
        let mut form_actions = BTreeSet::new();
        // Hosts reached other than by what the page runs or points at (`Extract::embeds`).
        let mut worn = BTreeSet::new();
        let mut embed_hosts = BTreeSet::new();
        let not_own = |h: &str| own_host != Some(h);
        let style_urls = super::css::style_urls(&e.style_text);
        let loads = e
            .resources
            .iter()
            .chain(style_urls.iter())
            .map(|r| (r, false))
            .chain(e.embeds.iter().map(|r| (r, true)));
        for (r, embed) in loads {
            let (host, path) = split_url(r);
            if let Some(h) = host.filter(|h| not_own(h)) {
                if embed {
                    embed_hosts.insert(h.clone());
                } else {
                    worn.insert(h.clone());
                }
                hosts.insert(h);
            }
            if let Some(p) = path.filter(|p| !p.is_empty()) {
                paths.insert(p);
            }
        }
        for a in &e.anchors {
            if let Some(h) = host_of(a) {
                if not_own(&h) {
                    link_hosts.insert(h);
                }
            }
        }
        for f in &e.form_actions {
            let (host, path) = split_url(f);
            if let Some(h) = &host {
                worn.insert(h.clone());
                hosts.insert(h.clone());
            }
            let action = match (host, path) {
                (Some(h), p) => format!("{h}/{}", p.unwrap_or_default()),
                (None, p) => p.unwrap_or_default(),
            };
            form_actions.insert(action);
        }
        let ScriptUrls {
            hosts: mut script_hosts,
            origins: mut script_origins,
        } = urls_in_script(&e.script);
        script_hosts.retain(|h| not_own(h));
        script_origins.retain(|h| not_own(h));
        embed_hosts.retain(|h| !worn.contains(h));
        let mut analytics = BTreeSet::new();
        let haystacks = [e.script.as_str()];
        for text in haystacks
            .into_iter()
            .chain(e.resources.iter().map(String::as_str))
            .chain(e.embeds.iter().map(String::as_str))
        {
            analytics_ids(text, &mut analytics);
        }
        let cap = |s: BTreeSet<String>| s.into_iter().take(max_items).collect();
        Assets {
            paths: cap(paths),
            hosts: cap(hosts),
            analytics: cap(analytics),
            form_actions: cap(form_actions),
            link_hosts: cap(link_hosts),
            script_hosts: cap(script_hosts),
            embed_hosts: cap(embed_hosts),
            script_origins: cap(script_origins),
        }
    }

    /// Jaccard similarity of the resource paths.
    pub fn path_similarity(&self, other: &Assets) -> f64 {
        sorted_jaccard(&self.paths, &other.paths)
    }

    /// Share of `self`'s resource paths that `other` has too.
    pub fn path_containment_in(&self, other: &Assets) -> f64 {
        if self.paths.is_empty() {
            return 0.0;
        }
        sorted_shared(&self.paths, &other.paths) as f64 / self.paths.len() as f64
    }

    /// The items of `pick` that both pages have, in order.
    pub(crate) fn shared<'a>(
        &'a self,
        other: &Assets,
        pick: fn(&Assets) -> &Vec<String>,
    ) -> Vec<&'a str> {
        let theirs = pick(other);
        pick(self)
            .iter()
            .filter(|x| theirs.binary_search(x).is_ok())
            .map(String::as_str)
            .collect()
    }
}

static ANALYTICS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(UA-\d{4,10}-\d{1,4}|G-[A-Z0-9]{8,12}|GTM-[A-Z0-9]{4,9}|AW-\d{6,12}|ca-pub-\d{10,20})\b",
        r#"|fbq\(\s*['"]init['"]\s*,\s*['"](\d{8,20})['"]"#,
        r"|\bym\(\s*(\d{5,12})\s*,",
    ))
    .ok()
});

fn analytics_ids(text: &str, out: &mut BTreeSet<String>) {
    let Some(re) = ANALYTICS.as_ref() else { return };
    for caps in re.captures_iter(text) {
        if let Some(m) = caps.get(1) {
            out.insert(m.as_str().to_owned());
        } else if let Some(m) = caps.get(2) {
            out.insert(format!("fbq:{}", m.as_str()));
        } else if let Some(m) = caps.get(3) {
            out.insert(format!("ym:{}", m.as_str()));
        }
    }
}

/// The hosts of the absolute URLs in a page's inline scripts.
struct ScriptUrls {
    /// Every URL's host.
    hosts: BTreeSet<String>,
    /// The hosts of URLs that are bare origins: nothing after the host but a port, a
    /// slash, a query or a fragment.
    origins: BTreeSet<String>,
}

/// True when what follows a URL's host (`tail`) starts no path: an optional
/// `:port`, then at most a slash (plain, `\/` or `\u002f`) that no path character
/// follows. `https://acme.com`, `https:\/\/acme.com\/"`, `https://acme.com:443\x22` and
/// `origin=https://acme.com\u0026x` are origins; `https://acme.com/sdk.js` is not.
fn ends_at_origin(tail: &[u8]) -> bool {
    let mut rest = tail;
    if let Some(r) = rest.strip_prefix(b":") {
        let digits = r.iter().take_while(|b| b.is_ascii_digit()).count();
        rest = r.get(digits..).unwrap_or_default();
    }
    let Some(after_slash) = strip_slash(rest) else {
        return true;
    };
    !after_slash
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(b))
}

/// `rest` after a leading slash as scripts write one: plain, `\/` or `\u002f`.
fn strip_slash(rest: &[u8]) -> Option<&[u8]> {
    rest.strip_prefix(b"/")
        .or_else(|| rest.strip_prefix(b"\\/"))
        .or_else(|| {
            rest.get(..6)
                .filter(|p| p.eq_ignore_ascii_case(b"\\u002f"))
                .and_then(|_| rest.get(6..))
        })
}

/// Hosts of the absolute URLs in `script`: `http(s)://host`, JSON-escaped
/// `https:\/\/host` and `https:\u002F\u002Fhost`, with at least one dot and a letter
/// top-level label. Each distinct host once, cleaned like every other host (lower
/// case, no `www.`). One linear pass: `memchr` finds each `http`, the rest is read by
/// hand (a regex over megabytes of script cost a fifth of the fingerprint's time), and
/// repeats are set aside before anything is allocated. Lower-case `http` only, as
/// URLs in scripts are written. The script is already capped at
/// [`crate::Limits::max_script_bytes`].
fn urls_in_script(script: &str) -> ScriptUrls {
    let bytes = script.as_bytes();
    let mut raw: BTreeSet<&str> = BTreeSet::new();
    let mut origins: BTreeSet<&str> = BTreeSet::new();
    for at in memchr::memmem::find_iter(bytes, b"http") {
        let rest = bytes.get(at + 4..).unwrap_or_default();
        let rest = rest.strip_prefix(b"s").unwrap_or(rest);
        let Some(mut rest) = rest.strip_prefix(b":") else {
            continue;
        };
        let mut slashes = 0;
        while slashes < 2 {
            let Some(r) = strip_slash(rest) else { break };
            rest = r;
            slashes += 1;
        }
        if slashes < 2 {
            continue;
        }
        let len = rest
            .iter()
            .take(253)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.' || **b == b'-')
            .count();
        let start = bytes.len() - rest.len();
        if let Some(host) = script.get(start..start + len).filter(|h| is_host(h)) {
            raw.insert(host);
            if ends_at_origin(rest.get(len..).unwrap_or_default()) {
                origins.insert(host);
            }
        }
    }
    ScriptUrls {
        hosts: raw.into_iter().map(clean_host).collect(),
        origins: origins.into_iter().map(clean_host).collect(),
    }
}

/// A dotted host name: labels of letters, digits and inner hyphens, a letter TLD.
fn is_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let mut labels = host.rsplit('.');
    let tld_ok = labels
        .next()
        .is_some_and(|t| (2..=24).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphabetic()));
    let mut n = 0;
    let rest_ok = labels.all(|l| {
        n += 1;
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-')
    });
    tld_ok && rest_ok && n >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_hosts_in_scripts_plain_and_escaped() {
        let script = r#"var o = "https://www.Acme.com/api"; x = {"u":"https:\/\/cdn.acme-assets.net\/a.js"};
            y = "http:\u002F\u002Fbeta.acme.io:443"; z = "https://localhost/"; w = "ftp://files.acme.com";
            v = 'url=https%3A%2F%2Fencoded.example'; u = "\x22https://recaptcha.example:443\x22";
            t = "origin\u003dhttps://widget.example.org";"#;
        let hosts: Vec<String> = urls_in_script(script).hosts.into_iter().collect();
        assert_eq!(
            hosts,
            [
                "acme.com",
                "beta.acme.io",
                "cdn.acme-assets.net",
                "recaptcha.example",
                "widget.example.org"
            ]
        );
        for junk in [
            "http",
            "https:",
            "https://",
            "http://-x.com",
            "https://a..b.com",
            "http://1.2.3.4/",
            "https:/one.com",
        ] {
            assert!(urls_in_script(junk).hosts.is_empty(), "{junk}");
        }
    }

    #[test]
    fn hosts_only_run_as_scripts_or_frames_are_set_apart() {
        let e = Extract {
            resources: vec!["https://cdn.both.example/a.css".into()],
            embeds: vec![
                "https://cdn.both.example/a.js".into(),
                "https://widgets.example/w.js".into(),
                "https://own.example/app.js".into(),
            ],
            form_actions: vec!["https://login.form.example/s".into()],
            ..Extract::default()
        };
        let a = Assets::build(&e, Some("own.example"), 100);
        assert_eq!(
            a.hosts,
            ["cdn.both.example", "login.form.example", "widgets.example"]
        );
        assert_eq!(a.embed_hosts, ["widgets.example"]);
        assert_eq!(a.paths, ["a.css", "a.js", "app.js", "w.js"]);
    }

    #[test]
    fn tells_origins_from_urls_with_a_path() {
        // Saved widget frames write the origin they were rendered for; pages running a
        // firm's SDK write the path of the file they load.
        let script = r#"a = "https://www.quora.com:443\x22,["; b = "https:\/\/www.pinterest.com";
            c = "origin\u003dhttps://accounts.spotify.com\u0026url"; d = "https://origin.example/";
            e = "https://origin.example/?ref=1"; f = "https://connect.facebook.net/en_US/sdk.js";
            g = "https:\/\/www.youtube.com\/iframe_api"; h = "https://api.acme.com:8443/v1";
            i = "https://apps.example\u002Fwidget"; j = "https://tail.example"#;
        let found = urls_in_script(script);
        let origins: Vec<&str> = found.origins.iter().map(String::as_str).collect();
        assert_eq!(
            origins,
            [
                "accounts.spotify.com",
                "origin.example",
                "pinterest.com",
                "quora.com",
                "tail.example"
            ]
        );
        for h in [
            "connect.facebook.net",
            "youtube.com",
            "api.acme.com",
            "apps.example",
        ] {
            assert!(found.hosts.contains(h), "{h}");
        }
    }

    #[test]
    fn finds_analytics_ids() {
        let mut ids = BTreeSet::new();
        analytics_ids(
            "gtag('config', 'G-AB12CD34EF'); ga('create','UA-123456-7'); \
             fbq('init', '123456789012'); (function(){})('GTM-ABC123'); x='G-short'",
            &mut ids,
        );
        let want = [
            "G-AB12CD34EF",
            "GTM-ABC123",
            "UA-123456-7",
            "fbq:123456789012",
        ];
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), want);
    }
}
