//! Helpers shared by the CLI tests: the real national data and running the
//! `hoso` binary on a data directory.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

/// Runs `hoso --data-dir DATA_DIR ARGS…` (its key file inside DATA_DIR).
pub fn hoso(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOSO_KEY_FILE")
        .output()
        .expect("run hoso")
}
