//! The WARC reader: WARC 1.0/1.1 framing, HTTP responses parsed with `httparse`,
//! gzip'd records, chunked and compressed bodies, every read bounded.

use std::io::{BufRead, Read};

use flate2::read::{GzDecoder, ZlibDecoder};

use super::{LineError, MAX_HEADER_LINES, read_line, trim};
use crate::{Error, Limits, Page, Result};

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
    /// A reader over an uncompressed WARC stream (see [`super::open_warc`] for files).
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
        Page::from_response(body, url, Some(&content_type), &self.limits)
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
