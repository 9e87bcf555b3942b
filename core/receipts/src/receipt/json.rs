//! The JSON receipt (`Receipt` in `docs/portal-api.yaml`): the same signed
//! fields as the binary payload, with `signature` in base64url and the QR
//! text beside them. Reading trusts only `payload` and `signature`; the
//! `qr` field is the same bytes again and is ignored.

use super::format::{FormatError, ReceiptPayload, SignedReceipt, FORMAT_VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hoso_wire::{Algorithm, Receipt};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// `2026-11-24`.
pub(crate) fn date_text(d: Date) -> String {
    d.format(DATE)
        .unwrap_or_else(|_| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

/// The lookup token as it travels in JSON and URLs.
pub fn token_text(token: &[u8; 16]) -> String {
    B64URL.encode(token)
}

/// A lookup token from its base64url text, if it is one.
pub(crate) fn token_from_text(text: &str) -> Option<[u8; 16]> {
    B64URL
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
}

/// The receipt fields a malformed JSON receipt can name.
const FIELDS: &[&str] = &[
    "payload",
    "version",
    "kid",
    "dossier_code",
    "procedure_code",
    "agency_code",
    "issued_at",
    "appointment_date",
    "fee_vnd",
    "lookup_token",
    "alg",
    "signature",
    "qr",
];

impl SignedReceipt {
    /// The JSON receipt (`Receipt`), as the wire carries it.
    pub fn to_wire(&self) -> Result<Receipt, FormatError> {
        let p = &self.payload;
        let issued_at = p
            .issued_at_time()?
            .format(&Rfc3339)
            .map_err(|_| FormatError::Field("issued_at"))?;
        Ok(Receipt {
            payload: hoso_wire::ReceiptPayload {
                version: FORMAT_VERSION,
                kid: p.kid.clone(),
                dossier_code: p.dossier_code.clone(),
                procedure_code: p.procedure_code.clone(),
                agency_code: p.agency_code.clone(),
                issued_at,
                appointment_date: date_text(p.appointment_date),
                fee_vnd: p.fee_vnd,
                lookup_token: token_text(&p.lookup_token),
            },
            alg: Algorithm::EdDsa,
            signature: B64URL.encode(self.signature),
            qr: self.qr_text()?,
        })
    }

    /// The JSON receipt as a JSON value.
    pub fn to_json(&self) -> Result<serde_json::Value, FormatError> {
        serde_json::to_value(self.to_wire()?).map_err(|_| FormatError::Field("payload"))
    }

    /// Reads a wire receipt's `payload` and `signature` (its `qr` is the
    /// same bytes again and is not trusted).
    pub fn from_wire(receipt: &Receipt) -> Result<SignedReceipt, FormatError> {
        let p = &receipt.payload;
        if p.version != FORMAT_VERSION {
            return Err(FormatError::Version(p.version));
        }
        let issued_at = OffsetDateTime::parse(&p.issued_at, &Rfc3339)
            .ok()
            .and_then(|t| u64::try_from(t.unix_timestamp()).ok())
            .ok_or(FormatError::Field("issued_at"))?;
        let appointment_date = Date::parse(&p.appointment_date, DATE)
            .map_err(|_| FormatError::Field("appointment_date"))?;
        let lookup_token =
            token_from_text(&p.lookup_token).ok_or(FormatError::Field("lookup_token"))?;
        let signature = B64URL
            .decode(&receipt.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or(FormatError::Field("signature"))?;
        let signed = SignedReceipt {
            payload: ReceiptPayload {
                kid: p.kid.clone(),
                dossier_code: p.dossier_code.clone(),
                procedure_code: p.procedure_code.clone(),
                agency_code: p.agency_code.clone(),
                issued_at,
                appointment_date,
                fee_vnd: p.fee_vnd,
                lookup_token,
            },
            signature,
        };
        // Only what both forms can carry is a receipt (an `issued_at` past
        // year 9999 in UTC has no RFC 3339 form).
        signed.to_wire()?;
        Ok(signed)
    }

    /// Reads a JSON receipt; a field of the wrong shape is named.
    pub fn from_json(value: &serde_json::Value) -> Result<SignedReceipt, FormatError> {
        let receipt: Receipt = serde_path_to_error::deserialize(value).map_err(|e| {
            let named = e.path().iter().rev().find_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => {
                    FIELDS.iter().find(|f| **f == key.as_str()).copied()
                }
                _ => None,
            });
            // A missing field is reported at its parent: name it from the
            // message (`missing field `kid``).
            let missing = FIELDS
                .iter()
                .find(|f| e.inner().to_string().contains(&format!("`{f}`")))
                .copied();
            FormatError::Field(missing.or(named).unwrap_or("payload"))
        })?;
        SignedReceipt::from_wire(&receipt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{sample, test_pair};
    use serde_json::json;

    #[test]
    fn json_round_trip() {
        let r = sample(&test_pair(), "portal-2026-11");
        let json = r.to_json().unwrap();
        assert_eq!(json["payload"]["issued_at"], "2026-11-23T02:15:42Z");
        assert_eq!(json["payload"]["appointment_date"], "2026-11-24");
        assert_eq!(json["qr"], r.qr_text().unwrap());
        assert_eq!(SignedReceipt::from_json(&json).unwrap(), r);
    }

    #[test]
    fn bad_json_fields_are_typed() {
        let json = sample(&test_pair(), "portal-2026-11").to_json().unwrap();
        for (field, bad) in [
            ("issued_at", json!("yesterday")),
            ("appointment_date", json!("24/11/2026")),
            ("lookup_token", json!("short")),
            ("fee_vnd", json!(-1)),
            ("kid", json!(7)),
            ("issued_at", json!("9999-12-31T23:59:59-23:59")),
        ] {
            let mut broken = json.clone();
            broken["payload"][field] = bad;
            assert_eq!(
                SignedReceipt::from_json(&broken),
                Err(FormatError::Field(field))
            );
        }
        let mut v2 = json.clone();
        v2["payload"]["version"] = json!(2);
        assert_eq!(SignedReceipt::from_json(&v2), Err(FormatError::Version(2)));
        let mut unsigned = json;
        unsigned["signature"] = json!("AAAA");
        assert_eq!(
            SignedReceipt::from_json(&unsigned),
            Err(FormatError::Field("signature"))
        );
    }
}
