//! The `clonehound` command line: a thin layer over the library that parses
//! arguments, calls it and prints. Exit codes follow virus scanners (clamscan):
//! 0 no copy found, 1 a copy found, 2 an error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use clonehound::fingerprint::favicon_of;
use clonehound::{Brand, Config, SiteFingerprint, Verdict, compare};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Standard output written line by line. When its reader has gone (`clonehound … |
/// head`), the command ends quietly with status 141, as a Unix tool killed by SIGPIPE
/// does; any other write error ends it with a message and status 2. (The standard
/// `println!` would panic.)
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::output_failed(&e);
        }
    }};
}

/// `print!`, likewise.
macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout(), $($arg)*) {
            $crate::output_failed(&e);
        }
    }};
}

/// Standard error, likewise: a closed pipe ends the command quietly (status 141); any
/// other failure to write a message is ignored, there being nowhere left to say it.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stderr(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(141);
            }
        }
    }};
}

mod eval_cmd;
mod fingerprint_cmd;
mod index_cmd;
mod scan_cmd;

use clonehound::scan::output::shown;

/// A score threshold: a number in [0, 1]. Any other value would flag everything or
/// nothing, switching detection off without a word.
pub(crate) fn unit_interval(text: &str) -> Result<f64, String> {
    let t: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("{t} is not in [0, 1] (scores lie in [0, 1])"))
    }
}

/// An error about the file `path`, naming it once (errors about a file name it already).
pub(crate) fn about(path: &std::path::Path, e: &clonehound::Error) -> String {
    match e {
        clonehound::Error::NotRead { path: p, .. }
        | clonehound::Error::Io { path: p, .. }
        | clonehound::Error::Brands { path: p, .. }
            if p == path =>
        {
            e.to_string()
        }
        _ => format!("{}: {e}", path.display()),
    }
}

/// Ends the process after standard output failed: quietly on a broken pipe.
pub(crate) fn output_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("clonehound: writing output: {e}");
    std::process::exit(2);
}

#[derive(Parser)]
#[command(
    name = "clonehound",
    version,
    about = "Find websites cloned to impersonate legitimate firms"
)]
struct Cli {
    /// No progress bar and no summary on standard error (errors are still printed).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Compare a suspect with a legitimate site (each an HTML file or a site directory).
    Compare {
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
        #[arg(long, value_parser = unit_interval)]
        threshold: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Evaluate the detector on a labelled corpus directory (sites/ + pairs.jsonl).
    Eval(eval_cmd::EvalArgs),
    /// Build or inspect a brand index.
    #[command(subcommand)]
    Index(index_cmd::IndexCommand),
    /// Scan suspects against a brand index. Exit code 0: no copy found; 1: at least one
    /// copy found; 2: an error (a bad input is reported and the scan goes on).
    Scan(scan_cmd::ScanArgs),
    /// Write page fingerprints as JSON Lines, with SHA-256, TLSH, ssdeep and favicon
    /// hashes for pivoting in other tools.
    Fingerprint(fingerprint_cmd::FingerprintArgs),
    /// Print a favicon's hashes (an icon file, an HTML page or a site directory), for
    /// pivoting with Shodan's http.favicon.hash or Censys's MD5/SHA-256.
    Favicon {
        /// An icon file, an HTML page or a site directory.
        path: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compare {
            legit,
            suspect,
            brand,
            domains,
            aliases,
            threshold,
            format,
        } => run_compare(
            &legit,
            &suspect,
            Brand::new(brand.unwrap_or_default(), domains).with_aliases(aliases),
            threshold,
            format,
        ),
        Command::Eval(args) => eval_cmd::run(&args),
        Command::Index(cmd) => index_cmd::run_index(&cmd, cli.quiet),
        Command::Scan(args) => scan_cmd::run_scan(&args, cli.quiet),
        Command::Fingerprint(args) => fingerprint_cmd::run_fingerprint(&args),
        Command::Favicon { path, format } => run_favicon(&path, format),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clonehound: {}", shown(&e));
            ExitCode::from(2)
        }
    }
}

fn run_compare(
    legit: &PathBuf,
    suspect: &PathBuf,
    brand: Brand,
    threshold: Option<f64>,
    format: Format,
) -> Result<ExitCode, String> {
    let mut config = Config::default();
    if let Some(t) = threshold {
        config = config.with_threshold(t);
    }
    let read =
        |p: &PathBuf| SiteFingerprint::from_path(p, &config.limits).map_err(|e| about(p, &e));
    let (l, s) = (read(legit)?, read(suspect)?);
    // What the brand leaves out is read off the legitimate site by `compare`.
    let result = compare(&l, &s, Some(&brand), &config);
    match format {
        Format::Json => {
            let mut report = serde_json::to_value(&result).map_err(|e| e.to_string())?;
            if let Some(map) = report.as_object_mut() {
                map.insert("legit".into(), legit.display().to_string().into());
                map.insert("suspect".into(), suspect.display().to_string().into());
                let config = serde_json::to_value(&config).map_err(|e| e.to_string())?;
                map.insert("config".into(), config);
                map.insert("version".into(), env!("CARGO_PKG_VERSION").into());
            }
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

fn run_favicon(path: &PathBuf, format: Format) -> Result<ExitCode, String> {
    let limits = clonehound::Limits::default();
    let favicon = favicon_of(path, &limits).map_err(|e| about(path, &e))?;
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(&favicon).map_err(|e| e.to_string())?;
            if let Some(map) = v.as_object_mut() {
                map.insert("shodan_unsigned".into(), favicon.shodan_unsigned().into());
                map.insert(
                    "phash_algorithm".into(),
                    clonehound::fingerprint::favicon::HASH_ALG.into(),
                );
            }
            println!("{v:#}");
        }
        Format::Text => print!("{favicon}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on standard error, hidden when quiet or not on a terminal.
pub(crate) fn progress_bar(quiet: bool, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {{pos}} {unit} ({{per_sec}}) {{elapsed}} {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A failed write to standard output: a broken pipe ends the process quietly.
pub(crate) fn written(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        crate::output_failed(e);
    }
    format!("writing output: {e}")
}
