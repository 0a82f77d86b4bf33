//! Fixtures shared by the command line's tests: a brands file and its index, WARC
//! records written by hand, and helpers to run the binary and read its JSON Lines.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub const BRANDS: [(&str, &str, &str); 3] = [
    ("Kestrel Software", "kestrel.example", "kestrel-software"),
    (
        "Bluestone Partners",
        "bluestonepartners.com",
        "bluestone-partners",
    ),
    ("Alder Wealth", "alderwealth.com", "alder-wealth"),
];

pub fn corpus(site: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus/sites")
        .join(site)
}

pub fn bin() -> Command {
    Command::cargo_bin("clonehound").unwrap()
}

/// Writes a brands file naming three corpus firms and builds its index.
pub fn build_index(dir: &Path) -> PathBuf {
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

pub fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Scans JSON Lines given on standard input; checks the exit code, returns the records.
pub fn scan_stdin(index: &Path, extra: &[&str], lines: &[String], code: i32) -> Vec<Value> {
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

pub fn first_brand(record: &Value) -> Option<&str> {
    record["matches"].as_array()?.first()?["brand"].as_str()
}

/// One WARC 1.1 record.
pub fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
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

pub fn http(html: &str, charset: &str) -> Vec<u8> {
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
pub fn warc_records() -> Vec<Vec<u8>> {
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

pub fn check_warc_scan(index: &Path, warc: &Path) {
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
