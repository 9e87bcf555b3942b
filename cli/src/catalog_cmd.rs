//! `hoso catalog …`: import the national data or a bundle, show a procedure,
//! report parse coverage, describe and export the current catalog.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::catalog::{self, stats, store::CatalogStore, store::Installed};
use hoso_core::sync::catalog::{CatalogUpdate, UpdateMethod, UpdateOptions};
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
        /// A units table (`core/data/units` format, gzip) for the catalog to
        /// carry to devices; without it, the current catalog's data carries
        /// over.
        #[arg(long, value_name = "TABLE")]
        units: Option<PathBuf>,
        /// A directory of form files (`<code>.json`, as core/data/forms)
        /// for the catalog to carry to devices, each replacing the form of
        /// its procedure from its version on; without it, the current
        /// catalog's forms carry over.
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
    },
    /// Show one procedure.
    Show { code: String },
    /// How many procedures have each section parsed.
    Stats,
    /// The current catalog's version, content hash and size.
    Info,
    /// Write the current catalog as a bundle file.
    Export { out: PathBuf },
    /// Bring the catalog and the receipt-signing keys up to a portal's.
    Update {
        /// The portal (default: the one logged in to).
        #[arg(long, env = "HOSO_PORTAL_URL")]
        url: Option<String>,
        /// The portal's root public key (base64url, as `hoso-portal` prints
        /// it): catalogs and key sets are taken only under its signature.
        /// Without it, the key of the first signed answer is pinned.
        #[arg(long, env = "HOSO_PORTAL_ROOT_KEY", allow_hyphen_values = true)]
        root_key: Option<String>,
        /// The connection is metered: a catalog download above
        /// --metered-limit waits for an unmetered network.
        #[arg(long)]
        metered: bool,
        /// Largest catalog download (delta or bundle, compressed) on a
        /// metered connection, bytes.
        #[arg(long, value_name = "BYTES", default_value_t = UpdateOptions::default().metered_limit_bytes)]
        metered_limit: u64,
    },
}

pub fn run(ctx: &Context, cmd: CatalogCommand) -> Result<(), Failure> {
    let store = open(ctx)?;
    match cmd {
        CatalogCommand::Import {
            file,
            out,
            units,
            forms,
        } => {
            let mut data = match units {
                Some(path) => vec![
                    catalog::data::DataItem::read_file(catalog::data::UNITS, &path)
                        .map_err(catalog::store::CatalogError::from)?,
                ],
                None => Vec::new(),
            };
            if let Some(dir) = forms {
                data.extend(hoso_core::form::form_items_from_dir(&dir)?);
            }
            let report = catalog::import_with(&store, &file, out.as_deref(), data)?;
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
        CatalogCommand::Update {
            url,
            root_key,
            metered,
            metered_limit,
        } => {
            let options = UpdateOptions {
                metered,
                metered_limit_bytes: metered_limit,
            };
            update(ctx, &store, url.as_deref(), root_key.as_deref(), &options)?
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
            let data: Vec<serde_json::Value> = store
                .data_items()?
                .iter()
                .map(|item| {
                    serde_json::json!({
                        "name": item.name,
                        "bytes": item.bytes.len(),
                        "sha256": hoso_core::hex::encode(&item.sha256()),
                    })
                })
                .collect();
            if ctx.json {
                let mut value = serde_json::to_value(&info).unwrap_or_default();
                value["data"] = data.into();
                print_json(&value);
            } else {
                println!(
                    "phiên bản / version {} · {} thủ tục / procedures · sha256 {}",
                    info.version, info.procedure_count, info.content_hash
                );
                for item in data {
                    println!(
                        "dữ liệu / data: {} ({} B)",
                        item["name"].as_str().unwrap_or_default(),
                        item["bytes"]
                    );
                }
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

/// `hoso catalog update [--url] [--root-key] [--metered [--metered-limit BYTES]]`.
fn update(
    ctx: &Context,
    store: &CatalogStore,
    url: Option<&str>,
    root_key: Option<&str>,
    options: &UpdateOptions,
) -> Result<(), Failure> {
    let keys = ctx.keys();
    let receipts = hoso_core::receipt::Receipts::open(&ctx.data_dir, &keys)?;
    let client = crate::portal_link::public_client(&crate::portal_link::sessions(ctx)?, url)?
        .ok_or_else(|| {
            Failure::Usage(
                "cần --url … hoặc đăng nhập cổng / --url … or a portal login is needed".into(),
            )
        })?;
    if let Some(root_key) = root_key {
        receipts.configure_root_key(client.base_url(), root_key)?;
    }
    let done = crate::portal_link::runtime()?.block_on(hoso_core::sync::catalog::update(
        &client, store, &receipts, options,
    ))?;
    if ctx.json {
        print_json(&update_json(&done));
    } else {
        print_update(&done);
    }
    Ok(())
}

/// The version the update installed, if it switched the catalog.
fn switched_to(done: &CatalogUpdate) -> Option<u64> {
    match done.catalog {
        Some(Installed::Switched { to, .. }) => Some(to),
        _ => None,
    }
}

fn update_json(done: &CatalogUpdate) -> serde_json::Value {
    serde_json::json!({
        "catalog_version": done.catalog_version,
        "catalog_changed": switched_to(done).is_some(),
        "method": done.method.code(),
        "downloaded_bytes": done.downloaded_bytes,
        "fallback": done.fallback.as_ref().map(|f| serde_json::json!({
            "reason": f.reason.code(),
            "code": f.code,
            "message_vi": f.message_vi,
            "message_en": f.message_en,
        })),
        "keys": done.keys,
    })
}

fn print_update(done: &CatalogUpdate) {
    match (switched_to(done), done.method) {
        (_, UpdateMethod::WaitingForUnmetered) => println!(
            "Danh mục mới (phiên bản {}) chờ mạng không tính cước / the new catalog (version {}) waits for an unmetered network",
            done.catalog_version, done.catalog_version
        ),
        (Some(v), method) => println!(
            "Danh mục đã cập nhật / catalog updated: phiên bản / version {v} ({}, {} B)",
            method.code(),
            done.downloaded_bytes
        ),
        (None, _) => println!(
            "Danh mục đã mới nhất / catalog up to date: phiên bản / version {}",
            done.catalog_version
        ),
    }
    if let Some(f) = &done.fallback {
        println!(
            "Không dùng gói thay đổi vì {} / no delta used because {} ({})",
            f.message_vi, f.message_en, f.code
        );
    }
    println!(
        "Bộ khóa ký phiếu / receipt-signing keys: phiên bản / version {}{}",
        done.keys.version,
        if done.keys.changed {
            " (mới / new)"
        } else {
            ""
        }
    );
}
