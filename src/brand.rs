//! The protected brand's identity, and where a suspect page shows it.

use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::normalize::{normalize, words};
use crate::urls::clean_host;

/// A protected brand as its owner names it: a name and the domains it owns.
///
/// Brand-protection services know this; when it is not given, [`Brand::infer`] reads it
/// from the legitimate site.
///
/// ```
/// use clonehound::Brand;
/// let brand = Brand::new("Acme Consulting", ["acme.com", "www.acme.co.uk"]);
/// assert!(brand.owns("login.acme.com"));
/// assert!(!brand.owns("acme.com.evil.example"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// The brand's name (`"PayPal"`, `"Acme Consulting"`).
    pub name: String,
    /// Domains the brand owns; subdomains count as owned.
    pub domains: Vec<String>,
    /// Other names the brand goes by: products, former or short names (`Gmail` for
    /// Google, `Messenger` for Facebook). An alias counts wherever the name counts.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Words that make a company's legal form or a page's function, not its name.
const GENERIC: &[&str] = &[
    "inc",
    "ltd",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "sa",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "group",
    "the",
    "limited",
    "official",
    "site",
    "home",
    "homepage",
    "welcome",
    "login",
    "log",
    "in",
    "sign",
    "signin",
    "up",
    "on",
    "to",
    "account",
    "accounts",
    "register",
    "password",
    "reset",
    "page",
    "my",
    "your",
    "of",
    "and",
    "online",
    "web",
    "portal",
    "new",
    "create",
    "forgot",
    "help",
    "center",
    "secure",
    "verify",
    "www",
    "com",
];

impl Brand {
    /// A brand from its name and owned domains (hosts are normalised: lower case, no `www.`).
    pub fn new<D: AsRef<str>>(
        name: impl Into<String>,
        domains: impl IntoIterator<Item = D>,
    ) -> Brand {
        Brand {
            name: name.into(),
            domains: domains
                .into_iter()
                .map(|d| clean_host(d.as_ref()))
                .collect(),
            aliases: Vec::new(),
        }
    }

    /// This brand with other names it goes by (blank ones dropped).
    ///
    /// ```
    /// use clonehound::Brand;
    /// let brand = Brand::new("Google", ["google.com"]).with_aliases(["Gmail", " "]);
    /// assert_eq!(brand.aliases, ["Gmail"]);
    /// ```
    #[must_use]
    pub fn with_aliases<A: AsRef<str>>(mut self, aliases: impl IntoIterator<Item = A>) -> Brand {
        for a in aliases {
            let a = a.as_ref().trim();
            if !a.is_empty() && !self.aliases.iter().any(|x| x == a) {
                self.aliases.push(a.to_owned());
            }
        }
        self
    }

    /// True when `host` is one of the brand's domains or a subdomain of one.
    pub fn owns(&self, host: &str) -> bool {
        // Hosts in fingerprints are clean already: cleaned again only when they are not
        // (this runs for every host of every page against every candidate brand).
        let clean = host
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
            && !host.ends_with('.')
            && !host.starts_with("www.");
        let cleaned;
        let host = if clean {
            host
        } else {
            cleaned = clean_host(host);
            cleaned.as_str()
        };
        self.domains.iter().any(|d| {
            !d.is_empty()
                && host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
    }

    /// Where `page` shows this brand. To check many pages, [`crate::compare()`] prepares
    /// the brand once; this is the one-page convenience.
    ///
    /// ```
    /// use clonehound::{Brand, Limits, Page, PageFingerprint};
    /// let page = Page::from_html("<title>Sign in | Acme</title>", Some("https://acme-login.example/"));
    /// let presence = Brand::new("Acme", ["acme.com"]).presence(&PageFingerprint::new(&page, &Limits::default()));
    /// assert!(presence.claims_brand() && presence.owned == 0.0);
    /// ```
    pub fn presence(&self, page: &PageFingerprint) -> Presence {
        Presence::of(&Matcher::new(self.clone()), page)
    }

    /// Reads the brand's identity off its own site: the name most of its pages' site
    /// names, copyright lines, titles and domains agree on, and the domains the pages
    /// say they live on.
    ///
    /// ```
    /// use clonehound::{Brand, Limits, Page, PageFingerprint, SiteFingerprint};
    /// let page = Page::from_html("<title>Log in | Acme</title><p>© 2024 Acme Inc.</p>", Some("https://acme.com/"));
    /// let site = SiteFingerprint::from_pages(vec![PageFingerprint::new(&page, &Limits::default())]);
    /// let brand = Brand::infer(&site);
    /// assert_eq!(brand.name, "Acme");
    /// assert_eq!(brand.domains, ["acme.com"]);
    /// ```
    pub fn infer(site: &SiteFingerprint) -> Brand {
        let mut domains: Vec<String> = site
            .pages
            .iter()
            .flat_map(|p| p.identity.own_domains.iter().cloned())
            .collect();
        domains.sort();
        domains.dedup();
        let name = infer_name(&site.pages, &domains).unwrap_or_default();
        let aliases = infer_aliases(&site.pages, &domains);
        Brand {
            name,
            domains,
            aliases: Vec::new(),
        }
        .with_aliases(aliases)
    }

    /// This identity with what it leaves out (an empty name, no domains) read off the
    /// brand's own site ([`Brand::infer`]).
    /// The names the legitimate site gives itself are added as aliases whatever the
    /// caller gave.
    pub(crate) fn completed_from(self, site: &SiteFingerprint) -> Brand {
        let inferred = Brand::infer(site);
        Brand {
            name: if self.name.is_empty() {
                inferred.name
            } else {
                self.name
            },
            domains: if self.domains.is_empty() {
                inferred.domains
            } else {
                self.domains
            },
            aliases: self.aliases,
        }
        .with_aliases(inferred.aliases)
    }

    /// The normalised phrases that stand for this brand: its name and each alias
    /// without legal-form words, each written as one word too, and its domains' main
    /// labels.
    pub(crate) fn phrases(&self) -> Vec<String> {
        let mut out = Vec::new();
        for name in std::iter::once(&self.name).chain(&self.aliases) {
            let normalized = normalize(name);
            let all: Vec<&str> = words(&normalized).collect();
            let kept: Vec<&str> = all
                .iter()
                .copied()
                .filter(|w| !GENERIC.contains(w))
                .collect();
            let core = if kept.is_empty() { all } else { kept };
            out.push(core.join(" "));
            if core.len() > 1 {
                out.push(core.concat());
            }
        }
        for d in &self.domains {
            if let Some(label) = main_label(d) {
                out.push(label);
            }
        }
        out.retain(|p| p.chars().count() >= 3 && !GENERIC.contains(&p.as_str()));
        out.sort();
        out.dedup();
        out
    }
}

/// `login.acme.co.uk` gives `acme`: the longest label that is not a common suffix.
fn main_label(domain: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &[
        "com", "net", "org", "co", "uk", "de", "io", "gov", "edu", "ac", "www",
    ];
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    labels
        .iter()
        .take(n.saturating_sub(1).max(1))
        .rev()
        .find(|l| !SUFFIXES.contains(l) && l.len() >= 3)
        .map(|l| l.replace('-', " "))
}

fn infer_name(pages: &[PageFingerprint], domains: &[String]) -> Option<String> {
    let mut candidates: Vec<(String, f64)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for page in pages.iter().take(16) {
        let id = &page.identity;
        for (i, name) in id.names().into_iter().enumerate() {
            let phrase = Brand::new(name, [""; 0]).phrases().into_iter().next();
            let named =
                |p: &String| words(p).any(|w| !GENERIC.contains(&w)) && words(p).count() <= 4;
            if let Some(p) = phrase.filter(named) {
                let prior = if i == 0 && id.site_name.is_some() {
                    2.0
                } else {
                    1.0
                };
                candidates.push((p, prior));
            }
        }
        sources.push(id.zones.title.clone());
        sources.push(id.zones.footer.clone());
        sources.push(id.zones.headings.clone());
        sources.extend(id.copyright.iter().map(|c| normalize(c)));
    }
    for d in domains {
        if let Some(label) = main_label(d) {
            candidates.push((label.clone(), 1.0));
            sources.push(label);
        }
    }
    let support = |phrase: &str| -> f64 {
        let compact: String = phrase.split(' ').collect();
        sources
            .iter()
            .filter(|s| contains_phrase(s, phrase) || s.split(' ').any(|w| w == compact))
            .count() as f64
    };
    candidates
        .iter()
        .map(|(p, prior)| (p, prior + support(p), std::cmp::Reverse(p.len())))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)).then(b.0.cmp(a.0)))
        .map(|(p, _, _)| title_case(p))
}

/// Other names the legitimate site gives itself where sites name themselves: its
/// `og:site_name` or `application-name`, and the site part of its titles (the last
/// segment of `Log In — WordPress.com`) when its headings, footer, copyright lines or
/// domains say it again. A candidate needs a word that is not generic and at most
/// three words: a tagline or a page's function is not a name.
fn infer_aliases(pages: &[PageFingerprint], domains: &[String]) -> Vec<String> {
    let labels: Vec<String> = domains.iter().filter_map(|d| main_label(d)).collect();
    let mut out: Vec<String> = Vec::new();
    for page in pages.iter().take(16) {
        let id = &page.identity;
        let mut candidates: Vec<&str> = id.site_name.iter().map(String::as_str).collect();
        let segments = id.title_segments();
        let site_part = segments.last().filter(|_| segments.len() >= 2);
        if let Some(last) = site_part {
            let norm = normalize(last);
            let compact: String = norm.split(' ').collect();
            let z = &id.zones;
            let said_again = [&z.headings, &z.footer, &z.prominent]
                .iter()
                .any(|zone| contains_phrase(zone, &norm))
                || id
                    .copyright
                    .iter()
                    .any(|c| contains_phrase(&normalize(c), &norm))
                || labels
                    .iter()
                    .any(|l| *l == norm || l.replace(' ', "") == compact);
            if said_again {
                candidates.push(last);
            }
        }
        for c in candidates {
            if looks_like_name(c) && !out.iter().any(|o| normalize(o) == normalize(c)) {
                out.push(c.trim().to_owned());
            }
        }
    }
    out
}

fn title_case(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when normalised `text` holds `phrase` as whole words.
pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
    occurrences(text, &Finder::new(phrase)).next().is_some()
}

/// Words that, just before a name, make it a credit and not a claim: a page "powered
/// by" a platform does not claim to be it.
const CREDITS: &[&str] = &[
    "powered by",
    "built with",
    "built on",
    "made with",
    "hosted by",
    "hosted on",
    "runs on",
    "theme by",
];

/// True when normalised `text` holds `phrase` as whole words at least once where it
/// is not a credit ([`CREDITS`]).
fn contains_claim(text: &str, phrase: &Finder) -> bool {
    occurrences(text, phrase).any(|start| {
        let before = text.get(..start).unwrap_or("").trim_end();
        !CREDITS.iter().any(|c| {
            before.ends_with(c)
                && (before.len() == c.len()
                    || before.as_bytes().get(before.len() - c.len() - 1) == Some(&b' '))
        })
    })
}

/// Byte offsets where `phrase` starts as whole words in normalised `text`.
fn occurrences<'a>(text: &'a str, phrase: &'a Finder) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    let len = phrase.needle().len();
    std::iter::from_fn(move || {
        if len == 0 {
            return None;
        }
        while let Some(pos) = text.as_bytes().get(from..).and_then(|t| phrase.find(t)) {
            let start = from + pos;
            let end = start + len;
            let before = start == 0 || text.as_bytes().get(start - 1) == Some(&b' ');
            let after = end == text.len() || text.as_bytes().get(end) == Some(&b' ');
            from = start + 1;
            while from < text.len() && !text.is_char_boundary(from) {
                from += 1;
            }
            if before && after {
                return Some(start);
            }
        }
        from = text.len() + 1;
        None
    })
}

/// At most three words, one of them not generic: how a site's name looks, unlike a
/// tagline or a page's function.
fn looks_like_name(text: &str) -> bool {
    let norm = normalize(text);
    let count = words(&norm).count();
    (1..=3).contains(&count)
        && words(&norm).any(|w| !GENERIC.contains(&w) && w.chars().count() >= 3)
}

/// A brand prepared for matching: its phrases computed once for many pages.
pub(crate) struct Matcher {
    pub brand: Brand,
    /// The brand's phrases, each searched for with a finder built once.
    phrases: Vec<Finder<'static>>,
    compact: Vec<String>,
}

impl Matcher {
    pub(crate) fn new(brand: Brand) -> Matcher {
        let phrases = brand.phrases();
        let compact = phrases.iter().map(|p| p.replace(' ', "")).collect();
        let phrases = phrases
            .iter()
            .map(|p| Finder::new(p.as_bytes()).into_owned())
            .collect();
        Matcher {
            brand,
            phrases,
            compact,
        }
    }

    /// True when normalised `text` names the brand.
    fn names(&self, text: &str) -> bool {
        self.phrases
            .iter()
            .any(|p| occurrences(text, p).next().is_some())
    }

    /// True when normalised `text` names the brand other than as a credit
    /// ("powered by Acme").
    fn claims(&self, text: &str) -> bool {
        self.phrases.iter().any(|p| contains_claim(text, p))
    }

    /// True when a title of three or more segments names the brand at one end and
    /// another site in between: `Log In ‹ Caribou Coffee — WordPress` is Caribou
    /// Coffee's page on the WordPress platform, not WordPress's.
    fn title_names_other_site(&self, identity: &crate::signals::identity::Identity) -> bool {
        let segments = identity.title_segments();
        let names = |s: &str| self.names(&normalize(s));
        match segments.as_slice() {
            [first, middle @ .., last] if !middle.is_empty() && (names(first) || names(last)) => {
                middle.iter().any(|s| !names(s) && looks_like_name(s))
            }
            _ => false,
        }
    }

    /// True when `host` is the brand's: owned by it, or with a label that is the brand's
    /// name written as one word (`www.acme.com`, `acme.example.net`).
    pub(crate) fn names_host(&self, host: &str) -> bool {
        self.brand.owns(host)
            || host
                .split('.')
                .any(|label| self.compact.iter().any(|c| c == label))
    }

    /// True when the file a resource path ends in is named after the brand
    /// (`acme-logo.png`). Directories name where files are kept, often on another firm's
    /// host (`wikipedia/commons/…/acme_logo.svg`), and do not count.
    fn names_file(&self, path: &str) -> bool {
        // Paths are lower-case already: words split on anything not alphanumeric.
        let words: String = file_name(path)
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        self.names(&words)
    }
}

/// The file name a resource path ends in: where [`Matcher`] and the index look for a
/// brand's name in a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Where a suspect page shows a brand, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    /// The brand's name in the title, `og:title` or site name.
    pub title: f64,
    /// In headings, logo alt text, labels or buttons.
    pub prominent: f64,
    /// In the first KiB of visible text.
    pub lead: f64,
    /// Only in the footer, a copyright line or an e-mail domain.
    pub footer: f64,
    /// Links to a brand domain.
    pub links: f64,
    /// Loads resources from, or posts forms to, a brand domain, names resource files
    /// after the brand, or writes a brand domain's URLs into its scripts.
    pub resources: f64,
    /// The page names itself as someone other than the brand: by its site name, or by
    /// its copyright lines when it does not claim the brand in its title or headings.
    pub other_name: f64,
    /// The suspect shows one of the brand's marks: the legitimate site's favicon
    /// (perceptual match) or its logo. Set by [`crate::compare()`], which sees both
    /// sites; 0 from [`Brand::presence`].
    #[serde(default)]
    pub mark: f64,
    /// The URL the page was found at is on a brand domain: the brand's own page.
    /// (Declared canonical or `og:url` domains never count: a copy can keep them.)
    pub owned: f64,
}

impl Presence {
    /// Where `page` shows the brand `m` was prepared for.
    pub(crate) fn of(m: &Matcher, page: &PageFingerprint) -> Presence {
        let brand = &m.brand;
        let has = |text: &str| m.names(text) as u8 as f64;
        let claims = |text: &str| m.claims(text) as u8 as f64;
        let z = &page.identity.zones;
        let host_hit = |h: &String| m.names_host(h);
        let a = &page.assets;
        let other = |names: &mut dyn Iterator<Item = &String>| {
            let names: Vec<String> = names.map(|n| normalize(n)).collect();
            !names.is_empty() && names.iter().all(|n| has(n) == 0.0)
        };
        let site_name_other = other(&mut page.identity.site_name.iter());
        let copyright_other = other(&mut page.identity.copyright.iter());
        let title = claims(&z.title);
        let footer =
            has(&z.footer).max(page.identity.email_domains().any(|d| brand.owns(&d)) as u8 as f64);
        let prominent = claims(&z.headings).max(claims(&z.prominent));
        let named_in_paths = a.paths.iter().any(|p| m.names_file(p));
        Presence {
            title,
            prominent,
            lead: claims(&page.text.lead),
            footer,
            // A page declaring a brand domain as its own (canonical, og:url) while found
            // elsewhere points back at the brand like a link does.
            links: (a.link_hosts.iter().any(host_hit)
                || page.identity.own_domains.iter().any(host_hit)) as u8 as f64,
            resources: (a.hosts.iter().any(host_hit)
                || a.script_hosts.iter().any(host_hit)
                || named_in_paths) as u8 as f64,
            // A site name is a deliberate claim to be someone else. A copyright line
            // counts only when the page does not claim the brand where pages name
            // themselves: a kit keeping the brand's title with a stray copyright line
            // is still claiming the brand.
            other_name: (site_name_other
                || m.title_names_other_site(&page.identity)
                || (copyright_other && title == 0.0 && prominent == 0.0))
                as u8 as f64,
            mark: 0.0,
            // Only where the page was really found counts: what it declares is the
            // attacker's to write.
            owned: page
                .url
                .as_deref()
                .and_then(|u| crate::urls::split_url(u).0)
                .is_some_and(|h| brand.owns(&h)) as u8 as f64,
        }
    }

    /// True when the page claims to be the brand: its name or mark where a page names
    /// itself, or links back to the brand's domains beside its name.
    pub fn claims_brand(&self) -> bool {
        self.title > 0.0
            || self.prominent > 0.0
            || self.mark > 0.0
            || (self.links > 0.0 && self.lead > 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_drop_legal_forms() {
        let cases: [(&str, &[&str], &[&str]); 4] = [
            ("Acme Inc.", &[], &["acme"]),
            (
                "North Wind Logistics",
                &["northwind.com"],
                &["north wind logistics", "northwind", "northwindlogistics"],
            ),
            ("PayPal", &["paypal.com"], &["paypal"]),
            ("Log in", &[], &["log in"]),
        ];
        for (name, domains, want) in cases {
            assert_eq!(
                Brand::new(name, domains.iter().copied()).phrases(),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn resources_count_file_names_and_script_urls_not_directories() {
        use crate::{Limits, Page};
        let brand = Brand::new("Acme", ["acme.com"]);
        let resources = |html: &str| {
            let page = Page::from_html(html, Some("http://kit.example/"));
            brand
                .presence(&PageFingerprint::new(&page, &Limits::default()))
                .resources
        };
        assert_eq!(resources(r#"<img src="img/acme-logo.png">"#), 1.0);
        assert_eq!(
            resources(r#"<img src="https://media.example/acme/team.jpg">"#),
            0.0
        );
        assert_eq!(
            resources(r#"<script>fetch("https:\/\/api.acme.com\/v1")</script>"#),
            1.0
        );
        assert_eq!(resources(r#"<p>https://api.acme.com/v1</p>"#), 0.0);
    }

    #[test]
    fn phrase_matching_is_by_whole_words() {
        assert!(contains_phrase("log in to acme today", "acme"));
        assert!(contains_phrase("acme", "acme"));
        assert!(!contains_phrase("acmetrics", "acme"));
        assert!(!contains_phrase("the acmes", "acme"));
        assert!(contains_phrase("x north wind y", "north wind"));
    }
}
