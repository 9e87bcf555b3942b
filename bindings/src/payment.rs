//! Fees through the binding (issue #23): a dossier's payment requests as
//! they stand now, with the VietQR to pay (offline) and the electronic
//! receipt verified; a scanned VietQR checked before paying. What may be
//! paid is `hoso_core::payments`'s; this module converts.

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::receipt::{verdict_info, VerdictInfo};
use crate::to_i64;
use hoso_core::clock::unix_now;
use hoso_core::payments;

/// One payment request of a dossier as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DuePayment {
    /// Its place among the dossier's requests, from 1.
    pub number: i32,
    /// `filing` (the channel's fee) or `fee_request` (an officer's, status 6).
    pub kind: String,
    /// `to_pay`, `partly_paid`, `paid` or `expired`.
    pub state: String,
    pub amount_vnd: i64,
    pub paid_vnd: i64,
    /// Still to pay (0 once paid or expired).
    pub left_vnd: i64,
    /// To be refunded (paid beyond the amount, or after expiry).
    pub refund_due_vnd: i64,
    /// The transfer's message: the payer's bank app must keep it.
    pub reference: String,
    pub bank_bin: String,
    /// The bank's short name, when known.
    pub bank_name: Option<String>,
    pub account_number: String,
    pub account_name: String,
    /// RFC 3339.
    pub requested_at: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The VietQR payload for what is left, only while it can be paid
    /// (draw it with `writeQrPng`).
    pub vietqr: Option<String>,
    /// The electronic receipt, once paid.
    pub receipt: Option<PaymentReceiptInfo>,
}

/// An electronic receipt (biên lai điện tử) and its offline verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentReceiptInfo {
    /// The receipt's number.
    pub number: String,
    pub amount_vnd: i64,
    /// RFC 3339.
    pub paid_at: String,
    pub transaction_id: String,
    pub collected_by: String,
    /// Checked against the signing keys held and against its request.
    pub verdict: VerdictInfo,
}

/// A dossier's payment requests, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierPayments {
    pub dossier_code: String,
    pub procedure_code: String,
    pub payments: Vec<DuePayment>,
    /// Every request paid (or none asked).
    pub settled: bool,
    /// Unix seconds of the last check with the portal.
    pub checked_at: i64,
}

/// What a scanned VietQR asks, checked before paying it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransferCheck {
    pub bank_bin: String,
    pub bank_name: Option<String>,
    /// `account` or `card`.
    pub to: String,
    pub account: String,
    pub amount_vnd: Option<i64>,
    pub purpose: Option<String>,
    /// The dossier on this device whose request it names, if any.
    pub dossier_code: Option<String>,
    /// That request's number.
    pub request_number: Option<i32>,
    /// `payable`, `unknown` (no dossier here: check the payee yourself),
    /// `already_paid`, `expired` or `mismatch` (another account or amount).
    pub advice: String,
    /// Paying it is right as far as this device can tell.
    pub may_pay: bool,
    pub message_vi: String,
    pub message_en: String,
}

impl From<payments::DuePayment> for DuePayment {
    fn from(p: payments::DuePayment) -> DuePayment {
        let receipt = match (p.receipt, p.receipt_verdict) {
            (Some(r), Some(v)) => Some(PaymentReceiptInfo {
                number: r.payload.number,
                amount_vnd: to_i64(r.payload.amount_vnd),
                paid_at: r.payload.paid_at,
                transaction_id: r.payload.transaction_id,
                collected_by: r.payload.collected_by,
                verdict: verdict_info(&v),
            }),
            _ => None,
        };
        DuePayment {
            number: crate::to_i32(p.number),
            kind: p.kind.as_str().to_string(),
            state: p.state.code().to_string(),
            amount_vnd: to_i64(p.amount_vnd),
            paid_vnd: to_i64(p.paid_vnd),
            left_vnd: to_i64(p.left_vnd),
            refund_due_vnd: to_i64(p.refund_due_vnd),
            reference: p.reference,
            bank_bin: p.account.bin,
            bank_name: p.bank,
            account_number: p.account.account_number,
            account_name: p.account.account_name,
            requested_at: p.requested_at,
            expires_at: p.expires_at,
            vietqr: p.vietqr,
            receipt,
        }
    }
}

impl From<payments::DossierPayments> for DossierPayments {
    fn from(d: payments::DossierPayments) -> DossierPayments {
        DossierPayments {
            settled: d.settled(),
            dossier_code: d.dossier_code,
            procedure_code: d.procedure_code,
            payments: d.payments.into_iter().map(Into::into).collect(),
            checked_at: d.checked_at,
        }
    }
}

#[uniffi::export]
impl Hoso {
    /// The payment requests of a dossier filed from this device, as of the
    /// last sync and the device's clock: what to pay (with its VietQR, no
    /// network needed), what is paid (with the electronic receipt verified
    /// offline), what expired. A paid or expired request has no VietQR.
    pub fn payments(&self, dossier_code: String) -> Result<DossierPayments, HosoError> {
        let local = &self.state.local;
        let code = hoso_core::receipt::scan::canonical_code(&dossier_code);
        Ok(payments::of_dossier(&local.filed, &local.receipts, &code, unix_now())?.into())
    }

    /// Checks a scanned VietQR (its CRC and fields, and against the fees
    /// asked of dossiers on this device) before anyone pays it. A text that
    /// is not a VietQR is `InvalidInput`.
    pub fn check_payment_qr(&self, text: String) -> Result<TransferCheck, HosoError> {
        let local = &self.state.local;
        let t = payments::check_scanned(&text, &local.filed, &local.receipts, unix_now())?;
        Ok(TransferCheck {
            bank_bin: t.bin,
            bank_name: t.bank,
            to: t.to.to_string(),
            account: t.account,
            amount_vnd: t.amount_vnd.map(to_i64),
            purpose: t.purpose,
            dossier_code: t.request.as_ref().map(|r| r.dossier_code.clone()),
            request_number: t.request.as_ref().map(|r| crate::to_i32(r.number)),
            advice: t.advice.code().to_string(),
            may_pay: t.advice.may_pay(),
            message_vi: t.advice.message_vi().to_string(),
            message_en: t.advice.message_en().to_string(),
        })
    }
}
