//! A portal's root-key signature on what it answers: the signed parts as
//! received ([`Signed`]), checking an Ed25519 signature of a statement
//! under a root key, and why a signed answer is not trusted
//! ([`TrustError`]). What is trusted of each portal, and keeping it, is
//! [`super::trust`]'s.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use ring::signature::{UnparsedPublicKey, ED25519};

/// Why a portal's signed answer was not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("câu trả lời của cổng không có chữ ký khóa gốc / the portal's answer carries no root-key signature")]
    Unsigned,
    #[error("khóa gốc không hợp lệ (cần base64url của 32 byte) / the root key is malformed (base64url of 32 bytes expected)")]
    BadRootKey,
    #[error("khóa gốc của cổng {portal} đã đổi so với khóa đã ghim: không nhận; nếu cổng thật sự đổi khóa, hãy cấu hình khóa mới / the root key of portal {portal} differs from the one pinned: refused; if the portal really changed it, configure the new key")]
    RootKeyChanged { portal: String },
    #[error("chữ ký khóa gốc không hợp lệ: dữ liệu có thể đã bị sửa / the root-key signature does not verify: the data may have been altered")]
    BadSignature,
}

impl TrustError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Unsigned => "unsigned",
            TrustError::BadRootKey => "bad_root_key",
            TrustError::RootKeyChanged { .. } => "root_key_changed",
            TrustError::BadSignature => "bad_signature",
        }
    }
}

/// The signed parts of a portal's answer: its root key and signature
/// headers, as received.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub root_key: Option<&'a str>,
    pub signature: Option<&'a str>,
}

pub(super) fn root_bytes(text: &str) -> Result<[u8; 32], TrustError> {
    B64URL
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(TrustError::BadRootKey)
}

pub(super) fn verify(
    root: &[u8; 32],
    statement: &[u8],
    signed: Signed<'_>,
) -> Result<(), TrustError> {
    let signature = B64URL
        .decode(signed.signature.ok_or(TrustError::Unsigned)?.trim())
        .map_err(|_| TrustError::BadSignature)?;
    UnparsedPublicKey::new(&ED25519, root)
        .verify(statement, &signature)
        .map_err(|_| TrustError::BadSignature)
}
