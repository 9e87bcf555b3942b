//! hoso-pay: paying a procedure's fee by bank transfer (issue #23), the
//! parts that need no network and no storage:
//!
//! - [`vietqr`]: the NAPAS VietQR payload, EMVCo Merchant-Presented Mode
//!   as NAPAS profiles it for NAPAS 247 fast transfers to an account or a
//!   card. [`vietqr::encode`] writes a [`Payment`] as a payload;
//!   [`vietqr::decode`] is a validator that treats every payload as
//!   hostile and either gives back a checked [`Payment`] or refuses it with
//!   a typed [`VietQrError`];
//! - [`reference::references_in`]: the payment references a transfer's
//!   message may hold, read one way by the portal and the phone;
//! - the bank table: each bank's NAPAS BIN with its short and full name
//!   (`data/banks.tsv`, generated from a pinned public package by
//!   `data/generate.py`), compiled in and read once ([`bank_by_bin`]).
//!
//! Nothing of hoso is used but the error classification (`hoso-store`).

mod banks;
mod charset;
mod error;
pub mod fee;
mod payment;
pub mod reference;
pub mod vietqr;

pub use banks::{bank_by_bin, Bank};
pub use error::{Field, Scope, VietQrError};
pub use payment::{Payment, Service};
