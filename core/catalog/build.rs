//! The search engine's fingerprint: a hash of every source file and data
//! file that shapes a built search index (all of `src/search/`, the search
//! entries and the model they come from, text folding, the synonym table).
//! A persisted index records the fingerprint it was built with and is
//! rebuilt when it differs, so an app whose search code changed never reads
//! an index the old code built (ADR 0016). Any edit to these files, even a
//! comment, changes it: the cost is one rebuild after such an upgrade.

use std::path::{Path, PathBuf};

const INPUTS: &[&str] = &[
    "src/search",
    "src/catalog/entry.rs",
    "src/catalog/model.rs",
    "../store/src/text.rs",
    "../data/synonyms.tsv",
];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(&root.join(input), &mut files);
    }
    files.sort();
    // Two FNV-1a lanes with different bases: 128 bits, no dependency.
    let mut lanes = [0xcbf2_9ce4_8422_2325_u64, 0x6c62_272e_07bb_0142_u64];
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path);
        let bytes = std::fs::read(path).unwrap_or_default();
        for part in [name.to_string_lossy().as_bytes(), &[0], &bytes, &[0]] {
            for lane in &mut lanes {
                for &b in part {
                    *lane ^= u64::from(b);
                    *lane = lane.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
        }
    }
    println!(
        "cargo:rustc-env=HOSO_SEARCH_FINGERPRINT={:016x}{:016x}",
        lanes[0], lanes[1]
    );
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for entry in entries.flatten() {
                collect(&entry.path(), out);
            }
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}
