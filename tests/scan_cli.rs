//! `clonehound index build`, `scan` and `fingerprint`, driven end to end through the
//! real binary over fixtures the tests write: a brands file, HTML files, WARC files
//! written by hand per WARC 1.1 (plain and gzip'd, one gzip member per record, with a
//! malformed record), JSON Lines on standard input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const BRANDS: [(&str, &str, &str); 3] = [
    ("Kestrel Software", "kestrel.example", "kestrel-software"),
    (
        "Bluestone Partners",
        "bluestonepartners.com",
        "bluestone-partners",
    ),
    ("Alder Wealth", "alderwealth.com", "alder-wealth"),
];

fn corpus(site: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/sites")
        .join(site)
}

fn bin() -> Command {
    Command::cargo_bin("clonehound").unwrap()
}

/// Writes a brands file naming three corpus firms and builds its index.
fn build_index(dir: &Path) -> PathBuf {
    let mut toml = String::new();
    for (name, domain, site) in BRANDS {
        toml.push_str(&format!(
            "[[brand]]\nname = {name:?}\ndomains = [{domain:?}]\npages = [{:?}]\n\n",
            corpus(site).display().to_string()
        ));
    }
    let brands = dir.join("brands.toml");
    std::fs::write(&brands, toml).unwrap();
    let index = dir.join("brands.idx");
    bin()
        .args(["index", "build"])
        .arg(&brands)
        .arg("-o")
        .arg(&index)
        .assert()
        .success();
    index
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Scans JSON Lines given on standard input; checks the exit code, returns the records.
fn scan_stdin(index: &Path, extra: &[&str], lines: &[String], code: i32) -> Vec<Value> {
    let out = bin()
        .args(["scan", "-q", "--format", "jsonl"])
        .args(extra)
        .arg("--index")
        .arg(index)
        .arg("-")
        .write_stdin(lines.join("\n") + "\n")
        .assert()
        .code(code)
        .get_output()
        .clone();
    jsonl(&out.stdout)
}

fn first_brand(record: &Value) -> Option<&str> {
    record["matches"].as_array()?.first()?["brand"].as_str()
}

/// One WARC 1.1 record.
fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2026-11-24T12:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http;msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        block.len() ^ uri.len(),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(html: &str, charset: &str) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={charset}\r\nContent-Length: {}\r\n\r\n",
        html.len()
    )
    .into_bytes();
    r.extend_from_slice(html.as_bytes());
    r
}

/// A crawl: the phishing copy of Bluestone on a host it does not own (two pages), an
/// unrelated page on another host, a non-HTML record, and a record whose length lies.
fn warc_records() -> Vec<Vec<u8>> {
    let phish =
        std::fs::read_to_string(corpus("copy-bluestone-partners-phishing").join("index.html"))
            .unwrap();
    let about = std::fs::read_to_string(corpus("bluestone-partners").join("about.html")).unwrap();
    let mut lying = warc_record(
        "response",
        "http://liar.example/",
        &http("<title>Liar</title>", "utf-8"),
    );
    let text = String::from_utf8(lying.clone()).unwrap();
    let claimed = text
        .split("Content-Length: ")
        .nth(1)
        .unwrap()
        .split('\r')
        .next()
        .unwrap()
        .to_owned();
    lying = text
        .replacen(
            &format!("Content-Length: {claimed}\r\n\r\nHTTP"),
            "Content-Length: 7\r\n\r\nHTTP",
            1,
        )
        .into_bytes();
    vec![
        warc_record("warcinfo", "", b"software: clonehound tests\r\n"),
        warc_record(
            "response",
            "http://bluestone-secure.example/login",
            &http(&phish, "utf-8"),
        ),
        lying,
        warc_record(
            "response",
            "http://plain.example/",
            &http(
                "<title>Plain</title><p>Bakery opening hours and bread prices.</p>",
                "utf-8",
            ),
        ),
        warc_record(
            "response",
            "http://bluestone-secure.example/about",
            &http(&about, "utf-8"),
        ),
        warc_record(
            "response",
            "http://plain.example/logo.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ),
    ]
}

fn check_warc_scan(index: &Path, warc: &Path) {
    let out = bin()
        .args(["scan", "--quiet", "--index"])
        .arg(index)
        .arg(warc)
        .args(["--format", "jsonl"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let records = jsonl(&out.stdout);
    let copy = records
        .iter()
        .find(|r| {
            r["suspect"]
                .as_str()
                .unwrap()
                .ends_with("#bluestone-secure.example")
        })
        .unwrap();
    assert_eq!(copy["pages"], 2);
    assert_eq!(first_brand(copy), Some("Bluestone Partners"));
    assert_eq!(copy["matches"][0]["verdict"], "impersonation");
    let plain = records
        .iter()
        .find(|r| r["suspect"].as_str().unwrap().ends_with("#plain.example"))
        .unwrap();
    assert_eq!(plain["matches"].as_array().unwrap().len(), 0);
    let errors: Vec<&Value> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 1, "{records:?}");
    assert!(errors[0]["error"].as_str().unwrap().contains("record 3"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("record 3"));
}

#[test]
fn warc_plain_and_gzipped() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let records = warc_records();
    let plain = dir.path().join("crawl.warc");
    std::fs::write(&plain, records.concat()).unwrap();
    check_warc_scan(&index, &plain);
    // As crawlers write them: one gzip member per record.
    let mut gz = Vec::new();
    for r in &records {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(r).unwrap();
        gz.extend(e.finish().unwrap());
    }
    let gzipped = dir.path().join("crawl.warc.gz");
    std::fs::write(&gzipped, gz).unwrap();
    check_warc_scan(&index, &gzipped);
}

#[test]
fn files_and_directories_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let out = bin()
        .args(["scan", "--index"])
        .arg(&index)
        .arg(corpus("copy-kestrel-software-rebrand"))
        .arg(corpus("news-alder-wealth"))
        .args(["--format", "jsonl", "--explain"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let records = jsonl(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(first_brand(&records[0]), Some("Kestrel Software"));
    assert_eq!(records[0]["matches"][0]["verdict"], "rebrand");
    assert!(
        records[0]["matches"][0]["evidence"]
            .as_array()
            .unwrap()
            .len()
            > 3
    );
    assert_eq!(records[1]["matches"].as_array().unwrap().len(), 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 copies, 0 errors"));

    // Nothing copied: exit 0; with --all the best brands are still listed.
    let out = bin()
        .args(["scan", "-q", "--index"])
        .arg(&index)
        .arg(corpus("news-alder-wealth"))
        .args(["--format", "json", "--all", "--top", "2"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["copies"], 0);
    assert_eq!(doc["results"][0]["matches"].as_array().unwrap().len(), 2);

    // A missing input is reported and counted; the others are still scanned.
    let out = bin()
        .args(["scan", "-q", "--index"])
        .arg(&index)
        .arg(dir.path().join("missing.html"))
        .arg(corpus("copy-alder-wealth-mirror"))
        .args(["--format", "csv"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let mut csv = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows[0][4].to_string(), "error");
    assert!(
        rows.iter()
            .any(|r| &r[2] == "Alder Wealth" && &r[4] == "impersonation")
    );
}

#[test]
fn json_lines_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let phish =
        std::fs::read_to_string(corpus("copy-bluestone-partners-phishing").join("index.html"))
            .unwrap();
    let own = std::fs::read_to_string(corpus("bluestone-partners").join("index.html")).unwrap();
    let lines = [
        serde_json::json!({"url": "http://bluestone-login.example/", "html": phish}).to_string(),
        "{not json".to_owned(),
        serde_json::json!({"url": "https://www.bluestonepartners.com/", "html": own}).to_string(),
    ];
    let records = scan_stdin(&index, &[], &lines, 2);
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["suspect"], "http://bluestone-login.example/");
    assert_eq!(first_brand(&records[0]), Some("Bluestone Partners"));
    assert!(records[1]["error"].as_str().unwrap().contains("line 2"));
    // The brand's own page on its own domain is never a copy of it.
    assert!(
        records[2]["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["brand"] != "Bluestone Partners")
    );
}

#[test]
fn bad_brands_files_and_indexes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let brands = dir.path().join("brands.toml");
    // A missing page source, and a misspelt field: refused, naming what is wrong.
    let cases = [
        (
            "[[brand]]\nname = \"X\"\npages = [\"nowhere\"]\n",
            "nowhere",
        ),
        ("[[brand]]\nnam = \"typo\"\n", "brands.toml"),
    ];
    for (toml, named) in cases {
        std::fs::write(&brands, toml).unwrap();
        bin()
            .args(["index", "build"])
            .arg(&brands)
            .args(["-o"])
            .arg(dir.path().join("x.idx"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(named));
    }
    let index = build_index(dir.path());
    let mut bytes = std::fs::read(&index).unwrap();
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&index, bytes).unwrap();
    bin()
        .args(["scan", "--index"])
        .arg(&index)
        .arg(corpus("news-alder-wealth"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("format version 99"));
}

#[test]
fn fingerprint_writes_pivots() {
    let out = bin()
        .arg("fingerprint")
        .arg(corpus("kestrel-software"))
        .assert()
        .success()
        .get_output()
        .clone();
    let records = jsonl(&out.stdout);
    assert!(records.len() >= 3);
    for r in &records {
        assert_eq!(r["sha256"].as_str().unwrap().len(), 64);
        assert!(r["tlsh"].as_str().unwrap().starts_with("T1"));
        assert!(r["ssdeep"].as_str().unwrap().contains(':'));
        assert!(r["favicon"]["shodan"].is_i64());
        assert_eq!(r["fingerprint"]["version"], clonehound::FORMAT_VERSION);
    }
    let index_html = std::fs::read(corpus("kestrel-software").join("index.html")).unwrap();
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(&index_html)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(records.iter().any(|r| r["sha256"] == want.as_str()));
}

#[test]
fn a_scan_of_ten_thousand_survives_one_percent_hostile() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let copy = std::fs::read_to_string(corpus("copy-kestrel-software-rebrand").join("index.html"))
        .unwrap();
    let mut lines = Vec::with_capacity(10_000);
    let mut bad = Vec::new();
    for i in 0..10_000usize {
        let url = format!("http://s{i}.example/");
        let line = match i % 100 {
            // 1%: records that cannot be read, each for its own reason.
            7 => {
                bad.push((i, "line"));
                format!("{{\"url\": \"{url}\", \"html\": \"unterminated")
            }
            37 => {
                bad.push((i, "missing field"));
                serde_json::json!({ "url": url }).to_string()
            }
            67 => {
                bad.push((i, "too large"));
                serde_json::json!({ "url": url, "html": "<p>x</p>".repeat(20_000) }).to_string()
            }
            // Hostile but readable: a best effort, reported like any page.
            13 => serde_json::json!({ "url": url, "html": "<div>".repeat(20_000) }).to_string(),
            53 => serde_json::json!({ "url": url, "html": "\u{0}\u{fffd}<a \u{7f}".repeat(2_000) })
                .to_string(),
            n if n % 10 == 0 => serde_json::json!({ "url": url, "html": copy }).to_string(),
            _ => {
                let b = clonehound::eval::population::brand(3, i as u64, 1);
                serde_json::json!({ "url": url, "html": b.pages[0].1 }).to_string()
            }
        };
        lines.push(line);
    }
    let records = scan_stdin(&index, &["--max-page-bytes", "100000"], &lines, 2);
    assert_eq!(records.len(), 10_000);
    let errors: Vec<(usize, &Value)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), bad.len());
    for ((i, record), (want_i, reason)) in errors.iter().zip(&bad) {
        assert_eq!(i, want_i);
        let message = record["error"].as_str().unwrap();
        assert!(message.contains(reason), "{message}");
        assert_eq!(record["suspect"], format!("-:{}", i + 1));
    }
    let reported = records.iter().filter(|r| r["matches"].is_array()).count();
    assert_eq!(reported, 10_000 - bad.len());
    let copies = records
        .iter()
        .filter(|r| first_brand(r) == Some("Kestrel Software"))
        .count();
    assert_eq!(copies, 1000, "every copy line found");
}

#[test]
fn brands_from_a_warc_file() {
    let dir = tempfile::tempdir().unwrap();
    // The brand's own crawl: its pages as WARC response records.
    let mut warc = Vec::new();
    for page in ["index.html", "about.html", "login.html"] {
        let html = std::fs::read_to_string(corpus("bluestone-partners").join(page)).unwrap();
        let url = format!("https://bluestonepartners.com/{page}");
        warc.extend(warc_record("response", &url, &http(&html, "utf-8")));
    }
    std::fs::write(dir.path().join("own.warc"), warc).unwrap();
    std::fs::write(
        dir.path().join("brands.toml"),
        "[[brand]]\nname = \"Bluestone Partners\"\ndomains = [\"bluestonepartners.com\"]\npages = [\"own.warc\"]\n",
    )
    .unwrap();
    let index = dir.path().join("b.idx");
    bin()
        .args(["index", "build", "-q"])
        .arg(dir.path().join("brands.toml"))
        .arg("-o")
        .arg(&index)
        .assert()
        .success();
    let info: Value = serde_json::from_slice(
        &bin()
            .args(["index", "info"])
            .arg(&index)
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(info["stats"]["pages"], 3);
    let out = bin()
        .args(["scan", "-q", "--format", "jsonl", "--index"])
        .arg(&index)
        .arg(corpus("copy-bluestone-partners-phishing"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        first_brand(&jsonl(&out.stdout)[0]),
        Some("Bluestone Partners")
    );
}
