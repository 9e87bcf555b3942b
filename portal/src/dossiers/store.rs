//! Where dossiers live: `dossiers/{code}` (sealed record),
//! `dossier_order/{n}` (submission order, for the admin listing) and the
//! per-account change feed `feed/{account}/{n}`; ownership checks that
//! answer 404 for other people's dossiers.

use super::model::DossierRecord;
use crate::accounts::Caller;
use crate::db::{Db, Write};
use crate::error::ApiError;
use hoso_wire::FeedEntry;

pub const DOSSIERS: &str = "dossiers";
pub const ORDER: &str = "dossier_order";
const FEED: &str = "feed";
const COUNTERS: &str = "counters";

/// A dossier by code.
pub fn get(db: &Db, code: &str) -> Result<Option<DossierRecord>, ApiError> {
    Ok(db.get(DOSSIERS, code)?)
}

/// The caller's dossier, or 404 — the same for someone else's as for none.
pub fn owned(db: &Db, caller: &Caller, code: &str) -> Result<DossierRecord, ApiError> {
    match get(db, code)? {
        Some(d) if d.account_id == caller.account_id => Ok(d),
        _ => Err(ApiError::not_found()),
    }
}

/// The writes recording a dossier after a change: the record and the
/// owner's feed entry for its newest history entry.
pub fn changed(db: &Db, record: &DossierRecord) -> Result<Vec<Write>, ApiError> {
    let mut writes = vec![Write::put(DOSSIERS, record.code.clone(), record)];
    if let Some(entry) = record.history.last() {
        let n = db.next(COUNTERS, "feed")?;
        writes.push(Write::put(
            FEED,
            format!("{}/{n:016x}", record.account_id),
            &FeedEntry {
                dossier_code: record.code.clone(),
                entry: entry.clone(),
                dossier: record.state(),
            },
        ));
    }
    Ok(writes)
}

/// The next submission position.
pub fn next_order(db: &Db) -> Result<u64, ApiError> {
    Ok(db.next(COUNTERS, "dossier")?)
}

/// A page of an account's feed after `cursor` (`f_` + 16 hex), and the
/// cursor to pass next time.
pub fn feed_page(
    db: &Db,
    account_id: &str,
    cursor: Option<u64>,
    limit: usize,
) -> Result<(Vec<FeedEntry>, u64, bool), ApiError> {
    let prefix = format!("{account_id}/");
    let after = cursor.map(|c| format!("{prefix}{c:016x}"));
    let mut page: Vec<(String, FeedEntry)> = db.scan(FEED, &prefix, after.as_deref(), limit + 1)?;
    let has_more = page.len() > limit;
    page.truncate(limit);
    let last = page
        .last()
        .and_then(|(k, _)| k.rsplit('/').next())
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .or(cursor)
        .unwrap_or(0);
    Ok((page.into_iter().map(|(_, e)| e).collect(), last, has_more))
}

/// A page of all dossiers in submission order after position `after`.
pub fn in_order(
    db: &Db,
    after: Option<u64>,
    limit: usize,
) -> Result<(Vec<DossierRecord>, u64, bool), ApiError> {
    let after_key = after.map(|a| format!("{a:016x}"));
    let mut page: Vec<(String, String)> = db.scan(ORDER, "", after_key.as_deref(), limit + 1)?;
    let has_more = page.len() > limit;
    page.truncate(limit);
    let last = page
        .last()
        .and_then(|(k, _)| u64::from_str_radix(k, 16).ok())
        .or(after)
        .unwrap_or(0);
    let mut out = Vec::with_capacity(page.len());
    for (_, code) in page {
        if let Some(d) = get(db, &code)? {
            out.push(d);
        }
    }
    Ok((out, last, has_more))
}

/// The write listing a new dossier in submission order.
pub fn order_write(record: &DossierRecord) -> Write {
    Write::put(ORDER, format!("{:016x}", record.order), &record.code)
}
