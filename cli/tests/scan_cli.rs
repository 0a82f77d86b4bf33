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

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

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
        assert_eq!(
            r["fingerprint"]["version"],
            clonehound::fingerprint::FORMAT_VERSION
        );
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
                let b = clonehound_eval::population::brand(3, i as u64, 1);
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

/// A crawl's output (a directory of site directories, no page of its own) is scanned one
/// suspect per site, in name order; the `--format json` document carries the report
/// format's version.
#[test]
fn a_crawl_directory_is_one_suspect_per_site() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let crawl = dir.path().join("crawl");
    for (host, from) in [
        ("b-unrelated.example", "northfield-analytics"),
        ("a-bluestone.example", "copy-bluestone-partners-phishing"),
    ] {
        std::fs::create_dir_all(crawl.join(host)).unwrap();
        for page in std::fs::read_dir(corpus(from)).unwrap() {
            let page = page.unwrap().path();
            if page.extension().is_some_and(|e| e == "html") {
                std::fs::copy(&page, crawl.join(host).join(page.file_name().unwrap())).unwrap();
            }
        }
    }
    let out = bin()
        .args(["scan", "-q", "--format", "json", "--index"])
        .arg(&index)
        .arg(&crawl)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap();
    let suspects: Vec<&str> = results
        .iter()
        .map(|r| r["suspect"].as_str().unwrap())
        .collect();
    assert_eq!(suspects.len(), 2, "{doc}");
    assert!(
        suspects[0].ends_with("a-bluestone.example")
            && suspects[1].ends_with("b-unrelated.example")
    );
    assert_eq!(first_brand(&results[0]), Some("Bluestone Partners"));
    assert_eq!(first_brand(&results[1]), None);
    assert_eq!(doc["summary"]["suspects"], 2);
    assert_eq!(doc["report_version"], clonehound::scan::REPORT_VERSION);
}

/// A daily run reports only what is new since the previous run's JSON Lines: nothing
/// when nothing changed (exit 0), and exactly the findings that are unknown, changed
/// verdict or rose in score by more than the margin; the summary says how many were
/// already known.
#[test]
fn new_since_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let inputs: Vec<PathBuf> = [
        "copy-kestrel-software-phishing",
        "copy-kestrel-software-rebrand",
        "copy-alder-wealth-mirror",
        "copy-alder-wealth-reword",
        "orbitwise",
    ]
    .iter()
    .map(|s| corpus(s))
    .collect();
    let run = |previous: Option<&Path>| {
        let mut cmd = bin();
        cmd.args(["scan", "--format", "jsonl", "--index"])
            .arg(&index);
        if let Some(p) = previous {
            cmd.arg("--new-since").arg(p);
        }
        let out = cmd.args(&inputs).output().unwrap();
        (
            out.status.code().unwrap(),
            jsonl(&out.stdout),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, first, _) = run(None);
    assert_eq!(code, 1);
    let findings: usize = first
        .iter()
        .map(|r| r["matches"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(findings >= 4, "{first:?}");
    let previous = dir.path().join("previous.jsonl");
    let lines: Vec<String> = first.iter().map(Value::to_string).collect();
    std::fs::write(&previous, lines.join("\n") + "\n").unwrap();

    // Nothing changed: nothing reported, exit 0, all known.
    let (code, again, stderr) = run(Some(&previous));
    assert_eq!((code, again.len()), (0, 0), "{again:?}");
    assert!(
        stderr.contains(&format!("0 new findings, {findings} already known")),
        "{stderr}"
    );

    // The previous run without its first suspect, with a lower score for the second
    // (by more than the margin) and another verdict for the third.
    let mut edited = first.clone();
    let dropped = edited.remove(0);
    edited[0]["matches"][0]["score"] = Value::from(0.3);
    let other = if edited[1]["matches"][0]["verdict"] == "rebrand" {
        "impersonation"
    } else {
        "rebrand"
    };
    edited[1]["matches"][0]["verdict"] = Value::from(other);
    let lines: Vec<String> = edited.iter().map(Value::to_string).collect();
    std::fs::write(&previous, lines.join("\n") + "\n").unwrap();
    let (code, new, stderr) = run(Some(&previous));
    assert_eq!(code, 1);
    let new_suspects: Vec<&str> = new.iter().map(|r| r["suspect"].as_str().unwrap()).collect();
    let want: Vec<&str> = [&dropped, &first[1], &first[2]]
        .iter()
        .map(|r| r["suspect"].as_str().unwrap())
        .collect();
    assert_eq!(new_suspects, want);
    let new_count: usize = new
        .iter()
        .map(|r| r["matches"].as_array().unwrap().len())
        .sum();
    assert!(
        stderr.contains(&format!(
            "{new_count} new findings, {} already known",
            findings - new_count
        )),
        "{stderr}"
    );

    // A file that is not an earlier run's output is refused, naming the line.
    std::fs::write(&previous, "{\"suspect\": \"a\"}\nnot json\n").unwrap();
    let (code, _, stderr) = run(Some(&previous));
    assert_eq!(code, 2);
    assert!(stderr.contains("previous.jsonl:2"), "{stderr}");
}

/// `--format misp` and `--format stix` are one JSON document each, byte-identical from
/// run to run at a fixed SOURCE_DATE_EPOCH, holding one finding per copy the JSON Lines
/// output reports (the consumer libraries' checks are in tests/python).
#[test]
fn misp_and_stix_hold_every_finding_and_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let inputs = [
        corpus("copy-kestrel-software-phishing"),
        corpus("copy-alder-wealth-rebrand"),
        corpus("orbitwise"),
    ];
    let run = |format: &str| {
        let out = bin()
            .env("SOURCE_DATE_EPOCH", "1796284800")
            .args(["scan", "-q", "--format", format, "--index"])
            .arg(&index)
            .args(&inputs)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        out.stdout
    };
    let findings: usize = jsonl(&run("jsonl"))
        .iter()
        .map(|r| {
            r["matches"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["verdict"] != "none")
                .count()
        })
        .sum();
    assert!(findings >= 2);
    let misp = run("misp");
    assert_eq!(misp, run("misp"));
    let event: Value = serde_json::from_slice(&misp).unwrap();
    let objects = event["Event"]["Object"].as_array().unwrap();
    let targets: usize = objects
        .iter()
        .filter(|o| o["name"] == "phishing")
        .map(|o| {
            o["Attribute"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["object_relation"] == "target")
                .count()
        })
        .sum();
    assert_eq!(targets, findings);
    assert_eq!(event["Event"]["date"], "2026-12-03");
    let stix = run("stix");
    assert_eq!(stix, run("stix"));
    let bundle: Value = serde_json::from_slice(&stix).unwrap();
    assert_eq!(bundle["type"], "bundle");
    let indicators = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == "indicator")
        .count();
    assert_eq!(indicators, findings);
}
