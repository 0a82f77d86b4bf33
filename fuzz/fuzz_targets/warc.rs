//! Any bytes as a WARC stream, plain and through gzip as `.warc.gz` files are read.
#![no_main]

use std::io::BufReader;

use clonehound::Limits;
use clonehound::feed::WarcReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_max_page_bytes(1 << 20);
    for page in WarcReader::new(data, limits.clone()).take(10_000) {
        let _ = page;
    }
    let gz = BufReader::new(flate2::read::MultiGzDecoder::new(data));
    for page in WarcReader::new(gz, limits).take(10_000) {
        let _ = page;
    }
});
