//! Any bytes as stored data: page and site fingerprints (JSON) and a saved index.
#![no_main]

use clonehound::{Index, PageFingerprint, SiteFingerprint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PageFingerprint::from_json(text);
        let _ = SiteFingerprint::from_json(text);
    }
    // An index is a file: write the bytes to one (in memory-backed /dev/shm when there
    // is one) and load it, then query it with an empty suspect.
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("clonehound-fuzz-{}.idx", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        if let Ok(index) = Index::load(&path) {
            let _ = index.query(&SiteFingerprint::default(), 3);
            for id in 0..index.len().min(64) {
                let _ = index.site(id);
            }
        }
    }
});
