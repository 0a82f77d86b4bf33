//! `clonehound fingerprint`: page fingerprints as JSON Lines, with the pivots other
//! tools use.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clonehound::Limits;
use clonehound::scan::Source;
use clonehound::scan::output::shown;
use clonehound_eval::PageRecord;

use crate::written;

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
    for input in &args.inputs {
        for (name, page) in Source::from(input).fingerprints(&limits) {
            match page {
                Ok(p) => {
                    let line = PageRecord::new(&name, &p.page, &p.fingerprint, p.favicon.as_ref());
                    let json = serde_json::to_string(&line).map_err(|e| e.to_string())?;
                    writeln!(out, "{json}").map_err(|e| written(&e))?;
                }
                Err(e) => {
                    errors += 1;
                    let error = e.about(&name);
                    eprintln!("clonehound: {}", shown(&error));
                }
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
