//! # clonehound
//!
//! Finds websites cloned to impersonate legitimate firms. clonehound fingerprints a
//! page's DOM structure, class names, visible text, assets and identity (name, domains,
//! contacts) in one pass of an HTML tokenizer, compares suspects with legitimate sites,
//! and scores each pair with evidence a person can check: a *rebrand* (the firm's site
//! under another name) or an *impersonation* (the brand's identity on a domain it does
//! not own).
//!
//! Fingerprint a page:
//!
//! ```
//! use clonehound::{Limits, Page, PageFingerprint};
//! let page = Page::from_bytes(b"<title>Acme</title><p>We build bridges.</p>", None, None, &Limits::default())?;
//! let fp = PageFingerprint::new(&page, &Limits::default());
//! assert_eq!(fp.identity.title, "Acme");
//! Ok::<(), clonehound::Error>(())
//! ```
//!
//! Compare two sites:
//!
//! ```
//! use clonehound::{compare, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict};
//! let site = |html: &str, url: &str| SiteFingerprint::from_pages(vec![
//!     PageFingerprint::new(&Page::from_html(html, Some(url)), &Limits::default())]);
//! let body = "<link rel=stylesheet href=/css/site.css><img src=/img/quay-1952.jpg>\
//!     <p>Acme has built bridges, tunnels and harbours across three continents since 1952, \
//!     with a team of four hundred engineers who plan, design and deliver every project.</p>\
//!     <p>Our divers inspect every quay we built, every year, and publish what they find.</p>\
//!     <img src=/img/team.jpg><p>Apprentices learn beside our most senior engineers.</p>";
//! let legit = site(&format!("<title>Acme</title>{body}<footer>© 2024 Acme Ltd</footer>"), "https://acme.com/");
//! let copy = site(&format!("<title>Volantis</title>{}<footer>© 2024 Volantis Ltd</footer>",
//!     body.replace("Acme", "Volantis")), "https://volantis.example/");
//! let result = compare(&legit, &copy, None, &Config::default());
//! assert_eq!(result.verdict, Verdict::Rebrand);
//! Ok::<(), clonehound::Error>(())
//! ```
//!
//! Compare many pairs in parallel ([`compare::compare_many`]) keeps input order.
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod brand;
pub mod compare;
mod error;
mod evidence;
pub mod fingerprint;
pub mod index;
mod input;
mod limits;
mod normalize;
mod parse;
mod precap;
pub mod scan;
mod score;
mod shown;
mod signals;
mod sketch;
mod sniff;
#[cfg(test)]
mod test_rng;
mod urls;
mod visible;

pub use brand::Brand;
pub use compare::{Comparison, Config, Verdict, compare};
pub use error::{Error, Result};
pub use fingerprint::{PageFingerprint, SiteFingerprint};
pub use index::Index;
pub use input::Page;
pub use limits::Limits;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
