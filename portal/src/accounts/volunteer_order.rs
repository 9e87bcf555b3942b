//! Volunteer accounts in registration order, for the commune's list:
//! `volunteer_order/{n:016x}` → account id, numbered by the counter
//! `volunteer_seq/order`; written with the account, rebuilt whole for a
//! store written before the index existed.

use crate::db::{Db, DbError, Write};

const ORDER: &str = "volunteer_order";
const SEQ: &str = "volunteer_seq";

/// The write listing a new volunteer account.
pub(super) fn write(db: &Db, account_id: &str) -> Result<Write, DbError> {
    let n = db.next(SEQ, "order")?;
    Ok(Write::put(ORDER, format!("{n:016x}"), &account_id))
}

/// Account ids after position `after` (at most `limit`), the last
/// position read, and whether more follow.
pub(super) fn page(
    db: &Db,
    after: Option<u64>,
    limit: usize,
) -> Result<(Vec<String>, u64, bool), DbError> {
    let after_key = after.map(|a| format!("{a:016x}"));
    let mut page: Vec<(String, String)> = db.scan(ORDER, "", after_key.as_deref(), limit + 1)?;
    let has_more = page.len() > limit;
    page.truncate(limit);
    let last = page
        .last()
        .and_then(|(k, _)| u64::from_str_radix(k, 16).ok())
        .or(after)
        .unwrap_or(0);
    Ok((page.into_iter().map(|(_, id)| id).collect(), last, has_more))
}

/// Replaces the index whole, in one commit, by `ids` in this order.
pub(super) fn rebuild(db: &Db, ids: &[String]) -> Result<(), DbError> {
    let mut writes: Vec<Write> = db
        .keys(ORDER, "")?
        .into_iter()
        .map(|k| Write::Remove(ORDER, k))
        .collect();
    for id in ids {
        writes.push(write(db, id)?);
    }
    db.commit(&writes)
}
