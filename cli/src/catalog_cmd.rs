//! `hoso catalog …`: import the national data or a bundle, show a procedure,
//! report parse coverage, describe and export the current catalog.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::catalog::{self, stats, store::CatalogStore, store::Installed};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Import crawled national data (.jsonl[.gz]) or a catalog bundle.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Also write the bundle file the portal serves.
        #[arg(long, value_name = "BUNDLE")]
        out: Option<PathBuf>,
    },
    /// Show one procedure.
    Show { code: String },
    /// How many procedures have each section parsed.
    Stats,
    /// The current catalog's version, content hash and size.
    Info,
    /// Write the current catalog as a bundle file.
    Export { out: PathBuf },
}

pub fn run(ctx: &Context, cmd: CatalogCommand) -> Result<(), Failure> {
    let store = open(ctx)?;
    match cmd {
        CatalogCommand::Import { file, out } => {
            let report = catalog::import(&store, &file, out.as_deref())?;
            let switched = matches!(report.installed, Installed::Switched { .. });
            if ctx.json {
                print_json(&serde_json::json!({
                    "version": report.version,
                    "content_hash": report.content_hash,
                    "procedures": report.procedures,
                    "with_raw_sections": report.with_raw_sections,
                    "changed": switched,
                    "bundle": out,
                }));
            } else {
                let what = if switched {
                    "đã nhập / imported"
                } else {
                    "không đổi / unchanged"
                };
                println!(
                    "{what}: {} thủ tục / procedures, phiên bản / version {}, sha256 {}",
                    report.procedures, report.version, report.content_hash
                );
                if let Some(out) = out {
                    println!("gói / bundle: {}", out.display());
                }
            }
        }
        CatalogCommand::Show { code } => {
            let procedure = store.procedure(&code)?;
            if ctx.json {
                print_json(&procedure);
            } else {
                print_procedure(&procedure);
            }
        }
        CatalogCommand::Stats => {
            let s = stats::compute(&store.procedures()?);
            if ctx.json {
                print_json(&s);
            } else {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            }
        }
        CatalogCommand::Info => {
            let info = store
                .current()?
                .ok_or(catalog::store::CatalogError::NoCatalog)?;
            if ctx.json {
                print_json(&info);
            } else {
                println!(
                    "phiên bản / version {} · {} thủ tục / procedures · sha256 {}",
                    info.version, info.procedure_count, info.content_hash
                );
            }
        }
        CatalogCommand::Export { out } => {
            let bundle = store.bundle()?;
            bundle
                .write_to(&out)
                .map_err(catalog::store::CatalogError::from)?;
            if ctx.json {
                print_json(&serde_json::json!({ "bundle": out, "version": bundle.info.version }));
            } else {
                println!("gói / bundle: {}", out.display());
            }
        }
    }
    Ok(())
}

/// Opens the catalog, telling the user when a corrupt store was moved aside.
pub fn open(ctx: &Context) -> Result<CatalogStore, Failure> {
    let store = CatalogStore::open(&ctx.data_dir)?;
    crate::warn_quarantined(store.quarantined());
    Ok(store)
}

fn print_procedure(p: &catalog::Procedure) {
    println!("{} — {}", p.code, p.name);
    println!("  Lĩnh vực / field: {}", p.field);
    let levels: Vec<&str> = p.levels.iter().map(|l| l.label_vi()).collect();
    println!("  Cấp thực hiện / levels: {}", levels.join(", "));
    for c in &p.channels {
        let fees: Vec<String> = c
            .fees
            .iter()
            .map(|f| match f.amount_vnd {
                Some(0) => "miễn phí / free".to_string(),
                Some(v) => format!("{v} VND"),
                None => f.text.clone(),
            })
            .collect();
        println!(
            "  {:?}: {} · {}",
            c.channel,
            c.processing_time.text,
            fees.join("; ")
        );
    }
    if !p.documents.is_empty() {
        println!("  Thành phần hồ sơ / documents: {}", p.documents.len());
        for d in p.documents.iter().take(12) {
            println!("    - {} ({} chính, {} sao)", d.name, d.originals, d.copies);
        }
    }
    for r in &p.results {
        println!(
            "  Kết quả / result: {} {}",
            r.name,
            r.code.as_deref().unwrap_or("")
        );
    }
    println!("  {}", p.source_url);
}
