//! Any bytes through charset sniffing, checked against what the HTML standard allows:
//! UTF-16 only from a byte order mark or the transport, and nothing inside a comment
//! ever choosing the encoding.
#![no_main]

use clonehound::{Limits, Page};
use libfuzzer_sys::fuzz_target;

fn has_bom(data: &[u8]) -> bool {
    data.starts_with(&[0xEF, 0xBB, 0xBF])
        || data.starts_with(&[0xFE, 0xFF])
        || data.starts_with(&[0xFF, 0xFE])
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(page) = Page::from_bytes(data, None, None, &limits) else {
        return;
    };
    if !has_bom(data) {
        assert!(!page.encoding.starts_with("UTF-16"), "{}", page.encoding);
    }
    let again = Page::from_bytes(data, None, None, &limits).expect("decodes twice");
    assert_eq!(again, page, "sniffing is deterministic");

    // The same bytes hidden in a comment choose nothing: the default applies.
    let hidden: Vec<u8> = data.iter().map(|&b| if b == b'>' { b' ' } else { b }).collect();
    let commented = [b"<!--".as_slice(), &hidden, b"-->".as_slice()].concat();
    let page = Page::from_bytes(&commented, None, None, &limits).expect("within the limit");
    assert!(
        page.encoding == "UTF-8" || page.encoding == "windows-1252",
        "a comment chose {}",
        page.encoding
    );
});
