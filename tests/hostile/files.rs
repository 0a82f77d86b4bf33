//! Hostile files around a site: icons that point outside it, SVG icons that reference
//! other files, sites too large to read, damaged or replaced index files.

use super::*;

/// Runs `f` on a thread and fails if it has not ended within `time` (a hang).
fn ends_within<T: Send + 'static>(
    name: &str,
    time: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(time)
        .unwrap_or_else(|_| panic!("{name} still running after {time:?}"))
}

/// Class 7: an SVG favicon opens nothing outside itself: not a file by absolute path,
/// not `/dev/zero` (unbounded), not a FIFO (a hang).
#[cfg(unix)]
#[test]
fn svg_icons_open_nothing_outside_themselves() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.png");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for target in [
        "/dev/zero".to_owned(),
        fifo.display().to_string(),
        "/etc/passwd".to_owned(),
    ] {
        let svg = format!(
            "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='16' height='16'>\
             <rect width='16' height='8' fill='red'/><image href='{target}' width='16' height='16'/>\
             <filter id='f'><feImage xlink:href='{target}'/></filter><rect width='4' height='4' filter='url(#f)'/></svg>"
        );
        let limits = Limits::default();
        let result = bounded(&target, Duration::from_secs(20), 32 * MIB, || {
            ends_within(&target, Duration::from_secs(10), move || {
                Favicon::from_bytes(svg.as_bytes(), "icon.svg", "test", &limits)
            })
        });
        assert_eq!(result.unwrap().format, "svg", "{target}");
    }
}

/// Class 8: a `favicon.ico` linked to a file outside the site is not read.
#[cfg(unix)]
#[test]
fn icons_linked_out_of_the_site_are_not_read() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let outside = tempfile::tempdir().unwrap();
    let icon = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/sites/kestrel-software/favicon.ico"
    ))
    .unwrap();
    std::fs::write(outside.path().join("secret.ico"), &icon).unwrap();
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<title>Acme</title>").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.ico"),
        site.path().join("favicon.ico"),
    )
    .unwrap();
    std::fs::write(
        site.path().join("other.html"),
        "<link rel=icon href=favicon.ico><link rel=icon href=../secret.ico><link rel=icon href=/etc/passwd>",
    )
    .unwrap();
    let fp = SiteFingerprint::from_path(site.path(), &limits).unwrap();
    assert!(fp.favicon.is_none(), "{:?}", fp.favicon);
    let note = fp.favicon_note.unwrap();
    assert!(
        note.contains("outside the site") || note.contains("no such file"),
        "{note}"
    );
    // The same icon inside the site is read.
    std::fs::remove_file(site.path().join("favicon.ico")).unwrap();
    std::fs::write(site.path().join("favicon.ico"), &icon).unwrap();
    assert!(
        SiteFingerprint::from_path(site.path(), &limits)
            .unwrap()
            .favicon
            .is_some()
    );
}

/// Class 12: 10,000 icon links to one broken 4096² PNG decode it once, not 1,024 times.
#[test]
fn one_icon_named_ten_thousand_times_is_decoded_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let site = tempfile::tempdir().unwrap();
    // A real 4096x4096 PNG cut short before its end: each decode inflates it all, then fails.
    let mut png = Vec::new();
    image::GrayImage::from_fn(4096, 4096, |x, y| image::Luma([((x * 7) ^ (y * 13)) as u8]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png.truncate(png.len() - 64);
    let limits = limits.clone().with_max_favicon_bytes(png.len() as u64);
    let started = Instant::now();
    assert!(
        !Favicon::from_bytes(&png, "icon.png", "test", &limits)
            .unwrap()
            .decoded()
    );
    eprintln!("one decode of the broken icon: {:?}", started.elapsed());
    std::fs::write(site.path().join("icon.png"), &png).unwrap();
    let links: String = (0..10_000)
        .map(|i| {
            format!(
                "<link rel=icon href='icon.png?v={i}'><link rel='shortcut icon' href=./icon.png>"
            )
        })
        .collect();
    for page in ["index.html", "a.html", "b.html"] {
        std::fs::write(
            site.path().join(page),
            format!("<title>Acme</title>{links}"),
        )
        .unwrap();
    }
    let fp = bounded(
        "10,000 links to one broken icon",
        Duration::from_secs(10),
        256 * MIB,
        || SiteFingerprint::from_path(site.path(), &limits),
    )
    .unwrap();
    assert!(fp.favicon.is_some_and(|f| !f.decoded()));
    assert_eq!(fp.pages.len(), 3);
}

/// Class 11: a site directory's total is bounded before anything is read (150 files of
/// 16 MB were read whole: 2.4 GB).
#[test]
fn a_site_too_large_is_refused_before_it_is_read() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let site = tempfile::tempdir().unwrap();
    for i in 0..150 {
        let f = std::fs::File::create(site.path().join(format!("p{i}.html"))).unwrap();
        f.set_len(16_000_000).unwrap();
    }
    let result = bounded(
        "150 sparse pages of 16 MB",
        Duration::from_secs(10),
        MIB,
        || SiteFingerprint::from_path(site.path(), &limits),
    );
    assert!(
        matches!(
            result,
            Err(Error::TooLarge {
                what: "site bytes",
                ..
            })
        ),
        "{result:?}"
    );
}

/// Class 6: any flipped bit of a saved index is refused, never read as another index.
#[test]
fn a_damaged_index_is_refused() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let mut builder = clonehound::index::IndexBuilder::default();
    for (name, site) in [
        ("Kestrel Software", "kestrel-software"),
        ("Alder Wealth", "alder-wealth"),
    ] {
        let path = format!("{}/corpus/sites/{site}", env!("CARGO_MANIFEST_DIR"));
        builder.add(
            clonehound::Brand::new(name, Vec::<String>::new()),
            SiteFingerprint::from_path(path, &limits).unwrap(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brands.idx");
    builder.build().save(&path).unwrap();
    let good = std::fs::read(&path).unwrap();
    assert!(clonehound::Index::load(&path).is_ok());
    let damaged = dir.path().join("damaged.idx");
    // 400 bits spread over the whole file, the preamble's every byte among them.
    let positions = (0..32).chain((0..368).map(|i| 32 + i * (good.len() - 33) / 367));
    for (n, at) in positions.enumerate() {
        let mut bytes = good.clone();
        bytes[at] ^= 1 << (n % 8);
        std::fs::write(&damaged, &bytes).unwrap();
        let result = clonehound::Index::load(&damaged);
        assert!(
            result.is_err(),
            "bit {} of byte {at} flipped, index loaded",
            n % 8
        );
    }
}

/// Class 14: a saved index replaced under a reader leaves the reader on the old file.
#[test]
fn an_index_saved_over_a_loaded_one_leaves_it_readable() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let site = |s: &str| {
        SiteFingerprint::from_path(
            format!("{}/corpus/sites/{s}", env!("CARGO_MANIFEST_DIR")),
            &limits,
        )
        .unwrap()
    };
    let index_of = |name: &str, s: &str| {
        let mut b = clonehound::index::IndexBuilder::default();
        b.add(clonehound::Brand::new(name, Vec::<String>::new()), site(s));
        b.build()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brands.idx");
    index_of("Kestrel Software", "kestrel-software")
        .save(&path)
        .unwrap();
    let loaded = clonehound::Index::load(&path).unwrap();
    index_of("Alder Wealth", "alder-wealth")
        .save(&path)
        .unwrap();
    let copy = site("copy-kestrel-software-phishing");
    let matches = loaded.query(&copy, 1).unwrap();
    assert_eq!(matches[0].comparison.brand.name, "Kestrel Software");
    assert_eq!(loaded.site(0).unwrap(), site("kestrel-software"));
}
