//! Writing a [`Payment`] as a VietQR payload: the tags in ascending order
//! (00, 01, 38, 52, 53, 54, 58, 59, 60, 62), then the CRC. A payment is
//! checked when it is made, so every field fits its tag and the payload
//! always decodes back to the same payment.

use super::crc::crc16_ccitt_false;
use super::tags;
use super::tlv::write;
use crate::payment::Payment;

/// The VietQR payload of `payment`: dynamic (`12`) when it has an amount,
/// static (`11`) otherwise.
pub fn encode(payment: &Payment) -> String {
    let mut beneficiary = String::new();
    write(&mut beneficiary, tags::BIN, payment.bin());
    write(&mut beneficiary, tags::ACCOUNT, payment.account());

    let mut account = String::new();
    write(&mut account, tags::GUID, tags::NAPAS_GUID);
    write(&mut account, tags::BENEFICIARY, &beneficiary);
    write(&mut account, tags::SERVICE, payment.service().code());

    let mut additional = String::new();
    let texts = [
        (tags::BILL_NUMBER, payment.bill_number()),
        (tags::REFERENCE_LABEL, payment.reference_label()),
        (tags::PURPOSE, payment.purpose()),
    ];
    for (tag, value) in texts {
        if let Some(value) = value {
            write(&mut additional, tag, value);
        }
    }

    let mut out = String::new();
    write(&mut out, tags::FORMAT, tags::FORMAT_VALUE);
    let initiation = match payment.amount() {
        Some(_) => tags::DYNAMIC,
        None => tags::STATIC,
    };
    write(&mut out, tags::INITIATION, initiation);
    write(&mut out, tags::MERCHANT_ACCOUNT, &account);
    if let Some(mcc) = payment.mcc() {
        write(&mut out, tags::MCC, mcc);
    }
    write(&mut out, tags::CURRENCY, tags::DONG);
    if let Some(amount) = payment.amount() {
        write(&mut out, tags::AMOUNT, &amount.to_string());
    }
    write(&mut out, tags::COUNTRY, tags::VIETNAM);
    if let Some(name) = payment.merchant_name() {
        write(&mut out, tags::MERCHANT_NAME, name);
    }
    if let Some(city) = payment.merchant_city() {
        write(&mut out, tags::MERCHANT_CITY, city);
    }
    if !additional.is_empty() {
        write(&mut out, tags::ADDITIONAL_DATA, &additional);
    }
    out.push_str(tags::CRC_HEAD);
    let crc = crc16_ccitt_false(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    out
}
