//! Status transitions: the table of the spec's "Status" section (who may
//! move a dossier from which status to which), and applying one — a history
//! entry, the dossier's open supplement or fee request, and its feed entry.

use super::model::DossierRecord;
use crate::clock::rfc3339;
use crate::error::ApiError;
use axum::http::StatusCode;
use hoso_wire::status::{
    ACCEPTED, FEE_REQUESTED, NOT_ACCEPTED, PROCESSED, PROCESSING, REGISTERED, RESULT_RETURNED,
    STOPPED, SUPPLEMENT_REQUESTED, WITHDRAWAL_REQUESTED,
};
use hoso_wire::{AgencyRef, ErrorCode, HistoryActor, HistoryEntry};
use time::OffsetDateTime;

/// May an officer move a dossier from `from` to `to`?
pub fn officer_may(from: u8, to: u8) -> bool {
    matches!(
        (from, to),
        (REGISTERED, ACCEPTED | NOT_ACCEPTED)
            | (ACCEPTED, PROCESSING)
            | (
                PROCESSING,
                SUPPLEMENT_REQUESTED | FEE_REQUESTED | STOPPED | PROCESSED
            )
            | (SUPPLEMENT_REQUESTED | FEE_REQUESTED, STOPPED)
            | (FEE_REQUESTED, PROCESSING)
            | (WITHDRAWAL_REQUESTED, STOPPED)
            | (PROCESSED, RESULT_RETURNED)
    )
}

/// May the applicant withdraw from `from`?
pub fn may_withdraw(from: u8) -> bool {
    matches!(
        from,
        REGISTERED | ACCEPTED | PROCESSING | SUPPLEMENT_REQUESTED | FEE_REQUESTED
    )
}

/// `409 invalid_transition`.
pub fn invalid_transition(from: u8, to: u8) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::InvalidTransition,
        format!("Không thể chuyển hồ sơ từ trạng thái {from} sang trạng thái {to}"),
        format!("The dossier cannot move from status {from} to status {to}"),
    )
    .with_detail("from", from)
    .with_detail("to", to)
}

/// Moves `record` to `to` at `at`, appending its history entry; clears the
/// open requests the new status ends.
pub fn apply(
    record: &mut DossierRecord,
    to: u8,
    note: String,
    actor: HistoryActor,
    agency: Option<AgencyRef>,
    at: OffsetDateTime,
) {
    if let Some(agency) = agency {
        record.agency = agency;
    }
    let at = rfc3339(at);
    record.status = to;
    record.updated_at = at.clone();
    if to != SUPPLEMENT_REQUESTED {
        record.supplement_request = None;
    }
    if to != FEE_REQUESTED {
        record.fee_request = None;
    }
    let seq = u32::try_from(record.history.len() + 1).unwrap_or(u32::MAX);
    record.history.push(HistoryEntry {
        seq,
        at,
        status: to,
        agency: record.agency.clone(),
        note,
        actor,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_wire::status::is_final;

    #[test]
    fn the_table() {
        let allowed: Vec<(u8, u8)> = (1..=10)
            .flat_map(|f| (1..=10).map(move |t| (f, t)))
            .filter(|(f, t)| officer_may(*f, *t))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (1, 2),
                (1, 3),
                (2, 4),
                (4, 5),
                (4, 6),
                (4, 8),
                (4, 9),
                (5, 8),
                (6, 4),
                (6, 8),
                (7, 8),
                (9, 10)
            ]
        );
        for f in [3, 8, 10] {
            assert!(is_final(f));
            assert!((1..=10).all(|t| !officer_may(f, t)));
            assert!(!may_withdraw(f));
        }
        assert!(!may_withdraw(7) && !may_withdraw(9));
    }
}
