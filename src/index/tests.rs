//! The index's tests: retrieval, ranking, saving and loading.
use super::build::drop_common;
use super::*;
use crate::{Limits, Page};
use crate::{PageFingerprint, SiteFingerprint};

fn site(html: &str, url: &str) -> SiteFingerprint {
    SiteFingerprint::from_pages(vec![PageFingerprint::new(
        &Page::from_html(html, Some(url)),
        &Limits::default(),
    )])
}

fn sample() -> Index {
    let mut b = IndexBuilder::default();
    b.add(
        Brand::new("Acme", ["acme.com"]),
        site(
            "<title>Acme</title><p>Bridges tunnels and harbours since 1952 across three continents</p>",
            "https://acme.com/",
        ),
    );
    b.add(
        Brand::new("Borealis", ["borealis.io"]),
        site(
            "<title>Borealis</title><p>Cloud backups for clinics and dental practices everywhere</p>",
            "https://borealis.io/",
        ),
    );
    b.build()
}

#[test]
fn retrieves_a_brand_named_only_in_a_script_url_or_a_file_name() {
    let index = sample();
    // A captcha frame saved from the brand's page: no brand text, only its origin.
    let frame = site(
        r#"<div id="rc"></div><script>init("\x22https://www.borealis.io:443\x22", [1,2])</script>"#,
        "http://frames.example/",
    );
    let logo = site(
        r#"<p>Enter your details</p><img src="img/borealis-logo.png"><form><input type=password></form>"#,
        "http://kit.example/",
    );
    for suspect in [frame, logo] {
        assert!(index.candidates(&suspect).iter().any(|c| c.0 == 1));
        let by_index = index.query(&suspect, 1).unwrap();
        assert_eq!(by_index[0].brand_id, 1);
        assert_eq!(by_index, index.brute_force(&suspect, 1).unwrap());
    }
}

#[test]
fn finds_the_copied_brand_and_never_the_owner() {
    let index = sample();
    let copy = site(
        "<title>Borealis login</title><p>Cloud backups for clinics and dental practices everywhere</p>",
        "http://borealis-login.example/",
    );
    let found = index.query(&copy, 2).unwrap();
    assert_eq!(found[0].brand_id, 1);
    let own = site(
        "<title>Borealis</title><p>Cloud backups for clinics and dental practices everywhere</p>",
        "https://www.borealis.io/pricing",
    );
    assert!(index.candidates(&own).iter().all(|c| c.0 != 1));
    assert!(
        index
            .query(&own, 2)
            .unwrap()
            .iter()
            .all(|m| m.brand_id != 1)
    );
}

#[test]
fn common_keys_are_dropped() {
    let postings = vec![(1, 0), (1, 1), (1, 2), (2, 0), (3, 1)];
    let (keys, ids, dropped) = drop_common(postings, 2);
    assert_eq!(keys, [2, 3]);
    assert_eq!(ids, [0, 1]);
    assert_eq!(dropped, 1);
}

#[test]
fn saves_loads_and_refuses_other_versions() {
    let index = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.idx");
    index.save(&path).unwrap();
    let loaded = Index::load(&path).unwrap();
    assert_eq!(loaded.brands(), index.brands());
    assert_eq!(loaded.site(1).unwrap(), index.site(1).unwrap());
    let copy = site(
        "<title>Acme</title><p>Bridges tunnels and harbours since 1952 across three continents</p>",
        "http://x.example/",
    );
    assert_eq!(
        loaded.query(&copy, 2).unwrap(),
        index.query(&copy, 2).unwrap()
    );
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&(INDEX_VERSION + 1).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        Index::load(&path),
        Err(Error::Format { found, .. }) if found == INDEX_VERSION + 1
    ));
    bytes[8..12].copy_from_slice(&INDEX_VERSION.to_le_bytes());
    bytes[12..16].copy_from_slice(&(crate::fingerprint::FORMAT_VERSION - 1).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        Index::load(&path),
        Err(Error::Format { found, supported })
            if found == crate::fingerprint::FORMAT_VERSION - 1 && supported == crate::fingerprint::FORMAT_VERSION
    ));
    bytes[12..16].copy_from_slice(&crate::fingerprint::FORMAT_VERSION.to_le_bytes());
    std::fs::write(&path, b"not an index at all, not even close").unwrap();
    assert!(matches!(Index::load(&path), Err(Error::Decode { .. })));
    bytes[8..12].copy_from_slice(&INDEX_VERSION.to_le_bytes());
    bytes.truncate(bytes.len() - 10);
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(Index::load(&path), Err(Error::Decode { .. })));
}
