//! Fingerprints are stored and exchanged: byte-identical across runs, thread counts
//! and machines, and refused clearly when from another format version.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use clonehound::{Error, Limits, PageFingerprint, SiteFingerprint, fingerprint::FORMAT_VERSION};

const SITE: &str = "corpus/sites/kestrel-software";
const FIXTURE: &str = "tests/fixtures/v9/kestrel-software.json";
/// Written by format versions 1 (before favicons), 2 (before script hosts), 3 (when
/// a page's path on disk stood in its `url`), 4 and 5 (when an absolute URL with a
/// multi-byte character across its 16th byte was read as a relative path) and 6 (when
/// an icon's label in a footer or on a link leading away counted where a page names
/// itself), 7 (before the text of forms that ask for a password) and 8 (before the
/// hosts only run as scripts or frames, and the origins in scripts, were read apart);
/// kept to prove old files are refused.
const FIXTURE_V1: &str = "tests/fixtures/v1/kestrel-software.json";
const FIXTURE_V2: &str = "tests/fixtures/v2/kestrel-software.json";
const FIXTURE_V3: &str = "tests/fixtures/v3/kestrel-software.json";
const FIXTURE_V4: &str = "tests/fixtures/v4/kestrel-software.json";
const FIXTURE_V5: &str = "tests/fixtures/v5/kestrel-software.json";
const FIXTURE_V6: &str = "tests/fixtures/v6/kestrel-software.json";
const FIXTURE_V7: &str = "tests/fixtures/v7/kestrel-software.json";
const FIXTURE_V8: &str = "tests/fixtures/v8/kestrel-software.json";

fn fingerprint_with_threads(threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        SiteFingerprint::from_path(SITE, &Limits::default())
            .unwrap()
            .to_json()
            .unwrap()
    })
}

#[test]
fn identical_across_runs_and_thread_counts() {
    let one = fingerprint_with_threads(1);
    assert_eq!(one, fingerprint_with_threads(2));
    assert_eq!(one, fingerprint_with_threads(2));
    assert_eq!(
        SiteFingerprint::from_json(&one).unwrap().to_json().unwrap(),
        one
    );
}

/// The committed fixture was written by this code on x86_64 Linux; any machine must
/// produce the same bytes (fixed-seed xxh3, sorted lists, no RandomState). To
/// regenerate after a deliberate format change: `CLONEHOUND_BLESS=1 cargo test`.
#[test]
fn identical_to_the_committed_fixture() {
    let now = fingerprint_with_threads(2);
    if std::env::var_os("CLONEHOUND_BLESS").is_some() {
        std::fs::create_dir_all(Path::new(FIXTURE).parent().unwrap()).unwrap();
        std::fs::write(FIXTURE, &now).unwrap();
    }
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    assert_eq!(
        now, fixture,
        "fingerprints changed: bump FORMAT_VERSION and keep the old fixture"
    );
}

#[test]
fn other_versions_are_refused_with_a_clear_error() {
    let fixture = std::fs::read_to_string("tests/fixtures/v0/page.json").unwrap();
    match PageFingerprint::from_json(&fixture) {
        Err(Error::Format {
            found: 0,
            supported,
        }) => assert_eq!(supported, FORMAT_VERSION),
        other => panic!("expected a format error, got {other:?}"),
    }
    for (path, found) in [
        (FIXTURE_V1, 1),
        (FIXTURE_V2, 2),
        (FIXTURE_V3, 3),
        (FIXTURE_V4, 4),
        (FIXTURE_V5, 5),
        (FIXTURE_V6, 6),
        (FIXTURE_V7, 7),
        (FIXTURE_V8, 8),
    ] {
        let old = std::fs::read_to_string(path).unwrap();
        match SiteFingerprint::from_json(&old) {
            Err(Error::Format {
                found: f,
                supported,
            }) => assert_eq!((f, supported), (found, FORMAT_VERSION)),
            other => panic!("{path}: expected a format error, got {other:?}"),
        }
    }
    let future = std::fs::read_to_string(FIXTURE).unwrap().replacen(
        &format!("\"version\":{FORMAT_VERSION}"),
        &format!("\"version\":{}", FORMAT_VERSION + 1),
        1,
    );
    assert!(matches!(
        SiteFingerprint::from_json(&future),
        Err(Error::Format { found, .. }) if found == FORMAT_VERSION + 1
    ));
}

/// The index file of two corpus brands, written by this code: any machine must write
/// the same bytes, and this code must read it.
const INDEX_FIXTURE: &str = "tests/fixtures/index-v4/two-brands.idx";
/// The same brands written by the code of index format 3 (6db6842), kept to prove an
/// older index is refused with a clear error.
const INDEX_FIXTURE_V3: &str = "tests/fixtures/index-v3/two-brands.idx";

fn two_brands() -> clonehound::Index {
    let limits = Limits::default();
    let mut builder =
        clonehound::index::IndexBuilder::new(clonehound::index::IndexConfig::default());
    for (name, domain, site) in [
        (
            "Kestrel Software",
            "kestrelsoftware.io",
            "corpus/sites/kestrel-software",
        ),
        ("Orbitwise", "orbitwise.co.uk", "corpus/sites/orbitwise"),
    ] {
        builder.add(
            clonehound::Brand::new(name, [domain]),
            SiteFingerprint::from_path(site, &limits).unwrap(),
        );
    }
    builder.build()
}

/// To regenerate after a deliberate change of the index format (and a new
/// `INDEX_VERSION`, keeping the old fixture), or of the defaults an index stores (a
/// refitted threshold: the same format, so no new version): `CLONEHOUND_BLESS=1 cargo test`.
#[test]
fn index_identical_to_the_committed_fixture_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-brands.idx");
    two_brands().save(&path).unwrap();
    let now = std::fs::read(&path).unwrap();
    if std::env::var_os("CLONEHOUND_BLESS").is_some() {
        std::fs::create_dir_all(Path::new(INDEX_FIXTURE).parent().unwrap()).unwrap();
        std::fs::write(INDEX_FIXTURE, &now).unwrap();
    }
    let fixture = std::fs::read(INDEX_FIXTURE).unwrap();
    assert!(
        now == fixture,
        "index bytes changed: a format change needs a new INDEX_VERSION (keep the old \
         fixture); a refitted default threshold only a blessed fixture"
    );
    let index = clonehound::Index::load(INDEX_FIXTURE).unwrap();
    let copy = SiteFingerprint::from_path(
        "corpus/sites/copy-kestrel-software-mirror",
        &Limits::default(),
    )
    .unwrap();
    let found = index.query(&copy, 1).unwrap();
    let best = found.first().unwrap();
    assert_eq!(best.comparison.brand.name, "Kestrel Software");
    assert_ne!(best.comparison.verdict, clonehound::Verdict::None);
}

/// An index whose fingerprints are of another format is refused, whatever its own
/// format: the current fixture with the previous fingerprint version in its header.
#[test]
fn an_index_of_older_fingerprints_is_refused() {
    let mut bytes = std::fs::read(INDEX_FIXTURE).unwrap();
    let at = bytes
        .windows(8)
        .position(|w| {
            w[..4] == clonehound::index::INDEX_VERSION.to_le_bytes()
                && w[4..] == FORMAT_VERSION.to_le_bytes()
        })
        .unwrap();
    bytes[at + 4..at + 8].copy_from_slice(&(FORMAT_VERSION - 1).to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.idx");
    std::fs::write(&path, &bytes).unwrap();
    match clonehound::Index::load(&path) {
        Err(Error::Format { found, supported }) => {
            assert_eq!((found, supported), (FORMAT_VERSION - 1, FORMAT_VERSION));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("an index of older fingerprints was read"),
    }
}

#[test]
fn an_index_of_another_version_is_refused() {
    match clonehound::Index::load(INDEX_FIXTURE_V3) {
        Err(clonehound::Error::Format { found, supported }) => {
            assert_eq!((found, supported), (3, clonehound::index::INDEX_VERSION));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("an index of format 3 was read"),
    }
}
