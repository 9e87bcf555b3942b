//! Fuzzes the catalog's readers of outside data (issue #18): the catalog
//! bundle (`Bundle::from_reader`: gzip, then the bundle JSON, bounded and
//! hash-verified) and the crawled source lines (`source::read_records_from`:
//! plain or gzip JSON lines, bounded), with the page parser
//! (`parse::parse_record`) and the bundle writer (`Bundle::write_into`)
//! behind them.
//!
//! Every input is tried four ways, and besides "no panic" it checks:
//!
//! * as a bundle file (the bytes as they are): a bundle that reads holds
//!   `procedure_count` procedures whose content hash is the declared one,
//!   and written again (`write_into`) it reads back equal; no error is an
//!   I/O error about a file (there is none);
//! * as bundle JSON (the bytes gzipped here first, so the fuzzer works on
//!   the JSON rather than on gzip's checksums): the same;
//! * as procedures JSON (when the bytes are a JSON array of `Procedure`s):
//!   `Bundle::new` of them writes and reads back equal — whatever a
//!   procedure holds survives the bundle;
//! * as source lines: records that read are not empty, their codes are
//!   unique and non-blank, one record a non-blank line (for plain text);
//!   each parses (`parse_record`) under its own code, and the catalog they
//!   make writes as a bundle that reads back equal.

#![no_main]

use flate2::write::GzEncoder;
use hoso_core::catalog::bundle::{content_hash, Bundle, BundleError};
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::{read_records_from, SourceError};
use hoso_core::catalog::Procedure;
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// A bundle `from_reader` accepted is whole and survives being written.
fn check_bundle(result: Result<Bundle, BundleError>) {
    let bundle = match result {
        Ok(bundle) => bundle,
        Err(BundleError::Io { .. }) => panic!("from_reader answered a file error"),
        Err(_) => return,
    };
    assert_eq!(bundle.procedures.len(), bundle.info.procedure_count);
    assert_eq!(content_hash(&bundle.procedures), bundle.info.content_hash);
    round_trip(&bundle);
}

/// `bundle` written by `write_into` reads back equal.
fn round_trip(bundle: &Bundle) {
    let bytes = bundle.write_into(Vec::new()).expect("writing to memory");
    match Bundle::from_reader(&bytes[..]) {
        Ok(back) => assert_eq!(&back, bundle, "the bundle read back differs"),
        Err(e) => panic!("a bundle written by write_into does not read back: {e}"),
    }
}

fn as_procedures(data: &[u8]) {
    let Ok(procedures) = serde_json::from_slice::<Vec<Procedure>>(data) else {
        return;
    };
    round_trip(&Bundle::new(1, procedures));
}

fn as_source(data: &[u8]) {
    let records = match read_records_from(data) {
        Ok(records) => records,
        Err(SourceError::Open { .. }) => panic!("read_records_from answered an open error"),
        Err(_) => return,
    };
    assert!(!records.is_empty(), "Ok with no record");
    let mut codes = HashSet::new();
    for r in &records {
        let code = r.ma_thu_tuc.trim();
        assert!(!code.is_empty(), "a record with a blank code");
        assert!(codes.insert(code), "code {code:?} twice");
    }
    if !data.starts_with(&[0x1f, 0x8b]) {
        let lines = data
            .split(|&b| b == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .count();
        assert_eq!(records.len(), lines, "not one record a non-blank line");
    }
    let procedures: Vec<Procedure> = records
        .iter()
        .map(|r| {
            let p = parse_record(r);
            assert_eq!(p.code, r.ma_thu_tuc.trim(), "parsed under another code");
            p
        })
        .collect();
    round_trip(&Bundle::new(1, procedures));
}

fuzz_target!(|data: &[u8]| {
    check_bundle(Bundle::from_reader(data));
    check_bundle(Bundle::from_reader(&gzip(data)[..]));
    as_procedures(data);
    as_source(data);
});
