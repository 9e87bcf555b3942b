//! The bounds on what a paper prints: the longest text of each field in
//! characters and the most items of each list. Past a bound the paper is
//! refused with a typed error ([`PaperError`](crate::PaperError)); within
//! them every paper is laid out, long text wrapped and the consent form
//! continued on further pages.

/// A person's or a team's name, a commune, a province, an agency.
pub const NAME_CHARS: usize = 200;
/// A phone number as printed (spaces allowed).
pub const PHONE_CHARS: usize = 32;
/// A procedure code, a dossier code, the consent reference (the Portal
/// API's `Consent.reference` is 1–64 characters).
pub const CODE_CHARS: usize = 64;
/// A date as printed.
pub const DATE_CHARS: usize = 40;
/// A procedure name: the national catalog's longest are about 300.
pub const PROCEDURE_NAME_CHARS: usize = 600;
/// One line of the data kept, of what to bring, of who helped.
pub const LINE_CHARS: usize = 300;
/// The lookup link printed under the QR code.
pub const LOOKUP_URL_CHARS: usize = 300;
/// The receipt's QR text: a receipt is at most 165 bytes, 252 characters
/// as `HS1:` text (docs/qr-receipt.md), drawn at QR version 12 or lower.
pub const RECEIPT_QR_CHARS: usize = 400;
/// Procedures one consent covers.
pub const PROCEDURES_MAX: usize = 30;
/// A fee's VietQR payload (NAPAS allows 512 bytes).
pub const PAYMENT_QR_CHARS: usize = 512;
/// Kinds of personal data listed as kept.
pub const DATA_KEPT_MAX: usize = 30;
/// Lines of what to bring.
pub const BRING_MAX: usize = 15;
/// The longest retention, in days (as `Residents::create` accepts).
pub const RETENTION_DAYS_MAX: u32 = 3_650;
