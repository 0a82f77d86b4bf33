//! End to end at scale: index a generated population of brand pages, save and load the
//! index, then fingerprint and scan a batch of suspect pages against it.
//!
//! ```text
//! cargo run --release --example scale -- [BRAND_PAGES] [SUSPECTS]
//! ```
//!
//! Defaults: 100,000 brand pages (50,000 brands of 2 pages) and 10,000 suspects, of
//! which half are copies of indexed brands (every copy kind) and half pages of brands
//! that are not indexed. Generating HTML stands for the crawl and is not timed; the
//! timed part is what a scan costs: fingerprinting the suspects and querying the index.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use clonehound::index::IndexConfig;
use clonehound::{Index, Limits, Page, PageFingerprint, SiteFingerprint, Verdict};
use clonehound_eval::population;
use rayon::prelude::*;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let brand_pages = arg(1, 100_000);
    let n_suspects = arg(2, 10_000);
    let pages_per_brand = 2;
    let brands = brand_pages / pages_per_brand;
    let limits = Limits::default();
    let seed = 2026;
    println!(
        "{} threads; {brands} brands x {pages_per_brand} pages; {n_suspects} suspects",
        rayon::current_num_threads()
    );

    let t = Instant::now();
    let index = population::index(
        seed,
        brands,
        pages_per_brand,
        &limits,
        IndexConfig::default(),
    );
    println!(
        "generate, fingerprint and index brands: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("brands.idx");
    let t = Instant::now();
    index.save(&path)?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "save: {:.1} s, {:.1} MB on disk ({:.0} bytes per brand page)",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6,
        size as f64 / brand_pages as f64
    );
    drop(index);
    let t = Instant::now();
    let index = Index::load(&path)?;
    let stats = index.stats();
    println!(
        "load: {:.2} s; in memory {:.1} MB = {:.0} bytes per brand page; {} postings, {} stop keys",
        t.elapsed().as_secs_f64(),
        stats.memory_bytes as f64 / 1e6,
        stats.memory_bytes as f64 / stats.pages.max(1) as f64,
        stats.postings,
        stats.stop_keys
    );

    // The crawl: suspect pages as HTML with their URLs (not timed).
    let suspects: Vec<(String, String)> = (0..n_suspects)
        .into_par_iter()
        .map(|i| {
            if i % 2 == 0 {
                let b = population::brand(seed, ((i / 2) * 7919 % brands) as u64, pages_per_brand);
                population::copy(&b, i / 2, i as u64)
            } else {
                // Brands that are not indexed: ids past the indexed range.
                let b = population::brand(seed, (brands + i) as u64, 1);
                let (path, html) = b.pages.into_iter().next().unwrap_or_default();
                (format!("https://{}/{path}", b.domain), html)
            }
        })
        .collect();
    let bytes: usize = suspects.iter().map(|s| s.1.len()).sum();

    let t = Instant::now();
    let fingerprints: Vec<SiteFingerprint> = suspects
        .par_iter()
        .map(|(url, html)| {
            SiteFingerprint::from_pages(vec![PageFingerprint::new(
                &Page::from_html(html, Some(url)),
                &limits,
            )])
        })
        .collect();
    let fingerprinted = t.elapsed().as_secs_f64();
    let results = index.scan(&fingerprints, 3);
    let total = t.elapsed().as_secs_f64();
    let errors = results.iter().filter(|r| r.is_err()).count();
    let flagged = |parity: usize| {
        results
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                i % 2 == parity
                    && r.as_ref().is_ok_and(|m| {
                        m.first()
                            .is_some_and(|m| m.comparison.verdict != Verdict::None)
                    })
            })
            .count()
    };
    println!(
        "scan: {:.1} s in all = fingerprint {:.1} s ({:.1} MB/s) + query {:.1} s; {:.2} ms per suspect",
        total,
        fingerprinted,
        bytes as f64 / 1e6 / fingerprinted,
        total - fingerprinted,
        total * 1e3 / n_suspects as f64
    );
    println!(
        "copies flagged {} of {}; pages of unindexed brands flagged {} of {}; errors {errors}",
        flagged(0),
        n_suspects.div_ceil(2),
        flagged(1),
        n_suspects / 2
    );
    Ok(())
}
