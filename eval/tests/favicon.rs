//! Favicon robustness on generated icons, and hostile icons.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::time::{Duration, Instant};

use clonehound::fingerprint::favicon::MATCH_DISTANCE;
use clonehound::{Error, Limits, fingerprint::Favicon};
use clonehound_eval::icons::measure;

#[test]
fn copies_match_and_distinct_icons_do_not() {
    let distances = measure("mean", 16);
    let (copies, distinct) = distances.rates(MATCH_DISTANCE);
    println!(
        "favicon robustness: {:.2}% of {} re-saved copies match, {:.2}% of {} distinct pairs match",
        copies * 100.0,
        distances.copies.len(),
        distinct * 100.0,
        distances.distinct.len()
    );
    assert!(copies >= 0.99, "copies matched {copies:.4}");
    assert!(distinct <= 0.01, "distinct icons matched {distinct:.4}");
}

fn png_header(width: u32, height: u32) -> Vec<u8> {
    // A valid signature and IHDR chunk (CRC computed), then a truncated IDAT.
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    let crc = crc32(&ihdr);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc.to_be_bytes());
    out.extend(b"\x00\x00\x00\x10IDATxxxxxxxx");
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn ico_claiming(width_byte: u8, inner: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 1, 0, 1, 0, width_byte, width_byte, 0, 0, 1, 0, 32, 0];
    out.extend((inner.len() as u32).to_le_bytes());
    out.extend(22u32.to_le_bytes());
    out.extend(inner);
    out
}

#[test]
fn hostile_icons_fail_fast_with_typed_errors() {
    let limits = Limits::default();
    let svg_bomb = {
        let mut s = String::from(
            "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'><defs><rect id='a0' width='1' height='1'/>",
        );
        for i in 1..12 {
            s += &format!(
                "<g id='a{i}'>{}</g>",
                (0..10)
                    .map(|_| format!("<use xlink:href='#a{}'/>", i - 1))
                    .collect::<String>()
            );
        }
        s + "</defs><use xlink:href='#a11'/></svg>"
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("60000x60000 PNG header", png_header(60_000, 60_000)),
        ("ICO wrapping a 60000x60000 PNG", ico_claiming(0, &png_header(60_000, 60_000))),
        ("truncated GIF", b"GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00".to_vec()),
        ("truncated PNG", png_header(16, 16)),
        ("HTML named favicon.ico", b"<html><body>404 not found</body></html>".to_vec()),
        ("SVG use bomb (10^11 references)", svg_bomb.into_bytes()),
        ("SVG with external references", b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='16' height='16'><image xlink:href='http://198.51.100.1/x.png' width='16' height='16'/><image xlink:href='/etc/passwd' width='16' height='16'/></svg>".to_vec()),
    ];
    for (name, bytes) in cases {
        let start = Instant::now();
        let result = Favicon::from_bytes(&bytes, name, "test", &limits);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{name} took {:?}",
            start.elapsed()
        );
        match (name, result) {
            // External references are not fetched: the icon renders without them.
            ("SVG with external references", Ok(f)) => assert_eq!(f.format, "svg"),
            (_, Err(Error::Favicon(_) | Error::TooLarge { .. })) => {}
            // Read for its exact hashes only: no picture was decoded.
            (_, Ok(f)) if !f.decoded() && f.phash_note.is_some() => {}
            (_, other) => panic!("{name}: expected a typed error, got {other:?}"),
        }
    }
}

use std::path::Path;

use clonehound::{Config, SiteFingerprint, compare};
use image::codecs::ico::{IcoEncoder, IcoFrame};
use image::{ExtendedColorType, ImageFormat, Rgba, RgbaImage};

fn png(side: u32, colour: [u8; 4]) -> Vec<u8> {
    let img = RgbaImage::from_fn(side, side, |x, y| {
        if (x / 4 + y / 4) % 2 == 0 {
            Rgba(colour)
        } else {
            Rgba([255, 255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn ico_rule_is_the_largest_entry() {
    let frames: Vec<IcoFrame> = [16u32, 48, 32]
        .iter()
        .map(|&side| {
            let raw = RgbaImage::from_pixel(side, side, Rgba([10, 20, 30, 255])).into_raw();
            IcoFrame::as_png(&raw, side, side, ExtendedColorType::Rgba8).unwrap()
        })
        .collect();
    let mut ico = Vec::new();
    IcoEncoder::new(&mut ico).encode_images(&frames).unwrap();
    let f = Favicon::from_bytes(&ico, "multi.ico", "test", &Limits::default()).unwrap();
    assert_eq!((f.format.as_str(), f.width, f.height), ("ico", 48, 48));
}

/// (name, files of the site, expected reason, expected source prefix).
type DiscoveryCase<'a> = (&'a str, Vec<(&'a str, Vec<u8>)>, Option<&'a str>, &'a str);

#[test]
fn discovery_prefers_declared_icons_and_stays_in_the_site() {
    let limits = Limits::default();
    let red = png(32, [200, 0, 0, 255]);
    let blue = png(32, [0, 0, 200, 255]);
    let data_uri = format!("data:image/png;base64,{}", base64_encode(&blue));
    let cases: Vec<DiscoveryCase> = vec![
        (
            "link rel icon, relative to a page in a subdirectory",
            vec![("sub/page.html", b"<link rel='apple-touch-icon' href='touch.png'><link rel='shortcut icon' href='../img/icon.png?v=2'>".to_vec()), ("img/icon.png", red.clone()), ("sub/touch.png", blue.clone())],
            Some("shortcut icon"),
            "../img/icon.png",
        ),
        ("data: URI", vec![("index.html", format!("<link rel=icon href='{data_uri}'>").into_bytes())], Some("icon"), "data:image/png"),
        ("default /favicon.ico", vec![("index.html", b"<p>no icon link</p>".to_vec()), ("favicon.ico", red.clone())], Some("default /favicon.ico"), "/favicon.ico"),
        ("traversal refused, then fallback", vec![("index.html", b"<link rel=icon href='../../../../../etc/hostname'>".to_vec()), ("favicon.ico", blue.clone())], Some("default"), "/favicon.ico"),
        ("remote icon not fetched, nothing else", vec![("index.html", b"<link rel=icon href='https://cdn.example/x.ico'>".to_vec())], None, ""),
    ];
    for (name, files, reason, source) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (file, bytes) in &files {
            write(dir.path(), file, bytes);
        }
        let site = SiteFingerprint::from_path(dir.path(), &limits).unwrap();
        match (reason, &site.favicon) {
            (Some(reason), Some(f)) => {
                assert!(f.reason.contains(reason), "{name}: reason {:?}", f.reason);
                assert!(
                    f.source.starts_with(source),
                    "{name}: source {:?}",
                    f.source
                );
            }
            (None, None) => assert!(site.favicon_note.is_some(), "{name}"),
            (_, got) => panic!("{name}: got {got:?} ({:?})", site.favicon_note),
        }
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                T[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn favicon_evidence_and_a_broken_icon_keeps_the_other_signals() {
    let config = Config::default();
    let legit = SiteFingerprint::from_path(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/sites/kestrel-software"
        ),
        &config.limits,
    )
    .unwrap();
    let mirror = SiteFingerprint::from_path(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/sites/copy-kestrel-software-mirror"
        ),
        &config.limits,
    )
    .unwrap();
    let recoloured = SiteFingerprint::from_path(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/sites/copy-kestrel-software-favicon"
        ),
        &config.limits,
    )
    .unwrap();
    let rebrand = SiteFingerprint::from_path(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/sites/copy-kestrel-software-rebrand"
        ),
        &config.limits,
    )
    .unwrap();
    let detail = |s: &SiteFingerprint| {
        let r = compare(&legit, s, None, &config);
        r.evidence
            .iter()
            .find(|e| e.signal == "favicon")
            .map(|e| e.detail.clone())
            .unwrap_or_default()
    };
    assert!(
        detail(&mirror).starts_with("favicon identical (sha256 "),
        "{}",
        detail(&mirror)
    );
    assert!(
        detail(&recoloured).starts_with("favicon near-identical (distance "),
        "{}",
        detail(&recoloured)
    );
    assert!(
        detail(&rebrand).starts_with("different favicon"),
        "{}",
        detail(&rebrand)
    );

    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../corpus/sites/copy-kestrel-software-mirror"
    ))
    .unwrap()
    {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.path().join("favicon.ico"),
        b"\x00\x00\x01\x00\x01\x00\xff\xff truncated",
    )
    .unwrap();
    let broken = SiteFingerprint::from_path(dir.path(), &config.limits).unwrap();
    assert!(
        broken.favicon.as_ref().is_some_and(|f| !f.decoded())
            && broken
                .favicon_note
                .as_deref()
                .is_some_and(|n| n.contains("favicon"))
    );
    let r = compare(&legit, &broken, None, &config);
    assert!(
        r.score >= config.threshold,
        "other signals must still count: {:.3}",
        r.score
    );
}

/// Shodan's hash of each kit icon in `../shared/real-pages` (by SHA-256), computed
/// independently with Python's `mmh3.hash(base64.encodebytes(data))`, as Shodan does.
const KIT_ICONS_SHODAN: [(&str, i32); 10] = [
    (
        "4156d51682a7b4f7acf7151838168432111c80f7b22e9aa855ab68536cd9e9ae",
        1151790992,
    ),
    (
        "fe4e19d8cea6f7229ff9252a6513edadfb54c228ab220890cbbd52899f495dc2",
        1824696203,
    ),
    (
        "4aa5e33cdb76f971e7d1bef5624004488f159fdaf1337107f92c90378ee3be04",
        -960411809,
    ),
    (
        "128e20b3b15c65dd470cb9d0dc8fe10e2ff9f72fac99ee621b01a391ef6b81c7",
        -129228875,
    ),
    (
        "cdc78cc8b2994712a041a2a4cb02f488afbab00981771bdd3a8036c2dddf540f",
        -1992531503,
    ),
    (
        "b14b9633f3e695331dd486d257ba034ae6b807c950ea52c37ac37432982ec853",
        634229921,
    ),
    (
        "68984ffee2a03c1cdb6296fd383d64cc2c75e13471221a4bcb4d93fcfa8dab54",
        1804915403,
    ),
    (
        "d2534e9fb333a6e277f1edf9b9843564e094027fb79979081e41fd778c339ae5",
        -260174720,
    ),
    (
        "9f890a9debcdfccc339149a7943be9aff9e4c9203c2fa37d5671a5b2c88503ad",
        2125331150,
    ),
    (
        "2cea359431715d7f9036ab6314eb4bc67266b7ac73b8206f30336d8f87f77e5f",
        -2133341160,
    ),
];

/// Every kit icon of `../shared/real-pages` decodes, as it does in browsers and Pillow
/// (three Adobe icons have a last entry one byte short), and its Shodan hash is
/// Python's. Skipped when the folder is absent.
#[test]
fn real_kit_icons_decode_and_hash_as_shodan_does() {
    let Ok(sites) = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/real-pages/sites"
    )) else {
        eprintln!("skipped: ../shared/real-pages is absent");
        return;
    };
    let limits = clonehound::Limits::default();
    let mut checked = 0;
    for site in sites {
        let path = site.unwrap().path().join("favicon.ico");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let icon = Favicon::from_bytes(&bytes, "favicon.ico", "test", &limits).unwrap();
        assert!(icon.decoded(), "{}: {:?}", path.display(), icon.phash_note);
        if let Some((_, shodan)) = KIT_ICONS_SHODAN.iter().find(|(s, _)| *s == icon.sha256) {
            assert_eq!(icon.shodan, *shodan, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 27, "only {checked} kit icons found");
}
