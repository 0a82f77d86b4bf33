//! Criterion benches: fingerprinting beside the bare html5ever parse of the same page,
//! and page comparison. Each bench asserts a known result so a fast wrong answer fails.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};

use clonehound::{
    Brand, Config, Limits, Page, PageFingerprint, SiteFingerprint, Verdict, compare,
    compare::PairSignals,
};

/// A real-world-shaped page of about `target` bytes: a head full of metadata, scripts
/// and stylesheets; nested layout blocks with utility classes; navigation, article text,
/// tables, forms and a footer.
fn page(firm: &str, target: usize) -> String {
    let mut html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{firm} | Engineering and Advisory</title>\
         <meta name=viewport content='width=device-width, initial-scale=1'><meta property=og:site_name content='{firm}'>\
         <link rel=stylesheet href='/assets/css/main.min.css?v=3'><link rel=icon href='/favicon.ico'>\
         <script async src='https://www.googletagmanager.com/gtag/js?id=G-7XK2M9Q4LP'></script>\
         <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());gtag('config','G-7XK2M9Q4LP');</script>\
         <style>.hero{{background:url('/assets/img/hero.jpg')}}</style></head><body class='home page-template'>\
         <header class='site-header sticky'><nav class='navbar navbar-expand-lg'><ul class='nav'>"
    );
    for item in [
        "Home",
        "About",
        "Services",
        "Industries",
        "Careers",
        "Contact",
    ] {
        html += &format!(
            "<li class='nav-item'><a class='nav-link' href='/{}.html'>{item}</a></li>",
            item.to_lowercase()
        );
    }
    html += "</ul></nav></header><main id=content>";
    let sentences = [
        "Our engineers plan, design and deliver infrastructure for public and private clients.",
        "We have worked on bridges, harbours and rail links across three continents since 1952.",
        "Every project starts with listening: what the community needs, what the site allows.",
        "Independent reviews show our designs reduce lifetime maintenance costs by a fifth.",
        "Teams in Lisbon, Leeds and Lagos share one quality system and one set of standards.",
    ];
    let mut i = 0usize;
    while html.len() < target {
        html += &format!(
            "<section class='section section-{i} py-5'><div class=container><div class='row align-items-center'>\
             <div class='col-md-6'><h2 class='section-title'>Section {i}: {firm} at work</h2>"
        );
        for j in 0..4 {
            html += &format!(
                "<p class=lead>{} {}</p>",
                sentences[(i + j) % 5],
                sentences[(i * 3 + j) % 5]
            );
        }
        html += &format!(
            "</div><div class='col-md-6'><img class='img-fluid rounded' src='/assets/img/project-{i}.jpg' alt='Project {i}'>\
             <table class='table table-sm'><tr><th>Year</th><th>Value</th></tr><tr><td>{}</td><td>{} M</td></tr></table>\
             </div></div></div></section>",
            1990 + i % 30,
            10 + i
        );
        i += 1;
    }
    html += &format!(
        "<form action='/contact.php' method=post class=contact-form><label>Email<input type=email name=email></label>\
         <button class='btn btn-primary'>Send</button></form></main><footer class=site-footer><p>Contact: info@{0}.com, +44 113 496 0000</p>\
         <p>© 2024 {firm} Ltd. All rights reserved.</p></footer></body></html>",
        firm.to_lowercase()
    );
    html
}

fn benches(c: &mut Criterion) {
    let limits = Limits::default();
    let html = page("Acme", 100_000);
    let page_ = Page::from_html(html.clone(), Some("https://acme.com/"));

    let mut group = c.benchmark_group("parse_vs_fingerprint");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("html5ever_tree_parse (scraper)", |b| {
        b.iter(|| {
            let doc = scraper::Html::parse_document(black_box(&html));
            assert!(doc.tree.nodes().count() > 1000);
            doc
        })
    });
    group.bench_function("fingerprint", |b| {
        b.iter(|| {
            let fp = PageFingerprint::new(black_box(&page_), &limits);
            assert_eq!(fp.identity.site_name.as_deref(), Some("Acme"));
            fp
        })
    });
    group.finish();

    let legit = PageFingerprint::new(&page_, &limits);
    let copy_html = page("Volantis", 100_000);
    let copy = PageFingerprint::new(
        &Page::from_html(copy_html, Some("https://volantis.example/")),
        &limits,
    );
    let (legit_site, copy_site) = (
        SiteFingerprint::from_pages(vec![legit]),
        SiteFingerprint::from_pages(vec![copy]),
    );
    let brand = Brand::new("Acme", ["acme.com"]);
    let config = Config::default();
    let mut group = c.benchmark_group("compare");
    let (l, s) = (&legit_site.pages[0], &copy_site.pages[0]);
    let presence = brand.presence(s);
    group.bench_function("page_pair_signals_and_score", |b| {
        b.iter(|| {
            let signals = PairSignals::between(black_box(l), black_box(s), presence);
            let score = signals.score();
            assert!(score > 0.5 && signals.text > 0.5);
            score
        })
    });
    group.bench_function("brand_presence_on_a_page", |b| {
        b.iter(|| {
            let p = brand.presence(black_box(s));
            assert!(p.other_name > 0.0);
            p
        })
    });
    group.bench_function("site_compare_with_evidence", |b| {
        b.iter(|| {
            let r = compare(
                black_box(&legit_site),
                black_box(&copy_site),
                Some(&brand),
                &config,
            );
            assert_eq!(r.verdict, Verdict::Rebrand);
            r
        })
    });
    group.finish();
}

/// Real saved pages from `../shared/real-pages` (50–300 KB each, at most 24), when present.
fn real_pages() -> Vec<String> {
    let Ok(dirs) = std::fs::read_dir("../shared/real-pages/sites") else {
        return Vec::new();
    };
    let mut paths: Vec<_> = dirs
        .flatten()
        .map(|d| d.path().join("index.html"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| (50_000..300_000).contains(&b.len()))
        .take(24)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

fn real(c: &mut Criterion) {
    let pages = real_pages();
    if pages.is_empty() {
        eprintln!("real_pages: ../shared/real-pages absent, skipped");
        return;
    }
    let limits = Limits::default();
    let bytes: usize = pages.iter().map(String::len).sum();
    let inputs: Vec<Page> = pages
        .iter()
        .map(|h| Page::from_html(h.clone(), None))
        .collect();
    let mut group = c.benchmark_group(format!("real_pages_{}_of_{}_bytes", pages.len(), bytes));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("html5ever_tree_parse (scraper)", |b| {
        b.iter(|| {
            let nodes: usize = pages
                .iter()
                .map(|h| scraper::Html::parse_document(h).tree.nodes().count())
                .sum();
            assert!(nodes > pages.len() * 100);
            nodes
        })
    });
    group.bench_function("fingerprint", |b| {
        b.iter(|| {
            let fps: Vec<PageFingerprint> = inputs
                .iter()
                .map(|p| PageFingerprint::new(p, &limits))
                .collect();
            assert!(fps.iter().all(|f| !f.structure.is_empty()));
            fps
        })
    });
    group.finish();
}

criterion_group!(name = group; config = Criterion::default().sample_size(30); targets = benches, real);
criterion_main!(group);
