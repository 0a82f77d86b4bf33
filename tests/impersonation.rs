//! The impersonation side: a page claiming a brand's identity on a domain the brand
//! does not own is flagged without sharing content with the brand's page; aliases
//! count wherever the name counts; mentions, credits and platform customers do not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use assert_cmd::Command;
use clonehound::{
    Brand, Comparison, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict, compare,
};

fn site(html: &str, url: &str) -> SiteFingerprint {
    SiteFingerprint::from_pages(vec![PageFingerprint::new(
        &Page::from_html(html, Some(url)),
        &Limits::default(),
    )])
}

/// The brand's current page: a redesign years after the kits copied it.
const LEGIT: &str = r#"<html><head><title>Welcome | Northwind Mail</title>
<meta property="og:site_name" content="Northwind Mail"></head><body>
<header><nav><a href="/pricing">Pricing</a><a href="/business">For business</a></nav></header>
<main><h1>Email that keeps up with your team</h1><p>Shared inboxes, calendars and
storage for teams of every size, hosted in three regions.</p>
<form action="https://login.northwind.com/session" method="post"><input name="user">
<input type="password" name="pass"><button>Continue</button></form></main>
<footer>© 2024 Northwind Mail Ltd</footer></body></html>"#;

fn brand() -> Brand {
    Brand::new("Northwind", ["northwind.com"])
}

/// `suspect`, found off the brand's domains, against the brand's page `legit`.
fn against(legit: &str, suspect: &str, brand: &Brand) -> Comparison {
    compare(
        &site(legit, "https://www.northwind.com/"),
        &site(suspect, "http://secure-check.example/"),
        Some(brand),
        &Config::default(),
    )
}

fn score(html: &str, brand: &Brand) -> (f64, Verdict) {
    let r = against(LEGIT, html, brand);
    (r.score, r.verdict)
}

/// An old kit page: no text, class or asset in common with today's page, but the
/// brand's name where a page names itself, a password form and links home.
const KIT: &str = r#"<html><head><title>Sign in - Northwind</title></head><body>
<div class="box"><h2>Northwind</h2><p>Sign in to your Northwind account</p>
<form action="post.php" method="post"><input name="u"><input type="password" name="p">
<input type="submit" value="Sign in"></form>
<a href="https://www.northwind.com/help">Help</a></div></body></html>"#;

#[test]
fn a_kit_sharing_no_content_is_flagged_as_impersonation() {
    let (s, v) = score(KIT, &brand());
    assert_eq!(v, Verdict::Impersonation, "score {s:.3}");
    // The impersonation side carries it alone; the two sides make the score.
    let r = against(LEGIT, KIT, &brand());
    let sides = r.sides;
    assert!(sides.copy < 0.05, "{sides:?}");
    assert!(
        sides.impersonation >= Config::default().threshold,
        "{sides:?}"
    );
    let combined = 1.0 - (1.0 - sides.copy) * (1.0 - sides.impersonation);
    assert!((combined - r.score).abs() < 1e-12, "{sides:?} {}", r.score);
    // The same page on the brand's own domain is the brand's page.
    let own = compare(
        &site(LEGIT, "https://www.northwind.com/"),
        &site(KIT, "https://login.northwind.com/"),
        Some(&brand()),
        &Config::default(),
    );
    assert_eq!((own.score, own.verdict), (0.0, Verdict::None));
}

/// A product's sign-in page on its parent's brand, named only by the product.
const PRODUCT_KIT: &str = r#"<html><head><title>Inbox Plus</title></head><body>
<h1>Inbox Plus</h1><p>Sign in to continue to Inbox Plus</p>
<form action="x.php"><input name="e"><input type="password" name="p"></form></body></html>"#;

#[test]
fn an_alias_counts_where_the_name_counts() {
    let (without, v) = score(PRODUCT_KIT, &brand());
    assert_eq!(v, Verdict::None, "score {without:.3}");
    let (with, v) = score(PRODUCT_KIT, &brand().with_aliases(["Inbox Plus"]));
    assert_eq!(v, Verdict::Impersonation, "score {with:.3}");
    assert!(with > without + 0.5);
}

#[test]
fn aliases_are_inferred_from_where_the_site_names_itself() {
    let inferred = Brand::infer(&site(LEGIT, "https://www.northwind.com/"));
    assert!(
        inferred.aliases.iter().any(|a| a == "Northwind Mail"),
        "{inferred:?}"
    );
    // Generic words are never admitted: a page titled "Log in | Home" gives none.
    let generic = Brand::infer(&site(
        r#"<title>Log in | Home</title><meta name="application-name" content="Sign in">"#,
        "https://example.org/",
    ));
    assert!(generic.aliases.is_empty(), "{generic:?}");
}

/// A "free followers" site naming itself, not the brand, whose form asks for the
/// brand's password: it harvests the brand's accounts, whatever it calls itself.
#[test]
fn a_form_asking_for_the_brands_password_is_a_claim_whatever_the_page_calls_itself() {
    let harvester = |form: &str| {
        format!(
            r#"<html><head><title>Free Northwind storage - 100% real | Cloudly</title>
            <meta property="og:site_name" content="Cloudly"></head><body>
            <h1>Cloudly</h1><p>Get 1 TB of free storage for your Northwind account.</p>
            {form}<footer>© 2024 Cloudly</footer></body></html>"#
        )
    };
    // The password field named, not typed, as kits write it.
    let asks = harvester(
        r#"<form action="login.php" method="post"><input placeholder="Northwind Username"
        name="username"><input type="text" name="password" placeholder="Northwind Password">
        <input type="submit" value="Get storage"></form>"#,
    );
    let r = compare(
        &site(LEGIT, "https://www.northwind.com/"),
        &site(&asks, "http://cloudly.example/"),
        Some(&brand()),
        &Config::default(),
    );
    assert_eq!(r.verdict, Verdict::Impersonation, "score {:.3}", r.score);
    assert_eq!(r.signals.identity.credentials, 1.0);
    assert_eq!(r.signals.identity.other_name, 0.0);
    assert!(
        r.evidence
            .iter()
            .any(|e| e.detail.contains("form asking for a password")),
        "{:?}",
        r.evidence
    );
    // The same page whose form names the brand only as a social login, or asks for no
    // password, or names it only in a tooltip, claims nothing.
    for (what, form) in [
        (
            "a social login",
            r#"<form action="login.php"><input name="user"><input type="password" name="pw">
            <button>Log in with Northwind</button></form>"#,
        ),
        (
            "no password",
            r#"<form action="/search"><input name="q" placeholder="Search Northwind tips"></form>"#,
        ),
        (
            "a tooltip",
            r#"<form action="login.php"><input name="user"><input type="password" name="pw">
            <label title="Your Northwind account is not needed">Code</label></form>"#,
        ),
    ] {
        let (s, v) = score(&harvester(form), &brand());
        assert_eq!(v, Verdict::None, "{what}: score {s:.3}");
    }
}

#[test]
fn mentions_credits_and_platform_customers_are_not_claims() {
    let cases = [
        (
            "a news article naming the brand",
            r#"<html><head><title>Northwind buys a data centre | Harbour Times</title>
            <meta property="og:site_name" content="Harbour Times"></head><body>
            <h1>Northwind buys a data centre</h1><p>Northwind said on Monday that it
            bought a site near Leeds.</p><a href="https://www.northwind.com/">Northwind</a>
            </body></html>"#,
        ),
        (
            "a firm's login page powered by the brand",
            r#"<html><head><title>Log In ‹ Caribou Coffee — Northwind</title></head><body>
            <h1><a href="https://northwind.com/">Powered by Northwind</a></h1>
            <form action="wp-login.php"><input name="log"><input type="password" name="pwd"></form>
            </body></html>"#,
        ),
        (
            "a page that names nobody, linking to the brand's site",
            r#"<html><head><title>Spring sale</title></head><body><h1>Spring sale: 30% off
            garden tools</h1><p>Free delivery over 50 pounds.</p>
            <footer><a href="https://northwind.com/gardenhut">our page</a></footer></body></html>"#,
        ),
        (
            "a shop asking to be followed on the brand's network",
            r#"<html><head><title>Spring sale</title></head><body><h1>Spring sale: 30% off
            garden tools</h1><p>Follow us on Northwind
            <a href="https://northwind.com/gardenhut">@gardenhut</a> for weekly offers.</p>
            </body></html>"#,
        ),
        (
            "a share button",
            r#"<html><body><h1>Spring sale: 30% off garden tools</h1>
            <p>Share on <a href="https://northwind.com/share?u=sale">Northwind</a></p></body></html>"#,
        ),
    ];
    for (what, html) in cases {
        let (s, v) = score(html, &brand());
        assert_eq!(v, Verdict::None, "{what}: score {s:.3}");
    }
}

#[test]
fn aliases_reach_compare_and_the_brands_file() {
    let dir = tempfile::tempdir().unwrap();
    let legit = dir.path().join("legit.html");
    let kit = dir.path().join("kit.html");
    std::fs::write(&legit, LEGIT).unwrap();
    std::fs::write(&kit, PRODUCT_KIT).unwrap();
    let bin = || Command::cargo_bin("clonehound").unwrap();
    let compare = |extra: &[&str]| {
        let out = bin()
            .arg("compare")
            .arg(&legit)
            .arg(&kit)
            .args([
                "--brand",
                "Northwind",
                "--domain",
                "northwind.com",
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["verdict"].as_str().unwrap().to_owned()
    };
    assert_eq!(compare(&[]), "none");
    assert_eq!(compare(&["--alias", "Inbox Plus"]), "impersonation");

    let brands = dir.path().join("brands.toml");
    std::fs::write(
        &brands,
        "[[brand]]\nname = \"Northwind\"\ndomains = [\"northwind.com\"]\naliases = [\"Inbox Plus\"]\npages = [\"legit.html\"]\n",
    )
    .unwrap();
    let index = dir.path().join("brands.idx");
    bin()
        .args(["index", "build"])
        .arg(&brands)
        .arg("-o")
        .arg(&index)
        .assert()
        .success();
    let out = bin()
        .arg("scan")
        .arg("--index")
        .arg(&index)
        .arg(&kit)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let found = &record["matches"][0];
    assert_eq!(found["verdict"], "impersonation", "{record}");
    assert!(
        found["sides"]["impersonation"].as_f64().unwrap() > 0.5,
        "{record}"
    );
}

/// The brand's logo, drawn inline, its geometry written again by a kit with other ids,
/// colours, whitespace and number formatting.
const LOGO: &str = r##"<svg class="site-logo" viewBox="0 0 64 64"><path id="a1" fill="#0a66c2" d="M8 8 L56 8 L56 56 L8 56 Z M20 20 C 24 28 40 28 44 20"/><circle cx="32" cy="40" r="6.5"/></svg>"##;
const LOGO_AGAIN: &str = r##"<svg viewBox="0 0 64 64" class="hdr-logo"><path fill="red" id="zz" d="M8,8L56,8L56,56L8,56z
 M20,20C24,28,40,28,44,20" /><circle r="6.50" cy="40.0" cx="32" fill="blue"/></svg>"##;

#[test]
fn the_brands_inline_logo_is_a_mark_and_an_index_key() {
    let legit = format!(
        "<html><head><title>Northwind</title></head><body><header>{LOGO}</header><p>Teams mail.</p></body></html>"
    );
    let kit = format!(
        "<html><head><title>Account check</title></head><body><header>{LOGO_AGAIN}</header>\
         <form action=x.php><input name=u><input type=password name=p></form></body></html>"
    );
    let r = against(&legit, &kit, &brand());
    assert_eq!(r.signals.identity.mark, 1.0, "{r:?}");
    // The brand shown only as its mark, beside a credential form, is impersonation.
    assert_eq!(r.verdict, Verdict::Impersonation, "{r:?}");
    assert!(
        r.evidence
            .iter()
            .any(|e| e.signal == "marks" && e.detail.contains("inline SVG")),
        "{:?}",
        r.evidence
    );
    // A different drawing is not the brand's mark.
    let other = kit.replace("r=\"6.50\"", "r=\"9\"");
    let r = against(&legit, &other, &brand());
    assert_eq!(r.signals.identity.mark, 0.0);
    assert_eq!(r.verdict, Verdict::None, "a password form alone: {r:?}");

    // The index finds the brand by its logo alone among brands that share nothing.
    let mut builder =
        clonehound::index::IndexBuilder::new(clonehound::index::IndexConfig::default());
    builder.add(brand(), site(&legit, "https://www.northwind.com/"));
    for (i, name) in ["Quartz Legal", "Ember Bakery", "Tallis Freight"]
        .iter()
        .enumerate()
    {
        builder.add(
            Brand::new(*name, [format!("brand{i}.example")]),
            site(
                &format!("<title>{name}</title><p>{name} serves its town since 19{i}0.</p>"),
                &format!("https://brand{i}.example/"),
            ),
        );
    }
    let index = builder.build();
    let candidates = index.candidates(&site(&kit, "http://secure-check.example/"));
    assert_eq!(candidates.first().map(|c| c.0), Some(0), "{candidates:?}");
}

#[test]
fn a_frame_flagged_by_the_brands_hosts_alone_is_impersonation_not_a_rebrand() {
    // A kit's sign-in frame rendered for the brand's origin: nothing of the brand's page
    // copied, its name nowhere, the brand's URL only in its script. What flags it is the
    // impersonation side, so the verdict is not "copy under another name".
    let frame = r#"<html><body><div id="widget">Sign in</div><script>
    var origin = "https://www.northwind.com/"; start(origin);</script></body></html>"#;
    let r = against(LEGIT, frame, &brand());
    assert!(r.sides.copy < 0.01, "{:?}", r.sides);
    assert_eq!(r.verdict, Verdict::Impersonation, "score {:.3}", r.score);
}

#[test]
fn running_the_brands_widget_is_not_a_claim_but_wearing_its_look_is() {
    // A shop embedding the brand's video player, SDK or share script, or showing its
    // icon on a link to it, uses the brand's service, as millions of sites do: not a
    // claim to be the brand.
    let shop = |extra: &str| {
        format!(
            r#"<html><head><title>Garden Hut</title></head><body><h1>Spring sale</h1>
            <p>Free delivery over 50 pounds on garden tools.</p>{extra}</body></html>"#
        )
    };
    for (what, extra) in [
        (
            "a widget script",
            r#"<script src="https://platform.northwind.com/widgets.js"></script>"#,
        ),
        (
            "an embedded player",
            r#"<iframe src="https://www.northwind.com/embed/abc"></iframe>"#,
        ),
        (
            "an SDK loader written in a script",
            r#"<script>var s = document.createElement("script");
            s.src = "https://connect.northwind.com/en_US/sdk.js";</script>"#,
        ),
        (
            "a follow icon in the footer",
            r#"<footer><a href="https://northwind.com/gardenhut"><img
            src="/img/northwind-logo.png" alt="Northwind"></a></footer>"#,
        ),
        (
            "a share icon",
            r#"<a href="https://northwind.com/share?u=sale"><img src="/icons/northwind.svg"></a>"#,
        ),
        (
            "the brand's store badge",
            r#"<a href="https://apps.northwind.com/store/gardenhut"><img
            src="https://apps.northwind.com/badges/get-it-on.png"></a>"#,
        ),
        (
            "the brand's payment icon in the footer",
            r#"<footer>We accept <img src="https://www.northwind.com/img/pay.png"></footer>"#,
        ),
    ] {
        let (s, v) = score(&shop(extra), &brand());
        assert_eq!(v, Verdict::None, "{what}: score {s:.3}");
    }
    // Hot-linking its stylesheet or logo, or posting to its hosts, wears its identity,
    // and so does a frame whose script was rendered for its origin.
    for (what, extra) in [
        (
            "the brand's stylesheet",
            r#"<link rel="stylesheet" href="https://static.northwind.com/site.css">"#,
        ),
        (
            "the brand's logo hot-linked, linking home to it",
            r#"<a class="logo" href="https://www.northwind.com/"><img
            src="https://static.northwind.com/img/mark.png"></a>"#,
        ),
        (
            "a form posting to the brand",
            r#"<form action="https://login.northwind.com/session"><input name="q"></form>"#,
        ),
        (
            "a frame rendered for the brand's origin",
            r#"<script>init({"origin": "https:\/\/www.northwind.com"});</script>"#,
        ),
    ] {
        let (s, v) = score(&shop(extra), &brand());
        assert_eq!(v, Verdict::Impersonation, "{what}: score {s:.3}");
    }
}
