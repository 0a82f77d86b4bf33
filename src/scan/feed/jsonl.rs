//! The JSON Lines reader: one page a line (`url`, `html`, optional `content_type`),
//! each line bounded.

use std::io::BufRead;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{LineError, read_line, trim};
use crate::{Error, Limits, Page, Result};

/// Why one JSON Lines record could not be read.
#[derive(Debug)]
pub(crate) enum RecordError {
    /// The line was too long, or the stream failed (then reading stops).
    Line(LineError),
    /// The line is not the JSON expected.
    Json(serde_json::Error),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Line(e) => e.fmt(f),
            RecordError::Json(e) => e.fmt(f),
        }
    }
}

/// Records of type `T`, one JSON object a line, each line at most `max` bytes; blank
/// lines skipped. Each record comes with its line number (from 1); after a failed
/// stream, nothing more.
pub(crate) struct JsonRecords<R> {
    reader: R,
    max: usize,
    line: u64,
    done: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonRecords<R> {
    pub(crate) fn new(reader: R, max: usize) -> JsonRecords<R> {
        JsonRecords {
            reader,
            max,
            line: 0,
            done: false,
            buf: Vec::new(),
        }
    }

    /// The next record and its line number, or `None` at the end.
    pub(crate) fn next_record<T: DeserializeOwned>(
        &mut self,
    ) -> Option<(u64, std::result::Result<T, RecordError>)> {
        loop {
            self.buf.clear();
            self.line += 1;
            if self.done {
                return None;
            }
            match read_line(&mut self.reader, &mut self.buf, self.max) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    // A failed stream gives one error, not the same one forever.
                    self.done = matches!(e, LineError::Io(_));
                    return Some((self.line, Err(RecordError::Line(e))));
                }
            }
            if trim(&self.buf).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record = serde_json::from_slice(trim(&self.buf)).map_err(RecordError::Json);
            return Some((self.line, record));
        }
    }
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
pub struct JsonLinesReader<R> {
    records: JsonRecords<R>,
    limits: Limits,
}

impl<R> std::fmt::Debug for JsonLinesReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLinesReader")
            .field("line", &self.records.line)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> JsonLinesReader<R> {
    /// A reader over a JSON Lines stream.
    pub fn new(reader: R, limits: Limits) -> JsonLinesReader<R> {
        let max = usize::try_from(limits.max_page_bytes.saturating_mul(6))
            .unwrap_or(usize::MAX)
            .saturating_add(4096);
        JsonLinesReader {
            records: JsonRecords::new(reader, max),
            limits,
        }
    }

    /// The number of the line last read (from 1).
    pub fn line(&self) -> u64 {
        self.records.line
    }
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        let (line, record) = self.records.next_record::<JsonPage>()?;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                return Some(Err(Error::Decode {
                    what: "JSON Lines record",
                    reason: format!("line {line}: {e}"),
                }));
            }
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
        Some(Ok(Page::from_html(record.html, record.url.as_deref())))
    }
}
