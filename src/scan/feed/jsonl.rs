//! The JSON Lines reader: one page a line (`url`, `html`, optional `content_type`),
//! each line bounded.

use std::io::BufRead;

use serde::Deserialize;

use super::{LineError, read_line, trim};
use crate::{Error, Limits, Page, Result};

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
