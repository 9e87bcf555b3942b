//! The tags and fixed values of a NAPAS 247 transfer payload, shared by
//! the encoder and the decoder.

/// Payload format indicator (00): always `01`.
pub(super) const FORMAT: u8 = 0;
pub(super) const FORMAT_VALUE: &str = "01";
/// Point of initiation (01): `11` static (the payer types the amount),
/// `12` dynamic (one payment, with its amount).
pub(super) const INITIATION: u8 = 1;
pub(super) const STATIC: &str = "11";
pub(super) const DYNAMIC: &str = "12";
/// Merchant account information, NAPAS's template (38).
pub(super) const MERCHANT_ACCOUNT: u8 = 38;
/// In 38: the globally unique identifier (00), NAPAS's AID.
pub(super) const GUID: u8 = 0;
pub(super) const NAPAS_GUID: &str = "A000000727";
/// In 38: the beneficiary organisation (01), a template of the bank's BIN
/// (00) and the account or card number (01).
pub(super) const BENEFICIARY: u8 = 1;
pub(super) const BIN: u8 = 0;
pub(super) const ACCOUNT: u8 = 1;
/// In 38: the service code (02).
pub(super) const SERVICE: u8 = 2;
/// Merchant category code (52).
pub(super) const MCC: u8 = 52;
/// Transaction currency (53): the Vietnamese dong, ISO 4217 `704`.
pub(super) const CURRENCY: u8 = 53;
pub(super) const DONG: &str = "704";
/// Transaction amount (54).
pub(super) const AMOUNT: u8 = 54;
/// Country code (58): `VN`.
pub(super) const COUNTRY: u8 = 58;
pub(super) const VIETNAM: &str = "VN";
/// Merchant name (59) and city (60).
pub(super) const MERCHANT_NAME: u8 = 59;
pub(super) const MERCHANT_CITY: u8 = 60;
/// Additional data (62), a template: bill number (01), reference label
/// (05), purpose of transaction (08).
pub(super) const ADDITIONAL_DATA: u8 = 62;
pub(super) const BILL_NUMBER: u8 = 1;
pub(super) const REFERENCE_LABEL: u8 = 5;
pub(super) const PURPOSE: u8 = 8;
/// CRC (63): the last object, 4 uppercase hex digits.
pub(super) const CRC: u8 = 63;
/// The CRC's tag and length, which the checksum covers.
pub(super) const CRC_HEAD: &str = "6304";
