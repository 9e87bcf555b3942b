//! `hoso demo`: the main job — import the shared national catalog into a
//! scratch data directory (or the one given), run searches the way people
//! type them, draft a birth registration offline from a sample profile, and
//! file it with the reference portal started in-process on loopback.

use crate::print_json;
use crate::search_cmd::print_hits;
use crate::{Context, Failure};
use clap::Args;
use hoso_core::catalog::{self, store::CatalogStore};
use hoso_core::search::SearchQuery;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the shared data sits relative to a checkout.
const SHARED_SOURCE: &str = "shared/data/tthc-national-2642.jsonl.gz";

#[derive(Args)]
pub struct DemoArgs {
    /// The crawled catalog to import (default: ../shared/data/… next to the checkout).
    #[arg(long, env = "HOSO_CATALOG_SOURCE")]
    source: Option<PathBuf>,
}

const QUERIES: &[&str] = &[
    "dang ky khai sinh",
    "Đăng ký thường trú",
    "lam cccd",
    "so do",
    "bang lai xe",
    "ly lich tu phap",
    "dang ki ket hon",
    "khia sinh",
    "ho kinh doa",
    "1.004222",
];

fn find_source(given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(p) = given {
        return Ok(p);
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        candidates.extend(cwd.ancestors().map(|a| a.join("..").join(SHARED_SOURCE)));
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(SHARED_SOURCE),
    );
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        Failure::Usage(format!(
            "không tìm thấy dữ liệu danh mục ../{SHARED_SOURCE}; dùng --source / cannot find the catalog data ../{SHARED_SOURCE}; pass --source"
        ))
    })
}

pub fn run(ctx: &Context, args: DemoArgs) -> Result<(), Failure> {
    let source = find_source(args.source)?;
    let scratch;
    let data_dir = if ctx.data_dir_given {
        ctx.data_dir.clone()
    } else {
        scratch = tempfile::tempdir()?;
        scratch.path().to_path_buf()
    };
    let started = Instant::now();
    let store = CatalogStore::open(&data_dir)?;
    let bundle_dir = tempfile::tempdir()?;
    let bundle = bundle_dir.path().join("catalog.bundle");
    let report = catalog::import(&store, &source, Some(&bundle))?;
    let import_ms = started.elapsed().as_millis();
    let opened = Instant::now();
    let index = hoso_core::search::SearchIndex::open(&store)?;
    let open_ms = opened.elapsed().as_secs_f64() * 1e3;

    let mut runs = Vec::new();
    for q in QUERIES {
        let mut query = SearchQuery::new(*q);
        query.limit = 3;
        let t = Instant::now();
        let hits = index.search(&query);
        runs.push((*q, hits, t.elapsed().as_secs_f64() * 1e6));
    }
    let drafting = crate::demo_draft::run(&data_dir)?;
    let keys = crate::keyfile::KeyFile::new(data_dir.join("key"));
    let filing = crate::demo_portal::run(&data_dir, &bundle, &drafting.draft_id, &keys, !ctx.json)?;
    if ctx.json {
        let searches: Vec<_> = runs
            .iter()
            .map(|(q, hits, us)| serde_json::json!({ "query": q, "micros": us, "results": hits }))
            .collect();
        print_json(&serde_json::json!({
            "source": source,
            "procedures": report.procedures,
            "version": report.version,
            "content_hash": report.content_hash,
            "import_ms": import_ms,
            "index_open_ms": open_ms,
            "searches": searches,
            "draft": drafting,
            "filing": filing,
        }));
        return Ok(());
    }
    println!("hoso — danh mục thủ tục hành chính / procedure catalog demo");
    println!(
        "Đã nhập / imported {} thủ tục / procedures from {} in {import_ms} ms (phiên bản / version {}, sha256 {}…)",
        report.procedures,
        source.display(),
        report.version,
        &report.content_hash[..12.min(report.content_hash.len())]
    );
    println!("Mở chỉ mục tìm kiếm / search index opened in {open_ms:.1} ms\n");
    for (q, hits, us) in &runs {
        println!("» {q}   ({us:.0} µs)");
        print_hits(hits);
        println!();
    }
    crate::demo_draft::print(&drafting);
    crate::demo_portal::print(&filing);
    Ok(())
}
