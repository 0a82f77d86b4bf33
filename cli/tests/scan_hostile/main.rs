//! `clonehound scan` against what attackers and broken inputs do: evasions of a copy,
//! options that would switch detection off, unbounded reads, devices, broken gzip,
//! memory, a replaced index, escape sequences in output, closed pipes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "../common/mod.rs"]
mod common;
// Reads: bounded, never of devices; broken gzip; every WARC page kept; memory bounded
// whatever the input; an index replaced while it is read.
mod reads;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

// Adversarial input, round two: each test below stands for one class of problem and
// failed before its fix.

/// The phishing copy of Kestrel, as a site directory of its own under `dir/name`, with
/// its page rewritten by `page` (bytes in, bytes out).
fn kestrel_copy(dir: &Path, name: &str, page: impl Fn(Vec<u8>) -> Vec<u8>) -> PathBuf {
    let src = corpus("copy-kestrel-software-phishing");
    let site = dir.join(name);
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(src.join("favicon.ico"), site.join("favicon.ico")).unwrap();
    let html = std::fs::read(src.join("index.html")).unwrap();
    std::fs::write(site.join("index.html"), page(html)).unwrap();
    site
}

/// Scans inputs as JSON Lines; returns the exit code and the records.
fn scan_json(index: &Path, inputs: &[&Path], extra: &[&str]) -> (i32, Vec<Value>, String) {
    let out = bin()
        .args(["scan", "--format", "jsonl"])
        .args(extra)
        .arg("--index")
        .arg(index)
        .args(inputs)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    (
        code,
        jsonl(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn insert_after(html: Vec<u8>, marker: &str, what: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(html).unwrap();
    let at = text.find(marker).unwrap() + marker.len();
    [
        text.as_bytes()[..at].to_vec(),
        what.to_vec(),
        text.as_bytes()[at..].to_vec(),
    ]
    .concat()
}

/// A rewrite of a page's bytes.
type Rewrite = Box<dyn Fn(Vec<u8>) -> Vec<u8>>;

/// Classes 1-3: charset sniffing no browser does, a file name claiming the brand's
/// host, and a title padded past its cut each turned a flagged copy clean.
#[test]
fn evasions_leave_the_copy_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let variants: Vec<(&str, Rewrite)> = vec![
        ("as-is", Box::new(|h| h)),
        (
            "meta-in-comment",
            Box::new(|h| insert_after(h, "<head>", b"<!-- <meta charset=\"iso-2022-kr\"> -->")),
        ),
        (
            "charset-in-another-attribute",
            Box::new(|h| {
                insert_after(
                    h,
                    "<head>",
                    b"<meta name=\"description\" content=\"charset=iso-2022-kr\">",
                )
            }),
        ),
        (
            "nul-padded-comment",
            Box::new(|h| [b"<!--".to_vec(), b"a\0".repeat(254), b"-->".to_vec(), h].concat()),
        ),
        (
            "utf32-prefix",
            Box::new(|h| [b" \0\0\0 \0\0\0".to_vec(), h].concat()),
        ),
        (
            "padded-title",
            Box::new(|h| insert_after(h, "<title>", " ".repeat(600).as_bytes())),
        ),
        (
            "invisible-title",
            Box::new(|h| insert_after(h, "<title>", "\u{200B}\u{A0}".repeat(300).as_bytes())),
        ),
    ];
    let mut scores = Vec::new();
    for (name, page) in &variants {
        let site = kestrel_copy(dir.path(), name, page);
        let (code, records, _) = scan_json(&index, &[&site], &["-q"]);
        assert_eq!(code, 1, "{name}: {records:?}");
        assert_eq!(first_brand(&records[0]), Some("Kestrel Software"), "{name}");
        assert_eq!(
            records[0]["matches"][0]["verdict"], "impersonation",
            "{name}"
        );
        scores.push(records[0]["matches"][0]["score"].as_f64().unwrap());
    }
    // Padding a browser never shows changes nothing.
    let as_is = scores[0];
    for (score, (name, _)) in scores.iter().zip(&variants).skip(5) {
        assert!((score - as_is).abs() < 1e-9, "{name}: {score} vs {as_is}");
    }

    // A page whose file name spells the brand's host is still a page on disk.
    let site = kestrel_copy(dir.path(), "named-pages", |h| h);
    let page = std::fs::read(site.join("index.html")).unwrap();
    for name in [
        "\\kestrel.example\\x.html",
        "\\\\kestrel.example\\x.html",
        "kestrel.example",
    ] {
        let file = if name.ends_with(".html") {
            site.join(name)
        } else {
            std::fs::create_dir_all(site.join(name)).unwrap();
            site.join(name).join("index.html")
        };
        std::fs::write(file, &page).unwrap();
    }
    let (code, records, _) = scan_json(&index, &[&site], &["-q"]);
    assert_eq!(code, 1, "{records:?}");
    assert_eq!(records[0]["pages"], 4);

    // Nor does a kit page hide behind a hundred harmless pages of its site.
    let hidden = kestrel_copy(dir.path(), "behind-harmless-pages", |h| h);
    std::fs::rename(hidden.join("index.html"), hidden.join("zz-login.html")).unwrap();
    // Without the brand's favicon, which the index would find on its own.
    std::fs::remove_file(hidden.join("favicon.ico")).unwrap();
    for i in 0..100 {
        let html = format!("<title>Shop {i}</title><p>Opening hours of shop {i}.</p>");
        std::fs::write(hidden.join(format!("p{i:03}.html")), html).unwrap();
    }
    let (code, records, _) = scan_json(&index, &[&hidden], &["-q"]);
    assert_eq!(
        (code, records[0]["pages"].as_u64()),
        (1, Some(101)),
        "{records:?}"
    );

    // A UTF-32-looking prefix cannot override a crawl's declared charset either.
    let html = String::from_utf8(std::fs::read(site.join("index.html")).unwrap()).unwrap();
    let mut body = b" \0\0\0 \0\0\0".to_vec();
    body.extend(html.as_bytes());
    let mut record = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    record.extend(body);
    let warc = dir.path().join("crawl.warc");
    std::fs::write(
        &warc,
        warc_record("response", "http://kestrel-login.example/", &record),
    )
    .unwrap();
    let (code, records, _) = scan_json(&index, &[&warc], &["-q"]);
    assert_eq!(code, 1, "{records:?}");
}

/// Class 4: options that would switch detection off are refused, never obeyed.
#[test]
fn options_that_switch_detection_off_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let copy = corpus("copy-kestrel-software-phishing");
    for bad in [
        ["--top", "0"],
        ["--threshold", "1.5"],
        ["--threshold", "NaN"],
    ] {
        let out = bin()
            .args(["scan", "-q", "--index"])
            .arg(&index)
            .arg(&copy)
            .args(bad)
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
    bin()
        .args(["index", "build"])
        .arg(dir.path().join("brands.toml"))
        .arg("-o")
        .arg(dir.path().join("none.idx"))
        .args(["--candidates", "0"])
        .assert()
        .code(2);
    assert!(!dir.path().join("none.idx").exists());
    bin()
        .args(["compare", "--threshold", "-0.1"])
        .arg(corpus("kestrel-software"))
        .arg(&copy)
        .assert()
        .code(2);
}

/// Classes 5 and 8: a link inside a site is followed; a page linked from outside it
/// is reported as not read (exit 2), never skipped in silence.
#[cfg(unix)]
#[test]
fn links_are_followed_inside_a_site_and_reported_outside() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let copy = corpus("copy-kestrel-software-phishing").join("index.html");

    let inside = dir.path().join("inside");
    std::fs::create_dir_all(inside.join("pages")).unwrap();
    std::fs::copy(&copy, inside.join("pages/real.html")).unwrap();
    std::os::unix::fs::symlink("pages/real.html", inside.join("index.html")).unwrap();
    let (code, records, _) = scan_json(&index, &[&inside], &["-q"]);
    assert_eq!(
        (code, records[0]["pages"].as_u64()),
        (1, Some(2)),
        "{records:?}"
    );

    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("about.html"),
        "<title>Bakery</title><p>Bread.</p>",
    )
    .unwrap();
    std::os::unix::fs::symlink(&copy, outside.join("login.html")).unwrap();
    let (code, records, _) = scan_json(&index, &[&outside], &["-q"]);
    assert_eq!(code, 2, "{records:?}");
    let error = records[0]["error"].as_str().unwrap();
    assert!(
        error.contains("login.html") && error.contains("out of the site"),
        "{error}"
    );
}

/// Class 15: page text, titles and URLs reach people's output escaped: no terminal
/// escape sequence, no forged line.
#[test]
fn output_for_people_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let phish =
        std::fs::read_to_string(corpus("copy-kestrel-software-phishing").join("index.html"))
            .unwrap()
            .replacen("<title>", "<title>\u{1b}]0;owned\u{7}\u{1b}[2J", 1);
    let lines = [
        serde_json::json!({"url": "http://evil.example/\r\nother-site  clean\u{1b}[31m", "html": phish}).to_string(),
        serde_json::json!({"url": "http://bad.example/\nforged  clean", "html": 5}).to_string(),
    ];
    let out = bin()
        .args(["scan", "-q", "--format", "table", "--explain", "--index"])
        .arg(&index)
        .arg("-")
        .write_stdin(lines.join("\n") + "\n")
        .assert()
        .code(2)
        .get_output()
        .clone();
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\r') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("other-site") || l.starts_with("forged")),
            "{text}"
        );
    }
    let site = kestrel_copy(dir.path(), "escaped", |h| {
        String::from_utf8(h)
            .unwrap()
            .replacen("<title>", "<title>\u{1b}]0;owned\u{7}", 1)
            .into_bytes()
    });
    let out = bin()
        .args(["compare"])
        .arg(corpus("kestrel-software"))
        .arg(&site)
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
}

/// Class 16: a reader that stops early ends the command quietly (status 141, as
/// after SIGPIPE), never with a panic.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let mut sites: Vec<PathBuf> = std::fs::read_dir(corpus(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sites.sort();
    sites.truncate(60);
    let info = ["index".as_ref(), "info".as_ref(), index.as_os_str()];
    let fingerprint: Vec<&std::ffi::OsStr> = std::iter::once("fingerprint".as_ref())
        .chain(sites.iter().map(|s| s.as_os_str()))
        .collect();
    let scan: Vec<&std::ffi::OsStr> = ["scan", "--format", "table", "--all", "--explain"]
        .iter()
        .map(|a| a.as_ref())
        .chain(["--index".as_ref(), index.as_os_str()])
        .chain(sites.iter().map(|s| s.as_os_str()))
        .collect();
    // Small output may be written whole before the reader goes: then it ends with 0.
    let runs = [(info.to_vec(), true), (fingerprint, false), (scan, false)];
    for (args, small) in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clonehound"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let code = out.status.code();
        assert!(
            code == Some(141) || (small && code == Some(0)),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
    // Standard error closed too: the summary of a build, messages of a failed scan.
    let (brands, again) = (dir.path().join("brands.toml"), dir.path().join("again.idx"));
    let runs: [Vec<&std::ffi::OsStr>; 2] = [
        vec![
            "index".as_ref(),
            "build".as_ref(),
            brands.as_os_str(),
            "-o".as_ref(),
            again.as_os_str(),
        ],
        vec![
            "scan".as_ref(),
            "--index".as_ref(),
            index.as_os_str(),
            "/nowhere".as_ref(),
        ],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clonehound"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert!(
            matches!(status.code(), Some(141 | 0 | 2)),
            "{args:?}: {status:?}"
        );
    }
}

/// The table is coloured only where it should be: never in a pipe unless asked
/// (`--color always`, which overrides `NO_COLOR` as the convention says), never with
/// `--color never`; and colour never reaches page text, which stays escaped.
#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let phish =
        std::fs::read_to_string(corpus("copy-kestrel-software-phishing").join("index.html"))
            .unwrap();
    let line =
        serde_json::json!({"url": "http://evil.example/\u{1b}[2J", "html": phish}).to_string();
    let table = |colour: Option<&str>, no_color: Option<&str>| {
        let mut cmd = bin();
        cmd.args(["scan", "-q", "--format", "table", "--explain", "--index"])
            .arg(&index)
            .arg("-");
        if let Some(c) = colour {
            cmd.args(["--color", c]);
        }
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        let out = cmd.write_stdin(line.clone() + "\n").assert().code(1);
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    // A pipe is not a terminal: plain, whatever NO_COLOR says.
    for no_color in [None, Some("1"), Some("")] {
        assert!(!table(None, no_color).contains('\u{1b}'));
        assert!(!table(Some("never"), no_color).contains('\u{1b}'));
    }
    let coloured = table(Some("always"), Some("1"));
    assert!(coloured.contains("\u{1b}[1;31mIMPERSONATION"), "{coloured}");
    // Our escape sequences only: the page's own stays written out.
    assert_eq!(
        coloured.matches('\u{1b}').count(),
        2 * coloured.matches("IMPERSONATION").count()
    );
    assert!(coloured.contains("\\u{1b}[2J"));
    let bad = bin()
        .args(["scan", "--color", "sometimes", "x"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("sometimes"));
}
