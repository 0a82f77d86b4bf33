//! The Arrow batch API (feature `arrow`): the same findings as the scanner's other
//! sources, every suspect in the output in input order, bad rows reported, bad columns
//! refused.
#![cfg(feature = "arrow")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::Write;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type};
use arrow_array::{
    Array, ArrayRef, BinaryArray, Int64Array, LargeStringArray, RecordBatch, StringArray,
};
use clonehound::scan::{ScanConfig, Scanner, Source, SuspectReport, batch_schema, host_suspect};
use clonehound::{Limits, Page};

mod common;
use common::{corpus, three_firms as index};

fn html(dir: &str, file: &str) -> String {
    std::fs::read_to_string(corpus(dir).join(file)).unwrap()
}

/// (suspect, brand, score, verdict) per output row.
type Finding = (String, Option<String>, Option<f64>, Option<String>);

fn findings(batch: &RecordBatch) -> Vec<Finding> {
    let text = |name: &str| {
        batch
            .column_by_name(name)
            .unwrap()
            .as_string::<i32>()
            .clone()
    };
    let (suspect, brand, verdict) = (text("suspect"), text("brand"), text("verdict"));
    let score = batch
        .column_by_name("score")
        .unwrap()
        .as_primitive::<Float64Type>();
    (0..batch.num_rows())
        .map(|i| {
            let opt = |a: &arrow_array::StringArray| (!a.is_null(i)).then(|| a.value(i).to_owned());
            (
                suspect.value(i).to_owned(),
                opt(&brand),
                (!score.is_null(i)).then(|| score.value(i)),
                opt(&verdict),
            )
        })
        .collect()
}

/// The same rows as [`findings`], from the scanner's reports.
fn expected(reports: &[SuspectReport]) -> Vec<Finding> {
    let mut rows = Vec::new();
    for r in reports {
        let matches = r.matches.clone().unwrap_or_default();
        if matches.is_empty() {
            rows.push((r.suspect.clone(), None, None, None));
        }
        for m in matches {
            rows.push((
                r.suspect.clone(),
                Some(m.brand),
                Some(m.score),
                Some(m.verdict.as_str().to_owned()),
            ));
        }
    }
    rows
}

fn pages() -> Vec<Page> {
    vec![
        Page::from_html(
            html("copy-bluestone-partners-phishing", "index.html"),
            Some("http://bluestone-login.example/"),
        ),
        Page::from_html(
            "<title>Bakery</title><p>Sourdough baked at dawn.</p>",
            Some("http://bakery.example/"),
        ),
        Page::from_html(html("kestrel-software", "index.html"), None),
    ]
}

#[test]
fn a_batch_finds_what_the_scanner_finds_row_for_row() {
    let config = ScanConfig {
        all: true,
        ..Default::default()
    };
    let scanner = Scanner::new(index(), config);
    let pages = pages();
    let reports: Vec<SuspectReport> = scanner
        .scan([Source::Pages(Box::new(pages.clone().into_iter()))])
        .collect();
    let urls: Vec<Option<&str>> = pages.iter().map(|p| p.url.as_deref()).collect();
    let htmls: Vec<&[u8]> = pages.iter().map(|p| p.html.as_bytes()).collect();
    let batch = RecordBatch::try_from_iter([
        ("url", Arc::new(StringArray::from(urls)) as ArrayRef),
        ("html", Arc::new(BinaryArray::from(htmls)) as ArrayRef),
    ])
    .unwrap();
    let out = scanner.scan_batch(&batch).unwrap();
    assert_eq!(out.schema(), batch_schema());
    let mut want = expected(&reports);
    // A page without a URL is `page N` to the scanner and `row N` in a batch.
    for row in &mut want {
        row.0 = row.0.replace("page 3", "row 3");
    }
    assert_eq!(findings(&out), want);
    // The phishing copy is found, with its evidence and the brand's domains.
    let first = findings(&out).into_iter().next().unwrap();
    assert_eq!(first.1.as_deref(), Some("Bluestone Partners"));
    assert_eq!(first.3.as_deref(), Some("impersonation"));
    let evidence = out.column_by_name("evidence").unwrap().as_list::<i32>();
    assert!(!evidence.value(0).is_empty());
    let rank = out
        .column_by_name("rank")
        .unwrap()
        .as_primitive::<Int32Type>();
    assert_eq!(rank.value(0), 1);
}

#[test]
fn site_rows_are_one_suspect_as_a_warc_host_is() {
    let scanner = Scanner::new(index(), ScanConfig::default());
    let phish = html("copy-bluestone-partners-phishing", "index.html");
    let about = html("bluestone-partners", "about.html");
    let records = [
        (
            "http://bluestone-login.example/",
            phish.as_str(),
            "text/html; charset=utf-8",
        ),
        (
            "http://bakery.example/",
            "<title>Bakery</title><p>Rye.</p>",
            "text/html",
        ),
        (
            "http://bluestone-login.example/about",
            about.as_str(),
            "text/html",
        ),
        ("http://bakery.example/logo.png", "\u{89}PNG", "image/png"),
    ];
    // The WARC the command line reads.
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc");
    let mut file = std::fs::File::create(&warc).unwrap();
    for (url, body, ct) in records {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        write!(
            file,
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        )
        .unwrap();
    }
    drop(file);
    let name = warc.display().to_string();
    let reports: Vec<SuspectReport> = scanner.scan([Source::from(&warc)]).collect();
    assert_eq!(reports.len(), 2);

    // The same records as a batch, grouped by host as a Spark job groups them.
    let order = [0, 2, 1, 3];
    let rows: Vec<_> = order.iter().map(|&i| records[i]).collect();
    let site: Vec<String> = rows
        .iter()
        .map(|(u, _, _)| host_suspect(&name, Some(u)))
        .collect();
    let batch = RecordBatch::try_from_iter([
        ("site", Arc::new(StringArray::from(site)) as ArrayRef),
        (
            "url",
            Arc::new(LargeStringArray::from(
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            )) as _,
        ),
        (
            "html",
            Arc::new(BinaryArray::from(
                rows.iter().map(|r| r.1.as_bytes()).collect::<Vec<_>>(),
            )) as _,
        ),
        (
            "content_type",
            Arc::new(StringArray::from(
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            )) as _,
        ),
    ])
    .unwrap();
    let out = scanner.scan_batch(&batch).unwrap();
    assert_eq!(findings(&out), expected(&reports));
    let pages = out
        .column_by_name("pages")
        .unwrap()
        .as_primitive::<Int32Type>();
    assert_eq!(
        pages.value(0),
        2,
        "the host's two HTML pages, not its image"
    );
}

#[test]
fn a_site_over_the_page_limit_goes_on_in_parts() {
    let config = ScanConfig {
        limits: Limits {
            max_site_pages: 2,
            ..Limits::default()
        },
        ..Default::default()
    };
    let scanner = Scanner::new(index(), config);
    let html: Vec<String> = (0..5).map(|i| format!("<title>Page {i}</title>")).collect();
    let batch = RecordBatch::try_from_iter([
        (
            "site",
            Arc::new(StringArray::from(vec!["big"; 5])) as ArrayRef,
        ),
        ("html", Arc::new(StringArray::from(html)) as _),
    ])
    .unwrap();
    let out = scanner.scan_batch(&batch).unwrap();
    let names: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["big", "big#part2", "big#part3"]);
}

#[test]
fn bad_rows_are_reported_and_bad_columns_refused() {
    let config = ScanConfig {
        limits: Limits::default().with_max_page_bytes(64),
        ..Default::default()
    };
    let scanner = Scanner::new(index(), config);
    let big = "x".repeat(100);
    let batch = RecordBatch::try_from_iter([(
        "html",
        Arc::new(StringArray::from(vec![
            Some("<p>ok</p>"),
            None,
            Some(big.as_str()),
        ])) as ArrayRef,
    )])
    .unwrap();
    let out = scanner.scan_batch(&batch).unwrap();
    let errors = out.column_by_name("error").unwrap().as_string::<i32>();
    assert_eq!(out.num_rows(), 3);
    assert!(errors.is_null(0));
    assert!(errors.value(1).contains("null"));
    assert!(errors.value(2).contains("too large"), "{}", errors.value(2));

    let no_html = RecordBatch::try_from_iter([(
        "url",
        Arc::new(StringArray::from(vec!["http://a.example/"])) as ArrayRef,
    )])
    .unwrap();
    assert!(
        scanner
            .scan_batch(&no_html)
            .unwrap_err()
            .to_string()
            .contains("html")
    );
    let numbers =
        RecordBatch::try_from_iter([("html", Arc::new(Int64Array::from(vec![1])) as ArrayRef)])
            .unwrap();
    assert!(
        scanner
            .scan_batch(&numbers)
            .unwrap_err()
            .to_string()
            .contains("Int64")
    );
}
