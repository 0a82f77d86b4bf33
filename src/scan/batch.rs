//! Arrow record batches in, findings out: the engine-neutral batch API (feature
//! `arrow`). Spark's `mapInArrow`, DataFusion, Ray, Daft and DuckDB all hand a function
//! Arrow batches; [`Scanner::scan_batch`] is that function.
//!
//! # Input columns (by name; others are ignored)
//!
//! | column | type | |
//! |---|---|---|
//! | `html` | binary or string (any of the large or view layouts) | required; the page's bytes (a null is a failed row) |
//! | `url` | string | optional; where the page was found (ownership of a domain is read from it) |
//! | `content_type` | string | optional; the HTTP `Content-Type`: when the column is present, rows are read by [`crate::Page::from_response`] (a row that is not HTML is skipped, its charset is the transport charset) |
//! | `site` | string | optional; consecutive rows with the same non-null `site` are one suspect named by it (a WARC host: [`super::host_suspect`] names it as a WARC scan does), in parts of at most [`crate::Limits::max_site_pages`] pages (`SITE#part2`, …) |
//!
//! A row without `site` is one suspect named by its `url`, or `row N` (from 1, within
//! the batch).
//!
//! # Output
//!
//! [`batch_schema`]: one row per reported match of each suspect, best first (`rank` 1),
//! as [`super::SuspectReport`] reports them under the scanner's [`super::ScanConfig`]; a
//! suspect with no match reported, or that failed, has one row with a null `brand` (and
//! its `error`). So every suspect is in the output, in input order.

use std::sync::Arc;

use arrow_array::builder::{
    Float64Builder, Int32Builder, ListBuilder, StringBuilder, StructBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use rayon::prelude::*;

use super::source::{Suspect, Work};
use super::{Scanner, SuspectReport, scan_one};
use crate::{Error, Page, Result};

/// The schema of [`Scanner::scan_batch`]'s output.
///
/// ```
/// let schema = clonehound::scan::batch_schema();
/// assert_eq!(schema.field(0).name(), "suspect");
/// assert!(schema.field_with_name("verdict").is_ok());
/// ```
pub fn batch_schema() -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let list = |name: &str, item: DataType| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", item, true))),
            true,
        )
    };
    Arc::new(Schema::new(vec![
        Field::new("suspect", DataType::Utf8, false),
        Field::new("pages", DataType::Int32, true),
        Field::new("rank", DataType::Int32, true),
        text("brand"),
        list("domains", DataType::Utf8),
        Field::new("score", DataType::Float64, true),
        text("verdict"),
        Field::new("copy", DataType::Float64, true),
        Field::new("impersonation", DataType::Float64, true),
        list("evidence", DataType::Struct(evidence_fields())),
        text("legit_page"),
        text("suspect_page"),
        text("error"),
    ]))
}

fn evidence_fields() -> Fields {
    Fields::from(vec![
        Field::new("signal", DataType::Utf8, true),
        Field::new("detail", DataType::Utf8, true),
    ])
}

/// One input column read as bytes, whatever its string or binary layout.
enum Column<'a> {
    Bytes(&'a dyn Array, DataType),
    Absent,
}

impl<'a> Column<'a> {
    fn of(batch: &'a RecordBatch, name: &str, binary_ok: bool) -> Result<Column<'a>> {
        let Some(array) = batch.column_by_name(name) else {
            return Ok(Column::Absent);
        };
        let dt = array.data_type().clone();
        let text = matches!(
            dt,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        );
        let binary = matches!(
            dt,
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView
        );
        if !(text || binary_ok && binary || dt == DataType::Null) {
            return Err(Error::Invalid(format!(
                "column {name:?} is {dt}, not {}",
                if binary_ok {
                    "binary or string"
                } else {
                    "string"
                }
            )));
        }
        Ok(Column::Bytes(array.as_ref(), dt))
    }

    /// Row `i`'s bytes; `None` for a null or an absent column.
    fn get(&self, i: usize) -> Option<&'a [u8]> {
        let Column::Bytes(a, dt) = self else {
            return None;
        };
        if a.is_null(i) {
            return None;
        }
        Some(match dt {
            DataType::Utf8 => a.as_string::<i32>().value(i).as_bytes(),
            DataType::LargeUtf8 => a.as_string::<i64>().value(i).as_bytes(),
            DataType::Utf8View => a.as_string_view().value(i).as_bytes(),
            DataType::Binary => a.as_binary::<i32>().value(i),
            DataType::LargeBinary => a.as_binary::<i64>().value(i),
            DataType::BinaryView => a.as_binary_view().value(i),
            _ => return None,
        })
    }

    fn text(&self, i: usize) -> Option<String> {
        self.get(i).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    fn present(&self) -> bool {
        matches!(self, Column::Bytes(..))
    }
}

/// One row read: a page, nothing (not HTML), or why it failed.
enum Row {
    Page(Page),
    Skipped,
    Failed(String),
}

impl Scanner {
    /// Scans one Arrow batch of pages (columns in the [module docs](crate::scan::batch)) and returns
    /// its findings as a batch of [`batch_schema`], in input order. Pages are
    /// fingerprinted and queried in parallel on rayon's pool; the whole batch is held in
    /// memory, so its size is the caller's bound. A bad row is reported as its suspect's
    /// `error`, never as the batch's; the batch fails only when a column has the wrong
    /// type or `html` is missing.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{RecordBatch, StringArray};
    /// use clonehound::scan::{ScanConfig, Scanner};
    /// use clonehound::{Brand, Page, SiteFingerprint, index::IndexBuilder};
    /// let body = "<title>Acme</title><h1>Acme</h1><p>Bridges and tunnels since 1952.</p>";
    /// let mut builder = IndexBuilder::default();
    /// builder.add(Brand::new("Acme", ["acme.com"]),
    ///     SiteFingerprint::from_page(&Page::from_html(body, Some("https://acme.com/")), &Default::default()));
    /// let scanner = Scanner::new(builder.build(), ScanConfig::default());
    ///
    /// let batch = RecordBatch::try_from_iter([
    ///     ("url", Arc::new(StringArray::from(vec!["http://acme-login.example/"])) as _),
    ///     ("html", Arc::new(StringArray::from(vec![format!("{body}<form><input type=password></form>")])) as _),
    /// ])?;
    /// let found = scanner.scan_batch(&batch)?;
    /// let brands = found.column_by_name("brand").and_then(|c| c.as_any().downcast_ref::<StringArray>());
    /// assert_eq!(brands.map(|b| b.value(0)), Some("Acme"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan_batch(&self, batch: &RecordBatch) -> Result<RecordBatch> {
        let html = match Column::of(batch, "html", true)? {
            Column::Absent => return Err(Error::Invalid("the batch has no `html` column".into())),
            c => c,
        };
        let url = Column::of(batch, "url", false)?;
        let content_type = Column::of(batch, "content_type", false)?;
        let site = Column::of(batch, "site", false)?;
        let limits = &self.config.limits;
        let rows: Vec<Row> = (0..batch.num_rows())
            .into_par_iter()
            .map(|i| {
                let Some(bytes) = html.get(i) else {
                    return Row::Failed("the row's html is null".into());
                };
                let url = url.text(i);
                let page = if content_type.present() {
                    let ct = content_type.text(i);
                    Page::from_response(bytes, url.as_deref(), ct.as_deref(), limits)
                } else {
                    Page::from_bytes(bytes, url.as_deref(), None, limits).map(Some)
                };
                match page {
                    Ok(Some(page)) => Row::Page(page),
                    Ok(None) => Row::Skipped,
                    Err(e) => Row::Failed(e.to_string()),
                }
            })
            .collect();
        let suspects = self.suspects(rows, &site);
        let reports: Vec<SuspectReport> = suspects
            .into_par_iter()
            .map(|s| scan_one(&self.index, s, &self.config))
            .collect();
        to_batch(&reports)
    }

    /// Groups rows into suspects: a row on its own, or consecutive rows of one `site`.
    fn suspects(&self, rows: Vec<Row>, site: &Column<'_>) -> Vec<Suspect> {
        let mut suspects = Vec::new();
        let mut group: Option<(String, Vec<Page>, usize)> = None;
        let max_pages = self.config.limits.max_site_pages.max(1);
        let flush = |group: &mut Option<(String, Vec<Page>, usize)>, out: &mut Vec<Suspect>| {
            if let Some((name, pages, part)) = group.take()
                && !pages.is_empty()
            {
                out.push(site_suspect(name, part, pages));
            }
        };
        for (i, row) in rows.into_iter().enumerate() {
            let Some(key) = site.text(i) else {
                flush(&mut group, &mut suspects);
                let name = |page: Option<&Page>| {
                    page.and_then(|p| p.url.clone())
                        .unwrap_or_else(|| format!("row {}", i + 1))
                };
                match row {
                    Row::Page(page) => suspects.push(Suspect {
                        name: name(Some(&page)),
                        cost: 0,
                        work: Work::Page(page),
                    }),
                    Row::Failed(e) => suspects.push(failed(name(None), e)),
                    Row::Skipped => {}
                }
                continue;
            };
            let same = group.as_ref().is_some_and(|(name, _, _)| *name == key);
            if !same {
                flush(&mut group, &mut suspects);
                group = Some((key.clone(), Vec::new(), 1));
            }
            if let Some((_, pages, part)) = group.as_mut() {
                match row {
                    Row::Page(page) => {
                        if pages.len() >= max_pages {
                            let full = std::mem::take(pages);
                            suspects.push(site_suspect(key.clone(), *part, full));
                            *part += 1;
                        }
                        pages.push(page);
                    }
                    Row::Failed(e) => suspects.push(failed(key.clone(), e)),
                    Row::Skipped => {}
                }
            }
        }
        flush(&mut group, &mut suspects);
        suspects
    }
}

fn failed(name: String, error: String) -> Suspect {
    Suspect {
        name,
        work: Work::Failed(error),
        cost: 0,
    }
}

/// One part of a site's pages as a suspect, named as a WARC host's parts are.
fn site_suspect(name: String, part: usize, pages: Vec<Page>) -> Suspect {
    let name = match part {
        1 => name,
        n => format!("{name}#part{n}"),
    };
    Suspect {
        name,
        work: Work::Site(pages),
        cost: 0,
    }
}

/// The reports as rows of [`batch_schema`].
fn to_batch(reports: &[SuspectReport]) -> Result<RecordBatch> {
    let mut suspect = StringBuilder::new();
    let mut pages = Int32Builder::new();
    let mut rank = Int32Builder::new();
    let mut brand = StringBuilder::new();
    let mut domains = ListBuilder::new(StringBuilder::new());
    let mut score = Float64Builder::new();
    let mut verdict = StringBuilder::new();
    let mut copy = Float64Builder::new();
    let mut impersonation = Float64Builder::new();
    let mut evidence = ListBuilder::new(StructBuilder::from_fields(evidence_fields(), 0));
    let mut legit_page = StringBuilder::new();
    let mut suspect_page = StringBuilder::new();
    let mut error = StringBuilder::new();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    for report in reports {
        let matches = report.matches.as_deref().unwrap_or_default();
        let rows = matches.len().max(1);
        for r in 0..rows {
            suspect.append_value(&report.suspect);
            pages.append_option(report.pages.map(count));
            error.append_option(report.error.as_deref());
            let Some(m) = matches.get(r) else {
                rank.append_null();
                brand.append_null();
                domains.append_null();
                score.append_null();
                verdict.append_null();
                copy.append_null();
                impersonation.append_null();
                evidence.append_null();
                legit_page.append_null();
                suspect_page.append_null();
                continue;
            };
            rank.append_value(count(r + 1));
            brand.append_value(&m.brand);
            for d in &m.domains {
                domains.values().append_value(d);
            }
            domains.append(true);
            score.append_value(m.score);
            verdict.append_value(m.verdict.as_str());
            copy.append_value(m.sides.copy);
            impersonation.append_value(m.sides.impersonation);
            let items = evidence.values();
            for e in &m.evidence {
                if let Some(b) = items.field_builder::<StringBuilder>(0) {
                    b.append_value(&e.signal);
                }
                if let Some(b) = items.field_builder::<StringBuilder>(1) {
                    b.append_value(&e.detail);
                }
                items.append(true);
            }
            evidence.append(true);
            legit_page.append_option(m.legit_page.as_deref());
            suspect_page.append_option(m.suspect_page.as_deref());
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(suspect.finish()),
        Arc::new(pages.finish()),
        Arc::new(rank.finish()),
        Arc::new(brand.finish()),
        Arc::new(domains.finish()),
        Arc::new(score.finish()),
        Arc::new(verdict.finish()),
        Arc::new(copy.finish()),
        Arc::new(impersonation.finish()),
        Arc::new(evidence.finish()),
        Arc::new(legit_page.finish()),
        Arc::new(suspect_page.finish()),
        Arc::new(error.finish()),
    ];
    RecordBatch::try_new(batch_schema(), columns).map_err(|e| Error::Invalid(e.to_string()))
}
