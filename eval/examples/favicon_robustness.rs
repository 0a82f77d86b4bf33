//! Measures each perceptual hash algorithm on generated icons: the share of re-saved
//! copies within each distance threshold (want ≥ 99%) and of distinct designs (want ≤ 1%).
//!
//! ```text
//! cargo run --release --example favicon_robustness
//! ```
#![allow(missing_docs)]

use clonehound_eval::icons::{ALGORITHMS, measure};

fn main() {
    println!(
        "{:<34} {:>9} {:>12} {:>14}",
        "algorithm", "threshold", "copies in", "distinct in"
    );
    for (alg, side) in ALGORITHMS.iter().flat_map(|a| [(*a, 8u32), (*a, 16)]) {
        let d = measure(alg, side);
        let bits = if alg == "double-gradient" {
            side * side / 2
        } else {
            side * side
        };
        let alg = format!("{alg}-{side}x{side} ({bits} bits)");
        for t in [2, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32].map(|t| t * side * side / 64) {
            let (copies, distinct) = d.rates(t);
            println!("{alg:<34} {t:>9} {copies:>12.4} {distinct:>14.4}");
        }
        let mut worst: Vec<&(String, u32)> = d.copies.iter().collect();
        worst.sort_by_key(|c| std::cmp::Reverse(c.1));
        let kinds: Vec<String> = worst
            .iter()
            .take(5)
            .map(|(k, d)| format!("{k}:{d}"))
            .collect();
        println!("{alg:<34} worst copies: {}", kinds.join(" "));
    }
}
