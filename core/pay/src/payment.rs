//! A payment by NAPAS 247 fast transfer, as a VietQR payload carries it:
//! the beneficiary's bank (BIN) and account or card, the amount when fixed,
//! and the texts shown to the payer. A [`Payment`] is checked when it is
//! made, field by field, by the same rules `decode` holds a payload to, so
//! every payment encodes to a payload that decodes back to it.

use crate::banks::{bank_by_bin, Bank};
use crate::charset::is_common;
use crate::error::{Field, VietQrError};

/// The largest amount a payload can carry: 13 digits (EMVCo's tag 54 is at
/// most 13 characters), in whole dong.
pub(crate) const MAX_AMOUNT: u64 = 9_999_999_999_999;

/// An account number: 1 to 19 characters (NAPAS: the consumer id, "ans"
/// up to 19), letters and digits only.
const ACCOUNT_CHARS: usize = 19;

/// A card number: 8 to 19 digits (ISO/IEC 7812).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 8..=19;

/// The longest texts EMVCo allows: tag 62's sub-tags and the merchant
/// name 25 characters, the merchant city 15.
const TEXT_CHARS: usize = 25;
const CITY_CHARS: usize = 15;

/// What the transfer goes to, and so the service code of tag 38.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// To a bank account (`QRIBFTTA`).
    Account,
    /// To a card (`QRIBFTTC`).
    Card,
}

impl Service {
    /// The NAPAS service code.
    pub fn code(self) -> &'static str {
        match self {
            Service::Account => "QRIBFTTA",
            Service::Card => "QRIBFTTC",
        }
    }

    /// The service a NAPAS service code names, if it is a transfer.
    pub(crate) fn from_code(code: &str) -> Option<Service> {
        match code {
            "QRIBFTTA" => Some(Service::Account),
            "QRIBFTTC" => Some(Service::Card),
            _ => None,
        }
    }
}

/// A checked payment: made by [`Payment::new`] and the `with_…` methods,
/// or by `decode`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Payment {
    bin: String,
    service: Service,
    account: String,
    amount: Option<u64>,
    purpose: Option<String>,
    bill_number: Option<String>,
    reference_label: Option<String>,
    merchant_name: Option<String>,
    merchant_city: Option<String>,
    mcc: Option<String>,
}

impl Payment {
    /// A transfer to `account` (an account number, or a card number for
    /// [`Service::Card`]) at the bank whose NAPAS BIN is `bin` (6 digits),
    /// the amount left to the payer.
    pub fn new(bin: &str, service: Service, account: &str) -> Result<Payment, VietQrError> {
        if !(bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit())) {
            return Err(VietQrError::BadBin);
        }
        let fits = match service {
            Service::Account => {
                (1..=ACCOUNT_CHARS).contains(&account.len())
                    && account.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            Service::Card => {
                CARD_DIGITS.contains(&account.len()) && account.bytes().all(|b| b.is_ascii_digit())
            }
        };
        if !fits {
            return Err(VietQrError::BadAccount);
        }
        Ok(Payment {
            bin: bin.to_string(),
            service,
            account: account.to_string(),
            amount: None,
            purpose: None,
            bill_number: None,
            reference_label: None,
            merchant_name: None,
            merchant_city: None,
            mcc: None,
        })
    }

    /// The amount, in whole dong: 1 to 9,999,999,999,999. A payment with an
    /// amount is encoded as a dynamic QR (`12`), one without as static.
    pub fn with_amount(mut self, dong: u64) -> Result<Payment, VietQrError> {
        if !(1..=MAX_AMOUNT).contains(&dong) {
            return Err(VietQrError::BadAmount);
        }
        self.amount = Some(dong);
        Ok(self)
    }

    /// The purpose of the transfer (the content the beneficiary sees): 1 to
    /// 25 characters of EMVCo's common set (no diacritics).
    pub fn with_purpose(mut self, purpose: &str) -> Result<Payment, VietQrError> {
        self.purpose = Some(text(Field::Purpose, purpose, TEXT_CHARS)?);
        Ok(self)
    }

    /// The bill number: 1 to 25 characters of EMVCo's common set.
    pub fn with_bill_number(mut self, bill_number: &str) -> Result<Payment, VietQrError> {
        self.bill_number = Some(text(Field::BillNumber, bill_number, TEXT_CHARS)?);
        Ok(self)
    }

    /// The reference label: 1 to 25 characters of EMVCo's common set.
    pub fn with_reference_label(mut self, label: &str) -> Result<Payment, VietQrError> {
        self.reference_label = Some(text(Field::ReferenceLabel, label, TEXT_CHARS)?);
        Ok(self)
    }

    /// The beneficiary's name: 1 to 25 characters of EMVCo's common set.
    pub fn with_merchant_name(mut self, name: &str) -> Result<Payment, VietQrError> {
        self.merchant_name = Some(text(Field::MerchantName, name, TEXT_CHARS)?);
        Ok(self)
    }

    /// The beneficiary's city: 1 to 15 characters of EMVCo's common set.
    pub fn with_merchant_city(mut self, city: &str) -> Result<Payment, VietQrError> {
        self.merchant_city = Some(text(Field::MerchantCity, city, CITY_CHARS)?);
        Ok(self)
    }

    /// The merchant category code (ISO 18245): 4 digits.
    pub fn with_mcc(mut self, mcc: &str) -> Result<Payment, VietQrError> {
        if !(mcc.len() == 4 && mcc.bytes().all(|b| b.is_ascii_digit())) {
            return Err(VietQrError::BadMcc);
        }
        self.mcc = Some(mcc.to_string());
        Ok(self)
    }

    /// The beneficiary bank's NAPAS BIN (6 digits).
    pub fn bin(&self) -> &str {
        &self.bin
    }

    /// The beneficiary bank, when the bank table knows its BIN (an unknown
    /// BIN is not an error: banks are added).
    pub fn bank(&self) -> Option<&'static Bank> {
        bank_by_bin(&self.bin)
    }

    /// Whether the transfer goes to an account or a card.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The account number, or the card number for [`Service::Card`].
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The amount in whole dong, when the payload fixes it.
    pub fn amount(&self) -> Option<u64> {
        self.amount
    }

    /// The purpose of the transfer.
    pub fn purpose(&self) -> Option<&str> {
        self.purpose.as_deref()
    }

    /// The bill number.
    pub fn bill_number(&self) -> Option<&str> {
        self.bill_number.as_deref()
    }

    /// The reference label.
    pub fn reference_label(&self) -> Option<&str> {
        self.reference_label.as_deref()
    }

    /// The beneficiary's name.
    pub fn merchant_name(&self) -> Option<&str> {
        self.merchant_name.as_deref()
    }

    /// The beneficiary's city.
    pub fn merchant_city(&self) -> Option<&str> {
        self.merchant_city.as_deref()
    }

    /// The merchant category code.
    pub fn mcc(&self) -> Option<&str> {
        self.mcc.as_deref()
    }
}

/// `value` as a text field: 1 to `max` characters of the common set.
fn text(field: Field, value: &str, max: usize) -> Result<String, VietQrError> {
    // Common characters are one byte each: the byte length is the count.
    if value.is_empty() || value.len() > max || !value.chars().all(is_common) {
        return Err(VietQrError::BadText { field, max });
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_is_checked_field_by_field() {
        assert_eq!(
            Payment::new("97040", Service::Account, "1").unwrap_err(),
            VietQrError::BadBin
        );
        assert_eq!(
            Payment::new("97040a", Service::Account, "1").unwrap_err(),
            VietQrError::BadBin
        );
        assert_eq!(
            Payment::new("970403", Service::Account, "").unwrap_err(),
            VietQrError::BadAccount
        );
        assert_eq!(
            Payment::new("970403", Service::Account, "12345678901234567890").unwrap_err(),
            VietQrError::BadAccount
        );
        assert_eq!(
            Payment::new("970403", Service::Account, "0011 0123").unwrap_err(),
            VietQrError::BadAccount
        );
        assert!(Payment::new("970403", Service::Account, "VQR0011abc").is_ok());
        assert_eq!(
            Payment::new("970403", Service::Card, "970403110A234567").unwrap_err(),
            VietQrError::BadAccount
        );
        assert_eq!(
            Payment::new("970403", Service::Card, "1234567").unwrap_err(),
            VietQrError::BadAccount
        );
        let p = Payment::new("970403", Service::Card, "9704031101234567").unwrap();
        assert_eq!(
            p.clone().with_amount(0).unwrap_err(),
            VietQrError::BadAmount
        );
        assert_eq!(
            p.clone().with_amount(MAX_AMOUNT + 1).unwrap_err(),
            VietQrError::BadAmount
        );
        assert_eq!(
            p.clone().with_amount(MAX_AMOUNT).unwrap().amount(),
            Some(MAX_AMOUNT)
        );
        assert_eq!(p.clone().with_mcc("581").unwrap_err(), VietQrError::BadMcc);
        assert_eq!(
            p.clone().with_purpose("thanh toán").unwrap_err(),
            VietQrError::BadText {
                field: Field::Purpose,
                max: 25
            }
        );
        assert_eq!(
            p.clone()
                .with_merchant_city("HO CHI MINH CITY")
                .unwrap_err(),
            VietQrError::BadText {
                field: Field::MerchantCity,
                max: 15
            }
        );
        assert!(p.clone().with_purpose(&"x".repeat(25)).is_ok());
        assert!(p.clone().with_bill_number(&"x".repeat(26)).is_err());
        assert!(p.clone().with_reference_label("").is_err());
        assert!(p.with_merchant_name("a\tb").is_err());
    }
}
