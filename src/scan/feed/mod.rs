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

use std::io::{BufRead, BufReader};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::{Error, Limits, Result};

mod jsonl;
#[cfg(test)]
mod tests;
mod warc;

pub use jsonl::JsonLinesReader;
pub(crate) use jsonl::{JsonRecords, RecordError};
pub use warc::WarcReader;

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

/// Why a line was not read.
#[derive(Debug)]
pub(crate) enum LineError {
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
