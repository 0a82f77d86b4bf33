//! Suspect pages from crawlers: WARC files (`.warc`, `.warc.gz`) and JSON Lines.
//!
//! Both readers are iterators of `Result<Page>`: a bad record is an error naming the
//! record and the reason, and reading goes on with the next one. Every read is bounded:
//! a header line, a header block, a JSON line and a page body each have a limit, so a
//! record whose `Content-Length` lies or a line that never ends costs at most that limit
//! of memory.
//!
//! The WARC reader is our own (WARC 1.0/1.1 framing, HTTP response parsing with
//! `httparse`, gzip with `flate2`) rather than the `warc` crate, whose reader buffers a
//! header or body line of any length (`read_until` without a bound) and opens files
//! for writing: neither is acceptable for files an attacker may have shaped.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::{GzDecoder, MultiGzDecoder, ZlibDecoder};
use serde::Deserialize;

use crate::{Error, Limits, Page, Result};

/// Most header lines in a WARC record.
const MAX_HEADER_LINES: usize = 256;

/// Opens a WARC file, gzip'd or not (sniffed from its first bytes, not its name).
///
/// ```
/// use clonehound::{scan::feed::WarcReader, Limits};
/// let http = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>Acme</title><p>hi</p>";
/// let warc = format!("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://acme.example/\r\n\
///     Content-Length: {}\r\n\r\n{http}\r\n\r\n", http.len());
/// let pages: Vec<_> = WarcReader::new(warc.as_bytes(), Limits::default()).collect();
/// assert_eq!(pages.len(), 1);
/// assert_eq!(pages[0].as_ref().unwrap().url.as_deref(), Some("http://acme.example/"));
/// ```
pub fn open_warc(path: &Path, limits: &Limits) -> Result<WarcReader<Box<dyn BufRead + Send>>> {
    let (file, _) = crate::input::open_regular(path)?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let gz = reader
        .fill_buf()
        .map_err(|e| Error::io(path, e))?
        .starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::new(MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    };
    Ok(WarcReader::new(inner, limits.clone()))
}

/// JSON Lines suspects on standard input (`-` on the command line), read through a
/// 256 KiB buffer.
///
/// ```
/// let _reader = clonehound::scan::feed::stdin_json_lines(&clonehound::Limits::default());
/// ```
pub fn stdin_json_lines(limits: &Limits) -> JsonLinesReader<Box<dyn BufRead + Send>> {
    let stdin = BufReader::with_capacity(256 << 10, std::io::stdin());
    JsonLinesReader::new(Box::new(stdin), limits.clone())
}

/// Opens a JSON Lines file of suspects (see [`JsonLinesReader`]). Like every file the
/// crate opens, it must be a regular file: a device or FIFO is refused with
/// [`Error::NotRead`] (read such a stream through [`JsonLinesReader::new`] on purpose).
pub fn open_json_lines(
    path: &Path,
    limits: &Limits,
) -> Result<JsonLinesReader<Box<dyn BufRead + Send>>> {
    let (file, _) = crate::input::open_regular(path)?;
    Ok(JsonLinesReader::new(
        Box::new(BufReader::with_capacity(256 * 1024, file)),
        limits.clone(),
    ))
}

/// Reads a regular file of at most `limit` bytes (a brands file, a favicon): a larger
/// one is [`Error::TooLarge`] before anything is read, a device or FIFO
/// [`Error::NotRead`].
///
/// ```
/// let err = clonehound::scan::feed::read_file(std::path::Path::new("/dev/zero"), 1 << 20).unwrap_err();
/// assert!(matches!(err, clonehound::Error::NotRead { .. }));
/// ```
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    crate::input::read_bounded(path, limit, "file bytes")
}

/// Reads the HTML pages of a WARC stream's `response` records (other record types and
/// non-HTML responses are skipped). The charset comes from the HTTP `Content-Type`,
/// then from the page itself; chunked transfer coding and gzip/deflate content coding
/// are undone within the page limit.
#[derive(Debug)]
pub struct WarcReader<R> {
    reader: R,
    limits: Limits,
    record: u64,
    /// After an error that lost the framing, skip to the next `WARC/` line.
    resync: bool,
    done: bool,
}

impl<R: BufRead> WarcReader<R> {
    /// A reader over an uncompressed WARC stream (see [`open_warc`] for files).
    pub fn new(reader: R, limits: Limits) -> WarcReader<R> {
        WarcReader {
            reader,
            limits,
            record: 0,
            resync: false,
            done: false,
        }
    }

    /// A read error from the stream itself (a truncated gzip member, garbage between
    /// members, a failing disk) does not advance it: reading on would give the same
    /// error forever, so it ends the file with this one error.
    fn failed(&mut self, e: std::io::Error) -> Error {
        self.done = true;
        self.bad(format!("reading stopped: {e}"))
    }

    fn line(&mut self, line: &mut Vec<u8>) -> Result<usize> {
        match read_line(&mut self.reader, line, self.limits.max_header_bytes) {
            Ok(n) => Ok(n),
            Err(LineError::TooLong(n)) => Err(self.bad(format!(
                "line longer than {} bytes ({n})",
                self.limits.max_header_bytes
            ))),
            Err(LineError::Io(e)) => Err(self.failed(e)),
        }
    }

    fn bad(&self, reason: impl std::fmt::Display) -> Error {
        Error::Decode {
            what: "WARC record",
            reason: format!("record {}: {reason}", self.record),
        }
    }

    /// Reads the next record; `Ok(None)` at the end, `Ok(Some(None))` for a record that
    /// is not an HTML response.
    fn next_record(&mut self) -> Result<Option<Option<Page>>> {
        // The version line, skipping blank lines (and, after an error, anything).
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = self.line(&mut line)?;
            if n == 0 {
                return Ok(None);
            }
            if line.starts_with(b"WARC/") {
                break;
            }
            if !self.resync && !trim(&line).is_empty() {
                self.resync = true;
                return Err(self.bad("expected a WARC/1.x version line"));
            }
        }
        self.resync = false;
        self.record += 1;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut total = 0;
        loop {
            line.clear();
            let n = self.line(&mut line)?;
            total += n;
            if n == 0 {
                return Err(self.bad("end of file inside the record header"));
            }
            if total > self.limits.max_header_bytes || headers.len() > MAX_HEADER_LINES {
                self.resync = true;
                return Err(self.bad("record header too large"));
            }
            let l = trim(&line);
            if l.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(l);
            if let Some((k, v)) = text.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let Some(length) = header("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            self.resync = true;
            return Err(self.bad("no valid Content-Length"));
        };
        let is_response = header("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        let url = header("warc-target-uri")
            .map(|u| u.trim_start_matches('<').trim_end_matches('>').to_owned());
        let url_too_long = url
            .as_ref()
            .is_some_and(|u| u.len() > self.limits.max_url_bytes);
        // The page and its HTTP status line and headers.
        let max = self
            .limits
            .max_page_bytes
            .saturating_add(self.limits.max_header_bytes as u64);
        let body = if is_response && length <= max {
            let mut body = Vec::new();
            let read = (&mut self.reader).take(length).read_to_end(&mut body);
            read.map_err(|e| self.failed(e))?;
            Some(body)
        } else {
            let skipped = std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink());
            skipped.map_err(|e| self.failed(e))?;
            None
        };
        if body.as_ref().is_some_and(|b| (b.len() as u64) < length) {
            self.done = true;
            return Err(self.bad(format!(
                "Content-Length {length} but the file ends {} bytes in",
                body.as_ref().map_or(0, Vec::len)
            )));
        }
        // A record ends with two CRLFs; anything else means the length lied.
        let mut end = [0u8; 4];
        let ended = self.reader.read_exact(&mut end).is_ok() && &end == b"\r\n\r\n";
        if !ended {
            self.resync = true;
            return Err(self.bad(format!(
                "no record end after Content-Length {length}: the length is wrong"
            )));
        }
        if is_response && length > max {
            return Err(Error::TooLarge {
                what: "WARC response record bytes",
                limit: max,
                actual: length,
            });
        }
        if is_response && url_too_long {
            return Err(Error::TooLarge {
                what: "WARC target URI bytes",
                limit: self.limits.max_url_bytes as u64,
                actual: url.map_or(0, |u| u.len() as u64),
            });
        }
        match body {
            Some(body) => self.http_page(&body, url.as_deref()).map(Some),
            None => Ok(Some(None)),
        }
    }

    fn http_page(&self, record: &[u8], url: Option<&str>) -> Result<Option<Page>> {
        let mut parsed = [httparse::EMPTY_HEADER; 96];
        let mut response = httparse::Response::new(&mut parsed);
        let head = match response.parse(record) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => {
                return Err(self.bad("HTTP response head incomplete"));
            }
            Err(e) => return Err(self.bad(format!("HTTP response head: {e}"))),
        };
        let header = |name: &str| {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).into_owned())
        };
        let content_type = header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = record.get(head..).unwrap_or_default();
        let chunked =
            header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let dechunked;
        let body = if chunked {
            dechunked = dechunk(body).map_err(|e| self.bad(e))?;
            dechunked.as_slice()
        } else {
            body
        };
        let coding = header("content-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let max = self.limits.max_page_bytes;
        let decoded;
        let body = match coding.trim() {
            "" | "identity" => body,
            "gzip" | "x-gzip" => {
                decoded = inflate(GzDecoder::new(body), max)?;
                decoded.as_slice()
            }
            "deflate" => {
                decoded = inflate(ZlibDecoder::new(body), max)?;
                decoded.as_slice()
            }
            other => return Err(self.bad(format!("unsupported Content-Encoding {other:?}"))),
        };
        let html_type = content_type.contains("html");
        let sniffed = content_type.is_empty()
            && body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'<');
        if !html_type && !sniffed {
            return Ok(None);
        }
        let charset = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("charset="))
            .map(|c| c.trim_matches('"').to_owned())
            .next();
        Page::from_bytes(body, url, charset.as_deref(), &self.limits).map(Some)
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        while !self.done {
            match self.next_record() {
                Ok(None) => self.done = true,
                Ok(Some(None)) => {}
                Ok(Some(Some(page))) => return Some(Ok(page)),
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

/// Decompresses at most `max` bytes; more is [`Error::TooLarge`] (a compression bomb).
fn inflate(reader: impl Read, max: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| Error::Decode {
            what: "HTTP body",
            reason: e.to_string(),
        })?;
    if out.len() as u64 > max {
        return Err(Error::TooLarge {
            what: "decompressed page bytes",
            limit: max,
            actual: out.len() as u64,
        });
    }
    Ok(out)
}

/// Undoes HTTP/1.1 chunked transfer coding (the output is never longer than the input).
fn dechunk(mut body: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let eol = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunk size line without CRLF")?;
        let size_line = String::from_utf8_lossy(body.get(..eol).unwrap_or_default());
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_hex:?}"))?;
        body = body.get(eol + 2..).unwrap_or_default();
        if size == 0 {
            return Ok(out);
        }
        let chunk = body.get(..size).ok_or("chunk longer than the record")?;
        out.extend_from_slice(chunk);
        body = body.get(size..).unwrap_or_default();
        body = body.strip_prefix(b"\r\n").unwrap_or(body);
    }
}

/// Why a line was not read.
#[derive(Debug)]
enum LineError {
    /// Longer than the limit (this many bytes, all consumed): reading can go on.
    TooLong(usize),
    /// The stream failed: reading cannot go on.
    Io(std::io::Error),
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::TooLong(n) => write!(f, "line too long ({n} bytes)"),
            LineError::Io(e) => write!(f, "reading stopped: {e}"),
        }
    }
}

/// Reads up to and including `\n`, storing at most `max` bytes; a longer line is
/// consumed to its end and refused.
fn read_line(
    reader: &mut impl BufRead,
    out: &mut Vec<u8>,
    max: usize,
) -> std::result::Result<usize, LineError> {
    let mut total = 0;
    let mut too_long = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if buf.is_empty() {
            break;
        }
        let (take, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !too_long {
            if out.len() + take > max {
                too_long = true;
                out.clear();
            } else {
                out.extend_from_slice(buf.get(..take).unwrap_or_default());
            }
        }
        reader.consume(take);
        total += take;
        if found {
            break;
        }
    }
    if too_long {
        return Err(LineError::TooLong(total));
    }
    Ok(total)
}

fn trim(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let Some((last, rest)) = l.split_last() {
        if *last == b'\n' || *last == b'\r' {
            l = rest;
        } else {
            break;
        }
    }
    l
}

#[derive(Deserialize)]
struct JsonPage {
    #[serde(default)]
    url: Option<String>,
    html: String,
}

/// Reads pages from JSON Lines, one `{"url": …, "html": …}` object a line (`url`
/// optional; blank lines skipped). A line over the limit (six times the page limit, so
/// any escaped page within it fits) is skipped and reported without being held.
///
/// ```
/// use clonehound::{scan::feed::JsonLinesReader, Limits};
/// let input = "{\"url\": \"http://x.example/\", \"html\": \"<title>X</title>\"}\nnot json\n";
/// let pages: Vec<_> = JsonLinesReader::new(input.as_bytes(), Limits::default()).collect();
/// assert_eq!(pages.len(), 2);
/// assert!(pages[0].is_ok() && pages[1].is_err());
/// ```
#[derive(Debug)]
pub struct JsonLinesReader<R> {
    reader: R,
    limits: Limits,
    line: u64,
    done: bool,
}

impl<R: BufRead> JsonLinesReader<R> {
    /// A reader over a JSON Lines stream.
    pub fn new(reader: R, limits: Limits) -> JsonLinesReader<R> {
        JsonLinesReader {
            reader,
            limits,
            line: 0,
            done: false,
        }
    }

    /// The number of the line last read (from 1).
    pub fn line(&self) -> u64 {
        self.line
    }
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        let max = usize::try_from(self.limits.max_page_bytes.saturating_mul(6))
            .unwrap_or(usize::MAX)
            .saturating_add(4096);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            self.line += 1;
            let bad = |reason: String| Error::Decode {
                what: "JSON Lines record",
                reason: format!("line {}: {reason}", self.line),
            };
            if self.done {
                return None;
            }
            match read_line(&mut self.reader, &mut buf, max) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    // A failed stream gives one error, not the same one forever.
                    self.done = matches!(e, LineError::Io(_));
                    return Some(Err(bad(e.to_string())));
                }
            }
            if trim(&buf).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record: JsonPage = match serde_json::from_slice(trim(&buf)) {
                Ok(r) => r,
                Err(e) => return Some(Err(bad(e.to_string()))),
            };
            if let Some(url) = record
                .url
                .as_ref()
                .filter(|u| u.len() > self.limits.max_url_bytes)
            {
                return Some(Err(Error::TooLarge {
                    what: "url bytes",
                    limit: self.limits.max_url_bytes as u64,
                    actual: url.len() as u64,
                }));
            }
            let actual = record.html.len() as u64;
            if actual > self.limits.max_page_bytes {
                return Some(Err(Error::TooLarge {
                    what: "page bytes",
                    limit: self.limits.max_page_bytes,
                    actual,
                }));
            }
            return Some(Ok(Page::from_html(record.html, record.url.as_deref())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
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
}
