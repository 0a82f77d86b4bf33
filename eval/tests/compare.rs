//! Comparison on pages the tests write: copies must score high with the right verdict,
//! an unrelated page and a different firm on the same template must score low.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use clonehound::{Brand, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict, compare};
use clonehound_eval::operators::{
    Rng, minify, mirror, partial, rename_classes, reorder, replace_all_cases,
};

struct Firm {
    name: &'static str,
    domain: &'static str,
    email: &'static str,
    phone: &'static str,
    text: [&'static str; 3],
}

const ACME: Firm = Firm {
    name: "Acme Harbour Engineering",
    domain: "acmeharbour.com",
    email: "info@acmeharbour.com",
    phone: "+44 113 496 0000",
    text: [
        "Acme Harbour Engineering has designed quays, breakwaters and ferry terminals along the North Sea coast since 1961, and still inspects every structure it built.",
        "Our forty engineers model waves, tides and ship movements before a single pile is driven, so that ports stay open when storms close others.",
        "We restored the Victorian pier at Saltburn in 2019, replacing rusted ironwork while keeping the original lamps and benches that visitors love.",
    ],
};

const OTHER: Firm = Firm {
    name: "Birchwood Dental",
    domain: "birchwooddental.co.uk",
    email: "hello@birchwooddental.co.uk",
    phone: "+44 1904 555 123",
    text: [
        "Birchwood Dental looks after families in York with check-ups, hygiene visits and gentle treatment for nervous patients of every age.",
        "Evening appointments on Tuesdays and Thursdays suit parents who cannot leave work early, and children under twelve are always seen first.",
        "Our hygienists explain what they see on the screen and give you a written plan with prices before any treatment begins.",
    ],
};

/// One page of a firm on a shared template (same classes, same theme assets).
fn page(f: &Firm, title: &str) -> String {
    let sections: String = f
        .text
        .iter()
        .enumerate()
        .map(|(i, t)| format!("<section class=\"block block-{i}\"><div class=\"inner\"><h2 class=\"block-title\">Part {i}</h2><p class=\"lead\">{t}</p><img src=\"/media/{}/photo-{i}.jpg\"></div></section>\n", f.domain.len()))
        .collect();
    format!(
        "<!doctype html><html><head><title>{title} | {name}</title><meta property=\"og:site_name\" content=\"{name}\">\
         <link rel=\"canonical\" href=\"https://{domain}/\"><link rel=\"stylesheet\" href=\"/theme/css/site.css\">\
         <script>gtag('config','G-{id}');</script></head><body class=\"theme\"><header class=\"top\"><nav class=\"menu\">\
         <a href=\"https://{domain}/about.html\">About</a> <a href=\"https://{domain}/contact.html\">Contact</a></nav></header>\n{sections}\
         <footer class=\"bottom\"><p>Contact <a href=\"mailto:{email}\">{email}</a>, {phone}</p><p>© 2024 {name} Ltd.</p></footer></body></html>",
        name = f.name,
        domain = f.domain,
        email = f.email,
        phone = f.phone,
        id = if f.domain.starts_with('a') {
            "ACME123456"
        } else {
            "BIRCH12345"
        },
    )
}

fn site(html: &str, url: &str) -> SiteFingerprint {
    SiteFingerprint::from_pages(vec![PageFingerprint::new(
        &Page::from_html(html, Some(url)),
        &Limits::default(),
    )])
}

fn acme() -> (SiteFingerprint, Brand) {
    (
        site(&page(&ACME, "Home"), "https://acmeharbour.com/"),
        Brand::new(ACME.name, [ACME.domain]),
    )
}

fn rebranded(html: &str) -> String {
    let swaps = [
        (ACME.name, "Volantis Maritime"),
        (ACME.domain, "volantis-maritime.com"),
        (ACME.email, "office@volantis-maritime.com"),
        (ACME.phone, "+44 20 7946 0999"),
        ("Acme Harbour", "Volantis"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    replace_all_cases(html, &swaps)
}

#[test]
fn copies_score_high_with_the_right_verdict() {
    let (legit, brand) = acme();
    let html = page(&ACME, "Home");
    let mut rng = Rng::new(5);
    let cases: Vec<(&str, String, Verdict)> = vec![
        ("identical copy", html.clone(), Verdict::Impersonation),
        (
            "mirrored copy",
            mirror(&html, ACME.domain),
            Verdict::Impersonation,
        ),
        (
            "mirrored and minified",
            minify(&mirror(&html, ACME.domain)),
            Verdict::Impersonation,
        ),
        ("rebrand", rebranded(&html), Verdict::Rebrand),
        (
            "rebrand, classes renamed, reordered",
            reorder(&rename_classes(&rebranded(&html), &mut rng), &mut rng),
            Verdict::Rebrand,
        ),
        (
            "partial rebrand",
            partial(&rebranded(&html), &mut rng, 0.5),
            Verdict::Rebrand,
        ),
    ];
    for (name, copy, want) in cases {
        for given in [Some(&brand), None] {
            let result = compare(
                &legit,
                &site(&copy, "https://suspect.example/"),
                given,
                &Config::default(),
            );
            assert!(
                result.score >= Config::default().threshold,
                "{name} (brand given: {}): score {:.3}\n{:#?}",
                given.is_some(),
                result.score,
                result.signals
            );
            assert_eq!(result.verdict, want, "{name}: {:?}", result.evidence);
            assert!(!result.evidence.is_empty(), "{name} has no evidence");
            if want == Verdict::Rebrand {
                // The identity is swapped: the copy side carries a rebrand alone.
                let sides = result.sides;
                assert!(
                    sides.copy >= Config::default().threshold,
                    "{name}: {sides:?}"
                );
                assert!(sides.impersonation < 0.1, "{name}: {sides:?}");
            }
        }
    }
}

#[test]
fn rebrand_evidence_names_the_swap_and_shared_text() {
    let (legit, brand) = acme();
    let copy = site(
        &rebranded(&page(&ACME, "Home")),
        "https://volantis-maritime.com/",
    );
    let result = compare(&legit, &copy, Some(&brand), &Config::default());
    let details: Vec<&str> = result.evidence.iter().map(|e| e.detail.as_str()).collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("identity swapped") && d.contains("Volantis")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("text shingles shared")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("asset paths shared")),
        "{details:?}"
    );
}

#[test]
fn different_firm_on_same_template_and_unrelated_pages_score_low() {
    let (legit, brand) = acme();
    let same_template = site(&page(&OTHER, "Home"), "https://birchwooddental.co.uk/");
    let unrelated = site(
        "<html><head><title>Recipes</title></head><body><h1>Banana bread</h1><p>Mash three ripe bananas with butter, sugar and an egg, fold in flour and bake for an hour.</p></body></html>",
        "https://recipes.example/",
    );
    for (name, suspect) in [
        ("same template, different firm", &same_template),
        ("unrelated", &unrelated),
    ] {
        for given in [Some(&brand), None] {
            let result = compare(&legit, suspect, given, &Config::default());
            assert!(
                result.score < 0.2,
                "{name}: score {:.3} {:#?}",
                result.score,
                result.signals
            );
            assert_eq!(result.verdict, Verdict::None, "{name}");
        }
    }
}

#[test]
fn the_brands_own_domain_is_not_a_copy_but_a_declared_one_is() {
    let (legit, brand) = acme();
    let html = page(&ACME, "Home");
    let own = compare(
        &legit,
        &site(&html, "https://www.acmeharbour.com/about"),
        Some(&brand),
        &Config::default(),
    );
    assert_eq!(own.verdict, Verdict::None);
    assert_eq!(own.score, 0.0);
    // The copy keeps the canonical link to acmeharbour.com: what a page declares must not
    // make it the brand's own.
    let copy = compare(
        &legit,
        &site(&html, "https://acmeharbour-login.example/"),
        Some(&brand),
        &Config::default(),
    );
    assert_eq!(copy.verdict, Verdict::Impersonation);
}

#[test]
fn phishing_page_on_a_different_design_is_impersonation() {
    let (legit, brand) = acme();
    let kit = "<html><head><title>Sign in | Acme Harbour Engineering</title></head><body><div class=box>\
        <img src=logo.png alt='Acme Harbour Engineering'><h1>Acme Harbour Engineering client portal</h1>\
        <form action=post.php method=post><input name=u><input type=password name=p><button>Sign in</button></form>\
        <a href='https://acmeharbour.com/privacy'>Privacy</a></div></body></html>";
    let result = compare(
        &legit,
        &site(kit, "http://203.0.113.9/acme/"),
        Some(&brand),
        &Config::default(),
    );
    assert_eq!(
        result.verdict,
        Verdict::Impersonation,
        "{:.3} {:?}",
        result.score,
        result.evidence
    );
    let mention = "<html><head><title>Ports round-up | Coastal News</title><meta property=og:site_name content='Coastal News'></head>\
        <body><p>Contractors including Acme Harbour Engineering bid for the Whitby quay repairs, the council said on Monday.</p></body></html>";
    let result = compare(
        &legit,
        &site(mention, "https://coastalnews.example/"),
        Some(&brand),
        &Config::default(),
    );
    assert_eq!(
        result.verdict,
        Verdict::None,
        "mention: {:.3}",
        result.score
    );
}

#[test]
fn compare_many_keeps_order() {
    let (legit, brand) = acme();
    let copy = site(&page(&ACME, "Home"), "https://x.example/");
    let other = site(&page(&OTHER, "Home"), "https://y.example/");
    let pairs = [
        (&legit, &copy, Some(&brand)),
        (&legit, &other, Some(&brand)),
        (&legit, &copy, None),
    ];
    let results = clonehound::compare::compare_many(&pairs, &Config::default());
    let verdicts: Vec<Verdict> = results.iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Impersonation,
            Verdict::None,
            Verdict::Impersonation
        ]
    );
}

#[test]
fn charsets_fingerprint_the_same() {
    let html = "<html><head><meta charset=\"windows-1251\"><title>Компания</title></head><body><p>Инженерная компания строит мосты и порты.</p></body></html>";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(html);
    let utf8 = html.replace("windows-1251", "utf-8");
    let limits = Limits::default();
    let a = PageFingerprint::new(
        &Page::from_bytes(&cp1251, None, None, &limits).unwrap(),
        &limits,
    );
    let b = PageFingerprint::new(
        &Page::from_bytes(utf8.as_bytes(), None, None, &limits).unwrap(),
        &limits,
    );
    assert_eq!(a.text, b.text);
    assert_eq!(a.identity.title, "Компания");
}

#[test]
fn deep_nesting_does_not_overflow_or_hang() {
    let html = "<div>".repeat(100_000) + "deep text" + &"</div>".repeat(100_000);
    let fp = PageFingerprint::new(&Page::from_html(html, None), &Limits::default());
    assert!(fp.truncated);
    assert!(fp.text.lead.contains("deep text"));
}
