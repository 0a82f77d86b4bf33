//! The protected brand's identity, and where a suspect page shows it.

use serde::{Deserialize, Serialize};

use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::normalize::{normalize, words};
use crate::urls::clean_host;

mod matcher;
mod presence;
#[cfg(test)]
mod tests;

use matcher::looks_like_name;
pub(crate) use matcher::{Matcher, claims_phrase, contains_phrase, file_name};
pub use presence::Presence;
pub(crate) use presence::{PageFacts, Places};

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
        let host = cleaned(host);
        let host = host.as_ref();
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
    // A near-empty page's title is a placeholder ("Coming soon", "React App").
    for page in pages.iter().filter(|p| !p.near_empty()).take(16) {
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
    // A credit ("powered by WordPress") supports the platform's name, not the site's.
    let support = |phrase: &str| -> f64 {
        let compact: String = phrase.split(' ').collect();
        sources
            .iter()
            .filter(|s| claims_phrase(s, phrase) || s.split(' ').any(|w| w == compact))
            .count() as f64
    };
    // A name the pages credit ("powered by WordPress") is the platform the site runs on:
    // it is the site's name only when nothing else is.
    let credited = |phrase: &str| {
        sources
            .iter()
            .any(|s| contains_phrase(s, phrase) && !claims_phrase(s, phrase))
    };
    let uncredited: Vec<&(String, f64)> = candidates.iter().filter(|(p, _)| !credited(p)).collect();
    let pool = if uncredited.is_empty() {
        candidates.iter().collect()
    } else {
        uncredited
    };
    pool.into_iter()
        .map(|(p, prior)| (p, prior + support(p), std::cmp::Reverse(p.len())))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)).then(b.0.cmp(a.0)))
        .map(|(p, _, _)| title_case(p))
}

/// Other names the legitimate site gives itself where sites name themselves: its
/// `og:site_name` or `application-name`, and the site part of its titles (the last
/// segment of `Log In — WordPress.com`) when its headings, footer, copyright lines or
/// domains say it again (a credit, "powered by WordPress", does not). A candidate
/// needs a word that is not generic and at most three words: a tagline or a page's
/// function is not a name.
fn infer_aliases(pages: &[PageFingerprint], domains: &[String]) -> Vec<String> {
    let labels: Vec<String> = domains.iter().filter_map(|d| main_label(d)).collect();
    let mut out: Vec<String> = Vec::new();
    for page in pages.iter().filter(|p| !p.near_empty()).take(16) {
        let id = &page.identity;
        let mut candidates: Vec<&str> = id.site_name.iter().map(String::as_str).collect();
        let segments = id.title_segments();
        let site_part = segments.last().filter(|_| segments.len() >= 2);
        if let Some(last) = site_part {
            let norm = normalize(last);
            let compact: String = norm.split(' ').collect();
            let z = &id.zones;
            // A credit ("Powered by WordPress" under a firm's WordPress login) names the
            // platform a site runs on, not the site.
            let said_again = [&z.headings, &z.footer, &z.prominent]
                .iter()
                .any(|zone| claims_phrase(zone, &norm))
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

/// `host` as [`Brand::owns`] reads it: lower case, without `www.` or a final dot.
/// Hosts in fingerprints are clean already, so they are cleaned again only when they
/// are not (this runs for every host of every page against every candidate brand).
pub(crate) fn cleaned(host: &str) -> std::borrow::Cow<'_, str> {
    let clean = host
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
        && !host.ends_with('.')
        && !host.starts_with("www.");
    if clean {
        std::borrow::Cow::Borrowed(host)
    } else {
        std::borrow::Cow::Owned(clean_host(host))
    }
}
