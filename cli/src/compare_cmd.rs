//! `clonehound compare` and `clonehound favicon`: one pair, one icon.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clonehound::compare::CompareReport;
use clonehound::fingerprint::favicon_of;
use clonehound::{Brand, Config, Limits, SiteFingerprint, Verdict, compare};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Args)]
pub struct CompareArgs {
    /// The legitimate site: an HTML file or a directory of pages.
    legit: PathBuf,
    /// The suspect site: an HTML file or a directory of pages.
    suspect: PathBuf,
    /// The legitimate brand's name (inferred from its pages when absent).
    #[arg(long)]
    brand: Option<String>,
    /// A domain the brand owns (repeatable).
    #[arg(long = "domain")]
    domains: Vec<String>,
    /// Another name the brand goes by, such as a product's (repeatable). The names
    /// the legitimate site gives itself are added too.
    #[arg(long = "alias")]
    aliases: Vec<String>,
    /// Score at or above which the suspect is called a copy (0 to 1).
    #[arg(long, value_parser = crate::unit_interval)]
    threshold: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
pub struct FaviconArgs {
    /// An icon file, an HTML page or a site directory.
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run_compare(args: &CompareArgs) -> Result<ExitCode, String> {
    let mut config = Config::default();
    if let Some(t) = args.threshold {
        config = config.with_threshold(t);
    }
    let brand = Brand::new(args.brand.clone().unwrap_or_default(), args.domains.clone())
        .with_aliases(args.aliases.clone());
    let read = |p: &PathBuf| SiteFingerprint::from_path(p, &config.limits).map_err(|e| e.about(p));
    let (legit, suspect) = (read(&args.legit)?, read(&args.suspect)?);
    // What the brand leaves out is read off the legitimate site by `compare`.
    let result = compare(&legit, &suspect, Some(&brand), &config);
    match args.format {
        Format::Json => {
            let (l, s) = (args.legit.display(), args.suspect.display());
            let report = CompareReport::new(&result, l, s, &config);
            // Through a `Value`, whose keys are sorted.
            let report = serde_json::to_value(&report).map_err(|e| e.to_string())?;
            println!("{report:#}");
        }
        Format::Text => print!("{result}"),
    }
    Ok(if result.verdict == Verdict::None {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn run_favicon(args: &FaviconArgs) -> Result<ExitCode, String> {
    let favicon = favicon_of(&args.path, &Limits::default()).map_err(|e| e.about(&args.path))?;
    match args.format {
        Format::Json => {
            let report = serde_json::to_value(favicon.report()).map_err(|e| e.to_string())?;
            println!("{report:#}");
        }
        Format::Text => print!("{favicon}"),
    }
    Ok(ExitCode::SUCCESS)
}
