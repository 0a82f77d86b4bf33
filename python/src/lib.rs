//! The `clonehound` Python package's extension module: the library's fingerprint,
//! compare, index and Arrow batch scan, with the GIL released while they work and the
//! library's errors raised as `clonehound.ClonehoundError` (or `OSError` for files).
//!
//! The Python API is documented by the docstrings here and the stubs in
//! `clonehound/_clonehound.pyi`.

use std::path::PathBuf;
use std::sync::Arc;

use clonehound::fingerprint::FORMAT_VERSION;
use clonehound::index::{IndexBuilder, IndexConfig};
use clonehound::scan::{ScanConfig, Scanner, host_suspect};
use clonehound::{Brand, Config, Error, Limits, Page, SiteFingerprint};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use pyo3_arrow::PyRecordBatch;
use serde::Serialize;

pyo3::create_exception!(
    clonehound,
    ClonehoundError,
    PyValueError,
    "An input clonehound refuses: a page over a size limit, a damaged index, a bad brands file or batch."
);

/// The library's error as a Python exception, its message kept.
fn raise(e: Error) -> PyErr {
    match e {
        Error::Io { .. } | Error::NotRead { .. } => PyOSError::new_err(e.to_string()),
        e => ClonehoundError::new_err(e.to_string()),
    }
}

/// A Rust value as the Python object its JSON reads as (dicts, lists, numbers).
fn to_py<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(value).map_err(|e| ClonehoundError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (json,))
}

/// A page's bytes from `str` (already text) or `bytes` (decoded by the HTML standard's
/// charset rules), refused past the default page size limit.
fn page(html: &Bound<'_, PyAny>, url: Option<&str>, limits: &Limits) -> PyResult<Page> {
    if let Ok(text) = html.cast::<PyString>() {
        let text = text.to_cow()?;
        return Page::from_bytes(text.as_bytes(), url, Some("utf-8"), limits).map_err(raise);
    }
    if let Ok(bytes) = html.cast::<PyBytes>() {
        return Page::from_bytes(bytes.as_bytes(), url, None, limits).map_err(raise);
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "html must be str or bytes",
    ))
}

/// A site's fingerprint: what is compared, stored and exchanged.
///
/// Made by `fingerprint(html, url)` (one page) or `Fingerprint.from_path(dir)` (a site
/// directory, with its favicon). Serialises with `to_json()`; the JSON is versioned
/// (`version`) and identical across runs, threads and platforms.
#[pyclass(module = "clonehound", frozen)]
struct Fingerprint {
    site: Arc<SiteFingerprint>,
}

#[pymethods]
impl Fingerprint {
    /// Reads a site directory (its HTML pages and favicon) or one HTML file.
    #[staticmethod]
    fn from_path(py: Python<'_>, path: PathBuf) -> PyResult<Fingerprint> {
        let site = py
            .detach(|| SiteFingerprint::from_path(&path, &Limits::default()))
            .map_err(raise)?;
        Ok(Fingerprint {
            site: Arc::new(site),
        })
    }

    /// A fingerprint from its JSON (`to_json()`); another format version is refused.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Fingerprint> {
        let site: SiteFingerprint =
            serde_json::from_str(json).map_err(|e| ClonehoundError::new_err(e.to_string()))?;
        if site.version != FORMAT_VERSION {
            return Err(raise(Error::Format {
                found: site.version,
                supported: FORMAT_VERSION,
            }));
        }
        Ok(Fingerprint {
            site: Arc::new(site),
        })
    }

    /// The fingerprint as JSON (versioned, deterministic).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&*self.site).map_err(|e| ClonehoundError::new_err(e.to_string()))
    }

    /// The fingerprint's format version.
    #[getter]
    fn version(&self) -> u32 {
        self.site.version
    }

    /// Pages fingerprinted.
    #[getter]
    fn pages(&self) -> usize {
        self.site.pages.len()
    }

    /// The digests an analyst pivots on, from the first page: `title`, `site_name`,
    /// `analytics` (tracking IDs), `form_actions`, `hosts` (resource hosts),
    /// `link_hosts`, `emails`, `svg_logos` (geometry hashes, hex), `logo_images`, and
    /// `favicon` (`mmh3` as Shodan's `http.favicon.hash`, `md5`, `sha256`) when the
    /// site's favicon was read.
    #[getter]
    fn pivots<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let first = self.site.pages.first();
        let list =
            |f: fn(&clonehound::PageFingerprint) -> Vec<String>| first.map(f).unwrap_or_default();
        let value = serde_json::json!({
            "title": first.map(|p| p.identity.title.clone()),
            "site_name": first.and_then(|p| p.identity.site_name.clone()),
            "analytics": list(|p| p.assets.analytics.clone()),
            "form_actions": list(|p| p.assets.form_actions.clone()),
            "hosts": list(|p| p.assets.hosts.clone()),
            "link_hosts": list(|p| p.assets.link_hosts.clone()),
            "emails": list(|p| p.identity.emails.clone()),
            "svg_logos": list(|p| p.marks.svg_logos.iter().map(|h| format!("{h:016x}")).collect()),
            "logo_images": list(|p| p.marks.logo_images.clone()),
            "favicon": self.site.favicon.as_ref().map(|f| serde_json::json!({
                "mmh3": f.shodan, "md5": f.md5, "sha256": f.sha256,
            })),
        });
        to_py(py, &value)
    }

    /// Pickles as its JSON, so fingerprints travel to workers (Spark, multiprocessing).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.py().get_type::<Fingerprint>().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }

    fn __repr__(&self) -> String {
        let url = self
            .site
            .pages
            .first()
            .and_then(|p| p.url.as_deref())
            .unwrap_or("-");
        format!(
            "<Fingerprint v{} {} page(s) {url}>",
            self.site.version,
            self.site.pages.len()
        )
    }
}

/// Fingerprints one page. `html` is `str`, or `bytes` decoded as a browser would
/// (byte order mark, `<meta charset>`, UTF-8, windows-1252); `url` is where it was
/// found, which is what says whether it sits on a brand's own domain.
#[pyfunction]
#[pyo3(signature = (html, url=None))]
fn fingerprint(
    py: Python<'_>,
    html: &Bound<'_, PyAny>,
    url: Option<&str>,
) -> PyResult<Fingerprint> {
    let limits = Limits::default();
    let page = page(html, url, &limits)?;
    let site = py.detach(|| SiteFingerprint::from_page(&page, &limits));
    Ok(Fingerprint {
        site: Arc::new(site),
    })
}

/// The outcome of comparing a suspect with a brand's site: a score in [0, 1], a
/// verdict (`rebrand`, `impersonation` or `none`), the two sides the score combines,
/// the pair's signals and evidence a person can check.
#[pyclass(module = "clonehound", frozen)]
struct Comparison {
    inner: clonehound::Comparison,
}

#[pymethods]
impl Comparison {
    /// The calibrated score in [0, 1].
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }
    /// `rebrand`, `impersonation` or `none`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }
    /// The copy side: content shared with the brand's page.
    #[getter]
    fn copy(&self) -> f64 {
        self.inner.sides.copy
    }
    /// The impersonation side: the brand's identity on a page it does not own.
    #[getter]
    fn impersonation(&self) -> f64 {
        self.inner.sides.impersonation
    }
    /// The brand's name (given, or read off the legitimate site).
    #[getter]
    fn brand(&self) -> String {
        self.inner.brand.name.clone()
    }
    /// The domains the brand owns.
    #[getter]
    fn domains(&self) -> Vec<String> {
        self.inner.brand.domains.clone()
    }
    /// The pair's similarities, signal by signal.
    #[getter]
    fn signals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.signals)
    }
    /// The evidence, most telling first: dicts with `signal` and `detail`.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.evidence)
    }
    /// The brand's page the suspect is closest to.
    #[getter]
    fn legit_page(&self) -> Option<String> {
        self.inner.legit_page.clone()
    }
    /// The suspect's page closest to it.
    #[getter]
    fn suspect_page(&self) -> Option<String> {
        self.inner.suspect_page.clone()
    }
    /// The whole comparison as JSON, as `clonehound compare --json` writes it.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| ClonehoundError::new_err(e.to_string()))
    }
    /// The whole comparison as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "<Comparison {} {:.3} {}>",
            self.inner.brand.name,
            self.inner.score,
            self.inner.verdict.as_str()
        )
    }
}

/// A fingerprint given as a `Fingerprint`, or page HTML (`str` or `bytes`, no URL).
fn site_of(obj: &Bound<'_, PyAny>) -> PyResult<Arc<SiteFingerprint>> {
    if let Ok(fp) = obj.cast::<Fingerprint>() {
        return Ok(Arc::clone(&fp.get().site));
    }
    let limits = Limits::default();
    let page = page(obj, None, &limits)?;
    Ok(Arc::new(SiteFingerprint::from_page(&page, &limits)))
}

/// Compares a suspect with a brand's legitimate site. `legit` and `suspect` are
/// `Fingerprint`s (or page HTML without a URL). The brand's identity is an input:
/// its name, owned domains and aliases; what is left out is read off `legit`.
#[pyfunction]
#[pyo3(signature = (legit, suspect, brand=None, domains=Vec::new(), aliases=Vec::new()))]
fn compare(
    py: Python<'_>,
    legit: &Bound<'_, PyAny>,
    suspect: &Bound<'_, PyAny>,
    brand: Option<String>,
    domains: Vec<String>,
    aliases: Vec<String>,
) -> PyResult<Comparison> {
    let (legit, suspect) = (site_of(legit)?, site_of(suspect)?);
    let given = brand.is_some() || !domains.is_empty() || !aliases.is_empty();
    let brand = given.then(|| Brand::new(brand.unwrap_or_default(), domains).with_aliases(aliases));
    let inner =
        py.detach(|| clonehound::compare(&legit, &suspect, brand.as_ref(), &Config::default()));
    Ok(Comparison { inner })
}

/// Protected brands, indexed: each suspect is compared with the few brands it could
/// copy, not all of them. Built from a brands file, saved and loaded; a loaded index
/// keeps its retrieval tables in memory and reads a brand's record from the file
/// when that brand is a candidate, so it is cheap to hold in every worker.
#[pyclass(module = "clonehound", frozen)]
struct Index {
    index: Arc<clonehound::Index>,
}

#[pymethods]
impl Index {
    /// Builds an index from a brands file (TOML: `[[brand]]` with `name`, `domains`,
    /// `aliases` and `pages`: site directories, HTML or WARC files, relative to the file).
    #[staticmethod]
    fn build(py: Python<'_>, brands_toml: PathBuf) -> PyResult<Index> {
        let index = py.detach(|| {
            IndexBuilder::from_brands_file(&brands_toml, IndexConfig::default(), &|| ())
                .map(IndexBuilder::build)
        });
        Ok(Index {
            index: Arc::new(index.map_err(raise)?),
        })
    }

    /// Loads an index written by `save` (or `clonehound index build`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Index> {
        let index = py
            .detach(|| clonehound::Index::load(&path))
            .map_err(raise)?;
        Ok(Index {
            index: Arc::new(index),
        })
    }

    /// Writes the index to `path` (atomically).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.index.save(&path)).map_err(raise)
    }

    /// The brands, in the order they were added: dicts with `name`, `domains`, `aliases`.
    #[getter]
    fn brands<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.index.brands())
    }

    fn __len__(&self) -> usize {
        self.index.len()
    }

    /// The brands one page resembles, best first (at most `top`), each as a
    /// `Comparison`, whatever its verdict: filter on `verdict != "none"` for findings.
    #[pyo3(signature = (html, url=None, top=3))]
    fn query(
        &self,
        py: Python<'_>,
        html: &Bound<'_, PyAny>,
        url: Option<&str>,
        top: usize,
    ) -> PyResult<Vec<Comparison>> {
        let limits = Limits::default();
        let page = page(html, url, &limits)?;
        let matches = py
            .detach(|| {
                let site = SiteFingerprint::from_page(&page, &limits);
                self.index.query(&site, top.max(1))
            })
            .map_err(raise)?;
        Ok(matches
            .into_iter()
            .map(|m| Comparison {
                inner: m.comparison,
            })
            .collect())
    }

    /// Scans an Arrow record batch (a `pyarrow.RecordBatch`, or anything with the Arrow
    /// PyCapsule interface) with `html` (binary or string) and optional `url`,
    /// `content_type` and `site` columns, and returns a `pyarrow.RecordBatch` of
    /// findings: one row per reported match (`suspect`, `pages`, `rank`, `brand`,
    /// `domains`, `score`, `verdict`, `copy`, `impersonation`, `evidence`,
    /// `legit_page`, `suspect_page`, `error`), and one row with a null `brand` for a
    /// suspect with none. Rows are scanned in parallel with the GIL released.
    #[pyo3(signature = (batch, top=3, evidence=3, all=false))]
    fn scan_batch<'py>(
        &self,
        py: Python<'py>,
        batch: PyRecordBatch,
        top: usize,
        evidence: usize,
        all: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let config = ScanConfig {
            top,
            evidence,
            all,
            ..ScanConfig::default()
        };
        let scanner = Scanner::new(Arc::clone(&self.index), config);
        let batch = batch.into_inner();
        let out = py.detach(|| scanner.scan_batch(&batch)).map_err(raise)?;
        PyRecordBatch::new(out).into_pyarrow(py)
    }

    /// Refused: an index is shipped as its file and loaded once per worker
    /// (`SparkContext.addFile`, then `Index.load`), never pickled with each task.
    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "an Index is not pickled: ship its file (save, then SparkContext.addFile) and Index.load it once per worker",
        ))
    }

    fn __repr__(&self) -> String {
        format!("<Index {} brands>", self.index.len())
    }
}

/// The suspect a WARC file's page is scanned as by `clonehound scan`: `FILE#HOST`
/// (the URL's host in lower case, without `www.`), or `FILE#(no host)`. A job reading
/// WARC files itself names its `site` column by this.
#[pyfunction]
#[pyo3(signature = (file, url=None))]
fn warc_suspect(file: &str, url: Option<&str>) -> String {
    host_suspect(file, url)
}

/// True when an HTTP response body is a page to scan, by the rule `clonehound scan`
/// reads WARC records by: its `Content-Type` says HTML, or there is none and the body
/// starts with `<`.
#[pyfunction]
#[pyo3(signature = (body, content_type=None))]
fn is_html(body: &[u8], content_type: Option<&str>) -> bool {
    Page::is_html_response(body, content_type)
}

/// clonehound: finds websites cloned to impersonate legitimate firms.
#[pymodule]
fn _clonehound(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Fingerprint>()?;
    m.add_class::<Comparison>()?;
    m.add_class::<Index>()?;
    m.add_function(wrap_pyfunction!(fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(warc_suspect, m)?)?;
    m.add_function(wrap_pyfunction!(is_html, m)?)?;
    m.add("ClonehoundError", m.py().get_type::<ClonehoundError>())?;
    m.add("FORMAT_VERSION", FORMAT_VERSION)?;
    m.add("MAX_SITE_PAGES", Limits::default().max_site_pages)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
