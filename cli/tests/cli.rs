//! The real binary, end to end: output formats and scanner exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::Command;

fn clonehound(args: &[&str]) -> (i32, String, String) {
    // From the workspace root, where the README runs it: paths are the README's.
    let out = Command::new(env!("CARGO_BIN_EXE_clonehound"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[derive(serde::Deserialize)]
struct Report {
    score: f64,
    verdict: String,
    signals: serde_json::Value,
    evidence: Vec<serde_json::Value>,
}

#[test]
fn compare_json_reports_a_rebrand_with_exit_code_1() {
    let (code, out, err) = clonehound(&[
        "compare",
        "corpus/sites/kestrel-software",
        "corpus/sites/copy-kestrel-software-rebrand",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let r: Report = serde_json::from_str(&out).unwrap();
    assert!((0.0..=1.0).contains(&r.score) && r.score >= 0.5);
    assert_eq!(r.verdict, "rebrand");
    assert!(r.signals.get("text").is_some() && !r.evidence.is_empty());
}

#[test]
fn compare_with_brand_and_domain_and_a_clean_result_exits_0() {
    let (code, out, err) = clonehound(&[
        "compare",
        "corpus/sites/kestrel-software",
        "corpus/sites/bluestone-partners",
        "--brand",
        "Kestrel Software",
        "--domain",
        "kestrelsoftware.com",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("no copy") && out.contains("Kestrel Software"),
        "{out}"
    );
}

#[test]
fn errors_exit_2_and_name_the_input() {
    let (code, _, err) = clonehound(&[
        "compare",
        "corpus/sites/no-such-site",
        "corpus/sites/kestrel-software",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-site"), "{err}");
}

#[test]
fn eval_prints_json_with_baselines() {
    let (code, out, err) = clonehound(&["eval", "corpus", "--format", "json", "--no-attribution"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let methods: Vec<&str> = v["headline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "clonehound (brand given)",
            "clonehound (brand inferred)",
            "dnstwist ssdeep",
            "dnstwist tlsh"
        ]
    );
}

#[test]
fn favicon_prints_every_hash_for_pivoting() {
    let (code, out, err) = clonehound(&[
        "favicon",
        "corpus/sites/kestrel-software",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "sha256",
        "md5",
        "phash",
        "shodan",
        "shodan_unsigned",
        "source",
        "reason",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {out}");
    }
    assert_eq!(
        v["shodan"].as_i64().unwrap() as u32,
        v["shodan_unsigned"].as_u64().unwrap() as u32
    );
    let (code, out, _) = clonehound(&["favicon", "corpus/sites/kestrel-software/favicon.ico"]);
    assert_eq!(code, 0);
    assert!(out.contains("http.favicon.hash:"), "{out}");
    // Bytes that decode to no picture still have the hashes Shodan and Censys index.
    let (code, out, err) = clonehound(&["favicon", "Cargo.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("http.favicon.hash:") && out.contains("phash        none: "),
        "{out}"
    );
}
