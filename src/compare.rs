//! Comparing a suspect with a legitimate site: score, verdict, evidence.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::brand::{Brand, Matcher, PageFacts};
use crate::fingerprint::{PageFingerprint, SiteFingerprint};
use crate::score::THRESHOLD;

pub use crate::brand::Presence;
pub use crate::evidence::Evidence;
pub use crate::score::{PairSignals, Sides};

/// The score model: two logistic sides fitted on labelled pages, and the default
/// threshold. Public for the evaluation harness, which fits and checks them.
pub mod model {
    pub use crate::score::{
        COPY_FEATURES, FEATURE_NAMES, IMPERSONATION_PRIOR, MODEL, Model, N_FEATURES,
        NEAR_EMPTY_COPY, THRESHOLD,
    };
}

/// What kind of copy a suspect is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The brand's layout, text and assets under another name (a front company): flagged
    /// by the copy side, with no claim of the brand's identity.
    Rebrand,
    /// The brand's identity on a domain it does not own (phishing): a flagged page that
    /// claims the brand, or whose impersonation side outweighs its copy side.
    Impersonation,
    /// Not a copy (or the brand's own page).
    None,
}

impl Verdict {
    /// The verdict's word, as it is serialised (`rebrand`, `impersonation`, `none`).
    ///
    /// ```
    /// assert_eq!(clonehound::Verdict::Impersonation.as_str(), "impersonation");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Rebrand => "rebrand",
            Verdict::Impersonation => "impersonation",
            Verdict::None => "none",
        }
    }
}

/// What `clonehound compare --format json` writes: the comparison, the two inputs as
/// given, the configuration it ran with and the clonehound version.
///
/// ```
/// use clonehound::compare::{CompareReport, Comparison};
/// use clonehound::{Config, Limits, Page, PageFingerprint, SiteFingerprint, compare};
/// let site = SiteFingerprint::from_pages(vec![PageFingerprint::new(
///     &Page::from_html("<title>Acme</title>", None), &Limits::default())]);
/// let config = Config::default();
/// let result = compare(&site, &site, None, &config);
/// let report = CompareReport::new(&result, "legit.html", "suspect.html", &config);
/// let json = serde_json::to_value(&report)?;
/// assert_eq!(json["suspect"], "suspect.html");
/// assert_eq!(json["score"], result.score);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct CompareReport<'a> {
    /// The comparison, its fields at the top level.
    #[serde(flatten)]
    pub comparison: &'a Comparison,
    /// The legitimate site, as given.
    pub legit: String,
    /// The suspect, as given.
    pub suspect: String,
    /// The configuration compared with.
    pub config: &'a Config,
    /// The clonehound version.
    pub version: &'static str,
}

impl<'a> CompareReport<'a> {
    /// The report of `comparison` of `suspect` with `legit` under `config`.
    pub fn new(
        comparison: &'a Comparison,
        legit: impl std::fmt::Display,
        suspect: impl std::fmt::Display,
        config: &'a Config,
    ) -> Self {
        CompareReport {
            comparison,
            legit: legit.to_string(),
            suspect: suspect.to_string(),
            config,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The outcome of comparing a suspect with a legitimate site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Probability-like score in [0, 1] that the suspect copies the legitimate site.
    pub score: f64,
    /// The verdict at [`Config::threshold`].
    pub verdict: Verdict,
    /// Per-signal similarities of the best-matching page pair.
    pub signals: PairSignals,
    /// What each side of the score says of that pair.
    pub sides: Sides,
    /// Checkable facts behind the score, most telling first.
    pub evidence: Vec<Evidence>,
    /// The identity the suspect was judged against (given, or inferred).
    pub brand: Brand,
    /// The legitimate page of the best pair.
    pub legit_page: Option<String>,
    /// The suspect page of the best pair.
    pub suspect_page: Option<String>,
    /// Suspect pages scoring at or above the threshold against some legitimate page.
    pub pages_matched: usize,
    /// Suspect pages compared.
    pub suspect_pages: usize,
}

/// A comparison as text for people, as `clonehound compare` prints it: score and sides,
/// verdict, brand, the page pair, the signals and the evidence. Text from pages is
/// passed through [`crate::scan::output::shown`], so it cannot steer a terminal.
///
/// ```
/// use clonehound::{compare, Config, Limits, Page, SiteFingerprint};
/// let site = SiteFingerprint::from_page(&Page::from_html("<title>Acme</title>", Some("https://acme.com/")), &Limits::default());
/// let text = compare(&site, &site, None, &Config::default()).to_string();
/// assert!(text.starts_with("score    "));
/// ```
impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::shown::shown;
        let r = self;
        let verdict = match r.verdict {
            Verdict::Rebrand => "REBRAND (copy under another name)",
            Verdict::Impersonation => {
                "IMPERSONATION (the brand's identity on a site it does not own)"
            }
            Verdict::None => "no copy",
        };
        writeln!(
            f,
            "score    {:.3} (copy side {:.3}, impersonation side {:.3})",
            r.score, r.sides.copy, r.sides.impersonation
        )?;
        writeln!(f, "verdict  {verdict}")?;
        let domains = if r.brand.domains.is_empty() {
            "none known".to_owned()
        } else {
            r.brand.domains.join(", ")
        };
        writeln!(
            f,
            "brand    {} (domains: {})",
            shown(&format!("{:?}", r.brand.name)),
            shown(&domains)
        )?;
        if !r.brand.aliases.is_empty() {
            writeln!(f, "aliases  {}", shown(&format!("{:?}", r.brand.aliases)))?;
        }
        if let (Some(l), Some(s)) = (&r.legit_page, &r.suspect_page) {
            writeln!(
                f,
                "pair     {} <-> {} ({} of {} suspect pages matched)",
                shown(l),
                shown(s),
                r.pages_matched,
                r.suspect_pages
            )?;
        }
        let s = &r.signals;
        writeln!(
            f,
            "signals  structure {:.2}  style {:.2}  text {:.2} (contained {:.2})  words {:.2}  title {:.2}  assets {:.2} (contained {:.2})  hosts {:.2}",
            s.structure,
            s.style,
            s.text,
            s.text_containment,
            s.words,
            s.title,
            s.assets,
            s.asset_containment,
            s.hosts
        )?;
        if r.evidence.is_empty() {
            writeln!(f, "evidence none")?;
        }
        for e in &r.evidence {
            writeln!(f, "  - [{}] {}", shown(&e.signal), shown(&e.detail))?;
        }
        Ok(())
    }
}

/// Settings of a comparison.
///
/// ```
/// let config = clonehound::Config::default().with_threshold(0.7);
/// assert_eq!(config.threshold, 0.7);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Score at or above which a suspect is called a copy.
    pub threshold: f64,
    /// Bounds on reading input.
    pub limits: crate::Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: THRESHOLD,
            limits: crate::Limits::default(),
        }
    }
}

impl Config {
    /// Sets the decision threshold.
    ///
    /// # Default
    /// The calibrated threshold in `score.rs`: at most 0.5% false positives on every kind of
    /// negative of the corpus and the real pages, out-of-fold and in-sample.
    #[must_use]
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets the input limits.
    ///
    /// # Default
    /// [`crate::Limits::default`].
    #[must_use]
    pub fn with_limits(mut self, limits: crate::Limits) -> Self {
        self.limits = limits;
        self
    }
}

struct PairScore {
    score: f64,
    signals: PairSignals,
    legit: usize,
    suspect: usize,
}

fn score_pair(
    l: &PageFingerprint,
    s: &PageFingerprint,
    presence: Presence,
    favicon: Option<f64>,
) -> (f64, PairSignals) {
    let mut signals = PairSignals::between(l, s, presence);
    signals.favicon = favicon;
    (signals.score(), signals)
}

/// Compares a suspect site with a legitimate one.
///
/// Each suspect page is scored against every legitimate page; the site's score is its
/// best page pair's. `brand` states who the legitimate site is; `None`, or a brand with
/// no name or no domains, has the missing parts inferred from the legitimate pages
/// ([`Brand::infer`]). A suspect on one of the brand's domains
/// scores 0: a brand does not copy itself.
///
/// ```
/// use clonehound::{compare, Brand, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict};
/// let fp = |html: &str, url: &str| SiteFingerprint::from_pages(vec![
///     PageFingerprint::new(&Page::from_html(html, Some(url)), &Limits::default())]);
/// let legit = fp("<title>Sign in | Acme</title><h1>Acme</h1><form><input type=password></form>", "https://acme.com/");
/// let phish = fp("<title>Sign in | Acme</title><h1>Acme</h1><form action=x.php><input type=password></form>", "http://acme-login.example/");
/// let brand = Brand::new("Acme", ["acme.com"]);
/// let result = compare(&legit, &phish, Some(&brand), &Config::default());
/// assert_eq!(result.verdict, Verdict::Impersonation);
/// ```
pub fn compare(
    legit: &SiteFingerprint,
    suspect: &SiteFingerprint,
    brand: Option<&Brand>,
    config: &Config,
) -> Comparison {
    // What the caller leaves out of the identity is read off the legitimate site.
    let brand = brand.cloned().unwrap_or_default().completed_from(legit);
    compare_completed(legit, suspect, brand, config)
}

/// [`compare`] with a brand already completed from the legitimate site (as an index
/// stores its brands): reading a site's identity is not repeated for every suspect.
pub(crate) fn compare_completed(
    legit: &SiteFingerprint,
    suspect: &SiteFingerprint,
    brand: Brand,
    config: &Config,
) -> Comparison {
    let matcher = Matcher::new(brand);
    let facts: Vec<PageFacts> = suspect.pages.iter().map(PageFacts::of).collect();
    let scored = score_completed(legit, suspect, &matcher, &facts, config);
    explain_scored(scored, legit, suspect, &matcher, config)
}

/// A comparison scored but not yet explained: what ranking brands needs. The evidence,
/// the costly part of a comparison after the scores, is written only for the brands a
/// query reports ([`explain_scored`]).
pub(crate) struct Scored {
    best: Option<PairScore>,
    pages_matched: usize,
    marks: Vec<String>,
}

impl Scored {
    /// The comparison's score: the best page pair's (0 for a site with no page).
    pub(crate) fn score(&self) -> f64 {
        self.best.as_ref().map_or(0.0, |b| b.score)
    }
}

/// Scores every page pair of `legit` and `suspect` for the brand `matcher` was made for;
/// `facts` are the suspect pages' ([`PageFacts::of`], in page order).
pub(crate) fn score_completed(
    legit: &SiteFingerprint,
    suspect: &SiteFingerprint,
    matcher: &Matcher,
    facts: &[PageFacts],
    config: &Config,
) -> Scored {
    let (favicon, favicon_kept) = match (&legit.favicon, &suspect.favicon) {
        (Some(l), Some(s)) => (Some(l.similarity(s)), l.matches(s)),
        _ => (None, false),
    };
    let marks = crate::evidence::shared_marks(legit, suspect);
    let marked = favicon_kept || !marks.is_empty();
    let mut best: Option<PairScore> = None;
    let mut pages_matched = 0;
    for ((si, s), facts) in suspect.pages.iter().enumerate().zip(facts) {
        let mut presence = Presence::with_facts(matcher, s, facts);
        presence.mark = f64::from(u8::from(marked));
        let mut page_best: Option<PairScore> = None;
        for (li, l) in legit.pages.iter().enumerate() {
            let (score, signals) = score_pair(l, s, presence, favicon);
            if page_best.as_ref().is_none_or(|b| score > b.score) {
                page_best = Some(PairScore {
                    score,
                    signals,
                    legit: li,
                    suspect: si,
                });
            }
        }
        if let Some(pb) = page_best {
            pages_matched += usize::from(pb.score >= config.threshold);
            if best.as_ref().is_none_or(|b| pb.score > b.score) {
                best = Some(pb);
            }
        }
    }
    Scored {
        best,
        pages_matched,
        marks,
    }
}

/// The whole comparison of a [`Scored`] pair: verdict, evidence, pages.
pub(crate) fn explain_scored(
    scored: Scored,
    legit: &SiteFingerprint,
    suspect: &SiteFingerprint,
    matcher: &Matcher,
    config: &Config,
) -> Comparison {
    let Scored {
        best,
        pages_matched,
        marks,
    } = scored;
    let Some(best) = best else {
        return Comparison {
            score: 0.0,
            verdict: Verdict::None,
            signals: PairSignals::default(),
            sides: Sides::default(),
            evidence: Vec::new(),
            brand: matcher.brand.clone(),
            legit_page: None,
            suspect_page: None,
            pages_matched: 0,
            suspect_pages: suspect.pages.len(),
        };
    };
    let l = legit.pages.get(best.legit);
    let s = suspect.pages.get(best.suspect);
    let sides = best.signals.sides();
    let verdict = if best.score < config.threshold {
        Verdict::None
    } else if best.signals.identity.claims_brand() || sides.impersonation >= sides.copy {
        // Flagged by the brand's hosts without a claim (a sign-in frame rendered for the
        // brand's origin) is impersonation too: a rebrand is content copied, and here
        // the copy side is not what carries the score.
        Verdict::Impersonation
    } else {
        Verdict::Rebrand
    };
    let evidence = match (l, s) {
        (Some(l), Some(s)) => {
            crate::evidence::explain(l, s, &best.signals, matcher, (legit, suspect), &marks)
        }
        _ => Vec::new(),
    };
    Comparison {
        score: best.score,
        verdict,
        signals: best.signals,
        sides,
        evidence,
        brand: matcher.brand.clone(),
        legit_page: l.and_then(|p| p.url.clone().or_else(|| p.path.clone())),
        suspect_page: s.and_then(|p| p.url.clone().or_else(|| p.path.clone())),
        pages_matched,
        suspect_pages: suspect.pages.len(),
    }
}

/// Compares many (legit, suspect, brand) triples in parallel; results keep input order.
///
/// ```
/// use clonehound::{Config, SiteFingerprint, compare::compare_many};
/// let empty = SiteFingerprint::default();
/// let results = compare_many(&[(&empty, &empty, None)], &Config::default());
/// assert_eq!(results.len(), 1);
/// ```
pub fn compare_many(
    pairs: &[(&SiteFingerprint, &SiteFingerprint, Option<&Brand>)],
    config: &Config,
) -> Vec<Comparison> {
    pairs
        .par_iter()
        .map(|(l, s, b)| compare(l, s, *b, config))
        .collect()
}
