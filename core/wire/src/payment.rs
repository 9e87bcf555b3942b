//! Fees paid by bank transfer (issue #23): a dossier's payment requests
//! (`PaymentRequest`: what to pay, to which collecting account, under which
//! reference, until when, and how much has arrived), the signed electronic
//! receipt of a paid request (`PaymentReceipt`, biên lai điện tử), the
//! notification a bank or the national payment platform sends when money
//! arrives (`PaymentNotification`, HMAC-signed) and what the portal made
//! of it (`PaymentNotificationResult`).

use crate::keys::Algorithm;
use crate::scalar::{AgencyCode, DossierCode, KeyId};
use serde::{Deserialize, Serialize};

string_enum! {
    /// `PaymentKind`: why a payment is asked for.
    pub enum PaymentKind {
        /// The fee of the procedure's channel, asked at filing.
        Filing = "filing",
        /// An officer's fee request (status 6).
        FeeRequest = "fee_request",
    }
}

string_enum! {
    /// `PaymentStatus`: where a payment request is.
    pub enum PaymentStatus {
        /// Nothing has arrived yet.
        Pending = "pending",
        /// Less than the amount has arrived: not paid.
        PartlyPaid = "partly_paid",
        /// The amount (or more) has arrived; the receipt is issued.
        Paid = "paid",
        /// Its time ran out before it was paid.
        Expired = "expired",
    }
}

/// `CollectingAccount`: where the money goes (the receiving agency's or
/// the State Treasury's account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectingAccount {
    /// The bank's NAPAS BIN (6 digits).
    pub bin: String,
    pub account_number: String,
    pub account_name: String,
}

/// `PaymentRequest`: one payment asked of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    pub kind: PaymentKind,
    pub amount_vnd: u64,
    /// What has arrived so far.
    pub paid_vnd: u64,
    pub status: PaymentStatus,
    pub account: CollectingAccount,
    /// Unique, letters and digits only (bank apps drop other characters
    /// from a transfer's message); holds the dossier code without its
    /// punctuation. The transfer's message (VietQR purpose).
    pub reference: String,
    /// RFC 3339.
    pub requested_at: String,
    /// RFC 3339.
    pub expires_at: String,
    /// Paid beyond the amount, to be refunded.
    pub refund_due_vnd: u64,
    /// The signed receipt once paid, else `null`.
    pub receipt: Option<PaymentReceipt>,
}

/// The electronic receipt format version (`payload.version`).
pub const PAYMENT_RECEIPT_VERSION: u8 = 1;

/// `PaymentReceiptPayload`: the signed fields of an electronic receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceiptPayload {
    /// [`PAYMENT_RECEIPT_VERSION`].
    pub version: u8,
    pub kid: KeyId,
    /// The receipt's number (ký hiệu + số biên lai).
    pub number: String,
    pub dossier_code: DossierCode,
    pub agency_code: AgencyCode,
    pub reference: String,
    /// What was collected for the request.
    pub amount_vnd: u64,
    /// RFC 3339, whole seconds: when the payment was complete.
    pub paid_at: String,
    /// The bank's id of the transfer that completed it.
    pub transaction_id: String,
    /// The collecting account's name.
    pub collected_by: String,
}

/// `PaymentReceipt`: the payload and its Ed25519 signature by the key that
/// signs dossier receipts, over `hoso-payment-receipt/1\n` followed by the
/// payload's canonical JSON (RFC 8785).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceipt {
    pub payload: PaymentReceiptPayload,
    pub alg: Algorithm,
    /// The 64-byte signature, base64url without padding.
    pub signature: String,
}

/// `PaymentNotification` (request to `POST /v1/payments/notifications`):
/// money arrived on the collecting account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentNotification {
    /// The bank's id of the transfer (1–64 characters): a notification is
    /// acted on once per id.
    pub transaction_id: String,
    /// The transfer's message as received.
    pub reference: String,
    pub amount_vnd: u64,
    /// RFC 3339.
    pub paid_at: String,
    /// The account credited.
    pub bin: String,
    pub account_number: String,
}

string_enum! {
    /// `NotificationOutcome`: what a notification did.
    pub enum NotificationOutcome {
        /// The request is paid (exactly).
        Paid = "paid",
        /// The request is paid, with more than asked: the rest is to be
        /// refunded.
        Overpaid = "overpaid",
        /// Less than the amount has arrived so far: not paid.
        PartlyPaid = "partly_paid",
        /// The request was already paid: the money is to be refunded.
        AlreadyPaid = "already_paid",
        /// No request has this reference on this account: kept for
        /// reconciliation.
        Unmatched = "unmatched",
        /// The request's time ran out before it was paid: the money (and
        /// any paid before) is to be refunded; the officer asks again.
        Expired = "expired",
    }
}

/// `PaymentNotificationResult` (response): what the notification did (the
/// same answer again for a repeated transaction id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotificationResult {
    pub transaction_id: String,
    pub outcome: NotificationOutcome,
    /// The dossier the money was for, when matched, else `null`.
    pub dossier_code: Option<DossierCode>,
    /// The request as it is after the notification, when matched.
    pub request: Option<PaymentRequest>,
}

/// `SimulatedPayment` (request to `POST /v1/admin/payments`): the reference
/// portal plays the bank's notification and acts on it as on a signed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulatedPayment {
    pub reference: String,
    pub amount_vnd: u64,
    /// Default: a fresh id.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
}
