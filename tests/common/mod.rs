//! Helpers shared by the library's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use clonehound::{Brand, Index, Limits, SiteFingerprint, index::IndexBuilder};

/// A site directory of the bundled corpus.
pub fn corpus(site: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/sites")
        .join(site)
}

/// Three corpus firms, indexed.
pub fn three_firms() -> Index {
    let mut builder = IndexBuilder::default();
    for (name, domain, dir) in [
        ("Kestrel Software", "kestrel.example", "kestrel-software"),
        (
            "Bluestone Partners",
            "bluestonepartners.com",
            "bluestone-partners",
        ),
        ("Alder Wealth", "alderwealth.com", "alder-wealth"),
    ] {
        let site = SiteFingerprint::from_path(corpus(dir), &Limits::default()).unwrap();
        builder.add(Brand::new(name, [domain]), site);
    }
    builder.build()
}
