//! Finding a brand's phrases in a page's text, hosts and file names: whole words only,
//! credits ("powered by Acme") apart.

use memchr::memmem::Finder;

use super::{Brand, GENERIC};
use crate::normalize::{normalize, words};

/// True when normalised `text` holds `phrase` as whole words.
pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
    occurrences(text, &Finder::new(phrase)).next().is_some()
}

/// True when normalised `text` holds `phrase` as whole words other than as a credit
/// ("powered by Acme").
pub(crate) fn claims_phrase(text: &str, phrase: &str) -> bool {
    contains_claim(text, &Finder::new(phrase))
}

/// Words that, just before a name, make it a credit and not a claim: a page "powered
/// by" a platform does not claim to be it, a page offering to "sign in with" an
/// identity provider (a social login button) does not claim to be the provider, and a
/// page asking to be followed or shared "on" a social network has a profile there.
const CREDITS: &[&str] = &[
    "powered by",
    "built with",
    "built on",
    "made with",
    "hosted by",
    "hosted on",
    "runs on",
    "theme by",
    "log in with",
    "login with",
    "sign in with",
    "signin with",
    "sign up with",
    "signup with",
    "continue with",
    "connect with",
    "follow us on",
    "follow me on",
    "find us on",
    "like us on",
    "join us on",
    "share on",
    "share via",
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
pub(super) fn looks_like_name(text: &str) -> bool {
    let norm = normalize(text);
    let count = words(&norm).count();
    (1..=3).contains(&count)
        && words(&norm).any(|w| !GENERIC.contains(&w) && w.chars().count() >= 3)
}

/// A brand prepared for matching: its phrases computed once for many pages.
#[derive(Debug)]
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
    pub(super) fn names(&self, text: &str) -> bool {
        self.phrases
            .iter()
            .any(|p| occurrences(text, p).next().is_some())
    }

    /// True when normalised `text` names the brand other than as a credit
    /// ("powered by Acme").
    pub(super) fn claims(&self, text: &str) -> bool {
        self.phrases.iter().any(|p| contains_claim(text, p))
    }

    /// True when a title of three or more segments (normalised, each with whether it
    /// looks like a site's name) names the brand at one end and another site in
    /// between: `Log In ‹ Caribou Coffee — WordPress` is Caribou Coffee's page on the
    /// WordPress platform, not WordPress's.
    pub(super) fn title_names_other_site(&self, segments: &[(String, bool)]) -> bool {
        match segments {
            [first, middle @ .., last]
                if !middle.is_empty() && (self.names(&first.0) || self.names(&last.0)) =>
            {
                middle
                    .iter()
                    .any(|(s, name_like)| *name_like && !self.names(s))
            }
            _ => false,
        }
    }

    /// True when any of `hosts` is the brand's, as [`Matcher::names_host`] tells of one.
    pub(crate) fn names_any_host(&self, hosts: &super::presence::HostNames<'_>) -> bool {
        self.brand
            .domains
            .iter()
            .any(|d| !d.is_empty() && hosts.has_suffix(d))
            || self.compact.iter().any(|c| hosts.has_label(c))
    }

    /// True when `host` is the brand's: owned by it, or with a label that is the brand's
    /// name written as one word (`www.acme.com`, `acme.example.net`).
    pub(crate) fn names_host(&self, host: &str) -> bool {
        self.brand.owns(host)
            || host
                .split('.')
                .any(|label| self.compact.iter().any(|c| c == label))
    }
}

/// The file name a resource path ends in: where [`Matcher`] and the index look for a
/// brand's name in a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
