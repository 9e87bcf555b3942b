//! Signed receipts (phiếu tiếp nhận và hẹn trả kết quả): the normative
//! version-1 binary layout of `docs/portal-api.yaml` ("Signed receipts and
//! the QR payload"), its QR text (`HS1:` + base45, RFC 9285), its JSON form
//! (`Receipt`), offline verification against the published key set, and
//! issuing a fresh receipt with the portal's current key.
//!
//! Everything except [`issue`] depends on no portal state, so the client
//! side (issue #7) can move to hoso-core as it is.

use crate::error::ApiError;
use crate::Portal;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use ring::signature::{UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// The only layout this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// What the QR text starts with.
pub const QR_PREFIX: &str = "HS1:";
/// The signature covers these bytes followed by the encoded payload.
pub const SIGNING_CONTEXT: &[u8] = b"hoso-receipt";
/// The longest `kid` (the spec's `KeyId`).
pub const MAX_KID: usize = 32;
/// Julian day number of 1970-01-01 (`appointment_date` counts from it).
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Why a receipt could not be encoded, decoded or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("mã QR không phải phiếu hoso (thiếu tiền tố HS1:) / the QR is not a hoso receipt (no HS1: prefix)")]
    NotAReceipt,
    #[error("mã QR không phải base45 hợp lệ / the QR text is not valid base45")]
    Base45,
    #[error("phiên bản phiếu {0} chưa được hỗ trợ / receipt format version {0} is not supported")]
    Version(u8),
    #[error("phiếu bị cắt cụt / the receipt is truncated")]
    Truncated,
    #[error("phiếu có dữ liệu thừa ở cuối / the receipt has trailing bytes")]
    TrailingBytes,
    #[error("trường {0} của phiếu không hợp lệ / receipt field {0} is invalid")]
    Field(&'static str),
    #[error("khóa ký {0} không có trong bộ khóa / signing key {0} is not in the key set")]
    UnknownKey(String),
    #[error("khóa ký {0} đã bị thu hồi; hãy tra cứu hồ sơ trực tuyến / signing key {0} was revoked; look the dossier up online")]
    Revoked(String),
    #[error("phiếu được cấp ngoài thời hạn ký của khóa {0} / the receipt was issued outside key {0}'s signing period")]
    OutsidePeriod(String),
    #[error("khóa công khai {0} không hợp lệ / public key {0} is malformed")]
    BadKey(String),
    #[error("chữ ký không hợp lệ: phiếu đã bị sửa hoặc giả / the signature does not verify: the receipt was altered or forged")]
    BadSignature,
}

/// The signed fields of a receipt (`ReceiptPayload`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPayload {
    pub kid: String,
    pub dossier_code: String,
    pub procedure_code: String,
    pub agency_code: String,
    /// Unix seconds.
    pub issued_at: u64,
    pub appointment_date: Date,
    pub fee_vnd: u64,
    pub lookup_token: [u8; 16],
}

/// A payload with its Ed25519 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedReceipt {
    pub payload: ReceiptPayload,
    pub signature: [u8; 64],
}

/// A published signing key (`PublicKey`), JWK-like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    pub kty: String,
    pub crv: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub use_: String,
    /// The 32-byte public key, base64url without padding.
    pub x: String,
    pub not_before: String,
    pub not_after: String,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

/// `GET /v1/keys` (`KeySet`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    pub key_set_version: u64,
    pub keys: Vec<PublicKey>,
}

fn push_str(out: &mut Vec<u8>, value: &str, field: &'static str) -> Result<(), ReceiptError> {
    let len = u8::try_from(value.len()).map_err(|_| ReceiptError::Field(field))?;
    if !value.is_ascii() || value.is_empty() {
        return Err(ReceiptError::Field(field));
    }
    out.push(len);
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

/// Is `kid` a valid key id (`^[A-Za-z0-9._-]{1,32}$`)?
pub fn valid_kid(kid: &str) -> bool {
    (1..=MAX_KID).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn days_since_epoch(date: Date) -> Result<u16, ReceiptError> {
    u16::try_from(date.to_julian_day() - EPOCH_JULIAN_DAY)
        .map_err(|_| ReceiptError::Field("appointment_date"))
}

fn date_from_days(days: u16) -> Result<Date, ReceiptError> {
    Date::from_julian_day(EPOCH_JULIAN_DAY + i32::from(days))
        .map_err(|_| ReceiptError::Field("appointment_date"))
}

impl ReceiptPayload {
    /// The version-1 encoding of the payload (everything but the signature).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ReceiptError> {
        if !valid_kid(&self.kid) {
            return Err(ReceiptError::Field("kid"));
        }
        let mut out = Vec::with_capacity(96);
        out.push(FORMAT_VERSION);
        push_str(&mut out, &self.kid, "kid")?;
        push_str(&mut out, &self.dossier_code, "dossier_code")?;
        push_str(&mut out, &self.procedure_code, "procedure_code")?;
        push_str(&mut out, &self.agency_code, "agency_code")?;
        out.extend_from_slice(&self.issued_at.to_be_bytes());
        out.extend_from_slice(&days_since_epoch(self.appointment_date)?.to_be_bytes());
        out.extend_from_slice(&self.fee_vnd.to_be_bytes());
        out.extend_from_slice(&self.lookup_token);
        Ok(out)
    }

    /// What the signature covers: `hoso-receipt` followed by the payload.
    pub fn signed_message(&self) -> Result<Vec<u8>, ReceiptError> {
        let mut message = SIGNING_CONTEXT.to_vec();
        message.extend(self.to_bytes()?);
        Ok(message)
    }

    /// `issued_at` as a time.
    pub fn issued_at_time(&self) -> Result<OffsetDateTime, ReceiptError> {
        i64::try_from(self.issued_at)
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or(ReceiptError::Field("issued_at"))
    }
}

/// Reads the encoded fields one after the other.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ReceiptError> {
        if self.bytes.len() < n {
            return Err(ReceiptError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ReceiptError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn string(&mut self, field: &'static str) -> Result<String, ReceiptError> {
        let [len] = self.array::<1>()?;
        let raw = self.take(usize::from(len))?;
        if raw.is_empty() || !raw.is_ascii() {
            return Err(ReceiptError::Field(field));
        }
        String::from_utf8(raw.to_vec()).map_err(|_| ReceiptError::Field(field))
    }
}

impl SignedReceipt {
    /// Payload bytes followed by the 64-byte signature (what the QR carries).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ReceiptError> {
        let mut out = self.payload.to_bytes()?;
        out.extend_from_slice(&self.signature);
        Ok(out)
    }

    /// Decodes the binary form (not verified: see [`verify`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<SignedReceipt, ReceiptError> {
        let mut r = Reader { bytes };
        let [version] = r.array::<1>()?;
        if version != FORMAT_VERSION {
            return Err(ReceiptError::Version(version));
        }
        let kid = r.string("kid")?;
        if !valid_kid(&kid) {
            return Err(ReceiptError::Field("kid"));
        }
        let payload = ReceiptPayload {
            kid,
            dossier_code: r.string("dossier_code")?,
            procedure_code: r.string("procedure_code")?,
            agency_code: r.string("agency_code")?,
            issued_at: u64::from_be_bytes(r.array()?),
            appointment_date: date_from_days(u16::from_be_bytes(r.array()?))?,
            fee_vnd: u64::from_be_bytes(r.array()?),
            lookup_token: r.array()?,
        };
        let signature = r.array::<64>()?;
        if !r.bytes.is_empty() {
            return Err(ReceiptError::TrailingBytes);
        }
        Ok(SignedReceipt { payload, signature })
    }

    /// The QR text: `HS1:` + base45 of [`SignedReceipt::to_bytes`].
    pub fn qr(&self) -> Result<String, ReceiptError> {
        Ok(format!("{QR_PREFIX}{}", base45::encode(self.to_bytes()?)))
    }

    /// The JSON receipt (`Receipt`).
    pub fn to_json(&self) -> Result<serde_json::Value, ReceiptError> {
        let p = &self.payload;
        let issued_at = p
            .issued_at_time()?
            .format(&Rfc3339)
            .map_err(|_| ReceiptError::Field("issued_at"))?;
        let d = p.appointment_date;
        Ok(json!({
            "payload": {
                "version": FORMAT_VERSION,
                "kid": p.kid,
                "dossier_code": p.dossier_code,
                "procedure_code": p.procedure_code,
                "agency_code": p.agency_code,
                "issued_at": issued_at,
                "appointment_date": format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
                "fee_vnd": p.fee_vnd,
                "lookup_token": B64URL.encode(p.lookup_token),
            },
            "alg": "EdDSA",
            "signature": B64URL.encode(self.signature),
            "qr": self.qr()?,
        }))
    }

    /// Reads the JSON receipt's `payload` and `signature` (the `qr` field is
    /// not trusted; it is the same bytes).
    pub fn from_json(value: &serde_json::Value) -> Result<SignedReceipt, ReceiptError> {
        let p = &value["payload"];
        let text = |field: &'static str| {
            p[field]
                .as_str()
                .map(str::to_string)
                .ok_or(ReceiptError::Field(field))
        };
        if p["version"].as_u64() != Some(u64::from(FORMAT_VERSION)) {
            return Err(ReceiptError::Field("version"));
        }
        let issued_at = OffsetDateTime::parse(&text("issued_at")?, &Rfc3339)
            .ok()
            .and_then(|t| u64::try_from(t.unix_timestamp()).ok())
            .ok_or(ReceiptError::Field("issued_at"))?;
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        let appointment_date = Date::parse(&text("appointment_date")?, &date_format)
            .map_err(|_| ReceiptError::Field("appointment_date"))?;
        let lookup_token = B64URL
            .decode(text("lookup_token")?)
            .ok()
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or(ReceiptError::Field("lookup_token"))?;
        let signature = value["signature"]
            .as_str()
            .and_then(|s| B64URL.decode(s).ok())
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or(ReceiptError::Field("signature"))?;
        Ok(SignedReceipt {
            payload: ReceiptPayload {
                kid: text("kid")?,
                dossier_code: text("dossier_code")?,
                procedure_code: text("procedure_code")?,
                agency_code: text("agency_code")?,
                issued_at,
                appointment_date,
                fee_vnd: p["fee_vnd"]
                    .as_u64()
                    .ok_or(ReceiptError::Field("fee_vnd"))?,
                lookup_token,
            },
            signature,
        })
    }
}

/// Decodes a receipt QR text (`HS1:` + base45); not verified.
pub fn decode_qr(text: &str) -> Result<SignedReceipt, ReceiptError> {
    // Only the line ends a scanner may add go (space is a base45 character).
    let body = text
        .trim_end_matches(['\r', '\n'])
        .strip_prefix(QR_PREFIX)
        .ok_or(ReceiptError::NotAReceipt)?;
    let bytes = base45::decode(body).map_err(|_| ReceiptError::Base45)?;
    // One text per byte string: a non-canonical encoding (a final pair
    // over 255) is not a receipt this format produced.
    if base45::encode(&bytes) != body {
        return Err(ReceiptError::Base45);
    }
    SignedReceipt::from_bytes(&bytes)
}

fn parse_time(kid: &str, text: &str) -> Result<i64, ReceiptError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| ReceiptError::BadKey(kid.to_string()))
}

/// Verifies a receipt offline: its `kid` is listed and not revoked, its
/// `issued_at` lies within the key's signing period, and the Ed25519
/// signature over `hoso-receipt` || payload checks out. Answers the key.
pub fn verify<'k>(
    receipt: &SignedReceipt,
    keys: &'k [PublicKey],
) -> Result<&'k PublicKey, ReceiptError> {
    let p = &receipt.payload;
    let key = keys
        .iter()
        .find(|k| k.kid == p.kid)
        .ok_or_else(|| ReceiptError::UnknownKey(p.kid.clone()))?;
    if key.revoked {
        return Err(ReceiptError::Revoked(key.kid.clone()));
    }
    let issued = i64::try_from(p.issued_at).map_err(|_| ReceiptError::Field("issued_at"))?;
    let (from, until) = (
        parse_time(&key.kid, &key.not_before)?,
        parse_time(&key.kid, &key.not_after)?,
    );
    if issued < from || issued > until {
        return Err(ReceiptError::OutsidePeriod(key.kid.clone()));
    }
    let public = B64URL
        .decode(&key.x)
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| ReceiptError::BadKey(key.kid.clone()))?;
    UnparsedPublicKey::new(&ED25519, &public)
        .verify(&p.signed_message()?, &receipt.signature)
        .map_err(|_| ReceiptError::BadSignature)?;
    Ok(key)
}

/// What the dossier module knows when it issues a receipt.
pub(crate) struct ReceiptFields {
    pub dossier_code: String,
    pub procedure_code: String,
    pub agency_code: String,
    pub issued_at: OffsetDateTime,
    pub appointment_date: Date,
    pub fee_vnd: u64,
}

/// A fresh signed receipt.
pub(crate) struct IssuedReceipt {
    /// The `Receipt` JSON.
    pub json: serde_json::Value,
    /// The lookup token, base64url (as in the receipt), for the public lookup.
    pub lookup_token: String,
}

/// Signs a receipt for `fields` with the key that signs at `issued_at` (the
/// current one), with a fresh random lookup token.
pub(crate) fn issue(portal: &Portal, fields: &ReceiptFields) -> Result<IssuedReceipt, ApiError> {
    let internal = |e: &dyn std::fmt::Display| ApiError::internal(e);
    let lookup_token: [u8; 16] = portal.db.sealer().random().map_err(|e| internal(&e))?;
    let issued_at = u64::try_from(fields.issued_at.unix_timestamp())
        .map_err(|_| internal(&ReceiptError::Field("issued_at")))?;
    let signer = portal.keys.signer(fields.issued_at.unix_timestamp())?;
    let payload = ReceiptPayload {
        kid: signer.kid.clone(),
        dossier_code: fields.dossier_code.clone(),
        procedure_code: fields.procedure_code.clone(),
        agency_code: fields.agency_code.clone(),
        issued_at,
        appointment_date: fields.appointment_date,
        fee_vnd: fields.fee_vnd,
        lookup_token,
    };
    let message = payload.signed_message().map_err(|e| internal(&e))?;
    let receipt = SignedReceipt {
        signature: signer.sign(&message),
        payload,
    };
    Ok(IssuedReceipt {
        json: receipt.to_json().map_err(|e| internal(&e))?,
        lookup_token: B64URL.encode(lookup_token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use time::macros::{date, datetime};

    /// The spec's `ReceiptH4022` example and the `portal-2026-11` key of
    /// `KeySetRotated`.
    const SPEC_QR: &str = "HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90";
    const SPEC_SIGNATURE: &str =
        "ZPvbJWdKu_WkHeEWBEbyZqnirpTXf-oeVLoc8IfKzVyAQlkhrq0XZ5_CcykGhFGix82SBhJXd0K8IyMAmaoqCQ";
    const SPEC_X: &str = "IgNKtLdKhv5eNH9j1n8i9YzrH5Vjw0LFdT5MZex5H24";
    const SPEC: &str = include_str!("../../docs/portal-api.yaml");

    fn spec_key(x: &str) -> PublicKey {
        PublicKey {
            kid: "portal-2026-11".into(),
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            alg: "EdDSA".into(),
            use_: "sig".into(),
            x: x.into(),
            not_before: "2026-11-01T00:00:00Z".into(),
            not_after: "2027-11-01T00:00:00Z".into(),
            revoked: false,
            revoked_at: None,
        }
    }

    fn sample(pair: &Ed25519KeyPair, kid: &str) -> SignedReceipt {
        let payload = ReceiptPayload {
            kid: kid.into(),
            dossier_code: "H40.22-261123-0001".into(),
            procedure_code: "1.001193".into(),
            agency_code: "H40.22".into(),
            issued_at: datetime!(2026-11-23 02:15:42 UTC).unix_timestamp() as u64,
            appointment_date: date!(2026 - 11 - 24),
            fee_vnd: 0,
            lookup_token: [7; 16],
        };
        let mut signature = [0u8; 64];
        signature.copy_from_slice(pair.sign(&payload.signed_message().unwrap()).as_ref());
        SignedReceipt { payload, signature }
    }

    fn test_pair() -> Ed25519KeyPair {
        // RFC 8032 section 7.1, TEST 1 secret key.
        let hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        let seed: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        Ed25519KeyPair::from_seed_unchecked(&seed).unwrap()
    }

    #[test]
    fn the_spec_example_is_a_real_vector() {
        assert!(SPEC.contains(SPEC_QR) && SPEC.contains(SPEC_SIGNATURE) && SPEC.contains(SPEC_X));
        let r = decode_qr(SPEC_QR).unwrap();
        assert_eq!(r.to_bytes().unwrap().len(), 149);
        assert_eq!(SPEC_QR.len(), 228);
        let json = r.to_json().unwrap();
        assert_eq!(json["signature"], SPEC_SIGNATURE);
        assert_eq!(json["qr"], SPEC_QR);
        assert_eq!(json["payload"]["kid"], "portal-2026-11");
        assert_eq!(json["payload"]["dossier_code"], "H40.22-261123-0001");
        assert_eq!(json["payload"]["procedure_code"], "1.001193");
        assert_eq!(json["payload"]["agency_code"], "H40.22");
        assert_eq!(json["payload"]["issued_at"], "2026-11-23T02:15:42Z");
        assert_eq!(json["payload"]["appointment_date"], "2026-11-24");
        assert_eq!(json["payload"]["fee_vnd"], 0);
        assert_eq!(json["payload"]["lookup_token"], "llgG040aGGIJ_z6BCNrX5g");
        assert_eq!(SignedReceipt::from_json(&json).unwrap(), r);
        let keys = [spec_key(SPEC_X)];
        assert_eq!(verify(&r, &keys).unwrap().kid, "portal-2026-11");
    }

    #[test]
    fn round_trip_and_size() {
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let bytes = r.to_bytes().unwrap();
        assert_eq!(bytes.len(), 149);
        assert_eq!(SignedReceipt::from_bytes(&bytes).unwrap(), r);
        let qr = r.qr().unwrap();
        assert_eq!(qr.len(), 228);
        assert!(qr[4..]
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)));
        assert_eq!(decode_qr(&qr).unwrap(), r);
        assert_eq!(decode_qr(&format!("{qr}\r\n")).unwrap(), r);
        let json = r.to_json().unwrap();
        assert_eq!(SignedReceipt::from_json(&json).unwrap(), r);
        let key = spec_key(&B64URL.encode(pair.public_key().as_ref()));
        verify(&r, std::slice::from_ref(&key)).unwrap();
    }

    #[test]
    fn every_flipped_byte_fails() {
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let key = spec_key(&B64URL.encode(pair.public_key().as_ref()));
        let keys = [key];
        let bytes = r.to_bytes().unwrap();
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                let ok = SignedReceipt::from_bytes(&bad)
                    .ok()
                    .and_then(|t| verify(&t, &keys).ok());
                assert!(ok.is_none(), "byte {i} bit {bit:#x} still verifies");
            }
        }
        assert_eq!(
            SignedReceipt::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ReceiptError::Truncated)
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            SignedReceipt::from_bytes(&longer),
            Err(ReceiptError::TrailingBytes)
        );
    }

    #[test]
    fn key_rules() {
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let good = spec_key(&B64URL.encode(pair.public_key().as_ref()));
        assert_eq!(
            verify(&r, &[]),
            Err(ReceiptError::UnknownKey("portal-2026-11".into()))
        );
        let mut revoked = good.clone();
        revoked.revoked = true;
        assert!(matches!(
            verify(&r, &[revoked]),
            Err(ReceiptError::Revoked(_))
        ));
        let mut later = good.clone();
        later.not_before = "2026-11-24T00:00:00Z".into();
        assert!(matches!(
            verify(&r, &[later]),
            Err(ReceiptError::OutsidePeriod(_))
        ));
        let mut ended = good.clone();
        ended.not_after = "2026-11-23T02:15:41Z".into();
        assert!(matches!(
            verify(&r, &[ended]),
            Err(ReceiptError::OutsidePeriod(_))
        ));
        let mut other = good;
        other.x = SPEC_X.into();
        assert_eq!(verify(&r, &[other]), Err(ReceiptError::BadSignature));
    }

    #[test]
    fn malformed_qr_texts() {
        assert_eq!(decode_qr("hello"), Err(ReceiptError::NotAReceipt));
        assert_eq!(decode_qr("HS1:abc"), Err(ReceiptError::Base45));
        // "GGW" = 65535 + … is over two bytes' range.
        assert_eq!(decode_qr("HS1::::"), Err(ReceiptError::Base45));
        // A final pair over 255 is not canonical base45.
        assert_eq!(decode_qr("HS1:::"), Err(ReceiptError::Base45));
        assert_eq!(decode_qr("HS1:"), Err(ReceiptError::Truncated));
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let mut bytes = r.to_bytes().unwrap();
        bytes[0] = 2;
        assert_eq!(
            decode_qr(&format!("HS1:{}", base45::encode(&bytes))),
            Err(ReceiptError::Version(2))
        );
        let mut bad = r.clone();
        bad.payload.kid = "ä".into();
        assert_eq!(bad.to_bytes(), Err(ReceiptError::Field("kid")));
        bad.payload.kid = "k".repeat(33);
        assert_eq!(bad.to_bytes(), Err(ReceiptError::Field("kid")));
        let mut far = r;
        far.payload.appointment_date = date!(2200 - 01 - 01);
        assert_eq!(far.to_bytes(), Err(ReceiptError::Field("appointment_date")));
    }

    #[test]
    fn base45_matches_rfc9285_vectors() {
        assert_eq!(base45::encode(b"AB"), "BB8");
        assert_eq!(base45::encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(base45::encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(base45::decode("QED8WEX0").unwrap(), b"ietf!");
    }
}

/// Receipts issued by a running portal, checked the way a client does
/// against `GET /v1/keys` over HTTP, across rotation and revocation.
#[cfg(test)]
mod portal_tests {
    use super::*;
    use crate::{Config, Options};
    use std::sync::Arc;
    use time::macros::date;

    const ADMIN: &str = "receipt-test-admin";

    async fn keys(http: &reqwest::Client, base: &str) -> Vec<PublicKey> {
        let set: KeySet = http
            .get(format!("{base}/v1/keys"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        set.keys
    }

    async fn admin(http: &reqwest::Client, url: String) -> serde_json::Value {
        let res = http.post(url).bearer_auth(ADMIN).send().await.unwrap();
        assert!(res.status().is_success());
        res.json().await.unwrap()
    }

    fn fields(portal: &Portal, seq: u32) -> ReceiptFields {
        ReceiptFields {
            dossier_code: format!("H40.22-261123-{seq:04}"),
            procedure_code: "1.001193".into(),
            agency_code: "H40.22".into(),
            issued_at: portal.clock.now(),
            appointment_date: date!(2026 - 11 - 24),
            fee_vnd: 8_000,
        }
    }

    #[tokio::test]
    async fn receipts_verify_across_rotation_and_fail_after_revocation() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.bundle");
        hoso_core::catalog::bundle::Bundle::new(1, Vec::new())
            .write_to(&catalog)
            .unwrap();
        let portal = Arc::new(
            Portal::open(Options {
                data_dir: dir.path().join("data"),
                catalog,
                config: Config {
                    admin_token: ADMIN.into(),
                    ..Config::default()
                },
            })
            .unwrap(),
        );
        let (addr, _task) = crate::start(portal.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let base = format!("http://{addr}");
        hoso_core::sync::client::install_crypto_provider();
        let http = reqwest::Client::new();

        let first = issue(&portal, &fields(&portal, 1)).unwrap();
        let qr = first.json["qr"].as_str().unwrap().to_string();
        let receipt = decode_qr(&qr).unwrap();
        assert_eq!(SignedReceipt::from_json(&first.json).unwrap(), receipt);
        assert_eq!(
            first.json["payload"]["lookup_token"],
            first.lookup_token.as_str()
        );
        assert_eq!(first.json["payload"]["fee_vnd"], 8_000);
        let n = receipt.to_bytes().unwrap().len();
        assert!((149..=155).contains(&n), "{n} bytes");
        assert!(qr.len() <= 400);
        assert!(qr
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)));
        let old_kid = verify(&receipt, &keys(&http, &base).await)
            .unwrap()
            .kid
            .clone();

        // Rotation: the old receipt still verifies; new ones use the new key.
        let new_key = admin(&http, format!("{base}/v1/admin/keys")).await;
        let second = issue(&portal, &fields(&portal, 2)).unwrap();
        let second = SignedReceipt::from_json(&second.json).unwrap();
        assert_eq!(second.payload.kid, new_key["kid"].as_str().unwrap());
        assert_ne!(second.payload.kid, old_kid);
        let set = keys(&http, &base).await;
        verify(&receipt, &set).unwrap();
        verify(&second, &set).unwrap();
        // Two receipts never share a lookup token.
        assert_ne!(receipt.payload.lookup_token, second.payload.lookup_token);

        // Revoking the old key invalidates what it signed, not the rest.
        admin(&http, format!("{base}/v1/admin/keys/{old_kid}/revoke")).await;
        let set = keys(&http, &base).await;
        assert_eq!(verify(&receipt, &set), Err(ReceiptError::Revoked(old_kid)));
        verify(&second, &set).unwrap();
    }
}
