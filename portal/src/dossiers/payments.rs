//! Fee payments (issue #23): the payment requests a dossier gets — its
//! channel's fee at filing (`hoso_core::pay::fee`), an officer's fee
//! request (status 6) — each with the collecting account, a reference
//! made of letters and digits that holds the dossier code, and an expiry;
//! the bank's notification (`POST /v1/payments/notifications`, HMAC-SHA256
//! under the shared secret, acted on once per transaction id), which adds
//! the money to its request and, once the amount is reached, issues the
//! signed electronic receipt and takes a fee request's dossier back to
//! processing; and the admin simulation that plays the bank (its
//! notification acted on the same way, without the signature it would only
//! make and check itself).

use super::model::DossierRecord;
use super::{status, store};
use crate::clock::rfc3339;
use crate::db::Write;
use crate::error::{ApiError, FieldIssue};
use crate::Portal;
use axum::http::{HeaderMap, StatusCode};
use hoso_core::pay::fee::FeeDue;
use hoso_wire::status::{FEE_REQUESTED, PROCESSING};
use hoso_wire::{
    CollectingAccount, ErrorCode, HistoryActor, NotificationOutcome, PaymentKind,
    PaymentNotification, PaymentNotificationResult, PaymentRequest, PaymentStatus,
};
use ring::hmac;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// reference → dossier code.
const REFERENCES: &str = "payment_refs";
/// transaction id → the first answer to its notification.
const TRANSACTIONS: &str = "payment_txs";
/// How long a filing's payment request stays open.
const FILING_PAYMENT_DAYS: i64 = 3;
/// The header carrying the notification's signature.
const SIGNATURE_HEADER: &str = "hoso-signature";

/// The reference of a dossier's `n`-th payment request: `HS`, the dossier
/// code's letters and digits, and `n` on two digits (what bank apps keep
/// of a transfer's message).
fn reference(dossier_code: &str, n: usize) -> String {
    let compact: String = dossier_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    format!("HS{compact}{:02}", n.min(99))
}

/// A new request on `record` (its next reference) and the write indexing
/// its reference.
fn open(
    portal: &Portal,
    record: &mut DossierRecord,
    kind: PaymentKind,
    amount_vnd: u64,
    now: OffsetDateTime,
    expires: OffsetDateTime,
) -> Write {
    let reference = reference(&record.code, record.payments.len() + 1);
    record.payments.push(PaymentRequest {
        kind,
        amount_vnd,
        paid_vnd: 0,
        status: PaymentStatus::Pending,
        account: account(portal),
        reference: reference.clone(),
        requested_at: rfc3339(now),
        expires_at: rfc3339(expires),
        refund_due_vnd: 0,
        receipt: None,
    });
    Write::put(REFERENCES, reference, &record.code)
}

fn account(portal: &Portal) -> CollectingAccount {
    portal.config.collecting_account.clone()
}

/// At filing: the fee owed on the filing day (`due`, computed once by the
/// submission), when there is one to pay, is asked for at once (open for
/// three days).
pub(super) fn at_filing(
    portal: &Portal,
    record: &mut DossierRecord,
    due: &FeeDue,
    now: OffsetDateTime,
) -> Vec<Write> {
    match due.amount_vnd {
        Some(amount) if amount > 0 => vec![open(
            portal,
            record,
            PaymentKind::Filing,
            amount,
            now,
            now + Duration::days(FILING_PAYMENT_DAYS),
        )],
        _ => Vec::new(),
    }
}

/// An officer's fee request (status 6): paid by the end of its due date
/// (Vietnam time).
pub(super) fn at_fee_request(
    portal: &Portal,
    record: &mut DossierRecord,
    amount_vnd: u64,
    due: time::Date,
    now: OffsetDateTime,
) -> Write {
    let end = due
        .with_hms(23, 59, 59)
        .map(|t| {
            t.assume_offset(time::macros::offset!(+7))
                .to_offset(time::UtcOffset::UTC)
        })
        .unwrap_or(now);
    open(
        portal,
        record,
        PaymentKind::FeeRequest,
        amount_vnd,
        now,
        end,
    )
}

/// Checks the notification's signature: `sha256=` and the lowercase hex
/// HMAC-SHA256 of `body` under the shared secret; `401` otherwise.
pub(super) fn check_signature(
    portal: &Portal,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let unsigned = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "Chữ ký thông báo thanh toán thiếu hoặc không đúng",
            "The payment notification's signature is missing or wrong",
        )
    };
    let given = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .and_then(hex_bytes)
        .ok_or_else(unsigned)?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, portal.config.payment_secret.as_bytes());
    hmac::verify(&key, body, &given).map_err(|_| unsigned())
}

/// 64 lowercase hex digits as 32 bytes (a SHA-256 digest's text form).
fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let digest = hoso_core::attachment::hash::Digest::from_hex(hex).ok()?;
    Some(digest.as_bytes().to_vec())
}

/// What the schema asks of a notification beyond its shape (`400` with
/// every field that fails).
pub(super) fn check_notification(note: &PaymentNotification) -> Result<(), ApiError> {
    let mut issues = Vec::new();
    let mut bad = |field: &str| {
        issues.push(FieldIssue::new(
            field,
            "invalid",
            "Giá trị không hợp lệ",
            "Invalid value",
        ))
    };
    if note.transaction_id.is_empty() || note.transaction_id.chars().count() > 64 {
        bad("transaction_id");
    }
    if note.reference.chars().count() > 210 {
        bad("reference");
    }
    if !(1..=999_999_999_999).contains(&note.amount_vnd) {
        bad("amount_vnd");
    }
    if OffsetDateTime::parse(&note.paid_at, &Rfc3339).is_err() {
        bad("paid_at");
    }
    if note.bin.len() != 6 || !note.bin.bytes().all(|b| b.is_ascii_digit()) {
        bad("bin");
    }
    if note.account_number.is_empty()
        || note.account_number.len() > 19
        || !note
            .account_number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    {
        bad("account_number");
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "Thông báo thanh toán không đúng định dạng",
            "The payment notification is malformed",
        )
        .with_issues(issues))
    }
}

/// Acts on a checked notification once per transaction id: the first
/// answer, and whether it is a replay.
pub(super) async fn notified(
    portal: &Portal,
    note: PaymentNotification,
) -> Result<(PaymentNotificationResult, bool), ApiError> {
    let _lock = portal.dossiers.exclusive().await;
    if let Some(first) = portal
        .db
        .get::<PaymentNotificationResult>(TRANSACTIONS, &note.transaction_id)?
    {
        return Ok((first, true));
    }
    let now = portal.clock.now();
    let unmatched = PaymentNotificationResult {
        transaction_id: note.transaction_id.clone(),
        outcome: NotificationOutcome::Unmatched,
        dossier_code: None,
        request: None,
    };
    let on_our_account = note.bin == portal.config.collecting_account.bin
        && note.account_number == portal.config.collecting_account.account_number;
    let mut found = None;
    if on_our_account {
        for reference in hoso_core::pay::reference::references_in(&note.reference) {
            if let Some(code) = portal.db.get::<String>(REFERENCES, &reference)? {
                found = Some((reference, code));
                break;
            }
        }
    }
    let (result, mut writes) = match found {
        None => (unmatched, Vec::new()),
        Some((reference, code)) => match store::get(&portal.db, &code)? {
            None => (unmatched, Vec::new()),
            Some(mut record) => {
                let outcome = credit(portal, &mut record, &reference, &note, now)?;
                let request = record
                    .payments
                    .iter()
                    .find(|p| p.reference == reference)
                    .cloned();
                let writes = store::changed(&portal.db, &record)?;
                (
                    PaymentNotificationResult {
                        transaction_id: note.transaction_id.clone(),
                        outcome,
                        dossier_code: Some(record.code.clone()),
                        request,
                    },
                    writes,
                )
            }
        },
    };
    writes.push(Write::put(
        TRANSACTIONS,
        note.transaction_id.clone(),
        &result,
    ));
    portal.db.commit(&writes)?;
    Ok((result, false))
}

/// Whether `now` is past an RFC 3339 expiry (one that cannot be read has
/// passed: the portal wrote it, so it is damaged).
fn past(expires_at: &str, now: OffsetDateTime) -> bool {
    OffsetDateTime::parse(expires_at, &Rfc3339).map_or(true, |at| now > at)
}

/// Adds the notified money to the request with `reference` on `record`;
/// money for a request unpaid past its expiry is not counted.
fn credit(
    portal: &Portal,
    record: &mut DossierRecord,
    reference: &str,
    note: &PaymentNotification,
    now: OffsetDateTime,
) -> Result<NotificationOutcome, ApiError> {
    let (code, agency) = (record.code.clone(), record.receiving_agency.code.clone());
    let Some(request) = record
        .payments
        .iter_mut()
        .find(|p| p.reference == reference)
    else {
        return Ok(NotificationOutcome::Unmatched);
    };
    request.paid_vnd = request.paid_vnd.saturating_add(note.amount_vnd);
    let open = matches!(
        request.status,
        PaymentStatus::Pending | PaymentStatus::PartlyPaid
    );
    if open && past(&request.expires_at, now) {
        request.status = PaymentStatus::Expired;
    }
    if request.status == PaymentStatus::Expired {
        // Nothing received for an expired request counts: all of it goes
        // back.
        request.refund_due_vnd = request.paid_vnd;
        return Ok(NotificationOutcome::Expired);
    }
    if request.status == PaymentStatus::Paid {
        request.refund_due_vnd = request.refund_due_vnd.saturating_add(note.amount_vnd);
        return Ok(NotificationOutcome::AlreadyPaid);
    }
    if request.paid_vnd < request.amount_vnd {
        request.status = PaymentStatus::PartlyPaid;
        return Ok(NotificationOutcome::PartlyPaid);
    }
    request.status = PaymentStatus::Paid;
    request.refund_due_vnd = request.paid_vnd.saturating_sub(request.amount_vnd);
    let number = portal.db.next("payment_receipt_seq", "all")?;
    request.receipt = Some(crate::receipt::issue_payment(
        portal,
        crate::receipt::PaymentFields {
            number: format!("BL-{}-{number:06}", now.year()),
            dossier_code: code,
            agency_code: agency,
            reference: reference.to_string(),
            amount_vnd: request.amount_vnd,
            paid_at: now,
            transaction_id: note.transaction_id.clone(),
            collected_by: request.account.account_name.clone(),
        },
    )?);
    let outcome = if request.refund_due_vnd > 0 {
        NotificationOutcome::Overpaid
    } else {
        NotificationOutcome::Paid
    };
    let fee_request = request.kind == PaymentKind::FeeRequest;
    if fee_request && record.status == FEE_REQUESTED {
        status::apply(
            record,
            PROCESSING,
            "Đã nhận thanh toán phí, lệ phí; tiếp tục xử lý hồ sơ".into(),
            HistoryActor::System,
            None,
            now,
        );
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_core::pay::reference::references_in;

    #[test]
    fn references_hold_the_dossier_code_in_letters_and_digits() {
        assert_eq!(reference("H40.22-261207-0001", 1), "HSH4022261207000101");
        assert_eq!(
            references_in("CT DEN:1234 hsh4022261207000101 chuyen tien le phi"),
            ["HSH4022261207000101"]
        );
        assert!(references_in("chuyen tien").is_empty());
        assert!(references_in(&"HS".repeat(100)).is_empty());
    }
}
