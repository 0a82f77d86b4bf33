//! Turning a pair's signals into facts a person can check.

use serde::{Deserialize, Serialize};

use crate::brand::{Matcher, Places};
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::normalize::normalize;
use crate::score::PairSignals;
use crate::signals::favicon::HASH_BITS;

/// One fact a person can check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The signal it comes from (`text`, `assets`, `identity`, …).
    pub signal: String,
    /// What was found, in words.
    pub detail: String,
}

fn push(out: &mut Vec<Evidence>, signal: &str, detail: String) {
    out.push(Evidence {
        signal: signal.to_owned(),
        detail,
    });
}

fn list(items: &[&str], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).copied().collect();
    let more = items.len().saturating_sub(max);
    if more > 0 {
        format!("{}, … ({more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn pct(x: f64) -> u32 {
    (x * 100.0).round() as u32
}

/// The evidence for one (legit, suspect) page pair, most telling first.
pub(crate) fn explain(
    legit: &PageFingerprint,
    suspect: &PageFingerprint,
    sig: &PairSignals,
    matcher: &Matcher,
    sites: (&SiteFingerprint, &SiteFingerprint),
    marks: &[String],
) -> Vec<Evidence> {
    let mut out = Vec::new();
    identity(&mut out, legit, suspect, sig, matcher);
    for mark in marks {
        push(&mut out, "marks", mark.clone());
    }
    favicon(&mut out, sites.0, sites.1);
    let analytics = suspect.assets.shared(&legit.assets, |a| &a.analytics);
    for id in analytics {
        push(&mut out, "assets", format!("analytics ID {id} reused"));
    }
    if sig.text >= 0.1 || sig.text_containment >= 0.2 {
        push(
            &mut out,
            "text",
            format!(
                "{}% of the text shingles shared ({}% of the suspect's text is in the legitimate page)",
                pct(sig.text),
                pct(sig.text_containment)
            ),
        );
    }
    let paths = suspect.assets.shared(&legit.assets, |a| &a.paths);
    if !paths.is_empty() {
        push(
            &mut out,
            "assets",
            format!(
                "{} asset path{} shared: {}",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" },
                list(&paths, 5)
            ),
        );
    }
    let actions = suspect.assets.shared(&legit.assets, |a| &a.form_actions);
    if !actions.is_empty() {
        push(
            &mut out,
            "assets",
            format!("form posts to the same action: {}", list(&actions, 3)),
        );
    }
    if sig.title >= 0.5 {
        push(
            &mut out,
            "text",
            format!(
                "titles {}% alike: {:?} / {:?}",
                pct(sig.title),
                legit.identity.title,
                suspect.identity.title
            ),
        );
    }
    if sig.structure >= 0.3 {
        push(
            &mut out,
            "structure",
            format!("DOM structure {}% alike", pct(sig.structure)),
        );
    }
    if sig.style >= 0.3 {
        push(
            &mut out,
            "style",
            format!("class and id names {}% alike", pct(sig.style)),
        );
    }
    out
}

/// The brand's logos the suspect site shows, in words: inline SVG logos of the same
/// geometry, and logo image files that are the same picture (SHA-256 or perceptual
/// hash). Empty when it shows none.
pub(crate) fn shared_marks(legit: &SiteFingerprint, suspect: &SiteFingerprint) -> Vec<String> {
    let mut out = Vec::new();
    let brand_svgs: Vec<u64> = legit
        .pages
        .iter()
        .flat_map(|p| p.marks.svg_logos.iter().copied())
        .collect();
    for page in &suspect.pages {
        if page.marks.svg_logos.iter().any(|h| brand_svgs.contains(h)) {
            let name = page
                .url
                .as_deref()
                .or(page.path.as_deref())
                .unwrap_or("the page");
            out.push(format!(
                "the brand's logo (inline SVG, same geometry) on {name}"
            ));
            break;
        }
    }
    let brand_images: Vec<&crate::signals::favicon::Favicon> =
        legit.logos.iter().chain(&legit.favicon).collect();
    for logo in &suspect.logos {
        let same = brand_images.iter().find(|b| {
            b.sha256 == logo.sha256 || (b.decoded() && logo.decoded() && b.matches(logo))
        });
        if let Some(b) = same {
            let how = if b.sha256 == logo.sha256 {
                "identical".to_owned()
            } else {
                format!("near-identical, distance {}/{HASH_BITS}", b.distance(logo))
            };
            out.push(format!(
                "the brand's logo image ({how}; sha256 {}), {}",
                logo.sha256, logo.reason
            ));
            break;
        }
    }
    out
}

fn favicon(out: &mut Vec<Evidence>, legit: &SiteFingerprint, suspect: &SiteFingerprint) {
    let (Some(l), Some(s)) = (&legit.favicon, &suspect.favicon) else {
        return;
    };
    let detail = if l.sha256 == s.sha256 {
        format!(
            "favicon identical (sha256 {}, Shodan http.favicon.hash:{})",
            l.sha256, l.shodan
        )
    } else if l.matches(s) {
        format!(
            "favicon near-identical (distance {}/{HASH_BITS}; sha256 {} vs {})",
            l.distance(s),
            l.sha256,
            s.sha256
        )
    } else {
        format!("different favicon (distance {}/{HASH_BITS})", l.distance(s))
    };
    push(out, "favicon", detail);
}

fn identity(
    out: &mut Vec<Evidence>,
    legit: &PageFingerprint,
    suspect: &PageFingerprint,
    sig: &PairSignals,
    m: &Matcher,
) {
    let p = &sig.identity;
    let name = &m.brand.name;
    if p.owned > 0.0 {
        push(
            out,
            "identity",
            format!("the suspect is on a domain {name} owns: not a copy"),
        );
        return;
    }
    let mut zones = Vec::new();
    for (hit, zone) in [
        (p.title, "title"),
        (p.prominent, "headings or logo"),
        (p.lead, "top of the page"),
        (p.footer, "footer"),
        (p.credentials, "form asking for a password"),
    ] {
        if hit > 0.0 {
            zones.push(zone);
        }
    }
    if !zones.is_empty() {
        push(
            out,
            "identity",
            format!("brand name {name:?} in the suspect's {}", zones.join(", ")),
        );
    }
    // Hosts are read where the presence signal reads them (`brand::Places`).
    let brands_host = |h: &&String| m.names_host(h);
    let places = Places(suspect);
    let hosts: [(Vec<&String>, &str); 2] = [
        (
            places
                .link_hosts()
                .iter()
                .chain(places.worn_hosts())
                .collect(),
            "links back to",
        ),
        (
            places.script_origins().iter().collect(),
            "its scripts carry the origin of",
        ),
    ];
    for (hosts, says) in hosts {
        let found: Vec<&str> = hosts
            .into_iter()
            .filter(brands_host)
            .map(String::as_str)
            .collect();
        if !found.is_empty() {
            push(out, "identity", format!("{says} {}", list(&found, 3)));
        }
    }
    if p.other_name > 0.0 && (sig.text >= 0.2 || sig.asset_containment >= 0.3) {
        let theirs = suspect
            .identity
            .site_name
            .clone()
            .or_else(|| suspect.identity.copyright.first().cloned());
        if let Some(theirs) = theirs.filter(|t| normalize(t) != normalize(name)) {
            push(
                out,
                "identity",
                format!("identity swapped: {name} → {theirs}"),
            );
        }
    }
    let emails: Vec<&str> = suspect
        .identity
        .emails
        .iter()
        .filter(|e| legit.identity.emails.contains(e))
        .map(String::as_str)
        .collect();
    if !emails.is_empty() {
        push(
            out,
            "identity",
            format!("same e-mail addresses: {}", list(&emails, 3)),
        );
    }
}
