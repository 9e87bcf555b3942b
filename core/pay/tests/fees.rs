//! Fees over the real national catalog: the amounts the pages state for
//! the essential services, the time-limited ID card reduction on both sides
//! of its end, and every channel of every procedure read as one amount,
//! free, or by a written-down rule — none left unreadable.

use hoso_catalog::catalog::parse::parse_record;
use hoso_catalog::catalog::source::read_records;
use hoso_catalog::catalog::{ChannelKind, Procedure};
use hoso_pay::fee::{fee_due, Basis};
use std::path::Path;
use time::macros::date;

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/tthc-national-2642.jsonl.gz"
);

fn catalog() -> Vec<Procedure> {
    read_records(Path::new(SOURCE))
        .expect("read the national data")
        .iter()
        .map(parse_record)
        .collect()
}

#[test]
fn the_national_catalog_reads_as_amounts() {
    let all = catalog();
    let get = |code: &str| all.iter().find(|p| p.code == code).unwrap();
    let day = date!(2026 - 12 - 07);
    // Permanent residence: 10,000 đồng online against 20,000 at the counter.
    let residence = get("1.004222");
    assert_eq!(
        fee_due(residence, ChannelKind::Online, day).amount_vnd,
        Some(10_000)
    );
    assert_eq!(
        fee_due(residence, ChannelKind::InPerson, day).amount_vnd,
        Some(20_000)
    );
    // Re-issuing the ID card: 70,000, half until 31/12/2026 (Thông tư 64/2025/TT-BTC).
    let id_card = get("1.014064");
    let now = fee_due(id_card, ChannelKind::Online, day);
    assert_eq!((now.base_vnd, now.amount_vnd), (Some(70_000), Some(35_000)));
    assert_eq!(now.basis, Basis::CatalogLine);
    assert_eq!(
        now.reduction.as_ref().map(|r| r.until.as_str()),
        Some("2026-12-31")
    );
    let later = fee_due(id_card, ChannelKind::Online, date!(2027 - 01 - 01));
    assert_eq!((later.amount_vnd, later.reduction), (Some(70_000), None));
    // Birth registration is free.
    let birth = fee_due(get("1.001193"), ChannelKind::Online, day);
    assert_eq!((birth.amount_vnd, birth.basis), (Some(0), Basis::Free));
    assert!(!birth.payable());

    let mut payable_online = 0;
    let mut unreadable = Vec::new();
    for p in &all {
        for c in &p.channels {
            let due = fee_due(p, c.channel, day);
            if due.basis == Basis::Unreadable {
                unreadable.push(format!("{} {:?}: {}", p.code, c.channel, due.text));
            }
            if c.channel == ChannelKind::Online && due.payable() {
                payable_online += 1;
            }
        }
    }
    assert!(unreadable.is_empty(), "{unreadable:#?}");
    assert!(payable_online > 200, "{payable_online}");
}
