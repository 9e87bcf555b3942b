//! The NAPAS VietQR payload: EMVCo Merchant-Presented Mode QR as NAPAS
//! specifies it for NAPAS 247 fast transfers to an account or a card
//! ("Technical Specifications on NAPAS QR Switching, Part IV: QR Code
//! Format", v1.5.2, sections 5 and 6.3).
//!
//! A payload is a run of data objects (`tlv`): a 2-digit tag, a 2-digit
//! length (01–99, in characters) and the value; tags 38 and 62 are
//! templates holding objects of their own. [`encode`] writes the tags in
//! ascending order; [`decode`] reads any order, checks the CRC
//! ([`crc16_ccitt_false`], over the whole payload up to and including
//! `6304`) and every field it reads, keeps nothing it does not understand
//! and refuses the rest with a typed error.

mod crc;
mod decode;
mod encode;
mod tags;
mod tlv;

pub use crc::crc16_ccitt_false;
pub use decode::decode;
pub use encode::encode;

/// The longest payload `decode` reads, in bytes: refused before parsing.
/// A NAPAS 247 transfer with every field hoso writes at its longest is
/// under 300.
pub const MAX_PAYLOAD_BYTES: usize = 512;
