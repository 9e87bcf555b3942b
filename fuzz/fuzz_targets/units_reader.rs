//! Fuzzes the reader of administrative units tables (issue #21,
//! `hoso_core::places::Units::from_bytes`): the bytes as a table file, and
//! gzipped here first so mutations reach the text rather than gzip's
//! checksums.
//!
//! Besides "no panic", a table that reads must be whole: every unit is
//! found by its own code, every former commune has new units with exactly
//! one default, listed first, each in the province its former province
//! became part of; an error is never an I/O error about a file (there is
//! none) and always has its two messages.

#![no_main]

use flate2::write::GzEncoder;
use hoso_core::error::Classified;
use hoso_core::places::{Units, UnitsError};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

fn check(result: Result<Units, UnitsError>) {
    let units = match result {
        Ok(units) => units,
        Err(err) => {
            let (vi, en) = err.messages();
            assert!(!vi.is_empty() && !en.is_empty(), "{err}");
            assert_ne!(err.error_code(), "unreadable_file", "{err}");
            return;
        }
    };
    for p in units.provinces() {
        assert_eq!(units.province(&p.code), Some(p));
        for c in units.communes_of(&p.code) {
            assert_eq!(units.commune(&c.code), Some(c));
            assert_eq!(c.province, p.code);
        }
    }
    for p in units.former_provinces() {
        assert!(units.province(&p.now).is_some());
        for d in units.former_districts_of(&p.code) {
            assert_eq!(units.former_district(&d.code), Some(d));
            let whole = units.new_units_of_district(&d.code);
            let communes = units.former_communes_of(&d.code);
            assert_eq!(whole.is_empty(), !communes.is_empty());
            for c in communes {
                assert_eq!(units.former_commune(&c.code), Some(c));
                let new = units.new_units_of(&c.code).expect("a former commune");
                assert!(!new.is_empty());
                assert!(new[0].default);
                assert_eq!(new.iter().filter(|n| n.default).count(), 1);
                assert!(new.iter().all(|n| n.commune.province == p.now));
                assert!(units
                    .former_communes_named(&p.code, Some(&d.code), &c.full_name())
                    .contains(&c));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(Units::from_bytes(data));
    check(Units::from_bytes(&gzip(data)));
});
