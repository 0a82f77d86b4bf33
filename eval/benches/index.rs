//! Scale benches: fingerprint throughput on 1 and 2 threads, and the cost of one
//! suspect's query against 1,000, 10,000 and 100,000 generated brand pages (from a
//! saved and loaded index, as a scan runs). Each size also prints the index's memory
//! per brand page and its load time.
//!
//! `cargo bench --bench index`; the end-to-end run is `cargo run --release --example scale`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use clonehound::{Index, Limits, Page, PageFingerprint, index::IndexConfig};
use clonehound_eval::population;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

const SEED: u64 = 77;

fn throughput(c: &mut Criterion) {
    let pages: Vec<(String, String)> = (0..200u64)
        .flat_map(|id| population::brand(SEED, id, 2).pages)
        .collect();
    let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    let limits = Limits::default();
    let mut group = c.benchmark_group("fingerprint_throughput");
    group.sample_size(20);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let run = || {
            pool.install(|| {
                pages
                    .par_iter()
                    .map(|(path, html)| {
                        PageFingerprint::new(&Page::from_html(html, Some(path)), &limits)
                    })
                    .collect::<Vec<_>>()
            })
        };
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(BenchmarkId::new("bytes", threads), |b| {
            b.iter(|| black_box(run()))
        });
        group.throughput(Throughput::Elements(pages.len() as u64));
        group.bench_function(BenchmarkId::new("pages", threads), |b| {
            b.iter(|| black_box(run()))
        });
    }
    group.finish();
}

fn scan(c: &mut Criterion) {
    let limits = Limits::default();
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("query_per_suspect");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(6));
    for brand_pages in [1_000usize, 10_000, 100_000] {
        let brands = brand_pages / 2;
        let path = dir.path().join(format!("{brand_pages}.idx"));
        population::index(SEED, brands, 2, &limits, IndexConfig::default())
            .save(&path)
            .unwrap();
        let t = Instant::now();
        let index = Index::load(&path).unwrap();
        let stats = index.stats();
        println!(
            "index of {brand_pages} brand pages: loaded in {:.3} s, {:.0} bytes in memory per brand page, {} postings, {} stop keys",
            t.elapsed().as_secs_f64(),
            stats.memory_bytes as f64 / stats.pages as f64,
            stats.postings,
            stats.stop_keys
        );
        // The same 64 suspects at every size: copies of the first brands (every kind) and
        // pages of brands not indexed.
        let suspects: Vec<_> = (0..64usize)
            .map(|i| {
                if i % 2 == 0 {
                    population::copy_site(SEED, (i * 7) as u64 % 500, 2, i, &limits)
                } else {
                    let b = population::brand(SEED, 1_000_000 + i as u64, 1);
                    clonehound_eval::fingerprint_generated(
                        &b.pages,
                        &format!("https://{}/", b.domain),
                        &limits,
                    )
                }
            })
            .collect();
        let mut next = 0;
        group.bench_function(BenchmarkId::from_parameter(brand_pages), |b| {
            b.iter(|| {
                next = (next + 1) % suspects.len();
                black_box(index.query(&suspects[next], 3).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, scan);
criterion_main!(benches);
