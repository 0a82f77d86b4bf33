//! Near-empty suspects (blank pages, parking and "coming soon" stubs, default web server
//! pages, bare redirects, empty application shells) never match a brand on what they
//! lack: not against content-rich brands, not against brands whose own page is nearly
//! empty too, whether the brand is given or inferred, compared or found by an index.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use clonehound::compare::PairSignals;
use clonehound::index::IndexBuilder;
use clonehound::{Brand, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict, compare};

fn page(html: &str, url: &str) -> PageFingerprint {
    PageFingerprint::new(&Page::from_html(html, Some(url)), &Limits::default())
}

/// An empty single-page application's shell, as its build tool writes it.
fn shell(bundle: &str, title: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"/><link rel="icon" href="/favicon.ico"/><meta name="viewport" content="width=device-width,initial-scale=1"/><title>{title}</title><script defer="defer" src="/static/js/main.{bundle}.js"></script><link href="/static/css/main.{bundle}.css" rel="stylesheet"></head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>"#
    )
}

fn empties() -> Vec<(&'static str, String)> {
    vec![
        ("blank", String::new()),
        ("white space", " \n\t \n".to_owned()),
        ("empty document", "<!doctype html><html><head><title></title></head><body></body></html>".to_owned()),
        ("parked", r#"<html><head><title>example-domain.com is for sale</title></head><body><h1>This domain is for sale!</h1><p>Buy this domain. The owner may be interested in selling it. Related searches: insurance, loans, hosting.</p><a href="https://sedo.com/search/details/?domain=example-domain.com">Make an offer</a></body></html>"#.to_owned()),
        ("coming soon", r#"<!DOCTYPE html><html><head><title>Coming Soon</title><link rel="stylesheet" href="style.css"></head><body><div class="container"><h1>Coming soon</h1><p>We are working hard to launch our new website. Stay tuned!</p></div></body></html>"#.to_owned()),
        ("nginx", r#"<!DOCTYPE html><html><head><title>Welcome to nginx!</title><style>body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }</style></head><body><h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is successfully installed and working. Further configuration is required.</p><p>For online documentation and support please refer to <a href="http://nginx.org/">nginx.org</a>.<br/>Commercial support is available at <a href="http://nginx.com/">nginx.com</a>.</p><p><em>Thank you for using nginx.</em></p></body></html>"#.to_owned()),
        ("apache", "<html><body><h1>It works!</h1></body></html>".to_owned()),
        ("iis", r#"<!DOCTYPE html><html><head><title>IIS Windows Server</title><style>body{background-color:#0072C6;margin:0}</style></head><body><div id="container"><a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a></div></body></html>"#.to_owned()),
        ("meta refresh", r#"<html><head><meta http-equiv="refresh" content="0; url=https://example.net/"></head></html>"#.to_owned()),
        ("script redirect", r#"<html><head><script>window.location.replace("https://example.net/")</script></head><body></body></html>"#.to_owned()),
        ("application shell", shell("77aa88bb", "React App")),
    ]
}

/// Brands whose pages are content-rich (the corpus's firms) and brands whose own page
/// is nearly empty (an application shell, a stub).
fn brands() -> Vec<(Brand, SiteFingerprint)> {
    let limits = Limits::default();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sites");
    let mut out: Vec<(Brand, SiteFingerprint)> = [
        ("Kestrel Software", "kestrelsoftware.io", "kestrel-software"),
        ("Orbitwise", "orbitwise.co.uk", "orbitwise"),
        (
            "Bluestone Partners",
            "bluestonepartners.com",
            "bluestone-partners",
        ),
    ]
    .into_iter()
    .map(|(name, domain, dir)| {
        (
            Brand::new(name, [domain]),
            SiteFingerprint::from_path(corpus.join(dir), &limits).unwrap(),
        )
    })
    .collect();
    for (name, domain, html) in [
        ("Quillon", "quillon.app", shell("8a1b2c3d", "React App")),
        (
            "Tessaly",
            "tessaly.io",
            "<html><head><title>Coming Soon</title></head><body><h1>Coming soon</h1></body></html>"
                .to_owned(),
        ),
    ] {
        out.push((
            Brand::new(name, [domain]),
            SiteFingerprint::from_pages(vec![page(&html, &format!("https://{domain}/"))]),
        ));
    }
    out
}

#[test]
fn no_near_empty_page_matches_any_brand() {
    let config = Config::default();
    let brands = brands();
    for (kind, html) in empties() {
        let suspect = SiteFingerprint::from_pages(vec![page(&html, "https://suspect.example/")]);
        for (brand, legit) in &brands {
            for given in [Some(brand), None] {
                let r = compare(legit, &suspect, given, &config);
                assert_eq!(
                    r.verdict,
                    Verdict::None,
                    "{kind} against {} (brand given: {}): score {:.3}, {:?}",
                    brand.name,
                    given.is_some(),
                    r.score,
                    r.evidence
                );
            }
        }
    }
    // Found through an index, as a scan finds brands.
    let mut builder = IndexBuilder::default();
    for (brand, site) in brands {
        builder.add(brand, site);
    }
    let index = builder.build();
    for (kind, html) in empties() {
        let suspect = SiteFingerprint::from_pages(vec![page(&html, "https://suspect.example/")]);
        let copies: Vec<_> = index
            .query(&suspect, 3)
            .unwrap()
            .into_iter()
            .filter(|m| m.comparison.verdict != Verdict::None)
            .map(|m| m.comparison.brand.name)
            .collect();
        assert!(copies.is_empty(), "{kind} matched {copies:?}");
    }
}

#[test]
fn the_empty_pages_are_near_empty_and_pages_with_content_are_not() {
    for (kind, html) in empties() {
        let expect = !matches!(kind, "parked" | "nginx");
        assert_eq!(
            page(&html, "https://x.example/").near_empty(),
            expect,
            "{kind}"
        );
    }
    let login = r#"<title>Sign in</title><form><input name=user><input type=password></form>"#;
    assert!(!page(login, "https://x.example/").near_empty());
    let logo = r#"<header><img class="logo" src="/img/acme-logo.png"></header>"#;
    assert!(!page(logo, "https://x.example/").near_empty());
}

/// Whatever a model would make of two near-empty pages alike in what they lack, the
/// copy side cannot flag a near-empty suspect; the same signals on a page with content
/// can.
#[test]
fn the_copy_side_cannot_flag_a_near_empty_page() {
    let alike = PairSignals {
        structure: 1.0,
        style: 1.0,
        text: 1.0,
        text_containment: 1.0,
        words: 1.0,
        title: 1.0,
        assets: 1.0,
        asset_containment: 1.0,
        hosts: 1.0,
        ..PairSignals::default()
    };
    assert!(alike.sides().copy > 0.5 && alike.score() >= Config::default().threshold);
    let empty = PairSignals {
        near_empty: true,
        ..alike
    };
    assert!(empty.sides().copy <= clonehound::compare::model::NEAR_EMPTY_COPY);
    assert!(empty.score() < Config::default().threshold);
}
