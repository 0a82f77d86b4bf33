//! The library's scanner: sources in, reports out in input order, memory bounded, a
//! crawl's output read one suspect per site, an early stop that does not hang.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use clonehound::scan::{InputKind, ScanConfig, Scanner, Source};
use clonehound::{Limits, Page, SiteFingerprint};

mod common;
use common::{corpus, three_firms as index};

/// A copy of `dir`'s front page found on `host`.
fn copy_of(dir: &str, host: &str) -> Page {
    let html = std::fs::read_to_string(corpus(dir).join("index.html")).unwrap();
    Page::from_html(html, Some(&format!("http://{host}/")))
}

fn unrelated(n: usize) -> Page {
    let html = format!(
        "<title>Bakery {n}</title><h1>Fresh bread {n}</h1><p>Sourdough, rye and spelt, baked at dawn in shop {n}.</p>"
    );
    Page::from_html(html, Some(&format!("http://bakery{n}.example/")))
}

#[test]
fn reports_come_back_in_input_order_whatever_the_room() {
    let pages: Vec<Page> = (0..40)
        .map(|i| match i % 4 {
            0 => copy_of("kestrel-software", &format!("kestrel-{i}.example")),
            2 => copy_of("alder-wealth", &format!("alder-{i}.example")),
            _ => unrelated(i),
        })
        .collect();
    let index = std::sync::Arc::new(index());
    let expected: Vec<(String, bool)> = pages
        .iter()
        .map(|p| {
            let site = SiteFingerprint::from_page(p, &Limits::default());
            let best = index.query(&site, 3).unwrap();
            let copy = best
                .first()
                .is_some_and(|m| m.comparison.verdict != clonehound::Verdict::None);
            (p.url.clone().unwrap(), copy)
        })
        .collect();
    assert_eq!(expected.iter().filter(|e| e.1).count(), 20, "{expected:?}");
    // Wide open, and as tight as it gets: one suspect at a time, one byte of room.
    for (in_flight, bytes) in [(512, 64 << 20), (1, 1), (3, 10_000)] {
        let config = ScanConfig {
            max_in_flight: in_flight,
            max_batch_bytes: bytes,
            ..ScanConfig::default()
        };
        let scanner = Scanner::new(index.clone(), config);
        let mut reports = scanner.scan([Source::Pages(Box::new(pages.clone().into_iter()))]);
        let got: Vec<(String, bool)> = reports
            .by_ref()
            .map(|r| (r.suspect.clone(), r.is_copy()))
            .collect();
        assert_eq!(got, expected, "in flight {in_flight}, bytes {bytes}");
        let summary = reports.summary();
        assert_eq!(
            (
                summary.suspects,
                summary.pages,
                summary.copies,
                summary.errors
            ),
            (40, 40, 20, 0)
        );
    }
}

#[test]
fn a_crawls_output_is_one_suspect_per_site() {
    let dir = tempfile::tempdir().unwrap();
    let crawl = dir.path().join("crawl");
    for (host, page) in [
        ("b-bakery.example", unrelated(1)),
        (
            "a-kestrel.example",
            copy_of("kestrel-software", "a-kestrel.example"),
        ),
        (
            "c-alder.example",
            copy_of("alder-wealth", "c-alder.example"),
        ),
    ] {
        std::fs::create_dir_all(crawl.join(host)).unwrap();
        std::fs::write(crawl.join(host).join("index.html"), &page.html).unwrap();
    }
    // A stray non-HTML file does not make the crawl a site.
    std::fs::write(crawl.join("crawl.log"), "done").unwrap();
    assert_eq!(InputKind::of(&crawl), InputKind::Crawl);
    assert_eq!(
        InputKind::of(&crawl.join("a-kestrel.example")),
        InputKind::Site
    );

    let scanner = Scanner::new(index(), ScanConfig::default());
    let reports: Vec<_> = scanner.scan([Source::from(&crawl)]).collect();
    let names: Vec<String> = reports
        .iter()
        .map(|r| {
            Path::new(&r.suspect)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["a-kestrel.example", "b-bakery.example", "c-alder.example"]
    );
    let brands: Vec<Option<&str>> = reports
        .iter()
        .map(|r| {
            r.matches
                .as_ref()
                .unwrap()
                .first()
                .map(|m| m.brand.as_str())
        })
        .collect();
    assert_eq!(
        brands,
        [Some("Kestrel Software"), None, Some("Alder Wealth")]
    );
    assert!(
        reports
            .iter()
            .all(|r| r.pages == Some(1) && r.error.is_none())
    );
}

#[test]
fn bad_inputs_are_reports_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-site");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), "no pages").unwrap();
    let missing = dir.path().join("missing.warc.gz");
    let page = dir.path().join("kestrel.html");
    std::fs::write(&page, copy_of("kestrel-software", "x.example").html).unwrap();
    let scanner = Scanner::new(index(), ScanConfig::default());
    let reports: Vec<_> = scanner
        .scan([
            Source::from(&empty),
            Source::from(&missing),
            Source::from(&page),
        ])
        .collect();
    assert_eq!(reports.len(), 3);
    assert!(
        reports[0].error.is_some() && reports[1].error.is_some(),
        "{reports:?}"
    );
    assert!(reports[2].is_copy(), "{:?}", reports[2]);
}

#[test]
fn dropping_the_reports_early_stops_the_scan() {
    let endless = (0..).map(unrelated);
    let config = ScanConfig {
        max_in_flight: 4,
        ..ScanConfig::default()
    };
    let scanner = Scanner::new(index(), config);
    let first: Vec<_> = scanner
        .scan([Source::Pages(Box::new(endless))])
        .take(3)
        .map(|r| r.suspect)
        .collect();
    // Returning at all is the point: the reader of an endless source was stopped.
    assert_eq!(
        first,
        [
            "http://bakery0.example/",
            "http://bakery1.example/",
            "http://bakery2.example/"
        ]
    );
}

#[test]
fn a_sources_pages_are_fingerprinted_one_by_one_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    // A site directory: its pages come with the site's favicon.
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), &unrelated(1).html).unwrap();
    std::fs::write(site.join("about.html"), &unrelated(2).html).unwrap();
    std::fs::copy(
        corpus("kestrel-software").join("favicon.ico"),
        site.join("favicon.ico"),
    )
    .unwrap();
    // JSON Lines with a bad line in the middle: one error, the rest go on.
    let lines = dir.path().join("pages.jsonl");
    let record = |n: usize| {
        serde_json::json!({"url": format!("http://bakery{n}.example/"), "html": unrelated(n).html})
            .to_string()
    };
    std::fs::write(&lines, format!("{}\nnot json\n{}\n", record(3), record(4))).unwrap();
    let missing = dir.path().join("missing.warc");
    let limits = Limits::default();
    let got: Vec<_> = [&site, &lines, &missing]
        .into_iter()
        .flat_map(|p| Source::from(p).fingerprints(&limits))
        .collect();
    let names: Vec<&str> = got
        .iter()
        .map(|(name, _)| Path::new(name).file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "site",
            "site",
            "pages.jsonl",
            "pages.jsonl",
            "pages.jsonl",
            "missing.warc"
        ]
    );
    let ok: Vec<bool> = got.iter().map(|(_, r)| r.is_ok()).collect();
    assert_eq!(ok, [true, true, true, false, true, false]);
    for (name, page) in &got {
        let Ok(page) = page else { continue };
        // Each fingerprint is the page's own, as a page fingerprinted alone gives it.
        assert_eq!(
            page.fingerprint.text,
            clonehound::PageFingerprint::new(&page.page, &limits).text,
            "{name}"
        );
        assert_eq!(page.favicon.is_some(), name.ends_with("site"), "{name}");
    }
    let urls: Vec<Option<&str>> = got
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .map(|p| p.page.url.as_deref())
        .collect();
    assert_eq!(
        urls,
        [
            None,
            None,
            Some("http://bakery3.example/"),
            Some("http://bakery4.example/")
        ]
    );
}
