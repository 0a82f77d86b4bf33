//! Who a page says it is: its name, domains, contacts and copyright lines.
//!
//! A copy either keeps this identity (impersonation: the brand's name on a domain the
//! brand does not own) or swaps it (rebrand). The zones where a name appears matter:
//! a brand in the title, headings or logo is a claim to be that brand; a brand named in
//! body text or a "powered by" footer is a mention.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::normalize::{normalize, truncate};
use crate::parse::Extract;
use crate::urls::{clean_host, host_of};

const ZONE_BYTES: usize = 1024;

/// The identity signal of one page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `og:site_name` or `application-name`, as written.
    pub site_name: Option<String>,
    /// The `<title>` as written (trimmed, at most 256 bytes).
    pub title: String,
    /// Domains the page says it lives on: its URL, canonical link, `og:url`, `<base>`.
    pub own_domains: Vec<String>,
    /// Holders named in copyright lines (`© 2024 Acme Inc.` gives `Acme Inc.`).
    pub copyright: Vec<String>,
    /// E-mail addresses on the page (text and `mailto:`).
    pub emails: Vec<String>,
    /// Phone numbers, digits only (text and `tel:`).
    pub phones: Vec<String>,
    /// Normalised text of the zones where a page names itself.
    pub zones: Zones,
}

/// Normalised text of the places that carry a page's identity, each capped at 1 KiB.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zones {
    /// Title, `og:title` and site name.
    pub title: String,
    /// `<h1>`–`<h6>` text.
    pub headings: String,
    /// Logo and image alt text, `aria-label`s, labels and buttons.
    pub prominent: String,
    /// Footer and copyright text.
    pub footer: String,
    /// What forms that ask for a password say: their text, placeholders, labels and
    /// buttons ("Instagram Password" on a page selling followers).
    #[serde(default)]
    pub form: String,
}

static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+").ok()
});
/// How a copyright line starts, and the whole line (its holder in group 1) from there.
const COPYRIGHT_MARK: &str = r"(?i:©|&copy;|\(c\)|copyright)";
const COPYRIGHT_LINE: &str = r"\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?([^\n.|]{2,80})";
static COPYRIGHT_START: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(COPYRIGHT_MARK).ok());
static COPYRIGHT_AT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"\A{COPYRIGHT_MARK}(?i:{COPYRIGHT_LINE})")).ok());

/// The holders of `text`'s copyright lines: group 1 of every non-overlapping match of
/// the mark followed by the line, leftmost first, as one unanchored regex would give
/// them. A line can only start at a mark, and two marks never overlap, so each mark
/// found is tried as a start with an anchored search: the unanchored one ran its
/// bounded repetitions backwards through a lazy DFA too large to keep (2% of a scan).
fn copyright_holders(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let (start, line) = (COPYRIGHT_START.as_ref()?, COPYRIGHT_AT.as_ref()?);
        while let Some(mark) = start.find_at(text, from) {
            let rest = text.get(mark.start()..)?;
            match line.captures(rest) {
                Some(c) => {
                    from = mark.start() + c.get(0)?.end();
                    return c.get(1).map(|holder| holder.as_str());
                }
                None => from = mark.end(),
            }
        }
        None
    })
}

impl Identity {
    pub(crate) fn build(e: &Extract, url: Option<&str>, max_items: usize) -> Identity {
        let meta = |keys: &[&str]| {
            e.metas
                .iter()
                .find(|(k, v)| keys.contains(&k.as_str()) && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
        };
        let site_name = meta(&[
            "og:site_name",
            "application-name",
            "apple-mobile-web-app-title",
        ]);
        let og_title = meta(&["og:title", "twitter:title"]).unwrap_or_default();
        let mut own = BTreeSet::new();
        let canonical = e
            .links
            .iter()
            .filter(|(rel, _)| rel.split_whitespace().any(|r| r == "canonical"));
        let candidates = url
            .map(str::to_owned)
            .into_iter()
            .chain(meta(&["og:url"]))
            .chain(canonical.map(|(_, href)| href.clone()))
            .chain(e.base_href.clone());
        for u in candidates {
            if let Some(host) = host_of(&u) {
                own.insert(host);
            }
        }
        let mut emails = BTreeSet::new();
        let mut phones = BTreeSet::new();
        let mut copyright = BTreeSet::new();
        for a in &e.anchors {
            let lower = a.to_ascii_lowercase();
            if let Some(addr) = lower.strip_prefix("mailto:") {
                emails.insert(addr.split('?').next().unwrap_or("").trim().to_owned());
            } else if let Some(tel) = lower.strip_prefix("tel:") {
                phones.insert(digits(tel));
            }
        }
        // The body holds the footer's text too, unless the body was cut short.
        let visible =
            std::iter::once(e.body.as_str()).chain(e.truncated.then_some(e.footer.as_str()));
        for text in visible {
            if let Some(re) = EMAIL.as_ref().filter(|_| text.contains('@')) {
                emails.extend(
                    re.find_iter(text)
                        .take(max_items)
                        .map(|m| m.as_str().to_ascii_lowercase()),
                );
            }
            let found = phone_numbers(text).take(max_items);
            phones.extend(found.filter(|d| (8..=15).contains(&d.len())));
            for holder in copyright_holders(text).take(max_items) {
                let h = clean_holder(holder);
                if h.chars().any(char::is_alphabetic) {
                    copyright.insert(h);
                }
            }
        }
        emails.retain(|e| !e.is_empty());
        phones.retain(|p| !p.is_empty());
        let cap = |s: BTreeSet<String>| s.into_iter().take(max_items).collect::<Vec<_>>();
        let title_zone = [
            e.title.as_str(),
            &og_title,
            site_name.as_deref().unwrap_or(""),
        ]
        .join(" ");
        Identity {
            zones: Zones {
                title: truncate(&normalize(&title_zone), ZONE_BYTES),
                headings: truncate(&normalize(&e.headings), ZONE_BYTES),
                prominent: truncate(&normalize(&e.prominent), ZONE_BYTES),
                footer: truncate(&normalize(&e.footer), ZONE_BYTES),
                form: truncate(&normalize(&e.credential_forms), ZONE_BYTES),
            },
            site_name,
            title: truncate(e.title.trim(), 256),
            own_domains: cap(own),
            copyright: cap(copyright),
            emails: cap(emails),
            phones: cap(phones),
        }
    }

    /// Names this page gives itself, most telling first: site name, copyright
    /// holders, then the segments of its title.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.site_name.iter().cloned().collect();
        names.extend(self.copyright.iter().cloned());
        names.extend(
            self.title
                .split(['|', '-', '–', '—', '·', ':', '»', '•'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        names
    }

    /// The segments of the title between separators (`|`, `‹`, `—`, ` - `, …), as
    /// written: `Log In ‹ Acme — WordPress` gives `Log In`, `Acme`, `WordPress`.
    pub fn title_segments(&self) -> Vec<&str> {
        const SEPARATORS: &[char] = &['|', '–', '—', '·', ':', '»', '«', '‹', '›', '•'];
        self.title
            .split(SEPARATORS)
            .flat_map(|s| s.split(" - "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Domains of the page's e-mail addresses.
    pub fn email_domains(&self) -> impl Iterator<Item = String> + '_ {
        self.emails
            .iter()
            .filter_map(|e| e.rsplit_once('@').map(|(_, d)| clean_host(d)))
    }
}

/// Phone-number-like runs in `text`, as their digits (with a leading `+` when one is
/// written before them): a digit, 7 to 20 more of digits, spaces, `(`, `)`, `.` and
/// `-`, ending on a digit; the longest such run wins. A hand-written pass, not a regex:
/// every digit of a page starts a candidate, and the regex cost 6% of fingerprinting.
fn phone_numbers(text: &str) -> impl Iterator<Item = String> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let first = i + b.get(i..)?.iter().position(u8::is_ascii_digit)?;
            let mut last = None;
            let mut j = first + 1;
            while j <= first + 21
                && b.get(j).is_some_and(|&c| {
                    c.is_ascii_digit()
                        || matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'(' | b')' | b'.' | b'-')
                })
            {
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    last = Some(j);
                }
                j += 1;
            }
            match last.filter(|&l| l >= first + 8) {
                Some(l) => {
                    i = l + 1;
                    let before = first.checked_sub(1).and_then(|k| b.get(k));
                    let plus = match before {
                        Some(b'+') => true,
                        Some(b'(') => first.checked_sub(2).and_then(|k| b.get(k)) == Some(&b'+'),
                        _ => false,
                    };
                    let digits = b.get(first..=l)?.iter().filter(|c| c.is_ascii_digit());
                    return Some(
                        plus.then_some('+')
                            .into_iter()
                            .chain(digits.map(|&c| char::from(c)))
                            .collect(),
                    );
                }
                None => i = first + 1,
            }
        }
    })
}

fn digits(s: &str) -> String {
    let plus = if s.trim_start().starts_with('+') {
        "+"
    } else {
        ""
    };
    format!(
        "{plus}{}",
        s.chars().filter(char::is_ascii_digit).collect::<String>()
    )
}

fn clean_holder(raw: &str) -> String {
    let mut h = raw.trim().trim_end_matches([',', ';', ' ']).to_owned();
    for stop in ["all rights reserved", "alle rechte", "tous droits"] {
        if let Some(pos) = h.to_lowercase().find(stop) {
            h.truncate(pos);
        }
    }
    h.trim().trim_end_matches([',', ';', ' ', '.']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copyright_holders_are_what_one_regex_finds() {
        let whole = Regex::new(&format!("{COPYRIGHT_MARK}(?i:{COPYRIGHT_LINE})")).unwrap();
        let parts = [
            "©",
            "&copy;",
            "&COPY;",
            "(c)",
            "(C)",
            "Copyright",
            "COPYRIGHT",
            "copyrigh",
            "(c",
            " ",
            "\n",
            ".",
            "|",
            "2024",
            "-",
            "–",
            ",",
            "Acme Ltd",
            "x",
            "é",
            "©©",
            "((c)",
        ];
        let mut rng = crate::test_rng::Rng::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..5000 {
            let text = rng.text(&parts, 13);
            let expected: Vec<&str> = whole
                .captures_iter(&text)
                .filter_map(|c| c.get(1).map(|m| m.as_str()))
                .collect();
            let got: Vec<&str> = copyright_holders(&text).collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }
    use crate::Limits;

    fn identity(html: &str, url: Option<&str>) -> Identity {
        let (e, _) = crate::parse::extract(html, &Limits::default(), 16);
        Identity::build(&e, url, 64)
    }

    #[test]
    fn extracts_names_contacts_and_domains() {
        let id = identity(
            "<title>Services | Acme Consulting</title><meta property=og:site_name content='Acme'>\
             <link rel=canonical href='https://www.acme.com/services'>\
             <p>Write to info@acme.com or call +1 (555) 010-2030.</p>\
             <a href='mailto:Sales@Acme.com'>mail</a><footer>© 2019–2024 Acme Consulting LLC. All rights reserved.</footer>",
            Some("https://acme.com/services"),
        );
        assert_eq!(id.site_name.as_deref(), Some("Acme"));
        assert_eq!(id.own_domains, vec!["acme.com"]);
        assert_eq!(id.emails, vec!["info@acme.com", "sales@acme.com"]);
        assert_eq!(id.phones, vec!["+15550102030"]);
        assert_eq!(id.copyright, vec!["Acme Consulting LLC"]);
        assert_eq!(id.names()[..3], ["Acme", "Acme Consulting LLC", "Services"]);
        assert!(id.zones.footer.contains("acme consulting llc"));
    }

    #[test]
    fn phone_numbers_are_digit_runs_of_plausible_length() {
        let found: Vec<String> = phone_numbers(
            "call +44 (0)20 7946 0958 or (555) 010-2030; order 12345; ref 1234567890123456789012345 +(33) 1 40 20 50 50",
        )
        .collect();
        assert_eq!(
            found,
            [
                "+4402079460958",
                "5550102030",
                // At most 22 characters a run; the 3 digits left over are too few.
                "1234567890123456789012",
                "+33140205050"
            ]
        );
    }

    #[test]
    fn empty_page_has_empty_identity() {
        let id = identity("", None);
        assert!(id.names().is_empty() && id.emails.is_empty() && id.own_domains.is_empty());
    }
}
