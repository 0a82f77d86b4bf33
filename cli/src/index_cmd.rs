//! `clonehound index build` and `clonehound index info`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use clap::builder::RangedU64ValueParser;
use clonehound::Index;
use clonehound::index::{IndexBuilder, IndexConfig};

use crate::progress_bar;

#[derive(Subcommand)]
pub enum IndexCommand {
    /// Build an index from a brands file (TOML, one [[brand]] table per brand with
    /// `name`, `domains`, optional `aliases` (other names the brand goes by) and
    /// `pages`: site directories, HTML files or WARC files, relative to the brands
    /// file).
    Build {
        /// The brands file.
        brands: PathBuf,
        /// Where to write the index.
        #[arg(short, long)]
        output: PathBuf,
        /// Brands compared in full per suspect (the best-voted by the index's keys; at
        /// least 1).
        #[arg(long, default_value_t = IndexConfig::default().candidates,
              value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
        candidates: usize,
    },
    /// Print an index's figures as JSON.
    Info {
        /// The index file.
        index: PathBuf,
    },
}

pub fn run_index(cmd: &IndexCommand, quiet: bool) -> Result<ExitCode, String> {
    match cmd {
        IndexCommand::Build {
            brands,
            output,
            candidates,
        } => {
            let progress = progress_bar(quiet, "brands");
            let config = IndexConfig {
                candidates: *candidates,
                ..IndexConfig::default()
            };
            let builder = IndexBuilder::from_brands_file(brands, config, &|| progress.inc(1))
                .map_err(|e| e.about(brands))?;
            progress.finish_and_clear();
            let index = builder.build();
            index.save(output).map_err(|e| e.about(output))?;
            if !quiet {
                eprintln!("indexed {} into {}", index.stats(), output.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        IndexCommand::Info { index } => {
            let loaded = Index::load(index).map_err(|e| e.about(index))?;
            let info = serde_json::to_value(loaded.info()).map_err(|e| e.to_string())?;
            println!("{info:#}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
