//! What a scan reads: bounded reads that never open devices, a broken gzip stream, every
//! page of a WARC, memory bounded whatever the input, an index replaced whole or not at all.

use super::*;

/// Classes 9 and 16: devices, FIFOs and directories are refused by name before they
/// are opened, with a message that says so; huge files are refused from their size.
#[cfg(unix)]
#[test]
fn reads_are_bounded_and_never_open_devices() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let fifo = dir.path().join("fifo.ico");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let sparse = dir.path().join("sparse.ico");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1_500_000_000)
        .unwrap();
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (vec!["favicon".as_ref(), "/dev/zero".as_ref()], "a device"),
        (vec!["favicon".as_ref(), fifo.as_os_str()], "a FIFO"),
        (vec!["favicon".as_ref(), sparse.as_os_str()], "too large"),
        (
            vec![
                "index".as_ref(),
                "build".as_ref(),
                "/dev/zero".as_ref(),
                "-o".as_ref(),
                "x".as_ref(),
            ],
            "a device",
        ),
        (
            vec!["index".as_ref(), "info".as_ref(), dir.path().as_os_str()],
            "a directory",
        ),
        (
            vec![
                "scan".as_ref(),
                "--index".as_ref(),
                index.as_os_str(),
                "/dev/zero".as_ref(),
            ],
            "a device",
        ),
        (
            vec![
                "scan".as_ref(),
                "--index".as_ref(),
                index.as_os_str(),
                fifo.as_os_str(),
            ],
            "a FIFO",
        ),
    ];
    for (args, says) in cases {
        let out = bin()
            .args(&args)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let all = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {all}");
        assert!(all.contains(says), "{args:?}: {all}");
    }
}

/// Class 10: a truncated `.warc.gz`, or garbage between its members, ends that file
/// with one error instead of the same error forever.
#[test]
fn a_broken_gzip_stream_ends_with_one_error() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let member = |record: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(record).unwrap();
        e.finish().unwrap()
    };
    let records = warc_records();
    let good: Vec<u8> = records.iter().flat_map(|r| member(r)).collect();
    let truncated = good[..good.len() - 40].to_vec();
    let mut garbage = member(&records[1]);
    garbage.extend(b"this is not gzip at all, and never ends well");
    garbage.extend(member(&records[3]));
    for (name, bytes) in [("truncated", truncated), ("garbage", garbage)] {
        let path = dir.path().join(format!("{name}.warc.gz"));
        std::fs::write(&path, bytes).unwrap();
        let (code, records, _) = scan_json(&index, &[&path], &["-q"]);
        assert_eq!(code, 2, "{name}");
        let errors = records.iter().filter(|r| r.get("error").is_some()).count();
        assert!(
            (1..=2).contains(&errors),
            "{name}: {errors} errors: {records:?}"
        );
        assert!(records.iter().any(|r| r.get("pages").is_some()), "{name}");
    }
}

/// Class 13: a host with more pages than a site may hold is scanned in parts; every
/// page is counted, none dropped.
#[test]
fn no_page_of_a_warc_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let mut warc = Vec::new();
    for i in 0..1203 {
        let html = format!("<title>Page {i}</title><p>Opening hours of shop {i}.</p>");
        warc.extend(warc_record(
            "response",
            &format!("http://big.example/{i}"),
            &http(&html, "utf-8"),
        ));
    }
    let path = dir.path().join("big.warc");
    std::fs::write(&path, warc).unwrap();
    let (code, records, _) = scan_json(&index, &[&path], &["-q"]);
    assert_eq!(code, 0);
    let pages: u64 = records.iter().map(|r| r["pages"].as_u64().unwrap()).sum();
    assert_eq!(pages, 1203);
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["suspect"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names[1].ends_with("#big.example#part2") && names[2].ends_with("#part3"));
}

/// Peak resident memory the scan reported on standard error, in MiB.
fn peak_mib(stderr: &str) -> f64 {
    let tail = stderr.rsplit("peak memory ").next().unwrap();
    tail.split(' ').next().unwrap().parse().unwrap()
}

/// Class 11: a scan's memory does not grow with its input. Figures are the process's
/// peak resident memory as the scan reports it (Linux); what the old code held is in
/// each comment.
#[cfg(target_os = "linux")]
#[test]
fn scan_memory_is_bounded_whatever_the_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());

    // 60,000 tiny records, each its own host: every fingerprint was held to the end.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..60_000 {
        gz.write_all(&warc_record(
            "response",
            &format!("http://h{i}.example/"),
            &http(&format!("<title>t{i}</title><p>shop {i}</p>"), "utf-8"),
        ))
        .unwrap();
    }
    let tiny = dir.path().join("tiny.warc.gz");
    std::fs::write(&tiny, gz.finish().unwrap()).unwrap();
    let (code, records, err) = scan_json(&index, &[&tiny], &["--max-pending-bytes", "16777216"]);
    assert_eq!((code, records.len()), (0, 60_000));
    eprintln!("60,000 tiny records: {err}");
    assert!(peak_mib(&err) < 120.0, "{err}");

    // 24 pages of 4 MiB in JSON Lines: batches held 512 pages.
    let jsonl = dir.path().join("big.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap());
    let body = "<p>word </p>".repeat((4 << 20) / 12);
    for i in 0..24 {
        let line = serde_json::json!({"url": format!("http://b{i}.example/"), "html": body});
        writeln!(file, "{line}").unwrap();
    }
    // And a URL of 20 MB.
    let long = serde_json::json!({"url": format!("http://x.example/{}", "a".repeat(20 << 20)), "html": "<p>x</p>"});
    writeln!(file, "{long}").unwrap();
    drop(file);
    let (code, records, err) = scan_json(&index, &[&jsonl], &["--max-batch-bytes", "8388608"]);
    assert_eq!((code, records.len()), (2, 25));
    assert!(records[24]["error"].as_str().unwrap().contains("url bytes"));
    eprintln!("24 pages of 4 MiB and a 20 MB URL: {err}");
    assert!(peak_mib(&err) < 160.0, "{err}");
}

/// Class 14: building an index over the file a scan is reading leaves that scan
/// reading the old index; a failed build leaves the old file whole.
#[test]
fn an_index_is_replaced_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let before = std::fs::read(&index).unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "[[brand]]\nname = \"X\"\npages = [\"nowhere\"]\n",
    )
    .unwrap();
    bin()
        .args(["index", "build"])
        .arg(dir.path().join("broken.toml"))
        .arg("-o")
        .arg(&index)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&index).unwrap(), before);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}
