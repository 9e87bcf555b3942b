//! The receipt payload's normative version-1 binary layout (see
//! `docs/qr-receipt.md` and `docs/portal-api.yaml`, "Signed receipts and the
//! QR payload") and its QR text: `HS1:` followed by base45 (RFC 9285), so the
//! whole text stays in the QR alphanumeric mode. Decoding never trusts a
//! length it has not checked; nothing here verifies (see [`super::verify`]).

use serde::Serialize;
use time::{Date, OffsetDateTime};

/// The only layout this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// What the QR text starts with.
pub const QR_PREFIX: &str = "HS1:";
/// The signature covers these bytes followed by the encoded payload.
const SIGNING_CONTEXT: &[u8] = b"hoso-receipt";
/// The longest `kid` (the spec's `KeyId`).
const MAX_KID: usize = 32;
/// An Ed25519 signature's length.
const SIGNATURE_LEN: usize = 64;
/// Julian day number of 1970-01-01 (`appointment_date` counts from it).
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Why bytes or a text are not a well-formed receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
#[error("{} / {}", self.message_vi(), self.message_en())]
pub enum FormatError {
    NotAReceipt,
    Base45,
    Version(u8),
    Truncated,
    TrailingBytes,
    Field(&'static str),
}

impl FormatError {
    /// The reason in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            FormatError::NotAReceipt => "mã QR không phải phiếu hoso (thiếu tiền tố HS1:)".into(),
            FormatError::Base45 => "mã QR không phải base45 hợp lệ".into(),
            FormatError::Version(v) => format!("phiên bản phiếu {v} chưa được hỗ trợ"),
            FormatError::Truncated => "phiếu bị cắt cụt".into(),
            FormatError::TrailingBytes => "phiếu có dữ liệu thừa ở cuối".into(),
            FormatError::Field(f) => format!("trường {f} của phiếu không hợp lệ"),
        }
    }

    /// The reason in English.
    pub fn message_en(&self) -> String {
        match self {
            FormatError::NotAReceipt => "the QR is not a hoso receipt (no HS1: prefix)".into(),
            FormatError::Base45 => "the QR text is not valid base45".into(),
            FormatError::Version(v) => format!("receipt format version {v} is not supported"),
            FormatError::Truncated => "the receipt is truncated".into(),
            FormatError::TrailingBytes => "the receipt has trailing bytes".into(),
            FormatError::Field(f) => format!("receipt field {f} is invalid"),
        }
    }
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
    /// The capability that lets anyone holding the receipt look the
    /// dossier's status up (`GET /v1/lookup/{code}?token=…`).
    pub lookup_token: [u8; 16],
}

/// A payload with its Ed25519 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedReceipt {
    pub payload: ReceiptPayload,
    pub signature: [u8; SIGNATURE_LEN],
}

/// Is `kid` a valid key id (`^[A-Za-z0-9._-]{1,32}$`)?
pub fn valid_kid(kid: &str) -> bool {
    (1..=MAX_KID).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A length-prefixed field: printable ASCII only, 1 to 255 bytes.
fn valid_text(raw: &[u8]) -> bool {
    !raw.is_empty() && raw.iter().all(|b| (0x21..0x7f).contains(b))
}

fn push_str(out: &mut Vec<u8>, value: &str, field: &'static str) -> Result<(), FormatError> {
    let len = u8::try_from(value.len()).map_err(|_| FormatError::Field(field))?;
    if !valid_text(value.as_bytes()) {
        return Err(FormatError::Field(field));
    }
    out.push(len);
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

fn days_since_epoch(date: Date) -> Result<u16, FormatError> {
    u16::try_from(date.to_julian_day() - EPOCH_JULIAN_DAY)
        .map_err(|_| FormatError::Field("appointment_date"))
}

fn date_from_days(days: u16) -> Result<Date, FormatError> {
    Date::from_julian_day(EPOCH_JULIAN_DAY + i32::from(days))
        .map_err(|_| FormatError::Field("appointment_date"))
}

impl ReceiptPayload {
    /// The version-1 encoding of the payload (everything but the signature).
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        if !valid_kid(&self.kid) {
            return Err(FormatError::Field("kid"));
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
    pub fn signed_message(&self) -> Result<Vec<u8>, FormatError> {
        let mut message = SIGNING_CONTEXT.to_vec();
        message.extend(self.to_bytes()?);
        Ok(message)
    }

    /// `issued_at` as a time.
    pub(crate) fn issued_at_time(&self) -> Result<OffsetDateTime, FormatError> {
        i64::try_from(self.issued_at)
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or(FormatError::Field("issued_at"))
    }
}

/// Reads the encoded fields one after the other.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if self.bytes.len() < n {
            return Err(FormatError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn string(&mut self, field: &'static str) -> Result<String, FormatError> {
        let [len] = self.array::<1>()?;
        let raw = self.take(usize::from(len))?;
        if !valid_text(raw) {
            return Err(FormatError::Field(field));
        }
        String::from_utf8(raw.to_vec()).map_err(|_| FormatError::Field(field))
    }
}

impl SignedReceipt {
    /// Payload bytes followed by the 64-byte signature (what the QR carries).
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        let mut out = self.payload.to_bytes()?;
        out.extend_from_slice(&self.signature);
        Ok(out)
    }

    /// Decodes the binary form (not verified).
    pub fn from_bytes(bytes: &[u8]) -> Result<SignedReceipt, FormatError> {
        let mut r = Reader { bytes };
        let [version] = r.array::<1>()?;
        if version != FORMAT_VERSION {
            return Err(FormatError::Version(version));
        }
        let kid = r.string("kid")?;
        if !valid_kid(&kid) {
            return Err(FormatError::Field("kid"));
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
        let signature = r.array::<SIGNATURE_LEN>()?;
        if !r.bytes.is_empty() {
            return Err(FormatError::TrailingBytes);
        }
        Ok(SignedReceipt { payload, signature })
    }

    /// The QR text: `HS1:` + base45 of [`SignedReceipt::to_bytes`].
    pub fn qr_text(&self) -> Result<String, FormatError> {
        Ok(format!("{QR_PREFIX}{}", base45::encode(self.to_bytes()?)))
    }

    /// Decodes a receipt QR text (`HS1:` + base45); not verified.
    pub fn from_qr_text(text: &str) -> Result<SignedReceipt, FormatError> {
        // Only the line ends a scanner may add go (space is a base45 character).
        let body = text
            .trim_end_matches(['\r', '\n'])
            .strip_prefix(QR_PREFIX)
            .ok_or(FormatError::NotAReceipt)?;
        let bytes = base45::decode(body).map_err(|_| FormatError::Base45)?;
        // One text per byte string: a non-canonical encoding (a final pair
        // over 255) is not a receipt this format produced.
        if base45::encode(&bytes) != body {
            return Err(FormatError::Base45);
        }
        SignedReceipt::from_bytes(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{sample, test_pair};
    use time::macros::date;

    #[test]
    fn round_trip_and_size() {
        let r = sample(&test_pair(), "portal-2026-11");
        let bytes = r.to_bytes().unwrap();
        assert_eq!(bytes.len(), 149);
        assert_eq!(SignedReceipt::from_bytes(&bytes).unwrap(), r);
        let qr = r.qr_text().unwrap();
        assert_eq!(qr.len(), 228);
        assert!(qr[4..]
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)));
        assert_eq!(SignedReceipt::from_qr_text(&qr).unwrap(), r);
        assert_eq!(
            SignedReceipt::from_qr_text(&format!("{qr}\r\n")).unwrap(),
            r
        );
    }

    #[test]
    fn cut_and_padded_bytes_are_typed() {
        let bytes = sample(&test_pair(), "portal-2026-11").to_bytes().unwrap();
        for n in 0..bytes.len() {
            assert!(
                SignedReceipt::from_bytes(&bytes[..n]).is_err(),
                "{n} bytes decoded"
            );
        }
        assert_eq!(
            SignedReceipt::from_bytes(&bytes[..bytes.len() - 1]),
            Err(FormatError::Truncated)
        );
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(
            SignedReceipt::from_bytes(&longer),
            Err(FormatError::TrailingBytes)
        );
    }

    #[test]
    fn malformed_qr_texts() {
        let decode = SignedReceipt::from_qr_text;
        assert_eq!(decode("hello"), Err(FormatError::NotAReceipt));
        assert_eq!(decode("HS1:abc"), Err(FormatError::Base45));
        // "GGW" = 65535 + … is over two bytes' range.
        assert_eq!(decode("HS1::::"), Err(FormatError::Base45));
        // A final pair over 255 is not canonical base45.
        assert_eq!(decode("HS1:::"), Err(FormatError::Base45));
        assert_eq!(decode("HS1:"), Err(FormatError::Truncated));
        let r = sample(&test_pair(), "portal-2026-11");
        let mut bytes = r.to_bytes().unwrap();
        bytes[0] = 2;
        assert_eq!(
            decode(&format!("HS1:{}", base45::encode(&bytes))),
            Err(FormatError::Version(2))
        );
        let mut bad = r.clone();
        bad.payload.kid = "ä".into();
        assert_eq!(bad.to_bytes(), Err(FormatError::Field("kid")));
        bad.payload.kid = "k".repeat(33);
        assert_eq!(bad.to_bytes(), Err(FormatError::Field("kid")));
        let mut spaced = r.clone();
        spaced.payload.dossier_code = "H40.22 261123".into();
        assert_eq!(spaced.to_bytes(), Err(FormatError::Field("dossier_code")));
        let mut far = r;
        far.payload.appointment_date = date!(2200 - 01 - 01);
        assert_eq!(far.to_bytes(), Err(FormatError::Field("appointment_date")));
    }

    #[test]
    fn base45_matches_rfc9285_vectors() {
        assert_eq!(base45::encode(b"AB"), "BB8");
        assert_eq!(base45::encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(base45::encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(base45::decode("QED8WEX0").unwrap(), b"ietf!");
    }
}
