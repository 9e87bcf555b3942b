//! Assisted filing through the binding (issue #19): the host's secret
//! store for the residents' keyring key ([`SecretStore`]), residents with
//! their consent, the active one, wiping, the handover of a filed dossier,
//! the audit log and team statistics. While a resident is active, draft,
//! attachment, profile and outbox calls act on theirs (`State::space`).

use crate::error::{HosoError, HostError};
use crate::hoso::{lock, Hoso};
use crate::{to_i32, to_i64};
use hoso_core::limits;
use hoso_core::residents::{self, Residents};
use hoso_core::vault::{DataKey, KeyError};
use std::sync::Arc;

/// Keeps the secrets that unlock residents' data outside the data
/// directory: on Android a Keystore key per secret
/// (`AndroidKeystoreSecretStore`), on iOS a Keychain item each
/// (`KeychainSecretStore`). Wiping a resident asks it to delete a secret:
/// it must really forget it.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    /// The secret kept under `name`, if any (32 bytes).
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, HostError>;
    /// Keeps `secret` under `name`, replacing any.
    fn put(&self, name: String, secret: Vec<u8>) -> Result<(), HostError>;
    /// Forgets the secret under `name` (nothing when there is none).
    fn delete(&self, name: String) -> Result<(), HostError>;
}

/// The host's store seen by the core.
struct HostSecrets(Arc<dyn SecretStore>);

impl hoso_core::vault::SecretStore for HostSecrets {
    fn get(&self, name: &str) -> Result<Option<DataKey>, KeyError> {
        let bytes = self
            .0
            .get(name.to_string())
            .map_err(|e| KeyError::Unavailable(e.to_string()))?;
        bytes
            .map(|b| DataKey::from_slice(&zeroize::Zeroizing::new(b)))
            .transpose()
    }

    fn put(&self, name: &str, secret: &DataKey) -> Result<(), KeyError> {
        self.0
            .put(name.to_string(), secret.as_bytes().to_vec())
            .map_err(|e| KeyError::Unavailable(e.to_string()))
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        self.0
            .delete(name.to_string())
            .map_err(|e| KeyError::Unavailable(e.to_string()))
    }
}

/// How a resident agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConsentMethod {
    /// A signed consent form; its scan is required.
    SignedForm,
    /// Confirmed in the resident's VNeID app (the confirmation code is the
    /// reference; never their password or one-time code).
    Vneid,
    /// Given aloud before a witness (named in the reference).
    WitnessedVerbal,
}

impl From<ConsentMethod> for hoso_core::wire::ConsentMethod {
    fn from(m: ConsentMethod) -> Self {
        match m {
            ConsentMethod::SignedForm => Self::SignedForm,
            ConsentMethod::Vneid => Self::Vneid,
            ConsentMethod::WitnessedVerbal => Self::WitnessedVerbal,
        }
    }
}

impl From<hoso_core::wire::ConsentMethod> for ConsentMethod {
    fn from(m: hoso_core::wire::ConsentMethod) -> Self {
        match m {
            hoso_core::wire::ConsentMethod::SignedForm => Self::SignedForm,
            hoso_core::wire::ConsentMethod::Vneid => Self::Vneid,
            hoso_core::wire::ConsentMethod::WitnessedVerbal => Self::WitnessedVerbal,
        }
    }
}

/// What the volunteer records when a resident agrees.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewConsent {
    pub method: ConsentMethod,
    /// Form number, VNeID confirmation code or the witness (1–64 chars).
    pub reference: String,
    /// Procedure codes it covers (at least one).
    pub covers: Vec<String>,
    /// Days their data may be kept after their last dossier ends (1–3650).
    pub retention_days: u32,
    /// The signed form's scan (PDF, JPEG or PNG; required for a signed
    /// form, at most 16 MiB).
    pub scan_path: Option<String>,
}

impl NewConsent {
    /// The core's consent, with the scan read (bounded) from its file.
    fn read(self) -> Result<residents::NewConsent, HosoError> {
        let scan = self
            .scan_path
            .map(|p| {
                limits::read_file(
                    std::path::Path::new(&p),
                    residents::SCAN_BYTES,
                    limits::CONSENT_SCAN,
                )
            })
            .transpose()
            .map_err(|e| HosoError::classified(&e))?;
        Ok(residents::NewConsent {
            method: self.method.into(),
            reference: self.reference,
            covers: self.covers,
            retention_days: self.retention_days,
            scan,
        })
    }
}

impl From<residents::Consent> for Consent {
    fn from(c: residents::Consent) -> Consent {
        Consent {
            method: c.method.into(),
            reference: c.reference,
            covers: c.covers,
            retention_days: c.retention_days,
            given_at: c.given_at,
            scan_sha256: c.scan_sha256,
        }
    }
}

/// A consent as kept.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    pub method: ConsentMethod,
    pub reference: String,
    pub covers: Vec<String>,
    pub retention_days: u32,
    /// Unix seconds.
    pub given_at: i64,
    /// SHA-256 of the signed form's scan, if any.
    pub scan_sha256: Option<String>,
}

/// A resident on the volunteer's device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Resident {
    pub id: String,
    /// How the volunteer tells them apart.
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    pub retention_days: u32,
    /// Dossier codes filed for them.
    pub dossiers: Vec<String>,
    /// Something of theirs waits to be sent.
    pub outbox_pending: bool,
}

impl From<residents::Resident> for Resident {
    fn from(r: residents::Resident) -> Resident {
        Resident {
            id: r.id,
            label: r.label,
            created_at: r.created_at,
            retention_days: r.retention_days,
            dossiers: r.dossiers,
            outbox_pending: r.outbox_pending,
        }
    }
}

/// What the volunteer did for a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AuditAction {
    /// Added, with their consent.
    Created,
    /// Their data was opened (made the active resident).
    Opened,
    /// A new consent replaced the one before.
    ConsentRecorded,
    DraftCreated,
    Edited,
    Attached,
    Detached,
    DraftDeleted,
    /// A submission was queued for the portal.
    Queued,
    /// The portal gave the dossier its code.
    Filed,
    /// A handover sheet was made.
    HandedOver,
    /// Wiped by the volunteer.
    Wiped,
    /// Wiped when their consent's retention ended.
    Expired,
}

impl From<residents::Action> for AuditAction {
    fn from(a: residents::Action) -> AuditAction {
        use residents::Action as A;
        match a {
            A::Created => AuditAction::Created,
            A::Opened => AuditAction::Opened,
            A::ConsentRecorded => AuditAction::ConsentRecorded,
            A::DraftCreated => AuditAction::DraftCreated,
            A::Edited => AuditAction::Edited,
            A::Attached => AuditAction::Attached,
            A::Detached => AuditAction::Detached,
            A::DraftDeleted => AuditAction::DraftDeleted,
            A::Queued => AuditAction::Queued,
            A::Filed => AuditAction::Filed,
            A::HandedOver => AuditAction::HandedOver,
            A::Wiped => AuditAction::Wiped,
            A::Expired => AuditAction::Expired,
        }
    }
}

/// One entry of the audit log (never a value).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditEntry {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// The resident's id.
    pub resident: String,
    pub action: AuditAction,
    pub procedure: Option<String>,
    pub draft: Option<String>,
    pub dossier: Option<String>,
}

/// One row of team statistics.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamStatsRow {
    /// `YYYY-MM-DD`, Vietnam time.
    pub day: String,
    pub procedure_code: String,
    pub status: i32,
    pub status_name: String,
    pub count: i64,
}

/// What the resident keeps of a filed dossier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Handover {
    pub dossier_code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency: String,
    /// `dd/mm/yyyy`.
    pub submitted_on: String,
    /// `dd/mm/yyyy`, when there is an appointment.
    pub appointment_on: Option<String>,
    pub fee_vnd: i64,
    pub results: Vec<String>,
    pub bring: Vec<String>,
    /// The signed receipt as QR text (`HS1:…`).
    pub receipt_qr: String,
    pub lookup_url: String,
    /// A short SMS with the code and the lookup link.
    pub sms: String,
    /// A fee still to pay (as of the last sync), printed on the sheet
    /// with its VietQR; `null` when nothing is owed, or it is paid or
    /// expired.
    pub fee_to_pay: Option<HandoverFee>,
}

/// A fee still to pay, for the resident to pay from a banking app.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HandoverFee {
    pub amount_vnd: i64,
    /// The transfer's message, kept as it is.
    pub reference: String,
    pub bank_name: Option<String>,
    pub account_number: String,
    pub account_name: String,
    /// `dd/mm/yyyy`.
    pub until: String,
    /// The VietQR payload.
    pub vietqr: String,
}

impl From<residents::Handover> for Handover {
    fn from(h: residents::Handover) -> Handover {
        Handover {
            dossier_code: h.dossier_code,
            procedure_code: h.procedure_code,
            procedure_name: h.procedure_name,
            agency: h.agency,
            submitted_on: h.submitted_on,
            appointment_on: h.appointment_on,
            fee_vnd: to_i64(h.fee_vnd),
            results: h.results,
            bring: h.bring,
            receipt_qr: h.receipt_qr,
            lookup_url: h.lookup_url,
            sms: h.sms,
            fee_to_pay: h.fee_payment.map(|f| HandoverFee {
                amount_vnd: to_i64(f.amount_vnd),
                reference: f.reference,
                bank_name: f.bank,
                account_number: f.account_number,
                account_name: f.account_name,
                until: f.until,
                vietqr: f.vietqr,
            }),
        }
    }
}

impl Hoso {
    /// The core's handover of `code` for the active resident.
    pub(crate) fn core_handover(&self, code: &str) -> Result<residents::Handover, HosoError> {
        let residents = self.residents_enabled()?;
        let client = self.state.logged_in()?;
        Ok(residents.handover(code, client.base_url())?)
    }

    fn residents_enabled(&self) -> Result<Arc<Residents>, HosoError> {
        self.state.residents().ok_or_else(|| {
            HosoError::of(
                hoso_core::error::ErrorKind::NotReady,
                "assisted_filing_off",
                "chưa bật chế độ nộp hộ (enable_assisted_filing) / assisted filing is not enabled (enable_assisted_filing)".into(),
                "assisted filing is not enabled (enable_assisted_filing)".into(),
            )
        })
    }
}

#[uniffi::export]
impl Hoso {
    /// Turns on assisted filing on this device: residents' keys are kept
    /// wrapped by a keyring key `secrets` holds. No resident is active
    /// until one is chosen. Finishes a wipe a crash interrupted.
    pub fn enable_assisted_filing(&self, secrets: Arc<dyn SecretStore>) -> Result<(), HosoError> {
        let residents = Residents::with_vault(
            &self.state.data_dir,
            self.state.local.drafts.vault().clone(),
            Arc::new(HostSecrets(secrets)),
        )?;
        *lock(&self.state.residents) = Some(Arc::new(residents));
        // A running background loop takes the residents' outboxes from now on.
        self.restart_background_sync();
        Ok(())
    }

    /// Adds a resident with their consent (checked and kept before
    /// anything else of theirs); `label` is how the volunteer tells them
    /// apart. They are not made active.
    pub fn create_resident(
        &self,
        label: String,
        consent: NewConsent,
    ) -> Result<Resident, HosoError> {
        let residents = self.residents_enabled()?;
        let now = hoso_core::clock::unix_now();
        Ok(residents.create(&label, &consent.read()?, now)?.into())
    }

    /// Records a new consent for the active resident (to cover another
    /// procedure, or renewed); the one before is kept as history.
    pub fn record_consent(&self, consent: NewConsent) -> Result<Consent, HosoError> {
        let residents = self.residents_enabled()?;
        let now = hoso_core::clock::unix_now();
        Ok(residents.record_consent(&consent.read()?, now)?.into())
    }

    /// Every resident on this device, oldest first.
    pub fn residents(&self) -> Result<Vec<Resident>, HosoError> {
        let list = self.residents_enabled()?.list()?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// Makes resident `id` the active one: draft, attachment, profile and
    /// outbox calls act on theirs from now on.
    pub fn use_resident(&self, id: String) -> Result<(), HosoError> {
        let residents = self.residents_enabled()?;
        let mut chosen = lock(&self.state.chosen);
        *chosen = None;
        residents.use_resident(&id)?;
        *chosen = Some(id);
        Ok(())
    }

    /// The active resident's id, if any.
    pub fn active_resident(&self) -> Option<String> {
        self.state
            .residents()
            .and_then(|r| r.active().ok())
            .map(|(id, _)| id)
    }

    /// Closes the active resident and forgets their key: calls act on the
    /// volunteer's own data again.
    pub fn lock_resident(&self) -> Result<(), HosoError> {
        *lock(&self.state.chosen) = None;
        Ok(self.residents_enabled()?.lock()?)
    }

    /// Destroys resident `id`'s key and deletes everything of theirs;
    /// copies of their files taken before cannot be opened afterwards.
    pub fn wipe_resident(&self, id: String) -> Result<(), HosoError> {
        self.residents_enabled()?.wipe(&id)?;
        // The app wiped the one it chose: its own data again.
        let mut chosen = lock(&self.state.chosen);
        if chosen.as_deref() == Some(id.as_str()) {
            *chosen = None;
        }
        Ok(())
    }

    /// The active resident's consent.
    pub fn resident_consent(&self) -> Result<Consent, HosoError> {
        Ok(self.residents_enabled()?.consent()?.into())
    }

    /// The handover of dossier `code` filed for the active resident (the
    /// lookup link on the portal logged in to).
    pub fn handover(&self, code: String) -> Result<Handover, HosoError> {
        Ok(self.core_handover(&code)?.into())
    }

    /// Wipes the residents whose consent's retention has ended (a sync
    /// does this too); returns their ids.
    pub fn erase_expired_residents(&self) -> Result<Vec<String>, HosoError> {
        let residents = self.residents_enabled()?;
        let now = hoso_core::clock::unix_now();
        Ok(residents.sweep(&self.state.local.filed, now)?)
    }

    /// The audit log, oldest first (`audit_broken` when it was altered).
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, HosoError> {
        let log = self.residents_enabled()?.audit_log()?;
        Ok(log
            .into_iter()
            .map(|e| AuditEntry {
                seq: to_i64(e.seq),
                at: e.at,
                resident: e.resident,
                action: e.action.into(),
                procedure: e.procedure,
                draft: e.draft,
                dossier: e.dossier,
            })
            .collect())
    }

    /// The dossiers filed from this device, counted per day, procedure and
    /// status (nothing about anyone).
    pub fn team_stats(&self) -> Result<Vec<TeamStatsRow>, HosoError> {
        let rows = residents::team_stats(&self.state.local.filed)?;
        Ok(rows
            .into_iter()
            .map(|r| TeamStatsRow {
                day: r.day,
                procedure_code: r.procedure_code,
                status: to_i32(r.status),
                status_name: r.status_name,
                count: to_i64(r.count),
            })
            .collect())
    }

    /// [`Hoso::team_stats`] as CSV, for the team leader's report.
    pub fn team_stats_csv(&self) -> Result<String, HosoError> {
        let rows = residents::team_stats(&self.state.local.filed)?;
        Ok(residents::stats_csv(&rows))
    }
}
