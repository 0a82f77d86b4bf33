//! Any bytes as JSON Lines suspects.
#![no_main]

use clonehound::feed::JsonLinesReader;
use clonehound::{Limits, PageFingerprint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_max_page_bytes(1 << 16);
    for page in JsonLinesReader::new(data, limits.clone()).take(10_000) {
        if let Ok(page) = page {
            let _ = PageFingerprint::new(&page, &limits);
        }
    }
});
