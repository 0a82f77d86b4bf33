//! The `clonehound` command line: a thin layer over the library that parses
//! arguments, calls it and prints. Exit codes follow virus scanners (clamscan):
//! 0 no copy found, 1 a copy found, 2 an error.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Standard output, written as `print!` would. When its reader has gone (`clonehound
/// … | head`), the command ends quietly with status 141, as a Unix tool killed by
/// SIGPIPE does; any other write error ends it with a message and status 2. (The
/// standard `print!` would panic.)
macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout(), $($arg)*) {
            $crate::output_failed(&e);
        }
    }};
}

/// `println!`, likewise.
macro_rules! println {
    ($($arg:tt)*) => { print!("{}\n", format_args!($($arg)*)) };
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

mod compare_cmd;
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

#[derive(Subcommand)]
enum Command {
    /// Compare a suspect with a legitimate site (each an HTML file or a site directory).
    Compare(compare_cmd::CompareArgs),
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
    Favicon(compare_cmd::FaviconArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compare(args) => compare_cmd::run_compare(&args),
        Command::Eval(args) => eval_cmd::run(&args),
        Command::Index(cmd) => index_cmd::run_index(&cmd, cli.quiet),
        Command::Scan(args) => scan_cmd::run_scan(&args, cli.quiet),
        Command::Fingerprint(args) => fingerprint_cmd::run_fingerprint(&args),
        Command::Favicon(args) => compare_cmd::run_favicon(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clonehound: {}", shown(&e));
            ExitCode::from(2)
        }
    }
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
