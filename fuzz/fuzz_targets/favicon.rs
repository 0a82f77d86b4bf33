//! Any bytes as a favicon: sniffing, bounded decoding (ICO, PNG, GIF, JPEG, BMP, WebP,
//! SVG), hashing.
#![no_main]

use clonehound::{Favicon, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(icon) = Favicon::from_bytes(data, "favicon.ico", "fuzz", &limits) {
        assert_eq!(icon.phash.len(), 64);
        assert!(icon.similarity(&icon) == 1.0);
    }
});
