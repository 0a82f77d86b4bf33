//! Where a suspect page shows a brand.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::matcher::looks_like_name;
use super::{Matcher, file_name};
use crate::fingerprint::PageFingerprint;
use crate::normalize::normalize;
use crate::urls::host_of;

/// Where a page can show a brand: the one list that the score ([`Presence::of`]), the
/// evidence (`evidence.rs`) and the index's query keys (`index/keys.rs`) read. Each
/// reader takes the places it needs from here, so a place is defined, and added, once:
///
/// | place | score | evidence | index |
/// |---|---|---|---|
/// | name zones (title, headings, prominent, lead, footer, credential forms) | title, prominent, lead, footer, credentials | names the zones | name keys |
/// | logo image file names | resources | — | name keys |
/// | link hosts, declared own domains | links | link hosts | link hosts |
/// | worn hosts (resource and form hosts but those only run or pointed at), script origins | resources | worn hosts, script origins | resource and script hosts |
/// | form hosts, e-mail domains | footer (e-mail) | — | both |
/// | the URL the page was found at | owned | owned | — |
pub(crate) struct Places<'a>(pub &'a PageFingerprint);

impl<'a> Places<'a> {
    /// The normalised text zones where a page names itself, or whose account it asks
    /// for: title, headings, prominent elements (logo alt, labels, buttons), the first
    /// KiB of text, the footer, the forms that ask for a password.
    pub(crate) fn name_zones(&self) -> [&'a str; 6] {
        let z = &self.0.identity.zones;
        [
            &z.title,
            &z.headings,
            &z.prominent,
            &self.0.text.lead,
            &z.footer,
            &z.form,
        ]
    }

    /// The file names of the page's own logo images (`acme-logo.png`,
    /// [`crate::fingerprint::Marks::logo_images`]), lower case, without query or
    /// fragment; directories do not count. Other files do not name the page: a social
    /// icon `facebook.png` names where its link goes, `facebook-sdk.js` a service used.
    pub(crate) fn file_names(&self) -> impl Iterator<Item = String> + 'a {
        self.0.marks.logo_images.iter().map(|src| {
            let path = src.split(['?', '#']).next().unwrap_or_default();
            file_name(path).to_lowercase()
        })
    }

    /// Hosts the page's `<a href>` links point to.
    pub(crate) fn link_hosts(&self) -> &'a [String] {
        &self.0.assets.link_hosts
    }

    /// Domains the page declares as its own (canonical, `og:url`): written by whoever
    /// wrote the page, so they point back at a brand like a link, never prove ownership.
    pub(crate) fn declared_hosts(&self) -> &'a [String] {
        &self.0.identity.own_domains
    }

    /// Hosts of the page's absolute resource, link and form URLs.
    pub(crate) fn resource_hosts(&self) -> &'a [String] {
        &self.0.assets.hosts
    }

    /// Hosts whose URLs the page's scripts carry.
    pub(crate) fn script_hosts(&self) -> &'a [String] {
        &self.0.assets.script_hosts
    }

    /// The resource and form hosts that wear the host's look: all but those the page
    /// only runs scripts or frames from, or shows images of where it points elsewhere
    /// ([`crate::fingerprint::Assets::embed_hosts`]: a firm's SDK, share button,
    /// embedded video or store badge is its service in use, on any site).
    pub(crate) fn worn_hosts(&self) -> impl Iterator<Item = &'a String> + 'a {
        let a = &self.0.assets;
        a.hosts
            .iter()
            .filter(|h| a.embed_hosts.binary_search(h).is_err())
    }

    /// The bare origins the page's inline scripts carry: the origin a saved sign-in
    /// or captcha frame was rendered for.
    pub(crate) fn script_origins(&self) -> &'a [String] {
        &self.0.assets.script_origins
    }

    /// Hosts the page's forms post to.
    pub(crate) fn form_hosts(&self) -> impl Iterator<Item = String> + 'a {
        self.0.assets.form_actions.iter().filter_map(|f| host_of(f))
    }

    /// Domains of the e-mail addresses the page shows.
    pub(crate) fn email_domains(&self) -> impl Iterator<Item = String> + 'a {
        self.0.identity.email_domains()
    }

    /// The host of the URL the page was found at: the only place that proves
    /// ownership (what a page declares is the attacker's to write).
    pub(crate) fn found_host(&self) -> Option<String> {
        self.0.url.as_deref().and_then(host_of)
    }
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
    /// Loads resources from, or posts forms to, a brand domain, names its own logo
    /// files after the brand, or writes a brand domain's bare origin into its scripts.
    /// Running the brand's scripts or frames (its SDK, a share button, an embedded
    /// video), or showing its images where the page points elsewhere (a store badge),
    /// does not count: that is the brand's service in use, on any site.
    pub resources: f64,
    /// The page names itself as someone other than the brand: by its site name, or by
    /// its copyright lines when it does not claim the brand in its title or headings;
    /// never when it asks for the brand's password ([`Presence::credentials`]).
    pub other_name: f64,
    /// A form asking for a password names the brand ("Instagram Password"), other than
    /// as a credit ("log in with Instagram"): the page asks for the brand's account,
    /// whatever it calls itself.
    #[serde(default)]
    pub credentials: f64,
    /// The suspect shows one of the brand's marks: the legitimate site's favicon
    /// (perceptual match) or its logo. Set by [`crate::compare()`], which sees both
    /// sites; 0 from [`crate::Brand::presence`].
    #[serde(default)]
    pub mark: f64,
    /// The URL the page was found at is on a brand domain: the brand's own page.
    /// (Declared canonical or `og:url` domains never count: a copy can keep them.)
    pub owned: f64,
}

/// What [`Presence`] reads off a page that does not depend on the brand, made once per
/// suspect page for the dozens of brands a query compares it with.
pub(crate) struct PageFacts<'p> {
    /// Logo image file names as words (non-alphanumerics as spaces): a logo file named
    /// after the brand (`acme-logo.png`) counts; directories name where files are kept,
    /// often on another firm's host (`wikipedia/commons/…/acme_logo.svg`), and do not.
    file_words: Vec<String>,
    email_domains: Vec<String>,
    found_host: Option<String>,
    site_names: Vec<String>,
    copyrights: Vec<String>,
    /// The title's segments, normalised, each with whether it looks like a site's name.
    title_segments: Vec<(String, bool)>,
    /// The hosts the page links to or declares as its own.
    link_hosts: HostNames<'p>,
    /// The hosts the page wears ([`Places::worn_hosts`], [`Places::script_origins`]).
    resource_hosts: HostNames<'p>,
}

/// Hosts as a brand is looked for in them ([`Matcher::names_any_host`]): every dotted
/// suffix of each host, read as [`crate::Brand::owns`] reads it, and every label, sorted,
/// so a brand's domains and one-word names are looked up rather than compared with each
/// host in turn. They borrow from the page: only a host that needs cleaning is copied.
#[derive(Default)]
pub(crate) struct HostNames<'p> {
    suffixes: Vec<Cow<'p, str>>,
    labels: Vec<&'p str>,
}

impl<'p> HostNames<'p> {
    pub(super) fn of(hosts: impl IntoIterator<Item = &'p String>) -> HostNames<'p> {
        let mut names = HostNames::default();
        for host in hosts {
            match super::cleaned(host) {
                Cow::Borrowed(clean) => names.suffixes.extend(suffixes(clean).map(Cow::Borrowed)),
                Cow::Owned(clean) => names
                    .suffixes
                    .extend(suffixes(&clean).map(|s| Cow::Owned(s.to_owned()))),
            }
            names.labels.extend(host.split('.'));
        }
        names.suffixes.sort_unstable();
        names.suffixes.dedup();
        names.labels.sort_unstable();
        names.labels.dedup();
        names
    }

    /// True when `domain` is one of the hosts or follows a dot in one.
    pub(super) fn has_suffix(&self, domain: &str) -> bool {
        self.suffixes
            .binary_search_by(|s| s.as_ref().cmp(domain))
            .is_ok()
    }

    /// True when `label` is a label of one of the hosts.
    pub(super) fn has_label(&self, label: &str) -> bool {
        self.labels.binary_search(&label).is_ok()
    }
}

/// `host` and what follows each of its dots.
fn suffixes(host: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(host), |rest| {
        rest.split_once('.').map(|(_, tail)| tail)
    })
}

impl<'p> PageFacts<'p> {
    pub(crate) fn of(page: &'p PageFingerprint) -> PageFacts<'p> {
        let places = Places(page);
        // Paths are lower-case already: words split on anything not alphanumeric.
        let words = |name: &str| -> String {
            name.chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect()
        };
        PageFacts {
            file_words: places.file_names().map(|n| words(&n)).collect(),
            email_domains: places.email_domains().collect(),
            found_host: places.found_host(),
            site_names: page
                .identity
                .site_name
                .iter()
                .map(|n| normalize(n))
                .collect(),
            copyrights: page
                .identity
                .copyright
                .iter()
                .map(|n| normalize(n))
                .collect(),
            title_segments: page
                .identity
                .title_segments()
                .into_iter()
                .map(|s| (normalize(s), looks_like_name(s)))
                .collect(),
            link_hosts: HostNames::of(places.link_hosts().iter().chain(places.declared_hosts())),
            resource_hosts: HostNames::of(places.worn_hosts().chain(places.script_origins())),
        }
    }
}

impl Presence {
    /// Where `page` shows the brand `m` was prepared for.
    pub(crate) fn of(m: &Matcher, page: &PageFingerprint) -> Presence {
        Presence::with_facts(m, page, &PageFacts::of(page))
    }

    /// [`Presence::of`], with the page's brand-independent facts made already.
    pub(crate) fn with_facts(m: &Matcher, page: &PageFingerprint, facts: &PageFacts) -> Presence {
        let brand = &m.brand;
        let places = Places(page);
        let has = |text: &str| m.names(text) as u8 as f64;
        let claims = |text: &str| m.claims(text) as u8 as f64;
        let [
            title_zone,
            headings,
            prominent_zone,
            lead,
            footer_zone,
            form_zone,
        ] = places.name_zones();
        let other = |names: &[String]| !names.is_empty() && names.iter().all(|n| has(n) == 0.0);
        let site_name_other = other(&facts.site_names);
        let copyright_other = other(&facts.copyrights);
        let title = claims(title_zone);
        let footer =
            has(footer_zone).max(facts.email_domains.iter().any(|d| brand.owns(d)) as u8 as f64);
        let prominent = claims(headings).max(claims(prominent_zone));
        let named_in_paths = facts.file_words.iter().any(|w| m.names(w));
        let credentials = claims(form_zone);
        Presence {
            title,
            prominent,
            lead: claims(lead),
            footer,
            // A page declaring a brand domain as its own (canonical, og:url) while found
            // elsewhere points back at the brand like a link does.
            links: m.names_any_host(&facts.link_hosts) as u8 as f64,
            resources: (m.names_any_host(&facts.resource_hosts) || named_in_paths) as u8 as f64,
            // A site name is a deliberate claim to be someone else. A copyright line
            // counts only when the page does not claim the brand where pages name
            // themselves: a kit keeping the brand's title with a stray copyright line
            // is still claiming the brand.
            //
            // A page asking for the brand's password does neither, whatever it calls
            // itself: a "free followers" site taking Instagram logins.
            other_name: ((site_name_other
                || m.title_names_other_site(&facts.title_segments)
                || (copyright_other && title == 0.0 && prominent == 0.0))
                && credentials == 0.0) as u8 as f64,
            credentials,
            mark: 0.0,
            owned: facts.found_host.as_ref().is_some_and(|h| brand.owns(h)) as u8 as f64,
        }
    }

    /// True when the page claims to be the brand: its name or mark where a page names
    /// itself, a form asking for the brand's password, or links back to the brand's
    /// domains beside its name.
    pub fn claims_brand(&self) -> bool {
        self.title > 0.0
            || self.prominent > 0.0
            || self.mark > 0.0
            || self.credentials > 0.0
            || (self.links > 0.0 && self.lead > 0.0)
    }
}
