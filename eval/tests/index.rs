//! The brand index against brute force: on the corpus, on a generated population, and
//! on ../shared/real-pages when present (skipped cleanly when absent); determinism of
//! scans across thread counts; saved indexes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use clonehound::SiteFingerprint;
use clonehound::{Index, Limits, index::IndexConfig};
use clonehound_eval::{
    IndexCheck, corpus_index_check, fingerprint_generated, generated_index_check, population,
    sources_index_check,
};

fn report(c: &IndexCheck) {
    eprintln!(
        "{}: {} copies, exactness {:.4}, top-1 index {:.3} / brute force {:.3}, {} postings, {} stop keys",
        c.label,
        c.copies,
        c.exactness,
        c.index_top1,
        c.brute_top1,
        c.stats.postings,
        c.stats.stop_keys
    );
}

#[test]
fn index_matches_brute_force_on_the_corpus() {
    let check = corpus_index_check(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus")),
        &IndexConfig::default(),
    )
    .unwrap();
    report(&check);
    assert!(check.copies >= 300);
    assert!(check.exactness >= 0.995, "{:.4}", check.exactness);
    assert!(check.index_top1 >= 0.98, "{:.3}", check.index_top1);
}

#[test]
fn index_matches_brute_force_on_a_generated_population() {
    // Few candidates against many brands on shared templates: retrieval must do the work.
    let config = IndexConfig {
        candidates: 8,
        ..IndexConfig::default()
    };
    let check = generated_index_check(11, 1500, 2, 400, &config).unwrap();
    report(&check);
    assert_eq!(check.copies, 400);
    assert!(check.exactness >= 0.995, "{:.4}", check.exactness);
    assert!(check.index_top1 >= 0.99, "{:.3}", check.index_top1);
    assert!(check.mean_candidates <= 8.0);
}

#[test]
fn real_pages_attribution_through_the_index_when_present() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/real-pages"
    ));
    if !dir.join("sources.tsv").is_file() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let check = sources_index_check(dir, &IndexConfig::default()).unwrap();
    report(&check);
    assert!(check.copies >= 50);
    // The index gives up nothing against comparing with every brand.
    assert!(
        check.index_top1 >= check.brute_top1 - 0.01,
        "{:.3} vs {:.3}",
        check.index_top1,
        check.brute_top1
    );
    // Measured 0.896 (95 of 106); the target of 0.90 is not met: see the README.
    assert!(check.index_top1 >= 0.88, "{:.3}", check.index_top1);
}

fn generated_index(brands: usize) -> Index {
    population::index(5, brands, 2, &Limits::default(), IndexConfig::default())
}

fn suspects(n: usize) -> Vec<SiteFingerprint> {
    (0..n)
        .map(|i| population::copy_site(5, (i * 13 % 200) as u64, 2, i, &Limits::default()))
        .collect()
}

#[test]
fn scans_are_identical_whatever_the_thread_count_and_after_a_reload() {
    let index = generated_index(200);
    let suspects = suspects(60);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| index.scan(&suspects, 3))
            .into_iter()
            .map(|r| r.unwrap())
            .collect::<Vec<_>>()
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(4));
    assert!(one.iter().all(|m| !m.is_empty()));
    // Every copy is attributed to the brand it copies.
    for (i, m) in one.iter().enumerate() {
        assert_eq!(m[0].brand_id, i * 13 % 200, "suspect {i}");
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brands.idx");
    index.save(&path).unwrap();
    let loaded = Index::load(&path).unwrap();
    let again: Vec<_> = loaded
        .scan(&suspects, 3)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(one, again);
    // Saving is deterministic too.
    let path2 = dir.path().join("again.idx");
    loaded.save(&path2).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&path2).unwrap()
    );
    // The loaded index keeps its fingerprints on disk: well under 1 KiB a brand page.
    let stats = loaded.stats();
    assert!(
        stats.memory_bytes / stats.pages <= 1024,
        "{} bytes per page",
        stats.memory_bytes / stats.pages
    );
}

#[test]
fn a_brand_is_never_reported_as_a_copy_of_itself() {
    let index = generated_index(50);
    let b = population::brand(5, 7, 2);
    let own = fingerprint_generated(
        &b.pages,
        &format!("https://www.{}/", b.domain),
        &Limits::default(),
    );
    let found = index.query(&own, 5).unwrap();
    assert!(found.iter().all(|m| m.brand_id != 7));
    assert!(index.candidates(&own).iter().all(|c| c.0 != 7));
}
