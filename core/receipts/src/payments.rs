//! A filed dossier's fees as the phone shows them (issue #23), with no
//! network: each payment request the portal asked, in the state it is in
//! now — to pay (with the VietQR payload for what is left, built from the
//! request so a banking app on any phone can pay it), partly paid, paid
//! (the electronic receipt kept with the dossier and verified offline
//! against the key set held), or expired — and a scanned VietQR checked
//! before anyone pays it, against the requests this device knows.
//!
//! Nothing is paid twice: a request this device holds as paid never gives
//! a payload (the filed store keeps it paid whatever a later answer says),
//! and neither does one past its expiry.

use crate::filed::{FiledDossiers, FiledError, TrackedDossier};
use crate::receipt::{verify_payment, FormatError, KeySet, ReceiptStoreError, Receipts, Verdict};
use hoso_pay::vietqr;
use hoso_pay::{Payment, Service, VietQrError};
use hoso_store::error::{Classified, ErrorKind};
use hoso_wire::{CollectingAccount, PaymentKind, PaymentReceipt, PaymentRequest, PaymentStatus};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where a payment request is, for the person who owes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Nothing has arrived: pay the amount.
    ToPay,
    /// Some has arrived, not all: pay what is left.
    PartlyPaid,
    /// Paid: the receipt is held.
    Paid,
    /// Its time ran out unpaid: do not pay it (the officer asks again;
    /// what arrived is refunded).
    Expired,
}

impl PaymentState {
    /// A stable code apps and scripts switch on (as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            PaymentState::ToPay => "to_pay",
            PaymentState::PartlyPaid => "partly_paid",
            PaymentState::Paid => "paid",
            PaymentState::Expired => "expired",
        }
    }
}

/// One payment request of a dossier as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuePayment {
    /// Its place among the dossier's requests, from 1.
    pub number: usize,
    pub kind: PaymentKind,
    pub state: PaymentState,
    pub amount_vnd: u64,
    pub paid_vnd: u64,
    /// What is still to pay (0 once paid or expired).
    pub left_vnd: u64,
    /// Paid beyond what was asked, or after expiry: to be refunded.
    pub refund_due_vnd: u64,
    /// The transfer's message: the payer's bank app must keep it.
    pub reference: String,
    pub account: CollectingAccount,
    /// The collecting bank's short name, when the bank table knows its BIN.
    pub bank: Option<String>,
    pub requested_at: String,
    pub expires_at: String,
    /// The NAPAS VietQR payload for what is left, only while it can be
    /// paid.
    pub vietqr: Option<String>,
    /// The electronic receipt, once paid.
    pub receipt: Option<PaymentReceipt>,
    /// The receipt checked offline against the key set held, and against
    /// the request it should receipt (dossier, reference, amount).
    pub receipt_verdict: Option<Verdict>,
}

/// A dossier's payment requests, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierPayments {
    pub dossier_code: String,
    pub procedure_code: String,
    pub payments: Vec<DuePayment>,
    /// Unix seconds the dossier was last brought up to date with the
    /// portal (the states are as of then, and of expiry now).
    pub checked_at: i64,
}

impl DossierPayments {
    /// The request to pay now: the first that can still be paid.
    pub fn payable(&self) -> Option<&DuePayment> {
        self.payments.iter().find(|p| p.vietqr.is_some())
    }

    /// Nothing is left to pay (every request paid, or none asked).
    pub fn settled(&self) -> bool {
        self.payments.iter().all(|p| p.state == PaymentState::Paid)
    }
}

/// What a scanned VietQR asks, checked before anyone pays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannedTransfer {
    pub bin: String,
    /// The bank's short name, when the bank table knows the BIN.
    pub bank: Option<String>,
    /// `account` or `card`.
    pub to: &'static str,
    pub account: String,
    pub amount_vnd: Option<u64>,
    pub purpose: Option<String>,
    /// The request of a dossier on this device the transfer names, if any.
    pub request: Option<MatchedRequest>,
    pub advice: TransferAdvice,
}

/// The request of a dossier on this device that a scanned transfer names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedRequest {
    pub dossier_code: String,
    pub number: usize,
    pub state: PaymentState,
    pub left_vnd: u64,
}

/// Whether to pay a scanned transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferAdvice {
    /// It pays what is left of a request on this device, to its account.
    Payable,
    /// A well-formed transfer this device knows nothing of: check the
    /// payee and the amount yourself.
    Unknown,
    /// It names a request already paid: do not pay again.
    AlreadyPaid,
    /// It names a request past its expiry: do not pay it.
    Expired,
    /// It names a request but not its account or what is left of it: do
    /// not pay it (altered, or an old code).
    Mismatch,
}

impl TransferAdvice {
    /// A stable code apps and scripts switch on.
    pub fn code(self) -> &'static str {
        match self {
            TransferAdvice::Payable => "payable",
            TransferAdvice::Unknown => "unknown",
            TransferAdvice::AlreadyPaid => "already_paid",
            TransferAdvice::Expired => "expired",
            TransferAdvice::Mismatch => "mismatch",
        }
    }

    /// Whether paying it is right as far as this device can tell.
    pub fn may_pay(self) -> bool {
        matches!(self, TransferAdvice::Payable | TransferAdvice::Unknown)
    }

    /// The advice in Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            TransferAdvice::Payable => {
                "Mã QR khớp yêu cầu thanh toán của hồ sơ trên máy này: có thể chuyển khoản."
            }
            TransferAdvice::Unknown => {
                "Mã VietQR hợp lệ nhưng không thuộc hồ sơ nào trên máy này: hãy tự kiểm tra người nhận và số tiền."
            }
            TransferAdvice::AlreadyPaid => {
                "Yêu cầu này đã được thanh toán: KHÔNG chuyển khoản lần nữa."
            }
            TransferAdvice::Expired => {
                "Yêu cầu này đã hết hạn: KHÔNG chuyển khoản; cơ quan sẽ yêu cầu lại."
            }
            TransferAdvice::Mismatch => {
                "Mã QR không khớp tài khoản hoặc số tiền của yêu cầu: KHÔNG chuyển khoản."
            }
        }
    }

    /// The advice in English.
    pub fn message_en(self) -> &'static str {
        match self {
            TransferAdvice::Payable => {
                "The QR matches a payment request of a dossier on this device: it can be paid."
            }
            TransferAdvice::Unknown => {
                "A valid VietQR, but of no dossier on this device: check the payee and the amount yourself."
            }
            TransferAdvice::AlreadyPaid => "This request is already paid: do NOT pay it again.",
            TransferAdvice::Expired => {
                "This request has expired: do NOT pay it; the agency will ask again."
            }
            TransferAdvice::Mismatch => {
                "The QR does not match the request's account or amount: do NOT pay it."
            }
        }
    }
}

/// Why a dossier's payments could not be shown, or a VietQR checked.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    #[error(
        "hồ sơ {shown} không có trên máy này / dossier {shown} is not on this device",
        shown = crate::text::shown_if_identifier(.0)
    )]
    UnknownDossier(String),
    #[error(
        "yêu cầu thanh toán {reference} của cổng không tạo được mã VietQR / the portal's payment request {reference} cannot be made a VietQR: {source}"
    )]
    Unpayable {
        reference: String,
        source: VietQrError,
    },
    #[error(transparent)]
    Scanned(VietQrError),
    #[error(transparent)]
    Filed(#[from] FiledError),
    #[error(transparent)]
    Receipts(#[from] ReceiptStoreError),
}

impl Classified for PaymentsError {
    fn kind(&self) -> ErrorKind {
        match self {
            PaymentsError::UnknownDossier(_) => ErrorKind::NotFound,
            PaymentsError::Unpayable { .. } => ErrorKind::Portal,
            PaymentsError::Scanned(e) => e.kind(),
            PaymentsError::Filed(e) => e.kind(),
            PaymentsError::Receipts(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            PaymentsError::UnknownDossier(_) => "unknown_dossier",
            PaymentsError::Unpayable { .. } => "unpayable_request",
            PaymentsError::Scanned(e) => e.code(),
            PaymentsError::Filed(e) => e.code(),
            PaymentsError::Receipts(e) => e.error_code(),
        }
    }
}

/// The payments of the dossier `code` filed from (or followed on) this
/// device, as they stand at `now` (Unix seconds).
pub fn of_dossier(
    filed: &FiledDossiers,
    receipts: &Receipts,
    code: &str,
    now: i64,
) -> Result<DossierPayments, PaymentsError> {
    let dossier = filed
        .get(code)?
        .ok_or_else(|| PaymentsError::UnknownDossier(code.to_string()))?;
    of(&dossier, &receipts.key_set()?, now)
}

/// `dossier`'s payments at `now`, receipts verified against `keys`.
pub fn of(
    dossier: &TrackedDossier,
    keys: &KeySet,
    now: i64,
) -> Result<DossierPayments, PaymentsError> {
    let payments = dossier
        .payments
        .iter()
        .enumerate()
        .map(|(i, request)| due(&dossier.code, i + 1, request, keys, now))
        .collect::<Result<_, _>>()?;
    Ok(DossierPayments {
        dossier_code: dossier.code.clone(),
        procedure_code: dossier.procedure_code.clone(),
        payments,
        checked_at: dossier.checked_at,
    })
}

/// Whether a request is past its expiry at `now`; one whose expiry cannot
/// be read is taken as past (better not pay than pay what may be refused).
fn past(expires_at: &str, now: i64) -> bool {
    OffsetDateTime::parse(expires_at, &Rfc3339).map_or(true, |at| now > at.unix_timestamp())
}

/// The state of `request` at `now`.
fn state_of(request: &PaymentRequest, now: i64) -> PaymentState {
    match request.status {
        PaymentStatus::Paid => PaymentState::Paid,
        PaymentStatus::Expired => PaymentState::Expired,
        _ if past(&request.expires_at, now) => PaymentState::Expired,
        PaymentStatus::PartlyPaid => PaymentState::PartlyPaid,
        PaymentStatus::Pending => PaymentState::ToPay,
    }
}

fn due(
    dossier_code: &str,
    number: usize,
    request: &PaymentRequest,
    keys: &KeySet,
    now: i64,
) -> Result<DuePayment, PaymentsError> {
    let state = state_of(request, now);
    let open = matches!(state, PaymentState::ToPay | PaymentState::PartlyPaid);
    let left_vnd = if open {
        request.amount_vnd.saturating_sub(request.paid_vnd)
    } else {
        0
    };
    let vietqr = if left_vnd > 0 {
        Some(
            payload(request, left_vnd).map_err(|source| PaymentsError::Unpayable {
                reference: request.reference.clone(),
                source,
            })?,
        )
    } else {
        None
    };
    let receipt_verdict = request
        .receipt
        .as_ref()
        .map(|r| receipt_verdict(dossier_code, request, r, keys));
    Ok(DuePayment {
        number,
        kind: request.kind,
        state,
        amount_vnd: request.amount_vnd,
        paid_vnd: request.paid_vnd,
        left_vnd,
        refund_due_vnd: request.refund_due_vnd,
        reference: request.reference.clone(),
        bank: hoso_pay::bank_by_bin(&request.account.bin).map(|b| b.short_name().to_string()),
        account: request.account.clone(),
        requested_at: request.requested_at.clone(),
        expires_at: request.expires_at.clone(),
        vietqr,
        receipt: request.receipt.clone(),
        receipt_verdict,
    })
}

/// The VietQR payload paying `left_vnd` of `request`.
fn payload(request: &PaymentRequest, left_vnd: u64) -> Result<String, VietQrError> {
    let payment = Payment::new(
        &request.account.bin,
        Service::Account,
        &request.account.account_number,
    )?
    .with_amount(left_vnd)?
    .with_purpose(&request.reference)?;
    Ok(vietqr::encode(&payment))
}

/// The receipt's signature, and whether it receipts this request.
fn receipt_verdict(
    dossier_code: &str,
    request: &PaymentRequest,
    receipt: &PaymentReceipt,
    keys: &KeySet,
) -> Verdict {
    let p = &receipt.payload;
    let wrong = if p.dossier_code.as_str() != dossier_code {
        Some("dossier_code")
    } else if p.reference != request.reference {
        Some("reference")
    } else if p.amount_vnd != request.amount_vnd {
        Some("amount_vnd")
    } else {
        None
    };
    match wrong {
        Some(field) => Verdict::Malformed {
            reason: FormatError::Field(field),
        },
        None => verify_payment(receipt, keys),
    }
}

/// Whether a scanned text is an EMVCo payment payload (a VietQR, or one
/// that claims to be) rather than a receipt, a link or a code.
pub fn is_payment_qr(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with("000201")
}

/// Checks a scanned VietQR (hostile: decoded by the validator) against
/// the payment requests of the dossiers on this device at `now`.
pub fn check_scanned(
    text: &str,
    filed: &FiledDossiers,
    receipts: &Receipts,
    now: i64,
) -> Result<ScannedTransfer, PaymentsError> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let payment = vietqr::decode(text).map_err(PaymentsError::Scanned)?;
    let keys = receipts.key_set()?;
    let mut found = None;
    if let Some(purpose) = payment.purpose() {
        // Read as the portal reads a transfer's message.
        let words = hoso_pay::reference::references_in(purpose);
        'dossiers: for dossier in filed.all()? {
            for (i, request) in dossier.payments.iter().enumerate() {
                if words.contains(&request.reference) {
                    found = Some((
                        due(&dossier.code, i + 1, request, &keys, now)?,
                        dossier.code,
                    ));
                    break 'dossiers;
                }
            }
        }
    }
    let (request, advice) = match found {
        None => (None, TransferAdvice::Unknown),
        Some((due, dossier_code)) => {
            let advice = match due.state {
                PaymentState::Paid => TransferAdvice::AlreadyPaid,
                PaymentState::Expired => TransferAdvice::Expired,
                PaymentState::ToPay | PaymentState::PartlyPaid => {
                    let to_account = payment.bin() == due.account.bin
                        && payment.account() == due.account.account_number
                        && payment.service() == Service::Account;
                    if to_account && payment.amount() == Some(due.left_vnd) {
                        TransferAdvice::Payable
                    } else {
                        TransferAdvice::Mismatch
                    }
                }
            };
            let matched = MatchedRequest {
                dossier_code,
                number: due.number,
                state: due.state,
                left_vnd: due.left_vnd,
            };
            (Some(matched), advice)
        }
    };
    Ok(ScannedTransfer {
        bin: payment.bin().to_string(),
        bank: payment.bank().map(|b| b.short_name().to_string()),
        to: match payment.service() {
            Service::Account => "account",
            Service::Card => "card",
        },
        account: payment.account().to_string(),
        amount_vnd: payment.amount(),
        purpose: payment.purpose().map(str::to_string),
        request,
        advice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: PaymentStatus, paid: u64, expires_at: &str) -> PaymentRequest {
        PaymentRequest {
            kind: PaymentKind::Filing,
            amount_vnd: 35_000,
            paid_vnd: paid,
            status,
            account: CollectingAccount {
                bin: "970418".into(),
                account_number: "3711000000001".into(),
                account_name: "KBNN".into(),
            },
            reference: "HSH4022261207000101".into(),
            requested_at: "2026-12-07T03:00:00Z".into(),
            expires_at: expires_at.into(),
            refund_due_vnd: 0,
            receipt: None,
        }
    }

    const NOW: i64 = 1_796_612_400; // 2026-12-07T03:00:00Z

    #[test]
    fn only_an_open_unexpired_request_gives_a_payload_for_what_is_left() {
        let keys = KeySet::default();
        let open = request(PaymentStatus::PartlyPaid, 5_000, "2026-12-10T03:00:00Z");
        let d = due("H40.22-261207-0001", 1, &open, &keys, NOW).unwrap();
        assert_eq!((d.state, d.left_vnd), (PaymentState::PartlyPaid, 30_000));
        let payment = vietqr::decode(d.vietqr.as_deref().unwrap()).unwrap();
        assert_eq!(payment.amount(), Some(30_000));
        assert_eq!(payment.purpose(), Some("HSH4022261207000101"));
        assert_eq!(payment.account(), "3711000000001");
        assert_eq!(d.bank.as_deref(), Some("BIDV"));

        let late = due("H40.22-261207-0001", 1, &open, &keys, NOW + 4 * 86_400).unwrap();
        assert_eq!((late.state, late.vietqr), (PaymentState::Expired, None));
        let unreadable = request(PaymentStatus::Pending, 0, "soon");
        let d = due("H40.22-261207-0001", 1, &unreadable, &keys, NOW).unwrap();
        assert_eq!((d.state, d.vietqr), (PaymentState::Expired, None));
        // Paid stays paid past its expiry, and never gives a payload.
        let paid = request(PaymentStatus::Paid, 35_000, "2026-12-10T03:00:00Z");
        let d = due("H40.22-261207-0001", 1, &paid, &keys, NOW + 9 * 86_400).unwrap();
        assert_eq!(
            (d.state, d.left_vnd, d.vietqr),
            (PaymentState::Paid, 0, None)
        );
    }

    #[test]
    fn payment_texts_are_told_from_receipts_and_links() {
        assert!(is_payment_qr(" 00020101021238570010A000000727"));
        assert!(!is_payment_qr("HS1:ABC"));
        assert!(!is_payment_qr("https://dichvucong.gov.vn/"));
    }
}
