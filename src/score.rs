//! Combining a pair's signals into one calibrated score.
//!
//! Two logistic sides, *copy* and *impersonation*, combined as a noisy OR ([`Model`]).
//! Their weights are fitted on the labelled corpus and the real pages by
//! `clonehound eval --fit corpus ../shared/real-pages` (cross-validated by brand; see
//! `eval/src/fit.rs`) and pasted here with the command's output, so the score is the
//! same on every machine and reviewable in the source.

use serde::{Deserialize, Serialize};

use crate::brand::Presence;
use crate::fingerprint::PageFingerprint;

/// Feature names, in the order of [`PairSignals::features`] and the model's weights.
///
/// The first eleven are the *copy* side (content shared with the brand's page), the
/// rest the *impersonation* side (the brand's identity claimed on a page it does not
/// own), ending with the products that let identity flag a page alone.
pub const FEATURE_NAMES: [&str; 23] = [
    "structure",
    "style",
    "text",
    "text_containment",
    "words",
    "title",
    "asset_paths",
    "asset_containment",
    "hosts",
    "analytics",
    "assets_and_hosts",
    "brand_in_title",
    "brand_prominent",
    "brand_in_lead",
    "brand_in_footer",
    "links_beside_name",
    "brand_resources",
    "brand_mark",
    "brand_in_form",
    "other_name",
    "claim_with_password",
    "claim_with_brand_hosts",
    "password_with_brand_hosts",
];

/// Features of the copy side: the first `COPY_FEATURES` of [`FEATURE_NAMES`].
pub const COPY_FEATURES: usize = 11;

/// The impersonation side's intercept: with no sign of the brand's identity, that
/// side alone gives σ(-2) ≈ 0.12, far under the threshold. Fixed, not fitted (see
/// `eval/src/fit.rs`).
pub const IMPERSONATION_PRIOR: f64 = -2.0;

/// Number of features.
pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Per-signal similarities of one (legit page, suspect page) pair, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairSignals {
    /// DOM shape (tag paths, tag 4-grams), Jaccard.
    pub structure: f64,
    /// Class and id tokens, Jaccard.
    pub style: f64,
    /// Visible-text word 3-shingles, Jaccard.
    pub text: f64,
    /// Share of the suspect's text shingles found in the legitimate page.
    pub text_containment: f64,
    /// Distinct words, Jaccard.
    pub words: f64,
    /// Title words, Jaccard.
    pub title: f64,
    /// Resource paths, Jaccard.
    pub assets: f64,
    /// Share of the suspect's resource paths found in the legitimate page.
    pub asset_containment: f64,
    /// External hosts, Jaccard.
    pub hosts: f64,
    /// Analytics / tag IDs both pages carry.
    pub analytics_shared: u32,
    /// The suspect asks for a password: credential harvesting is what phishing is for.
    pub asks_password: bool,
    /// Favicon similarity of the two sites, when both have one.
    pub favicon: Option<f64>,
    /// Where the suspect shows the brand.
    pub identity: Presence,
    /// The suspect page has almost nothing on it ([`PageFingerprint::near_empty`]): what it shares with
    /// the brand's page is what both lack, so the copy side cannot flag it.
    #[serde(default)]
    pub near_empty: bool,
}

/// Most the copy side may say of a near-empty suspect page ([`PageFingerprint::near_empty`]): with the
/// impersonation side at its floor the score stays under [`THRESHOLD`] (`tests/empty.rs`
/// holds it there whenever the model is refitted).
pub const NEAR_EMPTY_COPY: f64 = 0.05;

impl PairSignals {
    /// The signals of one (legitimate page, suspect page) pair, given where the suspect
    /// shows the brand ([`crate::Brand::presence`]). This is the per-pair work of a scan.
    ///
    /// ```
    /// use clonehound::{Brand, Limits, Page, PageFingerprint, compare::PairSignals};
    /// let fp = |h: &str, u: &str| PageFingerprint::new(&Page::from_html(h, Some(u)), &Limits::default());
    /// let legit = fp("<title>Acme</title><p>We build harbour walls and quays.</p>", "https://acme.com/");
    /// let copy = fp("<title>Acme</title><p>We build harbour walls and quays.</p>", "https://acme.example/");
    /// let signals = PairSignals::between(&legit, &copy, Brand::new("Acme", ["acme.com"]).presence(&copy));
    /// assert_eq!(signals.text, 1.0);
    /// assert!(signals.score() > 0.5);
    /// ```
    pub fn between(
        legit: &PageFingerprint,
        suspect: &PageFingerprint,
        identity: Presence,
    ) -> PairSignals {
        let (l, s) = (legit, suspect);
        PairSignals {
            structure: crate::signals::structure::similarity(&l.structure, &s.structure),
            style: crate::signals::style::similarity(&l.style, &s.style),
            text: l.text.shingles.jaccard(&s.text.shingles),
            text_containment: shrunk(
                s.text.shingles.containment_in(&l.text.shingles),
                s.text.shingles.len,
            ),
            words: l.text.words.jaccard(&s.text.words),
            title: l.text.title_similarity(&s.text),
            assets: l.assets.path_similarity(&s.assets),
            asset_containment: s.assets.path_containment_in(&l.assets),
            hosts: crate::sketch::sorted_jaccard(&l.assets.hosts, &s.assets.hosts),
            analytics_shared: crate::sketch::sorted_shared(&l.assets.analytics, &s.assets.analytics)
                as u32,
            asks_password: s.forms.passwords > 0,
            favicon: None,
            identity,
            near_empty: s.near_empty(),
        }
    }

    /// The calibrated score of these signals with [`MODEL`]; 0 for the brand's own page.
    pub fn score(&self) -> f64 {
        if self.identity.owned > 0.0 {
            return 0.0;
        }
        let Sides {
            copy,
            impersonation,
        } = self.sides();
        1.0 - (1.0 - copy) * (1.0 - impersonation)
    }

    /// What each side of [`MODEL`] says of these signals; both 0 for the brand's own page.
    pub fn sides(&self) -> Sides {
        if self.identity.owned > 0.0 {
            return Sides::default();
        }
        let (copy, impersonation) = MODEL.sides(&self.features());
        Sides {
            // What a near-empty page shares with the brand's is what both lack: its copy
            // side is capped below what could flag it.
            copy: if self.near_empty {
                copy.min(NEAR_EMPTY_COPY)
            } else {
                copy
            },
            impersonation,
        }
    }

    /// The model's input vector.
    pub fn features(&self) -> [f64; N_FEATURES] {
        let p = &self.identity;
        let password = f64::from(u8::from(self.asks_password));
        // A page that names itself as someone else claims nothing by showing the brand:
        // it mentions it (a news article) or runs on it (a shop on the brand's platform,
        // loading its scripts and linking to it).
        let own = 1.0 - p.other_name;
        let [title, prominent, lead, links, resources, mark] =
            [p.title, p.prominent, p.lead, p.links, p.resources, p.mark].map(|x| x * own);
        // Where a page names itself: its title, headings, logo; and a form asking for
        // the brand's password, which claims the brand whatever the page calls itself.
        let claim = title.max(prominent).max(mark).max(p.credentials);
        let brand_hosts = links.max(resources);
        [
            self.structure,
            self.style,
            self.text,
            self.text_containment,
            self.words,
            self.title,
            self.assets,
            self.asset_containment,
            self.hosts,
            f64::from(self.analytics_shared.min(1)),
            // The same resources from the same hosts: a copy hotlinking the original's
            // files, where a shared template's sites each serve their own.
            self.asset_containment * self.hosts,
            title,
            prominent,
            lead,
            p.footer,
            // A link to the brand's site claims it only beside its name: alone it is a
            // share or follow button, a reference, a partner.
            links * lead,
            resources,
            mark,
            p.credentials,
            p.other_name,
            claim * password,
            claim * brand_hosts,
            password * brand_hosts * lead.max(claim),
        ]
    }
}

/// Each side's probability for one pair; the score is `1 − (1 − copy)(1 − impersonation)`.
///
/// ```
/// use clonehound::compare::PairSignals;
/// let sides = PairSignals::default().sides();
/// assert!(sides.copy < 0.01 && sides.impersonation < 0.2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sides {
    /// The copy side: content shared with the brand's page.
    pub copy: f64,
    /// The impersonation side: the brand's identity claimed on a page it does not own.
    pub impersonation: f64,
}

/// Pseudo-count of [`shrunk`]: a share measured on this many items counts half.
const CONTAINMENT_PRIOR: f64 = 4.0;

/// A share of `n` items, shrunk towards 0 as `n * share / (n + prior)`: one shingle in
/// three found elsewhere says little, 300 in 900 says a third of the page was copied.
/// Tiny pages (a redirect, a captcha frame) otherwise reach high containment by chance.
fn shrunk(share: f64, n: u32) -> f64 {
    let n = f64::from(n);
    share * n / (n + CONTAINMENT_PRIOR)
}

/// Two logistic sides combined as a noisy OR:
/// `score = 1 - (1 - copy) * (1 - impersonation)`, where
/// `copy = σ(copy_bias + w · x[..COPY_FEATURES])` and
/// `impersonation = σ(impersonation_bias + w · x[COPY_FEATURES..])`.
///
/// The score is the chance that at least one side recognises a copy: either side
/// alone can carry it past the threshold, and neither side's evidence is discounted by
/// the other's absence (a kit shares no content with the brand's current page; a
/// rebrand has swapped the identity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Intercept of the copy side.
    pub copy_bias: f64,
    /// Intercept of the impersonation side.
    pub impersonation_bias: f64,
    /// One weight per feature, in [`FEATURE_NAMES`] order.
    pub weights: [f64; N_FEATURES],
}

impl Model {
    /// The score in [0, 1] for a feature vector.
    pub fn score(&self, x: &[f64; N_FEATURES]) -> f64 {
        let (copy, impersonation) = self.sides(x);
        1.0 - (1.0 - copy) * (1.0 - impersonation)
    }

    /// Each side's probability: (copy, impersonation).
    pub fn sides(&self, x: &[f64; N_FEATURES]) -> (f64, f64) {
        let (wc, wi) = self.weights.split_at(COPY_FEATURES);
        let (xc, xi) = x.split_at(COPY_FEATURES);
        let dot = |w: &[f64], x: &[f64]| w.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        (
            sigmoid(self.copy_bias + dot(wc, xc)),
            sigmoid(self.impersonation_bias + dot(wi, xi)),
        )
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The fitted model (see the module docs for how it is made).
// fitted on all 3325 pairs of: corpus, ../shared/real-pages
// out-of-fold, corpus: ROC AUC 1.0000, TPR@1% 1.0000, TPR@0.1% 1.0000; at the threshold recall 1.0000, FPR 0.0019
// out-of-fold, ../shared/real-pages: ROC AUC 0.9886, TPR@1% 0.9342, TPR@0.1% 0.8750; at the threshold recall 0.9342, FPR 0.0013
// Fitted numbers: one may lie near a named constant (1.0471 is not π/3).
#[allow(clippy::approx_constant)]
pub const MODEL: Model = Model {
    copy_bias: -10.2287,
    impersonation_bias: -2.0000,
    weights: [
        0.1015,  // structure
        -0.5400, // style
        3.1911,  // text
        3.4700,  // text_containment
        3.3242,  // words
        0.4095,  // title
        1.4477,  // asset_paths
        1.0505,  // asset_containment
        1.0057,  // hosts
        0.0107,  // analytics
        1.8806,  // assets_and_hosts
        2.8679,  // brand_in_title
        0.2914,  // brand_prominent
        3.0004,  // brand_in_lead
        0.0336,  // brand_in_footer
        0.2387,  // links_beside_name
        3.8390,  // brand_resources
        0.0267,  // brand_mark
        0.1589,  // brand_in_form
        -2.9736, // other_name
        1.2182,  // claim_with_password
        0.9085,  // claim_with_brand_hosts
        0.6233,  // password_with_brand_hosts
    ],
};

/// Default decision threshold: FPR at most 0.005 on every kind of negative of every directory, out-of-fold and in-sample.
pub const THRESHOLD: f64 = 0.1902;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_of_a_few_items_is_shrunk_and_of_many_is_kept() {
        assert!(shrunk(1.0 / 3.0, 3) < 0.15);
        assert!((shrunk(0.5, 4) - 0.25).abs() < 1e-12);
        assert!((shrunk(0.4, 2000) - 0.4).abs() < 0.001);
        assert_eq!(shrunk(0.7, 0), 0.0);
    }
}
