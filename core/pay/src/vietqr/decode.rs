//! Reading a VietQR payload as a validator: every payload is hostile. In
//! order: the size (at most [`MAX_PAYLOAD_BYTES`], before anything is
//! parsed), the EMVCo start (`000201`), no control or invisible
//! characters, the data objects (`tlv`), the CRC (the last object, 4
//! uppercase hex digits, over everything before it), then each field hoso
//! reads, by the same rules a [`Payment`] is made with. Tags it does not
//! read are ignored, once their characters are checked against their
//! format. Nothing here indexes, unwraps or does unchecked arithmetic on
//! what the payload says.

use super::crc::crc16_ccitt_false;
use super::tags;
use super::tlv::{self, Object};
use super::MAX_PAYLOAD_BYTES;
use crate::charset::{is_common, is_hidden};
use crate::error::{Scope, VietQrError};
use crate::payment::{Payment, Service, MAX_AMOUNT};

/// The payment a VietQR payload for a NAPAS 247 transfer describes.
pub fn decode(payload: &str) -> Result<Payment, VietQrError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(VietQrError::TooLong {
            bytes: payload.len(),
            max: MAX_PAYLOAD_BYTES,
        });
    }
    if !payload.starts_with("000201") {
        return Err(VietQrError::NotEmv);
    }
    if payload.chars().any(is_hidden) {
        return Err(VietQrError::BadCharacter);
    }
    let chars: Vec<char> = payload.chars().collect();
    let root = tlv::read(&chars, Scope::Root)?;
    check_crc(payload, &root)?;
    for object in &root {
        check_format(object)?;
    }

    match value(&root, tags::INITIATION).as_deref() {
        Some(tags::STATIC | tags::DYNAMIC) => {}
        _ => return Err(VietQrError::BadInitiation),
    }
    let account = tlv::find(&root, tags::MERCHANT_ACCOUNT).ok_or(VietQrError::NotVietQr)?;
    let account = tlv::read(account, Scope::MerchantAccount)?;
    if value(&account, tags::GUID).as_deref() != Some(tags::NAPAS_GUID) {
        return Err(VietQrError::NotVietQr);
    }
    let service = value(&account, tags::SERVICE)
        .and_then(|code| Service::from_code(&code))
        .ok_or(VietQrError::BadService)?;
    let beneficiary = tlv::find(&account, tags::BENEFICIARY).ok_or(VietQrError::BadBin)?;
    let beneficiary = tlv::read(beneficiary, Scope::Beneficiary)?;
    let bin = value(&beneficiary, tags::BIN).ok_or(VietQrError::BadBin)?;
    let number = value(&beneficiary, tags::ACCOUNT).ok_or(VietQrError::BadAccount)?;
    let mut payment = Payment::new(&bin, service, &number)?;

    if value(&root, tags::CURRENCY).as_deref() != Some(tags::DONG) {
        return Err(VietQrError::BadCurrency);
    }
    if value(&root, tags::COUNTRY).as_deref() != Some(tags::VIETNAM) {
        return Err(VietQrError::BadCountry);
    }
    if let Some(amount) = tlv::find(&root, tags::AMOUNT) {
        payment = payment.with_amount(dong(amount)?)?;
    }
    if let Some(mcc) = value(&root, tags::MCC) {
        payment = payment.with_mcc(&mcc)?;
    }
    if let Some(name) = value(&root, tags::MERCHANT_NAME) {
        payment = payment.with_merchant_name(&name)?;
    }
    if let Some(city) = value(&root, tags::MERCHANT_CITY) {
        payment = payment.with_merchant_city(&city)?;
    }
    if let Some(additional) = tlv::find(&root, tags::ADDITIONAL_DATA) {
        let additional = tlv::read(additional, Scope::AdditionalData)?;
        for object in &additional {
            check_additional_format(object)?;
        }
        if let Some(bill) = value(&additional, tags::BILL_NUMBER) {
            payment = payment.with_bill_number(&bill)?;
        }
        if let Some(label) = value(&additional, tags::REFERENCE_LABEL) {
            payment = payment.with_reference_label(&label)?;
        }
        if let Some(purpose) = value(&additional, tags::PURPOSE) {
            payment = payment.with_purpose(&purpose)?;
        }
    }
    Ok(payment)
}

/// The CRC must be the last object, 4 uppercase hex digits, and the
/// checksum of every byte before its value.
fn check_crc(payload: &str, root: &[Object<'_>]) -> Result<(), VietQrError> {
    let last = root.last().ok_or(VietQrError::CrcMissing)?;
    if last.tag != tags::CRC {
        return Err(VietQrError::CrcMissing);
    }
    let [a, b, c, d] = last.value else {
        return Err(VietQrError::BadLength(Scope::Root));
    };
    let mut stated: u16 = 0;
    for digit in [a, b, c, d] {
        // Uppercase only: a lowercase CRC is not the one NAPAS specifies.
        let nibble = match digit {
            '0'..='9' | 'A'..='F' => digit.to_digit(16),
            _ => None,
        }
        .and_then(|n| u16::try_from(n).ok())
        .ok_or(VietQrError::CrcMismatch)?;
        stated = (stated << 4) | nibble;
    }
    // The value's 4 characters are ASCII: the covered bytes end 4 bytes
    // before the payload does.
    let covered = payload
        .len()
        .checked_sub(4)
        .and_then(|end| payload.as_bytes().get(..end))
        .ok_or(VietQrError::CrcMissing)?;
    if crc16_ccitt_false(covered) != stated {
        return Err(VietQrError::CrcMismatch);
    }
    Ok(())
}

/// The characters a top-level object's value may hold, by its format in
/// EMVCo's and NAPAS's tables: "S" (any text) for the merchant account
/// templates (02–51), the alternate-language template (64) and the
/// unreserved templates (80–99); the common set for every other tag. (The
/// fields hoso reads are checked more closely afterwards.)
fn check_format(object: &Object<'_>) -> Result<(), VietQrError> {
    let any_text = matches!(object.tag, 2..=51 | 64 | 80..=99);
    if any_text || object.value.iter().all(|&c| is_common(c)) {
        Ok(())
    } else {
        Err(VietQrError::BadCharacter)
    }
}

/// Likewise in the additional data template: "ans" for 01–49, "S" for the
/// payment-system templates 50–99.
fn check_additional_format(object: &Object<'_>) -> Result<(), VietQrError> {
    if object.tag >= 50 || object.value.iter().all(|&c| is_common(c)) {
        Ok(())
    } else {
        Err(VietQrError::BadCharacter)
    }
}

/// The value tagged `tag`, as text.
fn value(objects: &[Object<'_>], tag: u8) -> Option<String> {
    tlv::find(objects, tag).map(|chars| chars.iter().collect())
}

/// An amount in whole dong: digits, no leading zero, more than zero, and
/// at most one `.` at the end (EMVCo allows the mark without decimals; the
/// dong has none). Checked arithmetic throughout.
fn dong(value: &[char]) -> Result<u64, VietQrError> {
    // EMVCo: tag 54 is at most 13 characters.
    if value.len() > 13 {
        return Err(VietQrError::BadAmount);
    }
    let digits = match value {
        [digits @ .., '.'] => digits,
        digits => digits,
    };
    if digits.first() == Some(&'0') {
        return Err(VietQrError::BadAmount);
    }
    let mut amount: u64 = 0;
    for c in digits {
        let digit = c.to_digit(10).ok_or(VietQrError::BadAmount)?;
        amount = amount
            .checked_mul(10)
            .and_then(|a| a.checked_add(u64::from(digit)))
            .ok_or(VietQrError::BadAmount)?;
    }
    if !(1..=MAX_AMOUNT).contains(&amount) {
        return Err(VietQrError::BadAmount);
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn amounts_are_whole_dong() {
        assert_eq!(dong(&chars("180000")), Ok(180_000));
        assert_eq!(dong(&chars("50000.")), Ok(50_000));
        assert_eq!(dong(&chars("9999999999999")), Ok(MAX_AMOUNT));
        for bad in [
            "0",
            "0.",
            "000",
            "050000",
            ".",
            "50000.0",
            "50.000",
            "50 000",
            "-5",
            "+5",
            "5e3",
            "1.5",
            "99999999999999999999999",
            "9999999999999.",
            "١٢",
        ] {
            assert_eq!(dong(&chars(bad)), Err(VietQrError::BadAmount), "{bad}");
        }
    }
}
