//! `clonehound fingerprint`: page fingerprints as JSON Lines, with the pivots other
//! tools use.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::fingerprint::{Favicon, Site};
use clonehound::scan::feed::{open_json_lines, open_warc, stdin_json_lines};
use clonehound::scan::{InputKind, crawl_sites};
use clonehound::{Error, Limits, Page, PageFingerprint, SiteFingerprint};
use clonehound_eval::PageRecord;

use crate::written;
use clonehound::scan::output::shown;

#[derive(Args)]
pub struct FingerprintArgs {
    /// HTML files, site directories, WARC files, JSON Lines files, or - for JSON Lines
    /// on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

/// Writes one JSON line per page: our fingerprint with the pivots other tools use.
pub fn run_fingerprint(args: &FingerprintArgs) -> Result<ExitCode, String> {
    let limits = Limits::default();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut errors = 0;
    let mut emit = |input: &str,
                    page: &Page,
                    fp: &PageFingerprint,
                    favicon: Option<&Favicon>|
     -> Result<(), String> {
        let line = PageRecord::new(input, page, fp, favicon);
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
