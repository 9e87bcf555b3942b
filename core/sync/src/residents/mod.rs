//! Residents a volunteer files for (issue #19, ADR 0012): each resident is
//! a data directory of its own (`DIR/residents/<id>/`, opened as a
//! [`Local`] like the citizen's own) sealed under the resident's own data
//! key, which is kept only wrapped by the keyring ([`keyring`]). Exactly one
//! resident is active at a time; only the active resident's directory is
//! open, so no call can reach another's data. Wiping a resident rotates the
//! keyring and deletes the directory: a copy of the data taken before the
//! wipe cannot be opened with what the host holds after (crypto-erasure).

mod audit;
mod consent;
mod filing;
mod handover;
mod keyring;
mod printing;
mod retention;
mod stats;

pub use audit::{Action, AuditEntry};
pub use consent::{Consent, ConsentError, NewConsent, SCAN_BYTES};
pub use filing::VolunteerRounds;
pub use handover::Handover;
pub use keyring::KeyringError;
pub use printing::{consent_form_pdf, ConsentRequest};
pub use stats::{stats_csv, team_stats, StatsRow};

use crate::catalog::store::{CatalogError, CatalogStore};
use crate::draft::{DraftError, Drafts};
use crate::storage::Changes;
use crate::sync::Local;
use crate::vault::{
    DataKey, KeyError, KeyProvider, SecretStore, Vault, VaultError, RESIDENTS_SPACE,
};
use hoso_store::error::{Classified, ErrorKind};
use keyring::Keyring;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const KEYRING: &[u8] = b"keyring";
const LIST: &[u8] = b"list";
/// The id of the resident in use, kept so a later start (a CLI command)
/// acts on the same one.
const ACTIVE: &[u8] = b"active";
/// In a resident's own space: their consent, and the signed form's scan.
const CONSENT: &[u8] = b"consent";
const CONSENT_SCAN: &str = "consent_scan";
/// The consents a newer one replaced.
const CONSENT_HISTORY: &[u8] = b"consent_history";
/// Directories a create or wipe is working on ([`Residents::pending`]).
const PENDING: &[u8] = b"pending";
/// Where the residents' directories live, under the volunteer's.
const DIR: &str = "residents";

/// One resident, as the volunteer's list shows them (sealed: the label is
/// personal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    /// Random, 16 hex digits; names the resident's directory.
    pub id: String,
    /// How the volunteer tells residents apart ("Bà Năm, tổ 3").
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Days their data may be kept after their last dossier ends (their
    /// consent's), readable without opening their space.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// The dossier codes filed for them, as the portal gave them.
    #[serde(default)]
    pub dossiers: Vec<String>,
    /// Their outbox may hold something to send: set before anything is
    /// queued, cleared by the sync round that leaves nothing pending.
    #[serde(default)]
    pub outbox_pending: bool,
    /// How many submissions were queued for them (counted after each is
    /// queued): a round clears `outbox_pending` only if none was queued
    /// while it read their outbox.
    #[serde(default)]
    pub queued: u64,
}

fn default_retention() -> u32 {
    30
}

/// Why a resident operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ResidentError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Space(#[from] DraftError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("không có người dân {0} / no resident {0}")]
    NotFound(String),
    #[error("chưa chọn người dân nào / no resident is active")]
    NoneActive,
    #[error("tên gọi người dân không được để trống / the resident's label must not be empty")]
    EmptyLabel,
    #[error("danh sách người dân đã lưu bị hỏng / the saved list of residents is damaged")]
    Damaged,
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error("không xóa được thư mục của người dân / cannot delete the resident's directory: {0}")]
    Io(String),
    #[error(transparent)]
    Scan(crate::draft::AttachError),
    #[error("sự đồng ý của người dân không bao gồm thủ tục {0} / the resident's consent does not cover procedure {0}")]
    NotCovered(String),
    #[error("hãy nhập họ tên người dân vào hồ sơ của họ trước khi nộp / enter the resident's full name in their profile before filing")]
    NameMissing,
    #[error(transparent)]
    Outbox(#[from] crate::outbox::OutboxError),
    #[error(transparent)]
    Sync(#[from] crate::sync::engine::SyncError),
    #[error(transparent)]
    Filed(crate::filed::FiledError),
    #[error("nhật ký hoạt động đã bị sửa hoặc hỏng / the audit log was altered or is damaged")]
    AuditBroken,
    #[error("người dân đang chọn chưa có hồ sơ {0} đã nộp / no dossier {0} was filed for the active resident")]
    NotFiled(String),
    #[error(transparent)]
    Paper(#[from] crate::papers::PaperError),
    #[error(transparent)]
    Payments(#[from] crate::payments::PaymentsError),
}

impl Classified for ResidentError {
    fn kind(&self) -> ErrorKind {
        match self {
            ResidentError::Vault(e) => e.kind(),
            ResidentError::Keyring(KeyringError::Host(e)) => e.kind(),
            ResidentError::Keyring(KeyringError::Randomness) => ErrorKind::Internal,
            ResidentError::Keyring(_) => ErrorKind::KeyUnavailable,
            ResidentError::Space(e) => e.kind(),
            ResidentError::Catalog(e) => e.kind(),
            ResidentError::NotFound(_) => ErrorKind::NotFound,
            ResidentError::NoneActive | ResidentError::EmptyLabel => ErrorKind::InvalidInput,
            ResidentError::Damaged => ErrorKind::Damaged,
            ResidentError::Consent(_) => ErrorKind::InvalidInput,
            ResidentError::Io(_) => ErrorKind::Storage,
            ResidentError::Scan(e) => e.kind(),
            ResidentError::NotCovered(_) | ResidentError::NameMissing => ErrorKind::InvalidInput,
            ResidentError::Outbox(e) => e.kind(),
            ResidentError::Sync(e) => e.kind(),
            ResidentError::Filed(e) => e.kind(),
            ResidentError::AuditBroken => ErrorKind::Damaged,
            ResidentError::NotFiled(_) => ErrorKind::NotFound,
            ResidentError::Paper(e) => e.kind(),
            ResidentError::Payments(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            ResidentError::Vault(e) => e.code(),
            ResidentError::Keyring(KeyringError::KeyringKeyMissing) => "keyring_key_missing",
            ResidentError::Keyring(KeyringError::Unwrap(_)) => "resident_key_unreadable",
            ResidentError::Keyring(_) => "key_unavailable",
            ResidentError::Space(e) => e.code(),
            ResidentError::Catalog(e) => e.code(),
            ResidentError::NotFound(_) => "resident_not_found",
            ResidentError::NoneActive => "no_active_resident",
            ResidentError::EmptyLabel => "empty_label",
            ResidentError::Damaged => "damaged",
            ResidentError::Consent(e) => e.code(),
            ResidentError::Io(_) => "io",
            ResidentError::Scan(e) => e.code(),
            ResidentError::NotCovered(_) => "consent_not_covering",
            ResidentError::NameMissing => "resident_name_missing",
            ResidentError::Outbox(e) => e.code(),
            ResidentError::Sync(e) => e.code(),
            ResidentError::Filed(e) => e.code(),
            ResidentError::AuditBroken => "audit_broken",
            ResidentError::NotFiled(_) => "dossier_not_found",
            ResidentError::Paper(e) => e.error_code(),
            ResidentError::Payments(e) => e.error_code(),
        }
    }
}

/// The consent kept in a resident's space.
fn consent_of(local: &Local) -> Result<Consent, ResidentError> {
    let bytes = local
        .drafts
        .vault()
        .get(RESIDENTS_SPACE, CONSENT)?
        .ok_or(ResidentError::Damaged)?;
    serde_json::from_slice(&bytes).map_err(|_| ResidentError::Damaged)
}

/// A resident's key handed to their directory's vault.
struct ResidentKey(DataKey);

impl KeyProvider for ResidentKey {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes(*self.0.as_bytes()))
    }
}

/// The residents of a volunteer's device.
pub struct Residents {
    vault: Vault,
    /// The volunteer's catalog, which every resident's drafts use.
    catalog: CatalogStore,
    dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    rng: SystemRandom,
    active: Mutex<Option<(String, Arc<Local>)>>,
}

impl Residents {
    /// The residents kept under `data_dir` (the volunteer's own directory,
    /// opened with the host's key), their keyring key with `secrets`.
    /// Finishes a wipe a crash interrupted.
    pub fn open(
        data_dir: &Path,
        keys: &dyn KeyProvider,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Residents, ResidentError> {
        Residents::with_vault(data_dir, Vault::open_dir(data_dir, keys)?, secrets)
    }

    /// [`Residents::open`] with the volunteer's vault already open (the
    /// one their own stores use).
    pub fn with_vault(
        data_dir: &Path,
        vault: Vault,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Residents, ResidentError> {
        let residents = Residents {
            vault,
            catalog: CatalogStore::open(data_dir)?,
            dir: data_dir.join(DIR),
            secrets,
            rng: SystemRandom::new(),
            active: Mutex::new(None),
        };
        residents.recover()?;
        Ok(residents)
    }

    /// The keyring kept, if any.
    fn stored_keyring(&self) -> Result<Option<Keyring>, ResidentError> {
        match self.vault.get(RESIDENTS_SPACE, KEYRING)? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|_| ResidentError::Damaged),
        }
    }

    /// The keyring kept, or a new empty one with its own random id (saved
    /// with the first resident).
    fn keyring(&self) -> Result<Keyring, ResidentError> {
        if let Some(keyring) = self.stored_keyring()? {
            return Ok(keyring);
        }
        Ok(Keyring {
            id: self.random_id()?,
            ..Keyring::default()
        })
    }

    fn random_id(&self) -> Result<String, ResidentError> {
        let mut raw = [0u8; 8];
        self.rng
            .fill(&mut raw)
            .map_err(|_| KeyringError::Randomness)?;
        Ok(crate::hex::encode(&raw))
    }

    /// Directories a create or a wipe was working on (the intent kept
    /// before the work), so an interrupted one is finished on open and
    /// nothing else under `residents/` is ever deleted.
    fn pending(&self) -> Result<Vec<String>, ResidentError> {
        match self.vault.get(RESIDENTS_SPACE, PENDING)? {
            None => Ok(Vec::new()),
            Some(b) => serde_json::from_slice(&b).map_err(|_| ResidentError::Damaged),
        }
    }

    fn put_pending(&self, changes: &mut Changes, pending: &[String]) -> Result<(), ResidentError> {
        if pending.is_empty() {
            changes.remove(RESIDENTS_SPACE, PENDING);
            return Ok(());
        }
        let bytes = serde_json::to_vec(pending).map_err(|_| ResidentError::Damaged)?;
        Ok(self.vault.put(changes, RESIDENTS_SPACE, PENDING, &bytes)?)
    }

    fn commit_changes(&self, changes: &Changes) -> Result<(), ResidentError> {
        self.vault
            .store()
            .commit(changes)
            .map_err(|e| ResidentError::Vault(VaultError::Storage(e)))
    }

    /// Every resident, oldest first.
    pub fn list(&self) -> Result<Vec<Resident>, ResidentError> {
        match self.vault.get(RESIDENTS_SPACE, LIST)? {
            None => Ok(Vec::new()),
            Some(b) => serde_json::from_slice(&b).map_err(|_| ResidentError::Damaged),
        }
    }

    /// Commits the keyring, the list and the pending intents together.
    fn commit(
        &self,
        keyring: &Keyring,
        list: &[Resident],
        pending: &[String],
    ) -> Result<(), ResidentError> {
        let mut changes = Changes::default();
        let ring = serde_json::to_vec(keyring).map_err(|_| ResidentError::Damaged)?;
        let list = serde_json::to_vec(list).map_err(|_| ResidentError::Damaged)?;
        self.vault
            .put(&mut changes, RESIDENTS_SPACE, KEYRING, &ring)?;
        self.vault.put(&mut changes, RESIDENTS_SPACE, LIST, &list)?;
        self.put_pending(&mut changes, pending)?;
        self.commit_changes(&changes)
    }

    /// The keyring key, made on first use.
    fn ring_key(&self, keyring: &Keyring) -> Result<DataKey, ResidentError> {
        match keyring::ring_key(self.secrets.as_ref(), keyring) {
            Err(KeyringError::KeyringKeyMissing) if keyring.wrapped.is_empty() => {
                let key = keyring::random_key(&self.rng)?;
                self.secrets
                    .put(&keyring::secret_name(&keyring.id, keyring.epoch), &key)
                    .map_err(KeyringError::from)?;
                Ok(key)
            }
            other => Ok(other?),
        }
    }

    /// Adds a resident (`label` is how the volunteer tells them apart)
    /// with their consent, which is checked and kept in their own space
    /// before anything else of theirs is saved.
    pub fn create(
        &self,
        label: &str,
        consent: &NewConsent,
        now: i64,
    ) -> Result<Resident, ResidentError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(ResidentError::EmptyLabel);
        }
        let checked = consent.checked(now)?;
        let retention_days = checked.retention_days;
        let _guard = self.vault.store().edit_lock();
        let mut keyring = self.keyring()?;
        let ring_key = self.ring_key(&keyring)?;
        let id = self.random_id()?;
        let key = keyring::random_key(&self.rng)?;
        let wrapped = keyring::wrap(&ring_key, keyring.epoch, &id, &key, &self.rng)?;
        // The intent, then the consent in the resident's own space, then
        // the resident listed: a crash before the last leaves a directory
        // the intent names, which `recover` deletes.
        let mut pending = self.pending()?;
        pending.push(id.clone());
        let mut intent = Changes::default();
        self.put_pending(&mut intent, &pending)?;
        self.commit_changes(&intent)?;
        self.keep_consent(&id, key, checked, consent.scan.as_deref())?;
        keyring.wrapped.insert(id.clone(), wrapped);
        let resident = Resident {
            id,
            label: label.to_string(),
            created_at: now,
            retention_days,
            dossiers: Vec::new(),
            outbox_pending: false,
            queued: 0,
        };
        let mut list = self.list()?;
        list.push(resident.clone());
        pending.retain(|p| *p != resident.id);
        self.commit(&keyring, &list, &pending)?;
        drop(_guard);
        self.record(&resident.id, Action::Created, audit::Note::default())?;
        Ok(resident)
    }

    /// Makes resident `id` the active one (closing the one before) and
    /// returns their stores.
    pub fn use_resident(&self, id: &str) -> Result<Arc<Local>, ResidentError> {
        let local = self.activate(id)?;
        self.record(id, Action::Opened, audit::Note::default())?;
        Ok(local)
    }

    /// Opens resident `id` as the active one (closing the one before).
    fn activate(&self, id: &str) -> Result<Arc<Local>, ResidentError> {
        // Under the edit lock: a wipe of the same resident cannot delete
        // their directory between the unwrap and the open (which would
        // make it again, unlisted).
        let guard = self.vault.store().edit_lock();
        let keyring = self.keyring()?;
        let wrapped = keyring
            .wrapped
            .get(id)
            .ok_or_else(|| ResidentError::NotFound(crate::text::shown_if_identifier(id)))?;
        let mut active = self.active.lock().unwrap_or_else(|p| p.into_inner());
        // Closed first: never two residents open at once.
        *active = None;
        let ring_key = keyring::ring_key(self.secrets.as_ref(), &keyring)?;
        let key = keyring::unwrap(&ring_key, keyring.epoch, id, wrapped)?;
        let local = Arc::new(self.space(id, key)?);
        self.remember_active(Some(id))?;
        *active = Some((id.to_string(), local.clone()));
        drop(active);
        drop(guard);
        // A consent recorded by a run that stopped before the list said
        // its retention: said now.
        let retention_days = consent_of(&local)?.retention_days;
        self.mark(id, |r| r.retention_days = retention_days)?;
        Ok(local)
    }

    /// Resident `id`'s stores, opened with their key (shared with the
    /// volunteer: the session and the filed dossiers, see
    /// [`Local::for_resident`]).
    fn space(&self, id: &str, key: DataKey) -> Result<Local, ResidentError> {
        let mut drafts = self.drafts_of(id, key)?;
        drafts.observe(audit::observer(self.vault.clone(), id.to_string()));
        Ok(Local::for_resident(drafts, self.vault.clone()))
    }

    /// Resident `id`'s drafts (their directory, their key, the
    /// volunteer's catalog).
    fn drafts_of(&self, id: &str, key: DataKey) -> Result<Drafts, ResidentError> {
        let dir = self.dir.join(id);
        Ok(Drafts::with_catalog(
            &dir,
            &ResidentKey(key),
            self.catalog.clone(),
        )?)
    }

    /// Resident `id`'s stores, without making them active (a sync round
    /// sends their outbox): the active resident's own when it is them.
    fn open_space(&self, keyring: &Keyring, id: &str) -> Result<Arc<Local>, ResidentError> {
        if let Ok((active, local)) = self.active() {
            if active == id {
                return Ok(local);
            }
        }
        let wrapped = keyring
            .wrapped
            .get(id)
            .ok_or_else(|| ResidentError::NotFound(crate::text::shown_if_identifier(id)))?;
        let ring_key = keyring::ring_key(self.secrets.as_ref(), keyring)?;
        let key = keyring::unwrap(&ring_key, keyring.epoch, id, wrapped)?;
        Ok(Arc::new(self.space(id, key)?))
    }

    /// Keeps the consent in the resident's own space, the signed form's
    /// scan pinned in their file store (each dossier filed for them
    /// uploads it).
    fn keep_consent(
        &self,
        id: &str,
        key: DataKey,
        mut consent: Consent,
        scan: Option<&[u8]>,
    ) -> Result<(), ResidentError> {
        let drafts = self.drafts_of(id, key)?;
        if let Some(scan) = scan {
            let pinned = drafts
                .pin(
                    CONSENT_SCAN,
                    "consent-form",
                    scan,
                    SCAN_BYTES,
                    &consent::SCAN_TYPES,
                )
                .map_err(ResidentError::Scan)?;
            consent.document = Some(pinned);
        }
        let vault = drafts.vault();
        let mut changes = Changes::default();
        let bytes = serde_json::to_vec(&consent).map_err(|_| ResidentError::Damaged)?;
        vault.put(&mut changes, RESIDENTS_SPACE, CONSENT, &bytes)?;
        vault
            .store()
            .commit(&changes)
            .map_err(|e| ResidentError::Vault(VaultError::Storage(e)))
    }

    /// Records a new consent for the active resident (to cover another
    /// procedure, or renewed): it replaces the one before, which is kept
    /// in their space as history.
    pub fn record_consent(&self, consent: &NewConsent, now: i64) -> Result<Consent, ResidentError> {
        let (id, local) = self.active()?;
        let mut checked = consent.checked(now)?;
        let drafts = &local.drafts;
        let before = consent_of(&local)?;
        let mut history: Vec<Consent> =
            match drafts.vault().get(RESIDENTS_SPACE, CONSENT_HISTORY)? {
                None => Vec::new(),
                Some(b) => serde_json::from_slice(&b).map_err(|_| ResidentError::Damaged)?,
            };
        if let Some(scan) = &consent.scan {
            // A name of its own: the scans before stay pinned (the history
            // names them), so a crash before the commit below leaves the
            // consent in force whole.
            let pinned = drafts
                .pin(
                    &format!("{CONSENT_SCAN}_{}", history.len() + 1),
                    "consent-form",
                    scan.as_slice(),
                    SCAN_BYTES,
                    &consent::SCAN_TYPES,
                )
                .map_err(ResidentError::Scan)?;
            checked.document = Some(pinned);
        }
        let vault = drafts.vault();
        history.push(before);
        let mut changes = Changes::default();
        let bytes = serde_json::to_vec(&checked).map_err(|_| ResidentError::Damaged)?;
        vault.put(&mut changes, RESIDENTS_SPACE, CONSENT, &bytes)?;
        let bytes = serde_json::to_vec(&history).map_err(|_| ResidentError::Damaged)?;
        vault.put(&mut changes, RESIDENTS_SPACE, CONSENT_HISTORY, &bytes)?;
        vault
            .store()
            .commit(&changes)
            .map_err(|e| ResidentError::Vault(VaultError::Storage(e)))?;
        let retention_days = checked.retention_days;
        self.mark(&id, |r| r.retention_days = retention_days)?;
        self.record(&id, Action::ConsentRecorded, audit::Note::default())?;
        Ok(checked)
    }

    /// The active resident's consent.
    pub fn consent(&self) -> Result<Consent, ResidentError> {
        consent_of(&self.active()?.1)
    }

    fn remember_active(&self, id: Option<&str>) -> Result<(), ResidentError> {
        if self.vault.get(RESIDENTS_SPACE, ACTIVE)?.as_deref() == id.map(str::as_bytes) {
            return Ok(());
        }
        let mut changes = Changes::default();
        match id {
            Some(id) => self
                .vault
                .put(&mut changes, RESIDENTS_SPACE, ACTIVE, id.as_bytes())?,
            None => changes.remove(RESIDENTS_SPACE, ACTIVE),
        }
        self.vault
            .store()
            .commit(&changes)
            .map_err(|e| ResidentError::Vault(VaultError::Storage(e)))
    }

    /// Opens the resident that was in use when this device last stopped
    /// (none after [`lock`](Self::lock) or a wipe of them).
    pub fn resume(&self) -> Result<Option<(String, Arc<Local>)>, ResidentError> {
        if let Ok(active) = self.active() {
            return Ok(Some(active));
        }
        let Some(id) = self.vault.get(RESIDENTS_SPACE, ACTIVE)? else {
            return Ok(None);
        };
        let id = String::from_utf8(id).map_err(|_| ResidentError::Damaged)?;
        if !self.keyring()?.wrapped.contains_key(&id) {
            return Ok(None);
        }
        let local = self.activate(&id)?;
        Ok(Some((id, local)))
    }

    /// The active resident's id and stores.
    pub fn active(&self) -> Result<(String, Arc<Local>), ResidentError> {
        self.active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(ResidentError::NoneActive)
    }

    /// Closes the active resident and forgets their key; no resident is
    /// in use until one is chosen again.
    pub fn lock(&self) -> Result<(), ResidentError> {
        *self.active.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.remember_active(None)
    }

    /// Wipes resident `id`: a new keyring key wraps every other resident's
    /// key, the host forgets the old one, and the resident's directory is
    /// deleted. Copies of the data taken before cannot open the resident.
    pub fn wipe(&self, id: &str) -> Result<(), ResidentError> {
        self.wipe_for(id, Action::Wiped)
    }

    /// [`Residents::wipe`], recorded in the audit log as `action`.
    fn wipe_for(&self, id: &str, action: Action) -> Result<(), ResidentError> {
        let erased = self.erase(id, |_| true)?;
        self.forget_notes(erased.as_ref())?;
        self.record(id, action, audit::Note::default())
    }

    /// What officers wrote about a wiped resident's dossiers may name
    /// them: the volunteer keeps code, status, dates and receipt only.
    pub(super) fn forget_notes(&self, erased: Option<&Resident>) -> Result<(), ResidentError> {
        let Some(entry) = erased else {
            return Ok(());
        };
        let filed = crate::filed::FiledDossiers::with_vault(self.vault.clone());
        let mut kept = Vec::new();
        for code in &entry.dossiers {
            if let Some(d) = filed.get(code).map_err(ResidentError::Filed)? {
                kept.push(d.without_notes());
            }
        }
        filed.save(&kept).map_err(ResidentError::Filed)
    }

    /// Wipes resident `id` if `still(their entry)` holds under the edit
    /// lock (a sweep checks nothing was queued since it judged them);
    /// their entry as it was when wiped (`None`: not wiped now, or it
    /// was a wipe cut off after its commit, finished here).
    fn erase(
        &self,
        id: &str,
        still: impl Fn(&Resident) -> bool,
    ) -> Result<Option<Resident>, ResidentError> {
        let _guard = self.vault.store().edit_lock();
        let entry = self.list()?.into_iter().find(|r| r.id == id);
        if entry.as_ref().is_some_and(|e| !still(e)) {
            return Ok(None);
        }
        let keyring = self.keyring()?;
        if !keyring.wrapped.contains_key(id) {
            // A wipe that failed after its commit: finish it.
            if self.pending()?.iter().any(|p| p == id) {
                return self.finish(&keyring).map(|()| None);
            }
            return Err(ResidentError::NotFound(crate::text::shown_if_identifier(
                id,
            )));
        }
        {
            let mut active = self.active.lock().unwrap_or_else(|p| p.into_inner());
            if active.as_ref().is_some_and(|(a, _)| a == id) {
                *active = None;
            }
        }
        let old_key = keyring::ring_key(self.secrets.as_ref(), &keyring)?;
        let epoch = keyring.epoch.checked_add(1).ok_or(ResidentError::Damaged)?;
        let new_key = keyring::random_key(&self.rng)?;
        let mut next = Keyring {
            id: keyring.id.clone(),
            epoch,
            wrapped: Default::default(),
        };
        for (other, wrapped) in keyring.wrapped.iter().filter(|(k, _)| *k != id) {
            let key = keyring::unwrap(&old_key, keyring.epoch, other, wrapped)?;
            next.wrapped.insert(
                other.clone(),
                keyring::wrap(&new_key, epoch, other, &key, &self.rng)?,
            );
        }
        // 1. the host holds the new key; 2. the keyring, the list and the
        // intent to delete the directory move in one commit; 3. the host
        // forgets the old key and the directory goes (`finish`). A crash
        // after 1 leaves a key that wraps nothing (replaced by the next
        // put); after 2, the next open or a retried wipe finishes.
        self.secrets
            .put(&keyring::secret_name(&next.id, epoch), &new_key)
            .map_err(KeyringError::from)?;
        let list: Vec<Resident> = self.list()?.into_iter().filter(|r| r.id != id).collect();
        let mut pending = self.pending()?;
        pending.push(id.to_string());
        self.commit(&next, &list, &pending)?;
        if self.vault.get(RESIDENTS_SPACE, ACTIVE)?.as_deref() == Some(id.as_bytes()) {
            self.remember_active(None)?;
        }
        self.finish(&next)?;
        Ok(entry)
    }

    fn remove_dir(&self, id: &str) -> Result<(), ResidentError> {
        let dir = self.dir.join(id);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ResidentError::Io(e.kind().to_string())),
        }
    }

    /// Finishes what a create or a wipe left undone: the host forgets the
    /// keyring key of the epoch before, and the directories the intents
    /// name that are not (or no longer) listed are deleted. Nothing else
    /// under `residents/` is touched, and nothing at all without a kept
    /// keyring (a store moved aside as corrupt keeps what it had).
    fn finish(&self, keyring: &Keyring) -> Result<(), ResidentError> {
        let pending = self.pending()?;
        if pending.is_empty() {
            // Nothing was cut off: an open does no other I/O.
            return Ok(());
        }
        if let Some(before) = keyring.epoch.checked_sub(1) {
            self.secrets
                .delete(&keyring::secret_name(&keyring.id, before))
                .map_err(KeyringError::from)?;
        }
        for id in &pending {
            if !keyring.wrapped.contains_key(id) {
                self.remove_dir(id)?;
            }
        }
        let mut changes = Changes::default();
        self.put_pending(&mut changes, &[])?;
        self.commit_changes(&changes)
    }

    fn recover(&self) -> Result<(), ResidentError> {
        let _guard = self.vault.store().edit_lock();
        // With no keyring kept, only a create that never committed can
        // have left a directory, and its intent names it.
        self.finish(&self.stored_keyring()?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemorySecrets;

    struct Key;
    impl KeyProvider for Key {
        fn data_key(&self) -> Result<DataKey, KeyError> {
            Ok(DataKey::from_bytes([9; 32]))
        }
    }

    fn consent() -> NewConsent {
        NewConsent {
            method: hoso_wire::ConsentMethod::Vneid,
            reference: "XN-123456".into(),
            covers: vec!["1.000656".into()],
            retention_days: 30,
            scan: None,
        }
    }

    #[test]
    fn only_what_an_intent_names_is_deleted_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecrets::default());
        let residents = Residents::open(dir.path(), &Key, secrets.clone()).unwrap();
        let an = residents.create("Ông An", &consent(), 1).unwrap();
        residents.use_resident(&an.id).unwrap();
        residents.lock().unwrap();
        // A create that died after its intent and its consent: the
        // directory exists, the resident is not listed.
        let crashed = "00deadbeef00cafe".to_string();
        std::fs::create_dir_all(dir.path().join(DIR).join(&crashed)).unwrap();
        let mut changes = Changes::default();
        residents
            .put_pending(&mut changes, std::slice::from_ref(&crashed))
            .unwrap();
        residents.commit_changes(&changes).unwrap();
        // Things no intent names: another directory, a plain file.
        let stranger = dir.path().join(DIR).join("0123456789abcdef");
        std::fs::create_dir_all(&stranger).unwrap();
        std::fs::write(dir.path().join(DIR).join(".nomedia"), b"").unwrap();
        drop(residents);

        let residents = Residents::open(dir.path(), &Key, secrets.clone()).unwrap();
        assert!(!dir.path().join(DIR).join(&crashed).exists());
        assert!(stranger.exists() && dir.path().join(DIR).join(".nomedia").exists());
        assert!(residents.pending().unwrap().is_empty());
        assert!(residents.use_resident(&an.id).is_ok());
        // The current keyring key survived; only it is held.
        assert_eq!(secrets.len(), 1);
    }

    #[test]
    fn a_wipe_that_failed_after_its_commit_is_finished_by_a_retry() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecrets::default());
        let residents = Residents::open(dir.path(), &Key, secrets.clone()).unwrap();
        let an = residents.create("Ông An", &consent(), 1).unwrap();
        let binh = residents.create("Bà Bình", &consent(), 2).unwrap();
        residents.use_resident(&an.id).unwrap();
        residents.lock().unwrap();
        // Steps 1 and 2 of a wipe, as if the process died before 3.
        let keyring = residents.keyring().unwrap();
        let old = keyring::ring_key(secrets.as_ref(), &keyring).unwrap();
        let new_key = keyring::random_key(&residents.rng).unwrap();
        let mut next = Keyring {
            id: keyring.id.clone(),
            epoch: 1,
            wrapped: Default::default(),
        };
        let key = keyring::unwrap(&old, 0, &binh.id, &keyring.wrapped[&binh.id]).unwrap();
        next.wrapped.insert(
            binh.id.clone(),
            keyring::wrap(&new_key, 1, &binh.id, &key, &residents.rng).unwrap(),
        );
        secrets
            .put(&keyring::secret_name(&next.id, 1), &new_key)
            .unwrap();
        residents
            .commit(
                &next,
                std::slice::from_ref(&binh),
                std::slice::from_ref(&an.id),
            )
            .unwrap();
        assert_eq!(secrets.len(), 2);

        residents.wipe(&an.id).unwrap();
        assert!(!dir.path().join(DIR).join(&an.id).exists());
        assert_eq!(secrets.len(), 1, "the old key is gone");
        assert!(residents.use_resident(&binh.id).is_ok());
        assert!(matches!(
            residents.wipe(&an.id),
            Err(ResidentError::NotFound(_))
        ));
    }

    #[test]
    fn an_audit_entry_removed_or_changed_breaks_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let residents =
            Residents::open(dir.path(), &Key, Arc::new(MemorySecrets::default())).unwrap();
        let an = residents.create("Ông An", &consent(), 1).unwrap();
        residents.use_resident(&an.id).unwrap();
        residents.use_resident(&an.id).unwrap();
        let log = residents.audit_log().unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action).collect();
        assert_eq!(actions, [Action::Created, Action::Opened, Action::Opened]);

        // An entry rewritten (a validly sealed record, other content).
        let mut forged = log[1].clone();
        forged.resident = "0000000000000000".into();
        let mut changes = Changes::default();
        let bytes = serde_json::to_vec(&forged).unwrap();
        residents
            .vault
            .put(
                &mut changes,
                RESIDENTS_SPACE,
                b"audit/0000000000000002",
                &bytes,
            )
            .unwrap();
        residents.commit_changes(&changes).unwrap();
        assert!(matches!(
            residents.audit_log(),
            Err(ResidentError::AuditBroken)
        ));

        // Put back, then one removed.
        let mut changes = Changes::default();
        let bytes = serde_json::to_vec(&log[1]).unwrap();
        residents
            .vault
            .put(
                &mut changes,
                RESIDENTS_SPACE,
                b"audit/0000000000000002",
                &bytes,
            )
            .unwrap();
        residents.commit_changes(&changes).unwrap();
        assert_eq!(residents.audit_log().unwrap(), log);
        let mut changes = Changes::default();
        changes.remove(RESIDENTS_SPACE, b"audit/0000000000000003");
        residents.commit_changes(&changes).unwrap();
        assert!(matches!(
            residents.audit_log(),
            Err(ResidentError::AuditBroken)
        ));
    }
}
