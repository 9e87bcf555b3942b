//! Receipts through the binding: verify a receipt QR offline, read codes
//! from a photo (a path), scan what a code names, look a dossier up on the
//! portal without an account and follow it, the followed list, a dossier's
//! receipt QR and its PNG, and the signing keys.

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::to_i64;
use hoso_core::clock::unix_now;
use hoso_core::error::ErrorKind;
use hoso_core::receipt::image as qr_image;
use hoso_core::receipt::request::ReceiptSummary;
use hoso_core::receipt::scan::Source;
use hoso_core::receipt::{self, online, LookupRequest, Verdict};

/// The offline verdict on a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReceiptVerdict {
    /// Signed by a listed key in its signing period; not tampered with.
    Valid,
    /// The signing key is not held (update the catalog online, or the
    /// receipt is not from this portal).
    UnknownKey,
    /// Altered or forged.
    BadSignature,
    /// Issued outside the key's signing period.
    ExpiredKey,
    /// The key was revoked: nothing it signed can be trusted offline.
    RevokedKey,
    /// Not a well-formed hoso receipt.
    Malformed,
}

/// A verdict with its stable code and messages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerdictInfo {
    pub verdict: ReceiptVerdict,
    /// `valid`, `unknown_key`, `bad_signature`, `expired_key`,
    /// `revoked_key` or `malformed`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// What a receipt says (trust it only with a `Valid` verdict).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptInfo {
    pub procedure_code: String,
    pub agency_code: String,
    /// Unix seconds.
    pub issued_at: i64,
    pub appointment_date: String,
    pub fee_vnd: i64,
    /// The signing key's id.
    pub kid: String,
}

/// A receipt QR checked offline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptCheck {
    pub verdict: VerdictInfo,
    /// The dossier it names, when the text decoded.
    pub dossier_code: Option<String>,
    pub receipt: Option<ReceiptInfo>,
}

/// What a scanned code is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ScanSource {
    /// A hoso receipt QR.
    HosoReceipt,
    /// A Portal API lookup link.
    LookupLink { base_url: String },
    /// A provincial portal's lookup URL; an ID number it carried was
    /// dropped, never kept.
    ProvincialUrl {
        host: String,
        official_host: bool,
        carried_id_number: bool,
    },
    /// A bare dossier code.
    DossierCode,
}

/// A scanned code: which dossier, from what, and whether it can be looked
/// up publicly.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    pub dossier_code: String,
    pub source: ScanSource,
    /// A receipt whose signature verified offline.
    pub verified: bool,
    pub verdict: Option<VerdictInfo>,
    pub receipt: Option<ReceiptInfo>,
    /// It carries a lookup token (a public lookup is possible).
    pub can_look_up: bool,
}

/// A dossier's public status (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublicStatus {
    pub status: i32,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency_name: String,
    pub submitted_at: String,
    pub appointment_date: String,
    pub updated_at: String,
    pub history: Vec<PublicHistoryEntry>,
}

/// One step of a dossier's public history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublicHistoryEntry {
    pub at: String,
    pub status: i32,
    pub agency_name: String,
}

/// A dossier followed through its receipt (anyone's: a neighbour's, a
/// resident's), with the status last seen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowedDossier {
    pub dossier_code: String,
    pub verified: bool,
    pub verdict: Option<VerdictInfo>,
    pub receipt: Option<ReceiptInfo>,
    /// The receipt's QR text, to show it again.
    pub receipt_qr: Option<String>,
    pub status: Option<PublicStatus>,
    /// Unix seconds of the last successful lookup.
    pub checked_at: Option<i64>,
    pub followed_at: i64,
}

/// What refreshing the signing keys did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SigningKeys {
    pub version: i64,
    pub changed: bool,
    pub added: Vec<String>,
    pub revoked: Vec<String>,
}

/// A portal trusted for catalogs and receipt-signing keys: its root key
/// and whether the app configured it (else it was pinned on first use).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustedPortal {
    pub portal_url: String,
    pub root_key: String,
    pub configured: bool,
    pub key_set_version: i64,
}

pub(crate) fn verdict_info(v: &Verdict) -> VerdictInfo {
    VerdictInfo {
        verdict: match v {
            Verdict::Valid { .. } => ReceiptVerdict::Valid,
            Verdict::UnknownKey { .. } => ReceiptVerdict::UnknownKey,
            Verdict::BadSignature { .. } => ReceiptVerdict::BadSignature,
            Verdict::ExpiredKey { .. } => ReceiptVerdict::ExpiredKey,
            Verdict::RevokedKey { .. } => ReceiptVerdict::RevokedKey,
            Verdict::Malformed { .. } => ReceiptVerdict::Malformed,
        },
        code: v.code().to_string(),
        message_vi: v.message_vi(),
        message_en: v.message_en(),
    }
}

impl From<ReceiptSummary> for ReceiptInfo {
    fn from(r: ReceiptSummary) -> ReceiptInfo {
        ReceiptInfo {
            procedure_code: r.procedure_code,
            agency_code: r.agency_code,
            issued_at: to_i64(r.issued_at),
            appointment_date: r.appointment_date,
            fee_vnd: to_i64(r.fee_vnd),
            kid: r.kid,
        }
    }
}

impl From<LookupRequest> for ScannedCode {
    fn from(r: LookupRequest) -> ScannedCode {
        ScannedCode {
            dossier_code: r.dossier_code,
            source: match r.source {
                Source::HosoReceipt => ScanSource::HosoReceipt,
                Source::LookupLink { base_url } => ScanSource::LookupLink { base_url },
                Source::ProvincialUrl {
                    host,
                    official_host,
                    carried_id_number,
                } => ScanSource::ProvincialUrl {
                    host,
                    official_host,
                    carried_id_number,
                },
                Source::DossierCode => ScanSource::DossierCode,
            },
            verified: r.verified,
            verdict: r.verdict.as_ref().map(verdict_info),
            receipt: r.receipt.map(Into::into),
            can_look_up: r.has_token,
        }
    }
}

impl From<receipt::PublicStatus> for PublicStatus {
    fn from(s: receipt::PublicStatus) -> PublicStatus {
        PublicStatus {
            status: i32::from(s.status),
            procedure_code: s.procedure_code,
            procedure_name: s.procedure_name,
            agency_name: s.agency.name,
            submitted_at: s.submitted_at,
            appointment_date: s.appointment_date,
            updated_at: s.updated_at,
            history: s
                .history
                .into_iter()
                .map(|h| PublicHistoryEntry {
                    at: h.at,
                    status: i32::from(h.status),
                    agency_name: h.agency.name,
                })
                .collect(),
        }
    }
}

impl From<receipt::FollowedDossier> for FollowedDossier {
    fn from(f: receipt::FollowedDossier) -> FollowedDossier {
        FollowedDossier {
            dossier_code: f.dossier_code,
            verified: f.verified,
            verdict: f.verdict.as_ref().map(verdict_info),
            receipt: f.receipt.map(Into::into),
            receipt_qr: f.receipt_qr,
            status: f.status.map(Into::into),
            checked_at: f.checked_at,
            followed_at: f.followed_at,
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// Verifies a receipt's QR text offline against the signing keys held
    /// (delivered with catalog updates). Never needs the network.
    pub fn verify_receipt(&self, qr_text: String) -> Result<ReceiptCheck, HosoError> {
        let (receipt, verdict) = self.state.local.receipts.verify_text(&qr_text)?;
        Ok(ReceiptCheck {
            verdict: verdict_info(&verdict),
            dossier_code: receipt.as_ref().map(|r| r.payload.dossier_code.clone()),
            receipt: receipt.map(|r| ReceiptSummary::of(&r).into()),
        })
    }

    /// Reads the QR codes in a photo (PNG or JPEG file), hoso receipts
    /// first.
    pub async fn read_qr_picture(&self, path: String) -> Result<Vec<String>, HosoError> {
        self.blocking(move |_| Ok(qr_image::read_file(std::path::Path::new(&path))?))
            .await
    }

    /// What a scanned or typed text names: a hoso receipt (verified
    /// offline), a lookup link, a provincial portal URL or a dossier code.
    pub fn scan(&self, text: String) -> Result<ScannedCode, HosoError> {
        Ok(self.state.local.receipts.request(&text)?.into())
    }

    /// Looks the scanned dossier up on the portal (`portal_url`, else the
    /// one logged in to; no account needed) and follows it. Without a
    /// lookup token it is `Receipt` with code `needs_token`; when the portal
    /// is unreachable it is followed all the same and the error is
    /// `Network`.
    pub async fn look_up(
        &self,
        text: String,
        portal_url: Option<String>,
    ) -> Result<FollowedDossier, HosoError> {
        self.spawn(move |state| async move {
            let request = state.local.receipts.request(&text)?;
            let client = state.public_client(portal_url.as_deref())?;
            let followed =
                online::look_up(&client, &state.local.receipts, &request, unix_now()).await?;
            Ok(followed.into())
        })
        .await
    }

    /// Follows the scanned dossier without going online (its status comes
    /// with the next refresh); `None` when the text carries no lookup
    /// token.
    pub fn follow(&self, text: String) -> Result<Option<FollowedDossier>, HosoError> {
        let request = self.state.local.receipts.request(&text)?;
        Ok(self
            .state
            .local
            .receipts
            .follow(&request, unix_now())?
            .map(Into::into))
    }

    /// Dossiers followed through receipts, with the status last seen
    /// (offline).
    pub fn followed_dossiers(&self) -> Result<Vec<FollowedDossier>, HosoError> {
        Ok(self
            .state
            .local
            .receipts
            .followed_all()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Refreshes every followed dossier's public status; returns the list.
    /// A dossier the portal could not answer for keeps its cached status.
    pub async fn refresh_followed(
        &self,
        portal_url: Option<String>,
    ) -> Result<Vec<FollowedDossier>, HosoError> {
        self.spawn(move |state| async move {
            let client = state.public_client(portal_url.as_deref())?;
            online::refresh_followed(&client, &state.local.receipts, unix_now()).await?;
            Ok(state
                .local
                .receipts
                .followed_all()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// Stops following a dossier.
    pub fn unfollow(&self, dossier_code: String) -> Result<(), HosoError> {
        Ok(self.state.local.receipts.unfollow(&dossier_code)?)
    }

    /// The receipt QR text of a dossier filed from this device or followed
    /// here, to show or print.
    pub fn receipt_qr(&self, dossier_code: String) -> Result<Option<String>, HosoError> {
        let local = &self.state.local;
        Ok(local.receipts.receipt_qr(&local.filed, &dossier_code)?)
    }

    /// Draws a QR text as a PNG file at `path` (`module_px` pixels a
    /// module, 1–64).
    pub async fn write_qr_png(
        &self,
        qr_text: String,
        path: String,
        module_px: i32,
    ) -> Result<(), HosoError> {
        self.blocking(move |_| {
            let png = qr_image::png(&qr_text, u32::try_from(module_px).unwrap_or(1))?;
            std::fs::write(&path, png).map_err(|e| {
                HosoError::of(
                    ErrorKind::InvalidInput,
                    "io",
                    format!("không ghi được tệp ảnh: {}", e.kind()),
                    format!("cannot write the picture file: {}", e.kind()),
                )
            })
        })
        .await
    }

    /// Trusts `root_key` (base64url, as the portal publishes it) as the
    /// root key of the portal (`portal_url`, else the one logged in to):
    /// its catalogs and key sets are then taken only under that key's
    /// signature. Without it, the key of the portal's first signed answer
    /// is pinned.
    pub fn trust_portal_root_key(
        &self,
        portal_url: Option<String>,
        root_key: String,
    ) -> Result<(), HosoError> {
        let client = self.state.public_client(portal_url.as_deref())?;
        Ok(self
            .state
            .local
            .receipts
            .configure_root_key(client.base_url(), &root_key)?)
    }

    /// The portals trusted, with their root keys.
    pub fn trusted_portals(&self) -> Result<Vec<TrustedPortal>, HosoError> {
        Ok(self
            .state
            .local
            .receipts
            .trusted_portals()?
            .into_iter()
            .map(|t| TrustedPortal {
                portal_url: t.portal,
                root_key: t.root_key,
                configured: t.pinned == receipt::Pinned::Configured,
                key_set_version: to_i64(t.key_set.key_set_version),
            })
            .collect())
    }

    /// Fetches the portal's receipt-signing keys (`portal_url`, else the
    /// one logged in to) by the rotation and revocation rules, taken only
    /// under the portal's root-key signature. Catalog updates do this too.
    pub async fn refresh_signing_keys(
        &self,
        portal_url: Option<String>,
    ) -> Result<SigningKeys, HosoError> {
        self.spawn(move |state| async move {
            let client = state.public_client(portal_url.as_deref())?;
            let k = online::refresh_keys(&client, &state.local.receipts).await?;
            Ok(SigningKeys {
                version: to_i64(k.version),
                changed: k.changed,
                added: k.added,
                revoked: k.revoked,
            })
        })
        .await
    }
}
