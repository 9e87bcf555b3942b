//! A resident's consent, recorded before anything of theirs is saved: how
//! they agreed (`signed_form` with the signed form's scan, `vneid` with
//! its confirmation code, `witnessed_verbal` with the witness), which
//! procedures it covers, how long their data may be kept, and when it was
//! given. The reference is never a VNeID password or one-time code: those
//! are the resident's alone, and no field of hoso takes them.

use crate::draft::AttachmentRef;
use crate::form::MediaType;
use hoso_wire::ConsentMethod;
use serde::{Deserialize, Serialize};

/// The longest reference the Portal API takes (`Consent.reference`).
const REFERENCE_CHARS: usize = 64;
/// The longest a consent may let data be kept: ten years.
const RETENTION_DAYS_MAX: u32 = 3_650;
/// The largest scan of a signed form kept (a phone photo is 3–6 MB).
pub const SCAN_BYTES: u64 = 16 * 1024 * 1024;

/// What the volunteer records when the resident agrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub method: ConsentMethod,
    /// Form number, VNeID confirmation code, or the witness.
    pub reference: String,
    /// Procedure codes the consent covers (at least one).
    pub covers: Vec<String>,
    /// Days the resident's data may be kept after their last dossier ends.
    pub retention_days: u32,
    /// The signed form's scan (required for `signed_form`).
    pub scan: Option<Vec<u8>>,
}

/// A consent as kept, sealed in the resident's own space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub method: ConsentMethod,
    pub reference: String,
    pub covers: Vec<String>,
    pub retention_days: u32,
    /// Unix seconds.
    pub given_at: i64,
    /// Lower-case hex SHA-256 of the scan kept beside it, if any.
    pub scan_sha256: Option<String>,
    /// The scan as kept in the resident's file store (uploaded with each
    /// dossier filed for them, as the Portal API's `Consent.document`).
    #[serde(default)]
    pub document: Option<AttachmentRef>,
}

/// What a signed form's scan may be.
pub(super) const SCAN_TYPES: [MediaType; 3] = [MediaType::Pdf, MediaType::Jpeg, MediaType::Png];

/// Why a consent was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("đồng ý bằng văn bản cần bản chụp tờ đồng ý đã ký / consent by signed form needs the signed form's scan")]
    ScanMissing,
    #[error("bản chụp tờ đồng ý quá lớn (tối đa {SCAN_BYTES} byte) / the signed form's scan is too large (at most {SCAN_BYTES} bytes)")]
    ScanTooLarge,
    #[error("số tham chiếu của sự đồng ý cần từ 1 đến {REFERENCE_CHARS} ký tự / the consent's reference must be 1 to {REFERENCE_CHARS} characters")]
    Reference,
    #[error(
        "sự đồng ý phải nêu ít nhất một thủ tục / the consent must cover at least one procedure"
    )]
    NoProcedure,
    #[error("thời gian lưu giữ phải từ 1 đến {RETENTION_DAYS_MAX} ngày / the retention must be 1 to {RETENTION_DAYS_MAX} days")]
    Retention,
}

impl ConsentError {
    pub fn code(&self) -> &'static str {
        match self {
            ConsentError::ScanMissing => "consent_document_missing",
            ConsentError::ScanTooLarge => "too_large",
            ConsentError::Reference => "consent_reference",
            ConsentError::NoProcedure => "consent_no_procedure",
            ConsentError::Retention => "consent_retention",
        }
    }
}

impl NewConsent {
    /// The consent to keep, checked, given at `now`.
    pub(super) fn checked(&self, now: i64) -> Result<Consent, ConsentError> {
        let reference = self.reference.trim();
        let chars = reference.chars().count();
        if chars == 0 || chars > REFERENCE_CHARS || reference.chars().any(char::is_control) {
            return Err(ConsentError::Reference);
        }
        let covers: Vec<String> = self
            .covers
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if covers.is_empty() {
            return Err(ConsentError::NoProcedure);
        }
        if !(1..=RETENTION_DAYS_MAX).contains(&self.retention_days) {
            return Err(ConsentError::Retention);
        }
        let scan_sha256 = match (&self.scan, self.method) {
            (None, ConsentMethod::SignedForm) => return Err(ConsentError::ScanMissing),
            (Some(scan), _) if u64::try_from(scan.len()).unwrap_or(u64::MAX) > SCAN_BYTES => {
                return Err(ConsentError::ScanTooLarge)
            }
            (Some(scan), _) => Some(crate::hex::encode(
                ring::digest::digest(&ring::digest::SHA256, scan).as_ref(),
            )),
            (None, _) => None,
        };
        Ok(Consent {
            method: self.method,
            reference: reference.to_string(),
            covers,
            retention_days: self.retention_days,
            given_at: now,
            scan_sha256,
            document: None,
        })
    }
}
