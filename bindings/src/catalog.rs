//! The procedure catalog through the binding: what is installed, search as
//! people type, one procedure in full, importing a bundle shipped with the
//! app and updating from the portal (with the receipt-signing keys).

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::host::{network, NetworkState};
use crate::{to_i32, to_i64};
use hoso_core::catalog::store::Installed;
use hoso_core::catalog::{self, ChannelKind, Level, Procedure};
use hoso_core::search::{SearchHit, SearchQuery};
use hoso_core::sync::catalog::{Fallback, FallbackReason, UpdateMethod, UpdateOptions};
use std::collections::HashMap;

/// The installed catalog.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogInfo {
    /// Grows with every new catalog.
    pub version: i64,
    pub procedure_count: i64,
    /// Hex SHA-256 of the catalog's content.
    pub content_hash: String,
}

/// The administrative level a procedure is carried out at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProcedureLevel {
    Ministry,
    Province,
    Commune,
    Other,
}

/// How a search is narrowed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchOptions {
    /// How many hits at most (0 or less: none).
    #[uniffi(default = 10)]
    pub limit: i32,
    /// Only procedures carried out at this level.
    #[uniffi(default = None)]
    pub level: Option<ProcedureLevel>,
    /// Only procedures whose field (lĩnh vực) contains this text.
    #[uniffi(default = None)]
    pub field: Option<String>,
    /// Only procedures that can be filed online.
    #[uniffi(default = false)]
    pub online_only: bool,
}

/// One search hit, best first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProcedureHit {
    pub code: String,
    pub name: String,
    pub levels: Vec<ProcedureLevel>,
    pub field: String,
    /// Can be filed online.
    pub online: bool,
    pub score: f32,
}

/// The core's `ChannelKind` under the name the apps know.
pub type FilingChannel = ChannelKind;

/// How a dossier may be handed in.
#[uniffi::remote(Enum)]
pub enum FilingChannel {
    Online,
    InPerson,
    Postal,
}

/// A fee as the procedure states it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureFee {
    /// The amount in đồng, when the text states one.
    pub amount_vnd: Option<i64>,
    pub text: String,
}

/// What filing through one channel takes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureChannel {
    pub channel: FilingChannel,
    /// The processing time as written ("15 Ngày làm việc").
    pub processing_time: String,
    pub fees: Vec<ProcedureFee>,
    pub note: Option<String>,
}

/// A document the dossier must contain.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequiredDocument {
    /// The case it belongs to, when the procedure has several.
    pub group: String,
    pub name: String,
    /// The form (mẫu đơn) to use, if any.
    pub form: Option<String>,
    pub originals: i32,
    pub copies: i32,
}

/// A law or decree the procedure rests on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LegalBasis {
    pub number: String,
    pub title: String,
}

/// What the citizen receives at the end.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureOutcome {
    pub name: String,
    pub code: Option<String>,
}

/// One national procedure, as the portal publishes it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureDetail {
    pub code: String,
    pub name: String,
    pub decision_number: String,
    pub kind: String,
    pub field: String,
    pub ministry: String,
    pub levels: Vec<ProcedureLevel>,
    pub target_groups: Vec<String>,
    pub competent_agencies: Vec<String>,
    pub implementing_agencies: Vec<String>,
    pub receiving_address: String,
    pub channels: Vec<ProcedureChannel>,
    pub documents: Vec<RequiredDocument>,
    pub steps: Vec<String>,
    pub legal_basis: Vec<LegalBasis>,
    pub results: Vec<ProcedureOutcome>,
    pub conditions: Vec<String>,
    /// Can be filed online.
    pub online: bool,
    /// The page on the national portal.
    pub source_url: String,
    /// Page sections hoso could not parse, kept as text by heading.
    pub unparsed_sections: HashMap<String, String>,
}

/// What importing a catalog did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogImport {
    pub version: i64,
    pub procedure_count: i64,
    /// False when the content was already installed.
    pub changed: bool,
}

/// What a catalog update may download.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogUpdateOptions {
    /// The connection is metered; `None`: as the network monitor says.
    #[uniffi(default = None)]
    pub metered: Option<bool>,
    /// On a metered connection, a catalog download (delta or bundle,
    /// compressed) larger than this waits for an unmetered one, bytes;
    /// `None`: the core's default (1 MiB).
    #[uniffi(default = None)]
    pub metered_limit_bytes: Option<i64>,
}

/// How a catalog update brought the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CatalogUpdateMethod {
    /// The catalog held was already the portal's.
    Unchanged,
    /// The changes since the version held.
    Delta,
    /// The whole catalog.
    Full,
    /// Too large for the metered network: the catalog held stays until
    /// an unmetered one.
    WaitingForUnmetered,
}

/// Why a catalog update took the whole catalog instead of the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CatalogFallbackReason {
    /// The portal keeps no changes from the version held.
    NotOffered,
    /// The portal no longer has changes from the version held.
    VersionUnavailable,
    /// The changes were larger than the whole catalog.
    DeltaLarger,
    /// The changes did not apply or did not verify.
    DeltaRefused,
}

/// Why the whole catalog was taken, with the refused delta's error code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogFallback {
    pub reason: CatalogFallbackReason,
    /// `delta_not_offered`, `catalog_version_unavailable`,
    /// `delta_larger_than_bundle`, or a refused delta's own code
    /// (`delta_hash_mismatch` …).
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// What a catalog update from the portal did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogUpdate {
    pub catalog_version: i64,
    pub catalog_changed: bool,
    /// The version of the receipt-signing key set now held.
    pub signing_keys_version: i64,
    pub signing_keys_changed: bool,
    pub method: CatalogUpdateMethod,
    /// Catalog bytes downloaded (delta and bundle, compressed, as on the
    /// wire).
    pub downloaded_bytes: i64,
    /// Set when the whole catalog was taken although one was held.
    pub fallback: Option<CatalogFallback>,
}

impl From<UpdateMethod> for CatalogUpdateMethod {
    fn from(m: UpdateMethod) -> CatalogUpdateMethod {
        match m {
            UpdateMethod::Unchanged => CatalogUpdateMethod::Unchanged,
            UpdateMethod::Delta => CatalogUpdateMethod::Delta,
            UpdateMethod::Full => CatalogUpdateMethod::Full,
            UpdateMethod::WaitingForUnmetered => CatalogUpdateMethod::WaitingForUnmetered,
        }
    }
}

impl From<Fallback> for CatalogFallback {
    fn from(f: Fallback) -> CatalogFallback {
        CatalogFallback {
            reason: match f.reason {
                FallbackReason::NotOffered => CatalogFallbackReason::NotOffered,
                FallbackReason::VersionUnavailable => CatalogFallbackReason::VersionUnavailable,
                FallbackReason::DeltaLarger => CatalogFallbackReason::DeltaLarger,
                FallbackReason::DeltaRefused => CatalogFallbackReason::DeltaRefused,
            },
            code: f.code.into(),
            message_vi: f.message_vi,
            message_en: f.message_en,
        }
    }
}

impl From<Level> for ProcedureLevel {
    fn from(l: Level) -> ProcedureLevel {
        match l {
            Level::Ministry => ProcedureLevel::Ministry,
            Level::Province => ProcedureLevel::Province,
            Level::Commune => ProcedureLevel::Commune,
            Level::Other => ProcedureLevel::Other,
        }
    }
}

impl From<hoso_core::wire::Level> for ProcedureLevel {
    fn from(l: hoso_core::wire::Level) -> ProcedureLevel {
        use hoso_core::wire::Level as Wire;
        match l {
            Wire::Ministry => ProcedureLevel::Ministry,
            Wire::Province => ProcedureLevel::Province,
            Wire::Commune => ProcedureLevel::Commune,
            Wire::Other => ProcedureLevel::Other,
        }
    }
}

impl From<ProcedureLevel> for Level {
    fn from(l: ProcedureLevel) -> Level {
        match l {
            ProcedureLevel::Ministry => Level::Ministry,
            ProcedureLevel::Province => Level::Province,
            ProcedureLevel::Commune => Level::Commune,
            ProcedureLevel::Other => Level::Other,
        }
    }
}

impl From<SearchHit> for ProcedureHit {
    fn from(h: SearchHit) -> ProcedureHit {
        ProcedureHit {
            code: h.code,
            name: h.name,
            levels: h.levels.into_iter().map(Into::into).collect(),
            field: h.field,
            online: h.online,
            score: h.score,
        }
    }
}

impl From<Procedure> for ProcedureDetail {
    fn from(p: Procedure) -> ProcedureDetail {
        ProcedureDetail {
            code: p.code,
            name: p.name,
            decision_number: p.decision_number,
            kind: p.kind,
            field: p.field,
            ministry: p.ministry,
            levels: p.levels.into_iter().map(Into::into).collect(),
            target_groups: p.target_groups,
            competent_agencies: p.agencies.competent,
            implementing_agencies: p.agencies.implementing,
            receiving_address: p.receiving_address,
            channels: p
                .channels
                .into_iter()
                .map(|c| ProcedureChannel {
                    channel: c.channel,
                    processing_time: c.processing_time.text,
                    fees: c
                        .fees
                        .into_iter()
                        .map(|f| ProcedureFee {
                            amount_vnd: f.amount_vnd.map(to_i64),
                            text: f.text,
                        })
                        .collect(),
                    note: c.note,
                })
                .collect(),
            documents: p
                .documents
                .into_iter()
                .map(|d| RequiredDocument {
                    group: d.group,
                    name: d.name,
                    form: d.form,
                    originals: to_i32(d.originals),
                    copies: to_i32(d.copies),
                })
                .collect(),
            steps: p.steps,
            legal_basis: p
                .legal_basis
                .into_iter()
                .map(|l| LegalBasis {
                    number: l.number,
                    title: l.title,
                })
                .collect(),
            results: p
                .results
                .into_iter()
                .map(|r| ProcedureOutcome {
                    name: r.name,
                    code: r.code,
                })
                .collect(),
            conditions: p.conditions,
            online: p.online,
            source_url: p.source_url,
            unparsed_sections: p.raw.into_iter().collect(),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// The installed catalog, or `None` before the first import or update.
    pub fn catalog_info(&self) -> Result<Option<CatalogInfo>, HosoError> {
        Ok(self.state.catalog.current()?.map(|i| CatalogInfo {
            version: to_i64(i.version),
            procedure_count: to_i64(i.procedure_count),
            content_hash: i.content_hash,
        }))
    }

    /// Searches the catalog the way people type: without diacritics, with
    /// typos, abbreviations, colloquial words, a procedure's code, or the
    /// first letters of the last word (as-you-type). Offline and fast
    /// enough to call on every keystroke.
    pub fn search(
        &self,
        query: String,
        options: SearchOptions,
    ) -> Result<Vec<ProcedureHit>, HosoError> {
        let index = self.state.index()?;
        let hits = index.search(&SearchQuery {
            text: query,
            limit: usize::try_from(options.limit).unwrap_or(0),
            level: options.level.map(Into::into),
            field: options.field,
            online_only: options.online_only,
        });
        Ok(hits.into_iter().map(Into::into).collect())
    }

    /// One procedure in full, by its code (e.g. `1.001193`).
    pub fn procedure(&self, code: String) -> Result<ProcedureDetail, HosoError> {
        Ok(self.state.catalog.procedure(&code)?.into())
    }

    /// Imports a catalog file: a bundle shipped with the app or fetched by
    /// other means, or the crawled national data (`.jsonl` / `.jsonl.gz`).
    /// The catalog in use stays until the new one is whole.
    pub async fn import_catalog(&self, path: String) -> Result<CatalogImport, HosoError> {
        self.blocking(move |state| {
            let report = catalog::import(&state.catalog, std::path::Path::new(&path), None)?;
            Ok(CatalogImport {
                version: to_i64(report.version),
                procedure_count: to_i64(report.procedures),
                changed: matches!(report.installed, Installed::Switched { .. }),
            })
        })
        .await
    }

    /// Brings the catalog and the receipt-signing keys up to the portal's:
    /// `portal_url`, else the portal logged in to (no account needed). The
    /// changes since the catalog held when the portal keeps them, else the
    /// whole catalog; on a metered network a download over the limit waits
    /// (`WaitingForUnmetered`).
    pub async fn update_catalog(
        &self,
        portal_url: Option<String>,
        options: CatalogUpdateOptions,
    ) -> Result<CatalogUpdate, HosoError> {
        self.spawn(move |state| async move {
            let client = state.public_client(portal_url.as_deref())?;
            let defaults = UpdateOptions::default();
            let options = UpdateOptions {
                metered: options
                    .metered
                    .unwrap_or_else(|| network(state.network.as_ref()) != NetworkState::Unmetered),
                metered_limit_bytes: options
                    .metered_limit_bytes
                    .map_or(defaults.metered_limit_bytes, |n| {
                        u64::try_from(n).unwrap_or(0)
                    }),
            };
            let done = hoso_core::sync::catalog::update(
                &client,
                &state.catalog,
                &state.local.receipts,
                &options,
            )
            .await?;
            Ok(CatalogUpdate {
                catalog_version: to_i64(done.catalog_version),
                catalog_changed: matches!(done.catalog, Some(Installed::Switched { .. })),
                signing_keys_version: to_i64(done.keys.version),
                signing_keys_changed: done.keys.changed,
                method: done.method.into(),
                downloaded_bytes: to_i64(done.downloaded_bytes),
                fallback: done.fallback.map(Into::into),
            })
        })
        .await
    }
}
