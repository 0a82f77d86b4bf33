//! Any bytes as a favicon: sniffing, bounded decoding (ICO, PNG, GIF, JPEG, BMP, WebP,
//! SVG; broken ICO files read as browsers read them), hashing.
#![no_main]

use clonehound::{Favicon, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(icon) = Favicon::from_bytes(data, "favicon.ico", "fuzz", &limits) {
        // A perceptual hash when decoded, the reason when not; exact hashes always.
        match &icon.phash {
            Some(phash) => assert_eq!(phash.len(), 64),
            None => assert!(icon.phash_note.is_some()),
        }
        assert_eq!(icon.sha256.len(), 64);
        assert!(icon.similarity(&icon) == 1.0);
    }
});
