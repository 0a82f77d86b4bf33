//! The readers on hostile and broken records.

use super::*;
use crate::Page;

fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <{uri}>\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[test]
fn reads_responses_with_their_charset_and_skips_the_rest() {
    let mut warc = record("warcinfo", "", b"software: test");
    let mut http =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1251\r\n\r\n<p>".to_vec();
    http.extend_from_slice(b"\xcf\xf0\xe8\xe2\xe5\xf2</p>");
    warc.extend(record("response", "http://a.example/", &http));
    warc.extend(record(
        "response",
        "http://a.example/logo.png",
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
    ));
    warc.extend(record(
        "response",
        "http://b.example/",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\n<p>hi\r\n4\r\n!</p\r\n1\r\n>\r\n0\r\n\r\n",
    ));
    let pages: Vec<Page> = WarcReader::new(warc.as_slice(), Limits::default())
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].html.contains("Привет"));
    assert_eq!(pages[1].html, "<p>hi!</p>");
    assert_eq!(pages[1].url.as_deref(), Some("http://b.example/"));
}

#[test]
fn a_lying_length_is_an_error_and_reading_goes_on() {
    let good = record(
        "response",
        "http://a.example/",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>a</p>",
    );
    let mut lying = good.clone();
    // Claims 10 bytes fewer than it carries.
    let text = String::from_utf8(lying.clone()).unwrap();
    let n: usize = text
        .split("Content-Length: ")
        .nth(1)
        .unwrap()
        .split('\r')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    lying = text
        .replace(
            &format!("Content-Length: {n}"),
            &format!("Content-Length: {}", n - 10),
        )
        .into_bytes();
    let mut warc = lying;
    warc.extend(&good);
    let out: Vec<Result<Page>> = WarcReader::new(warc.as_slice(), Limits::default()).collect();
    assert!(matches!(out[0], Err(Error::Decode { .. })));
    assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 1);

    // Claims more than the file holds.
    let mut short = good.clone();
    short.truncate(good.len() - 20);
    let out: Vec<Result<Page>> = WarcReader::new(short.as_slice(), Limits::default()).collect();
    assert_eq!(out.len(), 1);
    assert!(out[0].is_err());

    // A huge claimed length costs nothing: the record is skipped as too large.
    let huge = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 999999999999\r\n\r\nHTTP/1.1 200 OK\r\n";
    let out: Vec<Result<Page>> = WarcReader::new(&huge[..], Limits::default()).collect();
    assert!(out.iter().all(|r| r.is_err()));
}

#[test]
fn gzip_bombs_and_long_lines_are_bounded() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b'a'; 4 << 20]).unwrap();
    let body = gz.finish().unwrap();
    let mut http =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    http.extend(body);
    let warc = record("response", "http://a.example/", &http);
    let limits = Limits::default().with_max_page_bytes(1 << 20);
    let out: Vec<Result<Page>> = WarcReader::new(warc.as_slice(), limits.clone()).collect();
    assert!(matches!(out[0], Err(Error::TooLarge { .. })));

    let mut line = Vec::new();
    assert_eq!(read_line(&mut &b"abc\ndef"[..], &mut line, 10).unwrap(), 4);
    assert_eq!(line, b"abc\n");
    let long = vec![b'y'; 100_000];
    let mut out = Vec::new();
    assert!(read_line(&mut long.as_slice(), &mut out, 1000).is_err());
    assert!(out.len() <= 1000);
}
