//! Drafts kept in the vault: one sealed record per draft, so every change —
//! set, clear, prefill, duplicate — is a single atomic write, flushed before
//! it is acknowledged. Killing the process at any instant leaves each draft
//! either as it was or with the change, never half-written.

use super::changes::{self, RequirementChange, RequirementSnapshot};
use super::form_change::{self, FormChange};
use super::id::{looks_like_id, new_id};
use super::model::{Draft, DraftSummary};
use super::observe::DraftChange;
use super::prefill::prefill;
use crate::attachment::blobs::{BlobError, BlobStore};
use crate::catalog::store::{CatalogError, CatalogStore};
use crate::form::{self, CheckMode, FieldIssue, FormError, FormSchema};
use crate::profile::{ProfileError, Profiles};
use crate::storage::Changes;
use crate::validate::{self, Problem};
use crate::vault::{KeyProvider, Vault, VaultError};
use hoso_store::error::{Classified, ErrorKind};
use ring::rand::SystemRandom;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SPACE: &str = crate::vault::DRAFTS_SPACE;
const PREFIX: &str = "d/";
/// Requirement snapshots per procedure and catalog version, sealed under
/// blinded keys.
const REQUIREMENTS: &str = crate::vault::REQUIREMENTS_SPACE;

/// Why a draft operation failed. Nothing saved is lost by any of these.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Form(#[from] FormError),
    #[error("không có bản nháp {shown} / no draft {shown}", shown = crate::text::shown_if_identifier(.0))]
    NotFound(String),
    #[error("mã {prefix} khớp với {count} bản nháp; hãy gõ thêm ký tự / {prefix} matches {count} drafts; type more of the id")]
    Ambiguous { prefix: String, count: usize },
    #[error("thủ tục {0} không còn trong danh mục hiện hành / procedure {0} is no longer in the current catalog")]
    ProcedureGone(String),
    #[error("bản nháp {id} không đọc được / draft {id} is unreadable: {reason}")]
    Damaged { id: String, reason: String },
    #[error("hệ thống không cấp được số ngẫu nhiên / the system could not provide randomness")]
    Randomness,
    #[error("{field}: {} / {}", problem.message_vi, problem.message_en)]
    ValueTooLong { field: String, problem: Problem },
    #[error(transparent)]
    Blob(#[from] BlobError),
}

impl DraftError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            DraftError::Vault(e) => e.code(),
            DraftError::Catalog(CatalogError::NoCatalog) => "no_catalog",
            DraftError::Catalog(CatalogError::NotFound(_)) => "procedure_not_found",
            DraftError::Catalog(_) => "catalog",
            DraftError::Profile(e) => e.code(),
            DraftError::Form(e) => e.code(),
            DraftError::NotFound(_) => "draft_not_found",
            DraftError::Ambiguous { .. } => "ambiguous_id",
            DraftError::ProcedureGone(_) => "procedure_removed",
            DraftError::Damaged { .. } => "damaged",
            DraftError::Randomness => "randomness",
            DraftError::ValueTooLong { problem, .. } => problem.code,
            DraftError::Blob(_) => "storage",
        }
    }
}

impl Classified for DraftError {
    fn kind(&self) -> ErrorKind {
        match self {
            DraftError::Vault(e) => e.kind(),
            DraftError::Catalog(e) => e.kind(),
            DraftError::Profile(e) => e.kind(),
            DraftError::Form(e) => e.kind(),
            DraftError::NotFound(_) => ErrorKind::NotFound,
            DraftError::Ambiguous { .. } | DraftError::ProcedureGone(_) => ErrorKind::InvalidInput,
            DraftError::Damaged { .. } => ErrorKind::Damaged,
            DraftError::Randomness => ErrorKind::Internal,
            DraftError::ValueTooLong { .. } => ErrorKind::InvalidInput,
            DraftError::Blob(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// The result of setting a field: the saved draft, and what is wrong with
/// the value if it is malformed (it is saved as typed all the same, so
/// nothing the user entered is lost).
#[derive(Debug, Clone, Serialize)]
pub struct SetOutcome {
    pub draft: Draft,
    pub field: String,
    pub value: String,
    /// What is wrong with the value itself (its format).
    pub problem: Option<Problem>,
    /// What is doubtful about a value saved normalised (a mobile number
    /// whose prefix is not yet allocated): saved all the same.
    pub warning: Option<Problem>,
    /// What the draft's check now finds wrong with this field in context
    /// (an age the law does not allow, an ID number that contradicts the
    /// date of birth …), for feedback as the user types.
    pub issues: Vec<FieldIssue>,
}

/// What `validate` found.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    pub draft_id: String,
    pub procedure_code: String,
    /// `partial` or `complete`.
    pub mode: &'static str,
    /// True when the draft can be submitted as it is.
    pub ready: bool,
    pub missing: Vec<FieldIssue>,
    pub invalid: Vec<FieldIssue>,
    /// Catalog version the draft was made against.
    pub draft_catalog_version: u64,
    /// Catalog version installed now.
    pub current_catalog_version: u64,
    /// What changed in the procedure's requirements since the draft was made.
    pub requirement_changes: Vec<RequirementChange>,
    /// Form version the draft's values were entered on, and the one in
    /// effect now.
    pub draft_form_version: u32,
    pub current_form_version: u32,
    /// Values that need attention on the form in effect (renamed, removed
    /// or retyped fields), until the catalog update is accepted.
    pub form_changes: Vec<FormChange>,
}

/// The drafts kept under a data directory.
pub struct Drafts {
    pub(super) vault: Vault,
    pub(super) blobs: BlobStore,
    data_dir: std::path::PathBuf,
    pub(super) catalog: CatalogStore,
    profiles: Profiles,
    pub(super) rng: SystemRandom,
    /// Form schemas by procedure code, with the catalog version they were
    /// derived from; rebuilt when the catalog changes.
    schemas: Mutex<HashMap<String, (u64, Arc<FormSchema>)>>,
    /// Hears each saved change (see [`Drafts::observe`]).
    pub(super) observer: Option<super::observe::DraftObserver>,
}

pub use crate::clock::unix_now as now;

fn record_key(id: &str) -> Vec<u8> {
    format!("{PREFIX}{id}").into_bytes()
}

fn requirements_name(code: &str, version: u64) -> String {
    format!("{code}@{version}")
}

impl Drafts {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Drafts, DraftError> {
        Drafts::with_catalog(data_dir, keys, CatalogStore::open(data_dir)?)
    }

    /// The drafts of `data_dir` made against `catalog`, kept elsewhere (a
    /// resident's drafts use the volunteer's catalog).
    pub fn with_catalog(
        data_dir: &Path,
        keys: &dyn KeyProvider,
        catalog: CatalogStore,
    ) -> Result<Drafts, DraftError> {
        let vault = Vault::open_dir(data_dir, keys)?;
        Ok(Drafts {
            profiles: Profiles::with_vault(vault.clone()),
            blobs: BlobStore::open(data_dir, &vault)?,
            data_dir: data_dir.to_path_buf(),
            vault,
            catalog,
            rng: SystemRandom::new(),
            schemas: Mutex::new(HashMap::new()),
            observer: None,
        })
    }

    /// Tells `observer` of every change saved from now on.
    pub fn observe(&mut self, observer: super::observe::DraftObserver) {
        self.observer = Some(observer);
    }

    pub(super) fn tell(&self, change: DraftChange, draft: &Draft) {
        if let Some(observer) = &self.observer {
            observer(&super::observe::DraftEvent {
                change,
                draft_id: draft.id.clone(),
                procedure_code: draft.procedure_code.clone(),
            });
        }
    }

    /// The sealed store the drafts live in (the outbox keeps its
    /// submissions beside them).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The catalog drafts are made against.
    pub fn catalog(&self) -> &CatalogStore {
        &self.catalog
    }

    /// Set when opening found a corrupt store and moved it aside.
    pub fn quarantined(&self) -> Option<&crate::Quarantined> {
        self.vault.store().quarantined()
    }

    /// A quarantined store left beside the live one (`store.corrupt-*`), if
    /// any: its drafts may still refer to blobs.
    pub(super) fn quarantine_on_disk(&self) -> Option<String> {
        std::fs::read_dir(&self.data_dir)
            .ok()?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("store.corrupt-"))
    }

    /// The form schema a draft is filled against (from the current catalog).
    pub fn schema(&self, draft: &Draft) -> Result<Arc<FormSchema>, DraftError> {
        let version = self
            .catalog
            .current_version()?
            .ok_or(CatalogError::NoCatalog)?;
        let code = &draft.procedure_code;
        let mut cache = self
            .schemas
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((v, schema)) = cache.get(code) {
            if *v == version {
                return Ok(schema.clone());
            }
        }
        let schema = match self.catalog.procedure(code) {
            Ok(p) => Arc::new(form::schema_with(&self.catalog, &p)?),
            Err(CatalogError::NotFound(code)) => return Err(DraftError::ProcedureGone(code)),
            Err(e) => return Err(e.into()),
        };
        cache.insert(code.clone(), (version, schema.clone()));
        Ok(schema)
    }

    /// Adds the requirement snapshot of `schema` for catalog `version` to
    /// `changes`, unless it is already kept.
    fn keep_requirements(
        &self,
        changes: &mut Changes,
        schema: &FormSchema,
        version: u64,
    ) -> Result<(), DraftError> {
        let key = self
            .vault
            .blind(&requirements_name(&schema.procedure_code, version));
        if self
            .vault
            .store()
            .get(REQUIREMENTS, &key)
            .map_err(VaultError::from)?
            .is_none()
        {
            let bytes = serde_json::to_vec(&changes::snapshot(schema)).map_err(|e| {
                DraftError::Damaged {
                    id: schema.procedure_code.clone(),
                    reason: crate::storage::json_error_reason(&e),
                }
            })?;
            self.vault.put(changes, REQUIREMENTS, &key, &bytes)?;
        }
        Ok(())
    }

    /// Adds the removal of the requirement snapshot `leaving` uses to
    /// `changes` when no other draft uses it.
    fn release_requirements(
        &self,
        changes: &mut Changes,
        leaving: &Draft,
    ) -> Result<(), DraftError> {
        let (code, version) = (&leaving.procedure_code, leaving.catalog_version);
        let still_used = self.all_drafts()?.0.iter().any(|d| {
            d.id != leaving.id && d.procedure_code == *code && d.catalog_version == version
        });
        if !still_used {
            changes.remove(
                REQUIREMENTS,
                self.vault.blind(&requirements_name(code, version)),
            );
        }
        Ok(())
    }

    /// The requirements a procedure had at catalog `version`, if kept.
    fn requirements_at(&self, code: &str, version: u64) -> Option<Vec<RequirementSnapshot>> {
        let key = self.vault.blind(&requirements_name(code, version));
        let bytes = self.vault.get(REQUIREMENTS, &key).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    /// A draft laid out along its current form, for display.
    pub fn view(&self, draft: &Draft) -> Result<super::view::DraftView, DraftError> {
        let schema = match self.schema(draft) {
            Ok(s) => s,
            // The procedure left the catalog: show every value as unknown
            // rather than hiding the draft.
            Err(DraftError::ProcedureGone(_)) => Arc::new(FormSchema {
                procedure_code: draft.procedure_code.clone(),
                title_vi: draft.procedure_name.clone(),
                title_en: draft.procedure_name.clone(),
                builtin: false,
                version: 0,
                renamed: Vec::new(),
                parts: Vec::new(),
                groups: Vec::new(),
                slots: Vec::new(),
            }),
            Err(e) => return Err(e),
        };
        Ok(super::view::view(draft, &schema))
    }

    /// Starts a draft for `procedure_code`, prefilled from the profile when
    /// `use_profile` is set.
    pub fn create(&self, procedure_code: &str, use_profile: bool) -> Result<Draft, DraftError> {
        let info = self.catalog.current()?.ok_or(CatalogError::NoCatalog)?;
        let procedure = self.catalog.procedure(procedure_code)?;
        let schema = form::schema_with(&self.catalog, &procedure)?;
        let mut values = BTreeMap::new();
        let mut prefilled = BTreeMap::new();
        if use_profile {
            prefill(&schema, &self.profiles.get()?, &mut values, &mut prefilled);
        }
        let draft = Draft {
            values,
            prefilled,
            ..self.blank(&procedure, &schema, info.version)?
        };
        self.save_new(&draft, &schema)?;
        Ok(draft)
    }

    /// A new, empty draft of `procedure` (not saved).
    pub(super) fn blank(
        &self,
        procedure: &crate::catalog::Procedure,
        schema: &FormSchema,
        catalog_version: u64,
    ) -> Result<Draft, DraftError> {
        let at = now();
        Ok(Draft {
            id: new_id(&self.rng).ok_or(DraftError::Randomness)?,
            procedure_code: procedure.code.clone(),
            procedure_name: procedure.name.clone(),
            catalog_version,
            builtin_schema: schema.builtin,
            form_version: schema.version,
            created_at: at,
            updated_at: at,
            revision: 1,
            values: BTreeMap::new(),
            prefilled: BTreeMap::new(),
            documents: BTreeMap::new(),
            supplement: None,
        })
    }

    /// Saves a new draft with its requirement snapshot, in one commit.
    pub(super) fn save_new(&self, draft: &Draft, schema: &FormSchema) -> Result<(), DraftError> {
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        self.keep_requirements(&mut changes, schema, draft.catalog_version)?;
        self.stage(&mut changes, draft)?;
        self.commit(&changes)?;
        self.tell(DraftChange::Created, draft);
        Ok(())
    }

    /// Resolves a full id or a unique prefix of one.
    pub(super) fn resolve_id(&self, id_or_prefix: &str) -> Result<String, DraftError> {
        let wanted = id_or_prefix.trim().to_ascii_lowercase();
        if !looks_like_id(&wanted) {
            return Err(DraftError::NotFound(id_or_prefix.trim().to_string()));
        }
        let keys = self
            .vault
            .store()
            .keys(SPACE, &record_key(&wanted))
            .map_err(VaultError::from)?;
        match keys.as_slice() {
            [] => Err(DraftError::NotFound(wanted)),
            [one] => Ok(String::from_utf8_lossy(&one[PREFIX.len()..]).into_owned()),
            many => {
                let exact = record_key(&wanted);
                if many.contains(&exact) {
                    Ok(wanted)
                } else {
                    Err(DraftError::Ambiguous {
                        prefix: wanted,
                        count: many.len(),
                    })
                }
            }
        }
    }

    pub(super) fn load(&self, id: &str) -> Result<Draft, DraftError> {
        let bytes = self
            .vault
            .get(SPACE, &record_key(id))?
            .ok_or_else(|| DraftError::NotFound(id.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| DraftError::Damaged {
            id: id.to_string(),
            reason: crate::storage::json_error_reason(&e),
        })
    }

    /// Adds the sealed draft record to `changes`.
    pub(super) fn stage(&self, changes: &mut Changes, draft: &Draft) -> Result<(), DraftError> {
        let bytes = serde_json::to_vec(draft).map_err(|e| DraftError::Damaged {
            id: draft.id.clone(),
            reason: crate::storage::json_error_reason(&e),
        })?;
        self.vault
            .put(changes, SPACE, &record_key(&draft.id), &bytes)?;
        Ok(())
    }

    pub(super) fn commit(&self, changes: &Changes) -> Result<(), DraftError> {
        self.vault
            .store()
            .commit(changes)
            .map_err(VaultError::from)?;
        Ok(())
    }

    fn save(&self, draft: &Draft) -> Result<(), DraftError> {
        let mut changes = Changes::default();
        self.stage(&mut changes, draft)?;
        self.commit(&changes)
    }

    /// Loads, changes and durably saves one draft under the edit lock.
    pub(super) fn edit<T>(
        &self,
        id_or_prefix: &str,
        change: impl FnOnce(&mut Draft) -> Result<T, DraftError>,
    ) -> Result<(Draft, T), DraftError> {
        let _guard = self.vault.store().edit_lock();
        let id = self.resolve_id(id_or_prefix)?;
        let mut draft = self.load(&id)?;
        let out = change(&mut draft)?;
        draft.revision += 1;
        draft.updated_at = now();
        self.save(&draft)?;
        self.tell(DraftChange::Edited, &draft);
        Ok((draft, out))
    }

    /// One draft by id or unique id prefix.
    pub fn get(&self, id_or_prefix: &str) -> Result<Draft, DraftError> {
        let id = self.resolve_id(id_or_prefix)?;
        self.load(&id)
    }

    /// Every draft, most recently changed first.
    /// A damaged draft is listed as such (`damaged: true`) instead of
    /// hiding the others.
    pub fn list(&self) -> Result<Vec<DraftSummary>, DraftError> {
        let (drafts, damaged) = self.all_drafts()?;
        let mut out: Vec<DraftSummary> = drafts.iter().map(Draft::summary).collect();
        out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        out.extend(damaged.into_iter().map(Draft::damaged_summary));
        Ok(out)
    }

    /// Every draft that opens, and the ids of those that do not.
    pub(super) fn all_drafts(&self) -> Result<(Vec<Draft>, Vec<String>), DraftError> {
        let mut drafts = Vec::new();
        let mut damaged = Vec::new();
        for (key, opened) in self.vault.scan_each(SPACE, PREFIX.as_bytes())? {
            let id = String::from_utf8_lossy(&key[PREFIX.len()..]).into_owned();
            match opened.map(|bytes| serde_json::from_slice::<Draft>(&bytes)) {
                Ok(Ok(draft)) => drafts.push(draft),
                _ => damaged.push(id),
            }
        }
        Ok((drafts, damaged))
    }

    /// Sets one field. An empty value clears it. A malformed value is saved
    /// as typed and its problem returned; a valid one is saved normalised,
    /// with its warning when it is doubtful.
    pub fn set(&self, id_or_prefix: &str, path: &str, raw: &str) -> Result<SetOutcome, DraftError> {
        // Too long to ever be filed: refused, not saved as typed.
        validate::value_length(raw).map_err(|problem| DraftError::ValueTooLong {
            field: crate::text::shown_if_identifier(path),
            problem,
        })?;
        if raw.trim().is_empty() {
            let draft = self.clear(id_or_prefix, path)?;
            return Ok(SetOutcome {
                draft,
                field: path.to_string(),
                value: String::new(),
                problem: None,
                warning: None,
                issues: Vec::new(),
            });
        }
        let (draft, (field, value, problem, warning)) = self.edit(id_or_prefix, |draft| {
            let schema = self.schema(draft)?;
            let resolved = schema.resolve(path)?;
            let (value, problem, warning) = match form::normalize_checked(&resolved, raw) {
                Ok(c) => (c.value, None, c.warning),
                Err(p) => (raw.trim().to_string(), Some(p), None),
            };
            let field = resolved.path.clone();
            draft.values.insert(field.clone(), value.clone());
            draft.prefilled.remove(&field);
            // An address's province and commune naming a unit together are
            // stored by their official names, with the commune's code.
            form::settle_place(&resolved, &mut draft.values);
            let value = draft.values.get(&field).cloned().unwrap_or(value);
            Ok((field, value, problem, warning))
        })?;
        // Cross-field findings about this field (its own format problem is
        // already `problem`). Documents do not matter to a value's issues.
        let issues = match &problem {
            Some(_) => Vec::new(),
            None => {
                let schema = self.schema(&draft)?;
                form::check(
                    &schema,
                    &draft.values,
                    &BTreeMap::new(),
                    CheckMode::Partial,
                    validate::today_vn(),
                )
                .invalid
                .into_iter()
                .filter(|i| i.field == field)
                .collect()
            }
        };
        Ok(SetOutcome {
            draft,
            field,
            value,
            problem,
            warning,
            issues,
        })
    }

    /// Removes one field's value (a path the schema no longer knows can be
    /// cleared too, so stale values never get stuck).
    pub fn clear(&self, id_or_prefix: &str, path: &str) -> Result<Draft, DraftError> {
        let (draft, ()) = self.edit(id_or_prefix, |draft| {
            let path = path.trim();
            if draft.values.contains_key(path) {
                draft.values.remove(path);
                draft.prefilled.remove(path);
                // A province or commune cleared takes the code with it.
                if let Ok(resolved) = self.schema(draft)?.resolve(path) {
                    form::settle_place(&resolved, &mut draft.values);
                }
                return Ok(());
            }
            let schema = self.schema(draft)?;
            let resolved = schema.resolve(path)?;
            // Clearing an address clears its parts.
            let prefix = format!("{}.", resolved.path);
            draft
                .values
                .retain(|k, _| *k != resolved.path && !k.starts_with(&prefix));
            draft
                .prefilled
                .retain(|k, _| *k != resolved.path && !k.starts_with(&prefix));
            Ok(())
        })?;
        Ok(draft)
    }

    /// A copy of a draft under a new id, e.g. to file the same procedure for
    /// another family member.
    pub fn duplicate(&self, id_or_prefix: &str) -> Result<Draft, DraftError> {
        let _guard = self.vault.store().edit_lock();
        let id = self.resolve_id(id_or_prefix)?;
        let mut copy = self.load(&id)?;
        copy.id = new_id(&self.rng).ok_or(DraftError::Randomness)?;
        let at = now();
        copy.created_at = at;
        copy.updated_at = at;
        copy.revision = 1;
        // The copy refers to the same stored files: one more reference each.
        let mut changes = Changes::default();
        self.add_refs(&mut changes, &copy.attached(), 1)?;
        self.stage(&mut changes, &copy)?;
        self.commit(&changes)?;
        self.tell(DraftChange::Created, &copy);
        Ok(copy)
    }

    /// Deletes a draft; returns its id.
    pub fn delete(&self, id_or_prefix: &str) -> Result<String, DraftError> {
        let _guard = self.vault.store().edit_lock();
        let id = self.resolve_id(id_or_prefix)?;
        let mut changes = Changes::default();
        changes.remove(SPACE, record_key(&id));
        // A damaged draft can still be deleted; only a readable one says
        // which requirement snapshot it held.
        let mut emptied = Vec::new();
        let found = self.load(&id).ok();
        if let Some(draft) = &found {
            self.release_requirements(&mut changes, draft)?;
            emptied = self.add_refs(&mut changes, &draft.attached(), -1)?;
        }
        self.commit(&changes)?;
        if let Some(draft) = &found {
            self.tell(DraftChange::Deleted, draft);
        }
        // Files no draft refers to any more go once the commit is durable.
        self.drop_blobs(&emptied);
        Ok(id)
    }

    /// Adopts the current catalog's requirements after the user has seen
    /// what changed; files attached to a document whose row moved follow it
    /// to its new slot.
    pub fn accept_catalog_update(&self, id_or_prefix: &str) -> Result<Draft, DraftError> {
        let info = self.catalog.current()?.ok_or(CatalogError::NoCatalog)?;
        let _guard = self.vault.store().edit_lock();
        let id = self.resolve_id(id_or_prefix)?;
        let mut draft = self.load(&id)?;
        let schema = self.schema(&draft)?;
        let mut changes = Changes::default();
        if draft.catalog_version != info.version {
            // Slot ids follow row positions; move attached files to the
            // slot that now holds the same document.
            if let Some(then) = self.requirements_at(&draft.procedure_code, draft.catalog_version) {
                changes::remap_documents(&mut draft.documents, &then, &changes::snapshot(&schema));
            }
            self.release_requirements(&mut changes, &draft)?;
        }
        if let Some(moved) = form_moved(&draft, &schema) {
            draft.values = moved.values;
            for (from, to) in moved.renamed {
                if let Some(source) = draft.prefilled.remove(&from) {
                    draft.prefilled.insert(to, source);
                }
            }
        }
        draft.form_version = schema.version;
        draft.catalog_version = info.version;
        draft.builtin_schema = schema.builtin;
        draft.revision += 1;
        draft.updated_at = now();
        self.keep_requirements(&mut changes, &schema, info.version)?;
        self.stage(&mut changes, &draft)?;
        self.commit(&changes)?;
        Ok(draft)
    }

    /// Checks a draft: `Partial` lists what is missing and what is malformed
    /// so far; `Complete` answers whether it is ready to submit. Either way
    /// it reports what changed in the procedure since the draft was made.
    pub fn validate(
        &self,
        id_or_prefix: &str,
        mode: CheckMode,
    ) -> Result<ValidationReport, DraftError> {
        self.check_draft(&self.get(id_or_prefix)?, mode)
    }

    /// [`Drafts::validate`] of a draft already loaded.
    pub(super) fn check_draft(
        &self,
        draft: &Draft,
        mode: CheckMode,
    ) -> Result<ValidationReport, DraftError> {
        let info = self.catalog.current()?.ok_or(CatalogError::NoCatalog)?;
        let mode_name = match mode {
            CheckMode::Partial => "partial",
            CheckMode::Complete => "complete",
        };
        let mut report = ValidationReport {
            draft_id: draft.id.clone(),
            procedure_code: draft.procedure_code.clone(),
            mode: mode_name,
            ready: false,
            missing: Vec::new(),
            invalid: Vec::new(),
            draft_catalog_version: draft.catalog_version,
            current_catalog_version: info.version,
            requirement_changes: Vec::new(),
            draft_form_version: draft.form_version,
            current_form_version: draft.form_version,
            form_changes: Vec::new(),
        };
        let schema = match self.schema(draft) {
            Ok(s) => s,
            Err(DraftError::ProcedureGone(code)) => {
                report
                    .requirement_changes
                    .push(changes::procedure_removed(&code));
                return Ok(report);
            }
            Err(e) => return Err(e),
        };
        if draft.catalog_version != info.version {
            let now_requirements = changes::snapshot(&schema);
            report.requirement_changes =
                match self.requirements_at(&draft.procedure_code, draft.catalog_version) {
                    Some(then) => changes::diff(&then, &now_requirements),
                    None => vec![changes::requirements_unknown(draft.catalog_version)],
                };
        }
        report.current_form_version = schema.version;
        let moved = form_moved(draft, &schema);
        let values = match moved {
            Some(moved) => {
                report.form_changes = moved.changes;
                std::borrow::Cow::Owned(moved.values)
            }
            None => std::borrow::Cow::Borrowed(&draft.values),
        };
        let counts = self.usable_document_counts(draft)?;
        let check = form::check(&schema, &values, &counts, mode, validate::today_vn());
        report.ready = check.ready;
        report.missing = check.missing;
        report.invalid = check.invalid;
        if let Some(link) = &draft.supplement {
            Drafts::supplement_report(link, &counts, &mut report);
        }
        Ok(report)
    }
}

/// The draft's values along `schema` when its form version is another
/// one (a draft from before forms had versions was entered on version 1 of
/// a hand-written form).
fn form_moved(draft: &Draft, schema: &FormSchema) -> Option<form_change::Moved> {
    let from = match draft.form_version {
        0 if draft.builtin_schema => 1,
        v => v,
    };
    (schema.builtin && from != schema.version)
        .then(|| form_change::along(&draft.values, from, schema))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundle::Bundle;
    use crate::catalog::{Document, Procedure};
    use crate::vault::FixedKey;

    fn setup() -> (tempfile::TempDir, Drafts) {
        let dir = tempfile::tempdir().unwrap();
        let procedure = Procedure {
            code: "1.000001".into(),
            name: "Thủ tục thử".into(),
            documents: vec![Document {
                group: String::new(),
                name: "Tờ khai".into(),
                form: None,
                originals: 1,
                copies: 0,
            }],
            ..Default::default()
        };
        CatalogStore::open(dir.path())
            .unwrap()
            .install(&Bundle::new(1, vec![procedure]))
            .unwrap();
        let drafts = Drafts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        (dir, drafts)
    }

    fn requirement_keys(drafts: &Drafts) -> Vec<Vec<u8>> {
        drafts.vault.store().keys(REQUIREMENTS, b"").unwrap()
    }

    #[test]
    fn requirement_snapshots_are_blinded_shared_and_released() {
        let (_dir, drafts) = setup();
        let a = drafts.create("1.000001", false).unwrap();
        let b = drafts.create("1.000001", false).unwrap();
        let keys = requirement_keys(&drafts);
        assert_eq!(keys.len(), 1, "one snapshot shared by both drafts");
        assert!(!String::from_utf8_lossy(&keys[0]).contains("1.000001"));
        let sealed = drafts
            .vault
            .store()
            .get(REQUIREMENTS, &keys[0])
            .unwrap()
            .unwrap();
        assert!(!sealed.windows(7).any(|w| w == "Tờ khai".as_bytes()));
        drafts.delete(&a.id).unwrap();
        assert_eq!(requirement_keys(&drafts).len(), 1, "still used by b");
        drafts.delete(&b.id).unwrap();
        assert!(
            requirement_keys(&drafts).is_empty(),
            "released with the last draft"
        );
    }

    #[test]
    fn a_damaged_draft_is_listed_as_such_and_hides_nothing() {
        let (_dir, drafts) = setup();
        let good = drafts.create("1.000001", false).unwrap();
        let bad = drafts.create("1.000001", false).unwrap();
        let key = record_key(&bad.id);
        let mut sealed = drafts.vault.store().get(SPACE, &key).unwrap().unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 0x40;
        let mut c = Changes::default();
        c.put(SPACE, key, sealed);
        drafts.vault.store().commit(&c).unwrap();
        let list = drafts.list().unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().any(|d| d.id == good.id && !d.damaged));
        assert!(list.iter().any(|d| d.id == bad.id && d.damaged));
        assert!(matches!(
            drafts.get(&bad.id),
            Err(DraftError::Vault(VaultError::Damaged { .. }))
        ));
        // It can still be deleted.
        drafts.delete(&bad.id).unwrap();
        assert_eq!(drafts.list().unwrap().len(), 1);
    }
}
