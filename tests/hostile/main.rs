//! Hostile input: every case ends in bounded time and memory with a typed error or a
//! flagged, truncated best effort.
//!
//! Memory is measured, not guessed: this test binary counts every allocation through
//! a wrapper around the system allocator and asserts the peak of live heap bytes a case
//! adds over what it started with. Time bounds are generous hang detectors (minutes of
//! quadratic work would fail them), not speed targets; speed lives in the benches.
#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clonehound::scan::feed::WarcReader;
use clonehound::{Error, Limits, Page, PageFingerprint, SiteFingerprint, fingerprint::Favicon};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Cases run one at a time so the peak belongs to one case.
static SERIAL: Mutex<()> = Mutex::new(());

const MIB: usize = 1 << 20;

/// Runs `f`, asserting it ends within `time` and adds at most `memory` bytes of heap at
/// its peak.
fn bounded<T>(name: &str, time: Duration, memory: usize, f: impl FnOnce() -> T) -> T {
    let start_live = LIVE.load(Ordering::Relaxed);
    PEAK.store(start_live, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    let added = PEAK.load(Ordering::Relaxed).saturating_sub(start_live);
    eprintln!(
        "{name}: {elapsed:?}, peak heap +{:.1} MiB",
        added as f64 / MIB as f64
    );
    assert!(elapsed < time, "{name} took {elapsed:?}");
    assert!(added <= memory, "{name} peaked at +{added} bytes");
    out
}

fn fingerprint(bytes: &[u8], limits: &Limits) -> clonehound::Result<PageFingerprint> {
    let page = Page::from_bytes(bytes, Some("http://hostile.example/"), None, limits)?;
    Ok(PageFingerprint::new(&page, limits))
}

#[test]
fn huge_and_deep_pages() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let secs = Duration::from_secs(30);

    // A million levels of nesting: read to the depth limit, flagged.
    let deep = "<div>".repeat(1_000_000) + "deep" + &"</div>".repeat(1_000_000);
    let fp = bounded("1,000,000 levels", secs, 160 * MIB, || {
        fingerprint(
            deep.as_bytes(),
            &limits.clone().with_max_page_bytes(32 * MIB as u64),
        )
    })
    .unwrap();
    assert!(fp.truncated);

    // 200 MB: refused before decoding, from memory and from a (sparse) file.
    let big = vec![b'a'; 200 * MIB];
    let err = bounded("200 MB page in memory", secs, MIB, || {
        fingerprint(&big, &limits)
    })
    .unwrap_err();
    assert!(matches!(err, Error::TooLarge { actual, .. } if actual == 200 * MIB as u64));
    drop(big);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.html");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(200 * MIB as u64)
        .unwrap();
    let err = bounded("200 MB page on disk", secs, MIB, || {
        Page::from_path(&path, &limits)
    })
    .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }));

    // A million attributes on one element; a million distinct class tokens.
    let attrs = format!(
        "<div {}>x</div>",
        (0..1_000_000)
            .map(|i| format!("a{i}=1 "))
            .collect::<String>()
    );
    let fp = bounded("10^6 attributes", secs, 64 * MIB, || {
        fingerprint(attrs.as_bytes(), &limits)
    })
    .unwrap();
    assert!(fp.truncated);
    let classes = format!(
        "<div class=\"{}\">x</div>",
        (0..1_000_000).map(|i| format!("c{i} ")).collect::<String>()
    );
    let fp = bounded("10^6 class tokens", secs, 64 * MIB, || {
        fingerprint(classes.as_bytes(), &limits)
    })
    .unwrap();
    assert_eq!(fp.style.mins.len(), 128);
    // A bottom-k estimate (k = 128): within 30% is three standard errors.
    assert!(fp.style.len > 700_000, "estimated {}", fp.style.len);
}

#[test]
fn broken_bytes_and_every_charset() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let secs = Duration::from_secs(10);
    let text = "<title>Ünïcödé Bank</title><p>Привет, 世界</p>";

    // NUL bytes and invalid UTF-8: replaced, never a panic.
    let mut garbage = b"<title>A\0B</title><p>\xff\xfe\xc3\x28 \xf0\x28\x8c\x28</p>".to_vec();
    garbage.extend((0..=255u8).cycle().take(100_000));
    let fp = bounded("NUL and invalid UTF-8", secs, 32 * MIB, || {
        fingerprint(&garbage, &limits)
    })
    .unwrap();
    assert!(fp.identity.title.contains('A'));

    let utf8 = fingerprint(text.as_bytes(), &limits).unwrap();
    let utf16 = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let utf32 = |big: bool| -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                if big {
                    (c as u32).to_be_bytes()
                } else {
                    (c as u32).to_le_bytes()
                }
            })
            .collect()
    };
    let with_bom = |bom: &[u8], body: Vec<u8>| [bom.to_vec(), body].concat();
    let cases = [
        ("UTF-16LE with BOM", with_bom(&[0xFF, 0xFE], utf16(false))),
        ("UTF-16BE with BOM", with_bom(&[0xFE, 0xFF], utf16(true))),
    ];
    for (name, bytes) in cases {
        let fp = bounded(name, secs, 8 * MIB, || fingerprint(&bytes, &limits)).unwrap();
        assert_eq!(fp.text, utf8.text, "{name}");
        assert_eq!(fp.identity.title, utf8.identity.title, "{name}");
    }
    // No BOM, no declaration: the standard never guesses UTF-16 or UTF-32 from NUL
    // bytes (an attacker's padding would make us read another page than a browser
    // shows), so these stay in an ASCII-compatible encoding, bounded.
    let cases = [
        ("UTF-16LE without BOM", utf16(false)),
        ("UTF-16BE without BOM", utf16(true)),
        ("UTF-32LE without BOM", utf32(false)),
        ("UTF-32BE without BOM", utf32(true)),
        (
            "UTF-32LE with BOM",
            with_bom(&[0xFF, 0xFE, 0, 0], utf32(false)),
        ),
        (
            "UTF-32BE with BOM",
            with_bom(&[0, 0, 0xFE, 0xFF], utf32(true)),
        ),
    ];
    for (name, bytes) in cases {
        let page = bounded(name, secs, 8 * MIB, || {
            Page::from_bytes(&bytes, None, None, &limits)
        })
        .unwrap();
        let guessed = page.encoding.starts_with("UTF-16") && !name.contains("with BOM");
        assert!(
            !guessed && !page.encoding.starts_with("UTF-32"),
            "{name}: {}",
            page.encoding
        );
    }

    // A bogus <meta charset> falls back to the default decoding.
    let bogus = b"<meta charset=x-no-such-charset-\xff><title>Plain</title>";
    let fp = bounded("bogus meta charset", secs, 8 * MIB, || {
        fingerprint(bogus, &limits)
    })
    .unwrap();
    assert_eq!(fp.identity.title, "Plain");
}

fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(0u32.to_be_bytes()); // a wrong CRC: decoders must not care before refusing
    out
}

#[test]
fn image_bombs_and_broken_icons() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let secs = Duration::from_secs(10);
    let mut ico = vec![0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 32, 0];
    let inner = png_header(60_000, 60_000);
    ico.extend((inner.len() as u32).to_le_bytes());
    ico.extend(22u32.to_le_bytes());
    ico.extend(&inner);
    let svg_bomb = {
        let mut s = String::from(
            "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'><defs><rect id='a0' width='1' height='1'/>",
        );
        for i in 1..12 {
            let uses: String = (0..10)
                .map(|_| format!("<use xlink:href='#a{}'/>", i - 1))
                .collect();
            s += &format!("<g id='a{i}'>{uses}</g>");
        }
        (s + "</defs><use xlink:href='#a11'/></svg>").into_bytes()
    };
    let laughs = {
        let mut s = String::from(
            "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY l0 '<rect width=\"1\" height=\"1\"/>'>",
        );
        for i in 1..10 {
            s += &format!("<!ENTITY l{i} '{}'>", format!("&l{};", i - 1).repeat(10));
        }
        (s + "]><svg xmlns='http://www.w3.org/2000/svg'>&l9;</svg>").into_bytes()
    };
    let cases: [(&str, Vec<u8>); 5] = [
        ("SVG billion laughs", laughs),
        ("PNG claiming 60000x60000", png_header(60_000, 60_000)),
        ("ICO claiming 60000x60000", ico),
        (
            "truncated GIF",
            b"GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00".to_vec(),
        ),
        ("SVG bomb", svg_bomb),
    ];
    for (name, bytes) in cases {
        let result = bounded(
            name,
            secs,
            (limits.max_favicon_alloc as usize) + 16 * MIB,
            || Favicon::from_bytes(&bytes, name, "test", &limits),
        );
        // Refused, or read for its exact hashes only (no picture was decoded).
        let undecoded = |f: &Favicon| !f.decoded() && f.phash_note.is_some();
        assert!(
            matches!(&result, Err(Error::TooLarge { .. })) || result.as_ref().is_ok_and(undecoded),
            "{name}: {result:?}"
        );
    }
    // The page's other signals still count when its favicon is a bomb.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<title>Acme</title><link rel=icon href=bomb.png><p>text</p>",
    )
    .unwrap();
    std::fs::write(dir.path().join("bomb.png"), png_header(60_000, 60_000)).unwrap();
    let site = SiteFingerprint::from_path(dir.path(), &limits).unwrap();
    assert!(site.favicon.as_ref().is_some_and(|f| !f.decoded()));
    assert!(site.favicon_note.is_some());
    assert_eq!(site.pages[0].identity.title, "Acme");
}

#[test]
fn lying_warc_and_future_fingerprints() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    let secs = Duration::from_secs(10);
    // A record claiming a terabyte, then one claiming less than it carries.
    let mut warc = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 1099511627776\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>x</p>\r\n\r\n".to_vec();
    warc.extend(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>y</p>\r\n\r\n");
    let out: Vec<_> = bounded("WARC lengths that lie", secs, MIB, || {
        WarcReader::new(warc.as_slice(), limits.clone()).collect::<Vec<_>>()
    });
    assert!(!out.is_empty());
    assert!(
        out.iter()
            .all(|r| matches!(r, Err(Error::Decode { .. } | Error::TooLarge { .. })))
    );

    let page = PageFingerprint::new(&Page::from_html("<p>x</p>", None), &limits);
    let future = page.to_json().unwrap().replacen(
        &format!("\"version\":{}", clonehound::fingerprint::FORMAT_VERSION),
        "\"version\":4000000000",
        1,
    );
    assert!(matches!(
        PageFingerprint::from_json(&future),
        Err(Error::Format {
            found: 4_000_000_000,
            ..
        })
    ));
}

// Files a site points at: icons linked out, SVG references, oversized sites, damaged
// or replaced index files.
mod files;
