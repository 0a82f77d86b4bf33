//! Brand phrases, presence and matching on small pages.

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
fn resources_count_logo_file_names_and_script_origins_not_directories_icons_or_sdks() {
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
    // A social icon names where its link goes; a script file a service the page runs.
    assert_eq!(
        resources(r#"<footer><img src="/img/acme-logo.png"></footer>"#),
        0.0
    );
    assert_eq!(
        resources(r#"<a href="https://acme.com/kit"><img src="/i/acme_logo.svg"></a>"#),
        0.0
    );
    assert_eq!(resources(r#"<script src="/js/acme.js"></script>"#), 0.0);
    // The logo in a logo element linking back to the brand is still the page's own.
    assert_eq!(
        resources(r#"<a class="logo" href="https://acme.com/"><img src="/i/acme.svg"></a>"#),
        1.0
    );
    // A frame rendered for the brand's origin; not an SDK or an API path.
    assert_eq!(
        resources(r#"<script>init({"origin":"https:\/\/www.acme.com"})</script>"#),
        1.0
    );
    assert_eq!(
        resources(r#"<script>fetch("https:\/\/api.acme.com\/v1")</script>"#),
        0.0
    );
    assert_eq!(resources(r#"<p>https://api.acme.com/</p>"#), 0.0);
}

#[test]
fn phrase_matching_is_by_whole_words() {
    assert!(contains_phrase("log in to acme today", "acme"));
    assert!(contains_phrase("acme", "acme"));
    assert!(!contains_phrase("acmetrics", "acme"));
    assert!(!contains_phrase("the acmes", "acme"));
    assert!(contains_phrase("x north wind y", "north wind"));
}

#[test]
fn hosts_looked_up_name_the_brand_as_hosts_compared_one_by_one() {
    let brands = [
        Brand::new("Acme", ["acme.com"]),
        Brand::new("North Wind", ["northwind.co.uk", "nw.example"]),
        Brand::new("Kit", [".com", ""]),
    ];
    let parts = [
        "acme",
        "com",
        "www",
        "WWW",
        "northwind",
        "co",
        "uk",
        "nw",
        "example",
        "evil",
        "",
        "ACME",
        "kit",
    ];
    let mut rng = crate::test_rng::Rng::new(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let hosts: Vec<String> = (0..rng.below(4))
            .map(|_| {
                let labels: Vec<&str> = (0..1 + rng.below(4))
                    .map(|_| parts[rng.below(parts.len())])
                    .collect();
                let host = labels.join(".");
                if rng.below(5) == 0 {
                    format!("{host}.")
                } else {
                    host
                }
            })
            .collect();
        let names = presence::HostNames::of(&hosts);
        for brand in &brands {
            let m = Matcher::new(brand.clone());
            let one_by_one = hosts.iter().any(|h| m.names_host(h));
            assert_eq!(m.names_any_host(&names), one_by_one, "{hosts:?} {brand:?}");
        }
    }
}

#[test]
fn a_platform_credited_is_not_the_sites_name() {
    use crate::{Limits, Page};
    // A firm's login on the WordPress platform: the title names the firm and the
    // platform, the heading only credits the platform.
    let page = Page::from_html(
        "<title>Log In ‹ DevOps Institute — WordPress</title>\
         <h1><a href=\"https://wordpress.org/\">Powered by WordPress</a></h1>\
         <form><input name=log><input type=password></form>\
         <p><a href=\"https://devopsinstitute.com/\">← Back to DevOps Institute</a></p>",
        Some("https://devopsinstitute.com/wp-login.php"),
    );
    let site = SiteFingerprint::from_page(&page, &Limits::default());
    let brand = Brand::infer(&site);
    assert_eq!(brand.name, "Devops Institute");
    assert!(
        brand
            .aliases
            .iter()
            .all(|a| !a.to_lowercase().contains("wordpress")),
        "{brand:?}"
    );
    // Where the site does say the name, it is kept: WordPress.com's own login.
    let page = Page::from_html(
        "<title>Log In — WordPress.com</title><h1>WordPress.com</h1>\
         <form><input name=log><input type=password></form>",
        Some("https://wordpress.com/log-in"),
    );
    let brand = Brand::infer(&SiteFingerprint::from_page(&page, &Limits::default()));
    assert!(
        brand.name.to_lowercase().starts_with("wordpress"),
        "{brand:?}"
    );
}
