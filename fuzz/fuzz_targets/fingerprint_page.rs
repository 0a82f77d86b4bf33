//! Any bytes as a page: decode (charset sniffing), fingerprint, serialise, compare.
#![no_main]

use clonehound::{Limits, Page, PageFingerprint, SiteFingerprint, compare};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    // The first byte picks a caller-given charset, as an HTTP header would.
    let charsets = [
        None,
        Some("utf-8"),
        Some("utf-16le"),
        Some("shift_jis"),
        Some("bogus"),
    ];
    let charset = data
        .first()
        .and_then(|b| charsets.get(usize::from(*b) % charsets.len()))
        .copied()
        .flatten();
    let Ok(page) = Page::from_bytes(data, Some("http://fuzz.example/"), charset, &limits) else {
        return;
    };
    let fp = PageFingerprint::new(&page, &limits);
    let json = fp.to_json().expect("fingerprints serialise");
    assert_eq!(
        PageFingerprint::from_json(&json).expect("and read back"),
        fp
    );
    let site = SiteFingerprint::from_pages(vec![fp]);
    let c = compare(&site, &site, None, &Default::default());
    assert!((0.0..=1.0).contains(&c.score));
});
