//! `clonehound fingerprint`: page fingerprints as JSON Lines, with the pivots other
//! tools use.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::scan::feed::{open_json_lines, open_warc, stdin_json_lines};
use clonehound::scan::{InputKind, crawl_sites};
use clonehound::{Error, Limits, Page, PageFingerprint, SiteFingerprint, fingerprint::Site};
use serde::Serialize;

use crate::written;
use clonehound::scan::output::shown;

#[derive(Args)]
pub struct FingerprintArgs {
    /// HTML files, site directories, WARC files, JSON Lines files, or - for JSON Lines
    /// on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

#[derive(Serialize)]
struct FingerprintOut<'a> {
    input: &'a str,
    url: Option<&'a str>,
    /// SHA-256 of the page's HTML as UTF-8 (the body itself for UTF-8 pages).
    sha256: String,
    tlsh: Option<String>,
    ssdeep: Option<String>,
    favicon: Option<serde_json::Value>,
    fingerprint: &'a PageFingerprint,
}

/// Writes one JSON line per page: our fingerprint with the pivots other tools use.
pub fn run_fingerprint(args: &FingerprintArgs) -> Result<ExitCode, String> {
    use sha2::Digest;
    let limits = Limits::default();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut errors = 0;
    let mut emit = |input: &str,
                    page: &Page,
                    fp: &PageFingerprint,
                    favicon: Option<&clonehound::fingerprint::Favicon>|
     -> Result<(), String> {
        let digests = clonehound_eval::Digests::of_bytes(page.html.as_bytes());
        let favicon = favicon.map(|f| {
            serde_json::json!({
                "shodan": f.shodan, "shodan_unsigned": f.shodan_unsigned(),
                "md5": f.md5, "sha256": f.sha256, "phash": f.phash, "source": f.source,
            })
        });
        let line = FingerprintOut {
            input,
            url: page.url.as_deref(),
            sha256: hex(&sha2::Sha256::digest(page.html.as_bytes())),
            tlsh: digests.tlsh,
            ssdeep: digests.ssdeep,
            favicon,
            fingerprint: fp,
        };
        let json = serde_json::to_string(&line).map_err(|e| e.to_string())?;
        writeln!(out, "{json}").map_err(|e| written(&e))
    };
    let mut fail = |what: &str, e: &dyn std::fmt::Display| {
        errors += 1;
        eprintln!("clonehound: {}: {}", shown(what), shown(&e.to_string()));
    };
    for input in &args.inputs {
        let name = input.display().to_string();
        let pages: Box<dyn Iterator<Item = Result<Page, Error>>> = match InputKind::of(input) {
            InputKind::Stdin => Box::new(stdin_json_lines(&limits)),
            InputKind::JsonLines => match open_json_lines(input, &limits) {
                Ok(r) => Box::new(r),
                Err(e) => {
                    fail(&name, &e);
                    continue;
                }
            },
            InputKind::Warc => match open_warc(input, &limits) {
                Ok(r) => Box::new(r),
                Err(e) => {
                    fail(&name, &e);
                    continue;
                }
            },
            kind @ (InputKind::Crawl | InputKind::Site) => {
                let sites = match kind {
                    InputKind::Crawl => crawl_sites(input).unwrap_or_default(),
                    _ => vec![input.clone()],
                };
                for path in sites {
                    let name = path.display().to_string();
                    match Site::from_path(&path, &limits) {
                        Ok(site) => {
                            // Fingerprinted once, with the site's favicon.
                            let fp = SiteFingerprint::from_site(&site, &limits);
                            for (page, page_fp) in site.pages.iter().zip(&fp.pages) {
                                emit(&name, page, page_fp, fp.favicon.as_ref())?;
                            }
                        }
                        Err(e) => fail(&name, &e),
                    }
                }
                continue;
            }
        };
        for page in pages {
            match page {
                Ok(page) => emit(&name, &page, &PageFingerprint::new(&page, &limits), None)?,
                Err(e) => fail(&name, &e),
            }
        }
    }
    out.flush().map_err(|e| written(&e))?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The I/O error inside a CSV writer's error, so a broken pipe is still one.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
