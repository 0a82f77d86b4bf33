//! `clonehound index build` and `clonehound index info`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use clap::builder::RangedU64ValueParser;
use clonehound::scan::InputKind;
use clonehound::scan::feed::{open_warc, read_file};
use clonehound::{
    Brand, Error, Index, Limits, PageFingerprint, SiteFingerprint,
    index::{IndexBuilder, IndexConfig},
};
use rayon::prelude::*;
use serde::Deserialize;

use crate::progress_bar;

/// Largest brands file read.
const MAX_BRANDS_FILE_BYTES: u64 = 64 << 20;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandsFile {
    brand: Vec<BrandEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandEntry {
    name: String,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    pages: Vec<PathBuf>,
}

/// One brand's site from its page sources: site directories and HTML files (with their
/// favicons) and the pages of WARC files.
fn brand_site(entry: &BrandEntry, base: &Path, limits: &Limits) -> Result<SiteFingerprint, String> {
    let mut pages = Vec::new();
    let mut favicon = None;
    for source in &entry.pages {
        let path = base.join(source);
        let named = |e: Error| format!("brand {:?}: {}: {e}", entry.name, path.display());
        if InputKind::of(&path) == InputKind::Warc {
            for page in open_warc(&path, limits).map_err(named)? {
                let page = page.map_err(named)?;
                pages.push(PageFingerprint::new(&page, limits));
            }
        } else {
            let site = SiteFingerprint::from_path(&path, limits).map_err(named)?;
            favicon = favicon.or(site.favicon);
            pages.extend(site.pages);
        }
    }
    if pages.is_empty() {
        return Err(format!("brand {:?}: no pages", entry.name));
    }
    Ok(SiteFingerprint {
        favicon,
        ..SiteFingerprint::from_pages(pages)
    })
}

pub fn run_index(cmd: &IndexCommand, quiet: bool) -> Result<ExitCode, String> {
    match cmd {
        IndexCommand::Build {
            brands,
            output,
            candidates,
        } => {
            let bytes =
                read_file(brands, MAX_BRANDS_FILE_BYTES).map_err(|e| crate::about(brands, &e))?;
            let text =
                String::from_utf8(bytes).map_err(|e| format!("{}: {e}", brands.display()))?;
            let file: BrandsFile =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", brands.display()))?;
            let base = brands.parent().unwrap_or(Path::new("."));
            let limits = Limits::default();
            let progress = progress_bar(quiet, Some(file.brand.len() as u64), "brands");
            let sites: Vec<Result<SiteFingerprint, String>> = file
                .brand
                .par_iter()
                .map(|entry| {
                    let site = brand_site(entry, base, &limits);
                    progress.inc(1);
                    site
                })
                .collect();
            progress.finish_and_clear();
            let config = IndexConfig {
                candidates: *candidates,
                ..IndexConfig::default()
            };
            let mut builder = IndexBuilder::new(config);
            for (entry, site) in file.brand.iter().zip(sites) {
                builder.add(
                    Brand::new(entry.name.clone(), &entry.domains).with_aliases(&entry.aliases),
                    site?,
                );
            }
            let index = builder.build();
            index.save(output).map_err(|e| crate::about(output, &e))?;
            let s = index.stats();
            if !quiet {
                eprintln!(
                    "indexed {} brands ({} pages, {} postings, {} keys dropped as too common) into {}",
                    s.brands,
                    s.pages,
                    s.postings,
                    s.stop_keys,
                    output.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        IndexCommand::Info { index } => {
            let loaded = Index::load(index).map_err(|e| crate::about(index, &e))?;
            let info = serde_json::json!({
                "stats": loaded.stats(),
                "config": loaded.config(),
                "brands": loaded.brands(),
                "format_version": clonehound::index::INDEX_VERSION,
            });
            println!("{info:#}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
