//! The officer simulation: after every status change it plans the next
//! officer step at a realistic delay in working time (08:00–17:00 Vietnam
//! time on working days) — accepted or not accepted, processing, a
//! supplement or fee request now and then, done, result returned, deadlines
//! missed — and runs the steps that fall due as the portal clock passes
//! them, in time order. Every choice comes from a ChaCha8 stream seeded by
//! (`--sim-seed`, dossier code, history length), so a seed replays the same
//! paths.

use super::model::DossierRecord;
use super::{status, store};
use crate::clock::{iso_date, parse_iso_date, parse_rfc3339, rfc3339, vietnam};
use crate::config::Config;
use crate::db::Write;
use crate::error::ApiError;
use crate::workdays::{add_working_days, is_working_day};
use crate::Portal;
use hoso_core::attachment::hash::Digest;
use hoso_wire::status::{
    is_final, ACCEPTED, FEE_REQUESTED, NOT_ACCEPTED, PROCESSED, PROCESSING, REGISTERED,
    RESULT_RETURNED, STOPPED, SUPPLEMENT_REQUESTED, WITHDRAWAL_REQUESTED,
};
use hoso_wire::{FeeRequest, HistoryActor, SupplementRequest};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, Time};

const QUEUE: &str = "sim_queue";
const DAY_START: u8 = 8;
const DAY_END: u8 = 17;

/// The simulation's settings.
pub struct Simulation {
    enabled: bool,
    seed: u64,
}

impl Simulation {
    pub fn new(config: &Config) -> Simulation {
        Simulation {
            enabled: config.simulation,
            seed: config.sim_seed,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// One planned officer step.
#[derive(Serialize, Deserialize, Clone)]
struct Planned {
    code: String,
    /// The dossier's history length when planned: a later change by anyone
    /// else makes the plan stale.
    history_len: usize,
    at: String,
    to: u8,
    note: String,
    supplement_slots: Vec<String>,
    fee_vnd: u64,
    due_date: Option<String>,
}

fn rng(seed: u64, code: &str, history_len: usize) -> ChaCha8Rng {
    let mut material = seed.to_be_bytes().to_vec();
    material.extend_from_slice(code.as_bytes());
    material.extend_from_slice(&(history_len as u64).to_be_bytes());
    ChaCha8Rng::from_seed(*Digest::of(&material).as_bytes())
}

/// A uniform fraction in [0, 1).
fn fraction(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Uniform seconds in [lo, hi] hours.
fn hours(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> i64 {
    ((lo + (hi - lo) * fraction(rng)) * 3600.0) as i64
}

/// `start` plus `seconds` of working time.
pub fn add_working_seconds(start: OffsetDateTime, seconds: i64) -> OffsetDateTime {
    let mut t = start.to_offset(vietnam());
    let mut left = seconds.max(0);
    for _ in 0..10_000 {
        let day = t.date();
        let open = day
            .with_time(Time::from_hms(DAY_START, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_offset(vietnam());
        let close = day
            .with_time(Time::from_hms(DAY_END, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_offset(vietnam());
        if !is_working_day(day) || t >= close {
            let next = day.next_day().unwrap_or(day);
            t = next
                .with_time(Time::from_hms(DAY_START, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_offset(vietnam());
            continue;
        }
        if t < open {
            t = open;
        }
        let room = (close - t).whole_seconds();
        if left <= room {
            return (t + Duration::seconds(left)).to_offset(time::UtcOffset::UTC);
        }
        left -= room;
        t = close;
    }
    t.to_offset(time::UtcOffset::UTC)
}

/// The end of a due date's working day.
fn end_of(day: time::Date) -> OffsetDateTime {
    day.with_time(Time::from_hms(DAY_END, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(vietnam())
        .to_offset(time::UtcOffset::UTC)
}

/// The next step for a dossier in its current status, if any.
fn plan(seed: u64, record: &DossierRecord, documents: &[String]) -> Option<Planned> {
    let base = parse_rfc3339(&record.updated_at)?;
    let mut r = rng(seed, &record.code, record.history.len());
    let roll = fraction(&mut r);
    let step = |to: u8, delay: i64, note: &str| Planned {
        code: record.code.clone(),
        history_len: record.history.len(),
        at: rfc3339(add_working_seconds(base, delay)),
        to,
        note: note.into(),
        supplement_slots: Vec::new(),
        fee_vnd: 0,
        due_date: None,
    };
    let revisited = record
        .history
        .iter()
        .any(|h| matches!(h.status, SUPPLEMENT_REQUESTED | FEE_REQUESTED));
    Some(match record.status {
        REGISTERED => {
            let delay = hours(&mut r, 0.5, 4.0);
            if roll < 0.93 {
                step(ACCEPTED, delay, "Hồ sơ đầy đủ, hợp lệ; đã tiếp nhận")
            } else {
                step(NOT_ACCEPTED, delay, "Hồ sơ không thuộc thẩm quyền giải quyết; đề nghị nộp tại cơ quan có thẩm quyền")
            }
        }
        ACCEPTED => step(
            PROCESSING,
            hours(&mut r, 0.25, 2.0),
            "Chuyển cán bộ chuyên môn xử lý",
        ),
        PROCESSING => {
            let delay = hours(&mut r, 1.0, 16.0);
            let due = |days: u32| {
                let at = add_working_seconds(base, delay);
                iso_date(add_working_days(crate::clock::vn_date(at), days))
            };
            if !revisited && roll < 0.12 && !documents.is_empty() {
                let pick = (r.next_u32() as usize) % documents.len();
                let mut s = step(
                    SUPPLEMENT_REQUESTED,
                    delay,
                    "Đề nghị bổ sung giấy tờ theo quy định",
                );
                s.supplement_slots = vec![documents[pick].clone()];
                s.due_date = Some(due(5));
                s
            } else if !revisited && roll < 0.22 {
                let mut s = step(FEE_REQUESTED, delay, "Đề nghị thực hiện nghĩa vụ tài chính");
                s.fee_vnd = record.fee.amount_vnd.max(8_000);
                s.due_date = Some(due(3));
                s
            } else if roll < 0.24 {
                step(
                    STOPPED,
                    delay,
                    "Dừng xử lý do hồ sơ không đủ điều kiện giải quyết",
                )
            } else {
                step(PROCESSED, delay, "Đã xử lý xong; kết quả đã sẵn sàng")
            }
        }
        SUPPLEMENT_REQUESTED => {
            let due = record
                .supplement_request
                .as_ref()
                .and_then(|s| parse_iso_date(&s.due_date))?;
            let mut s = step(STOPPED, 0, "Quá hạn bổ sung giấy tờ; dừng xử lý");
            s.at = rfc3339(end_of(due));
            s
        }
        FEE_REQUESTED => {
            if roll < 0.9 {
                step(
                    PROCESSING,
                    hours(&mut r, 1.0, 16.0),
                    "Công dân đã thực hiện nghĩa vụ tài chính; tiếp tục xử lý",
                )
            } else {
                let due = record
                    .fee_request
                    .as_ref()
                    .and_then(|f| parse_iso_date(&f.due_date))?;
                let mut s = step(
                    STOPPED,
                    0,
                    "Quá hạn thực hiện nghĩa vụ tài chính; dừng xử lý",
                );
                s.at = rfc3339(end_of(due));
                s
            }
        }
        WITHDRAWAL_REQUESTED => step(
            STOPPED,
            hours(&mut r, 0.5, 4.0),
            "Dừng xử lý theo yêu cầu rút hồ sơ của công dân",
        ),
        PROCESSED => step(
            RESULT_RETURNED,
            hours(&mut r, 4.0, 24.0),
            "Đã trả kết quả cho công dân",
        ),
        _ => return None,
    })
}

fn queue_key(p: &Planned) -> String {
    let at = parse_rfc3339(&p.at)
        .map(|t| t.unix_timestamp())
        .unwrap_or(0);
    format!("{at:012}|{}|{:04}", p.code, p.history_len)
}

/// The slots a supplement could ask for: the procedure's document slots.
fn slots_of(portal: &Portal, record: &DossierRecord) -> Vec<String> {
    let catalog = portal.catalog();
    catalog
        .procedure(&record.procedure_code)
        .map(|p| catalog.schema(p).slots.into_iter().map(|s| s.id).collect())
        .unwrap_or_default()
}

/// The write planning a dossier's next officer step (none when the
/// simulation is off or the status is final).
pub fn schedule(portal: &Portal, record: &DossierRecord) -> Result<Vec<Write>, ApiError> {
    let sim = &portal.dossiers.sim;
    if !sim.enabled || is_final(record.status) {
        return Ok(Vec::new());
    }
    let slots = if record.status == PROCESSING {
        slots_of(portal, record)
    } else {
        Vec::new()
    };
    Ok(plan(sim.seed, record, &slots)
        .map(|p| vec![Write::put(QUEUE, queue_key(&p), &p)])
        .unwrap_or_default())
}

/// Runs every planned step due at or before `until`, oldest first (steps
/// they plan in turn run too if due). The caller holds the dossier lock.
/// Returns how many transitions were made.
pub fn run_until(portal: &Portal, until: OffsetDateTime) -> Result<u32, ApiError> {
    let limit = format!("{:012}|", until.unix_timestamp());
    let mut transitions = 0;
    loop {
        let due: Vec<(String, Planned)> = portal.db.scan(QUEUE, "", None, 1)?;
        let Some((key, planned)) = due.into_iter().next() else {
            break;
        };
        if key.as_str() >= limit.as_str() {
            break;
        }
        let mut writes = vec![Write::Remove(QUEUE, key)];
        if let Some(mut record) = store::get(&portal.db, &planned.code)? {
            let fresh = record.history.len() == planned.history_len;
            if fresh && (status::officer_may(record.status, planned.to)) {
                let at = parse_rfc3339(&planned.at).unwrap_or(until);
                match planned.to {
                    SUPPLEMENT_REQUESTED => {
                        record.supplement_request = Some(SupplementRequest {
                            requested_at: rfc3339(at),
                            due_date: planned.due_date.clone().unwrap_or_default(),
                            note: planned.note.clone(),
                            slots: planned.supplement_slots.clone(),
                        })
                    }
                    FEE_REQUESTED => {
                        record.fee_request = Some(FeeRequest {
                            requested_at: rfc3339(at),
                            amount_vnd: planned.fee_vnd,
                            due_date: planned.due_date.clone().unwrap_or_default(),
                            note: planned.note.clone(),
                        })
                    }
                    _ => {}
                }
                status::apply(
                    &mut record,
                    planned.to,
                    planned.note.clone(),
                    HistoryActor::Officer,
                    None,
                    at,
                );
                writes.extend(store::changed(&portal.db, &record)?);
                writes.extend(schedule(portal, &record)?);
                transitions += 1;
            }
        }
        portal.db.commit(&writes)?;
    }
    Ok(transitions)
}

/// While the server runs: due simulation steps every second of real time,
/// and expired idempotency keys swept every hour.
pub async fn run_in_background(portal: std::sync::Arc<Portal>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        ticks += 1;
        if portal.dossiers.sim.enabled {
            let _lock = portal.dossiers.lock.lock().await;
            if let Err(e) = run_until(&portal, portal.clock.now()) {
                eprintln!("hoso-portal: simulation step failed: {}", e.error.code);
            }
        }
        if ticks % 3600 == 1 {
            let now = portal.clock.now().unix_timestamp();
            if let Err(e) = super::idempotency::sweep(&portal.db, now) {
                eprintln!("hoso-portal: idempotency sweep failed: {}", e.error.code);
            }
            if let Err(e) = crate::uploads::sweep(&portal).await {
                eprintln!("hoso-portal: upload sweep failed: {}", e.error.code);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        // Friday 16:00 VN + 2 h = Monday 09:00 VN.
        let friday = datetime!(2026-11-27 09:00 UTC);
        assert_eq!(
            add_working_seconds(friday, 7200),
            datetime!(2026-11-30 02:00 UTC)
        );
        // Before opening: starts at 08:00.
        let early = datetime!(2026-11-23 23:00 UTC); // Tue 06:00 VN
        assert_eq!(
            add_working_seconds(early, 1800),
            datetime!(2026-11-24 01:30 UTC)
        );
        // 2 September is a holiday.
        let sept1 = datetime!(2026-08-31 09:30 UTC); // Mon 16:30 VN
        assert_eq!(
            add_working_seconds(sept1, 3600),
            datetime!(2026-09-03 01:30 UTC)
        );
    }
}
