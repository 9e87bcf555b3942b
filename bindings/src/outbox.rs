//! The portal account and the outbox through the binding: register, log
//! in and out (the session is sealed on the device), the receiving
//! agencies to file with, freeze a complete draft into the outbox, start a
//! supplement, queue a withdrawal, and list what waits for or is done with
//! the portal. Sending is `sync_now` or the background loop.

use crate::catalog::{FilingChannel, ProcedureLevel};
use crate::draft::{DraftForm, FieldIssue};
use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::to_i32;
use hoso_core::client::PortalClient;
use hoso_core::outbox as core_outbox;
use hoso_core::outbox::{SubmissionKind, SubmissionState};
use hoso_core::sync::agencies::{agencies, Agency};
use std::sync::Arc;

/// An agency that receives dossiers; `submit` names its code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceivingAgency {
    /// E.g. `H40.22`; the dossier codes it issues start with it.
    pub code: String,
    pub name: String,
    pub level: ProcedureLevel,
    /// One of the 34 provinces; `None` for a ministry.
    pub province: Option<String>,
    /// The commune or ward, for a commune-level agency.
    pub commune: Option<String>,
}

impl From<Agency> for ReceivingAgency {
    fn from(a: Agency) -> ReceivingAgency {
        ReceivingAgency {
            code: a.code,
            name: a.name,
            level: a.level.into(),
            province: a.province,
            commune: a.commune,
        }
    }
}

/// Why the portal refused a submission, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SubmissionProblem {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// Per-field problems the portal found.
    pub issues: Vec<FieldIssue>,
}

/// One entry of the outbox (the dossier's contents stay sealed).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Submission {
    pub id: String,
    pub kind: SubmissionKind,
    pub draft_id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub state: SubmissionState,
    pub attempts: i32,
    /// Unix seconds of the next try, when waiting.
    pub next_attempt_at: i64,
    pub last_error: Option<SubmissionProblem>,
    /// The dossier's code once the portal has it.
    pub dossier_code: Option<String>,
    pub file_count: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The portal account logged in to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PortalAccount {
    pub portal_url: String,
    pub account_id: String,
}

impl From<core_outbox::Submission> for Submission {
    fn from(s: core_outbox::Submission) -> Submission {
        Submission {
            dossier_code: s.submitted_code().map(str::to_string),
            id: s.id,
            kind: s.kind,
            draft_id: s.draft_id,
            procedure_code: s.procedure_code,
            procedure_name: s.procedure_name,
            state: s.state,
            attempts: to_i32(s.attempts),
            next_attempt_at: s.next_attempt_at,
            last_error: s.last_error.map(|e| SubmissionProblem {
                code: e.code,
                message_vi: e.message_vi,
                message_en: e.message_en,
                issues: e
                    .issues
                    .into_iter()
                    .map(|i| FieldIssue {
                        field: i.field,
                        code: i.code,
                        message_vi: i.message_vi,
                        message_en: i.message_en,
                    })
                    .collect(),
            }),
            file_count: to_i32(s.files.len()),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// Creates a citizen account on the portal, then logs in to it.
    pub async fn register(
        &self,
        portal_url: String,
        phone: String,
        password: String,
        full_name: String,
    ) -> Result<PortalAccount, HosoError> {
        let client = Arc::new(PortalClient::new(&portal_url)?);
        let (c, ph, pw) = (client.clone(), phone.clone(), password.clone());
        self.spawn(move |_| async move { Ok(c.register_citizen(&ph, &pw, &full_name).await?) })
            .await?;
        self.log_in_with(client, phone, password).await
    }

    /// Logs in to the portal at `portal_url`; the session is kept, sealed,
    /// for later runs. A running background sync carries on with it.
    pub async fn log_in(
        &self,
        portal_url: String,
        phone: String,
        password: String,
    ) -> Result<PortalAccount, HosoError> {
        let client = Arc::new(PortalClient::new(&portal_url)?);
        self.log_in_with(client, phone, password).await
    }

    /// Ends the session on the portal (when reachable) and forgets it here.
    pub async fn log_out(&self) -> Result<(), HosoError> {
        self.stop_background_sync();
        self.spawn(|state| async move {
            if let Some(client) = state.client()? {
                // Best effort: the local session goes either way.
                let _ = client.logout().await;
            }
            state.local.sessions.forget()?;
            state.set_client(None);
            Ok(())
        })
        .await
    }

    /// The agencies that receive `procedure_code` (when given) in
    /// `province` (when given: an official name, diacritics optional), by
    /// code — the receiving ward or office the user picks for `submit`.
    /// Asks `portal_url`, else the portal logged in to (no account needed).
    pub async fn receiving_agencies(
        &self,
        procedure_code: Option<String>,
        province: Option<String>,
        portal_url: Option<String>,
    ) -> Result<Vec<ReceivingAgency>, HosoError> {
        self.spawn(move |state| async move {
            let client = state.public_client(portal_url.as_deref())?;
            let list = agencies(&client, procedure_code.as_deref(), province.as_deref()).await?;
            Ok(list.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The portal logged in to, if any.
    pub fn portal_url(&self) -> Result<Option<String>, HosoError> {
        Ok(self.state.client()?.map(|c| c.base_url().to_string()))
    }

    /// Freezes a complete draft into the outbox, to be sent exactly once by
    /// the next sync. `agency` is the receiving agency's code (not needed
    /// for a supplement draft). An incomplete draft is `NotReady`.
    pub fn submit(
        &self,
        draft_id: String,
        agency: Option<String>,
        channel: FilingChannel,
    ) -> Result<Submission, HosoError> {
        let s = match self.state.acting_for()? {
            // For the active resident: with `filed_for` and their consent.
            Some(residents) => residents.submit(&draft_id, agency.as_deref(), channel)?,
            None => {
                let local = &self.state.local;
                local
                    .outbox
                    .freeze(&local.drafts, &draft_id, agency.as_deref(), channel)?
            }
        };
        self.nudge_sync();
        Ok(s.into())
    }

    /// Starts (or reopens) the draft answering an officer's supplement
    /// request on a dossier (refresh its status first).
    pub fn start_supplement(&self, dossier_code: String) -> Result<DraftForm, HosoError> {
        let local = self.state.space()?;
        let draft = match self.state.acting_for()? {
            // Only a dossier filed for the active resident.
            Some(residents) => residents.start_supplement(&dossier_code)?,
            None => local
                .outbox
                .start_supplement(&local.drafts, &local.filed, &dossier_code)?,
        };
        Ok(local.drafts.view(&draft)?.into())
    }

    /// Queues a withdrawal of a dossier, with the reason the portal asks
    /// for.
    pub fn withdraw(&self, dossier_code: String, reason: String) -> Result<Submission, HosoError> {
        let s = match self.state.acting_for()? {
            Some(residents) => residents.withdraw(&dossier_code, &reason)?,
            None => {
                let local = &self.state.local;
                local.outbox.queue_withdrawal(
                    &local.drafts,
                    &local.filed,
                    &dossier_code,
                    &reason,
                )?
            }
        };
        self.nudge_sync();
        Ok(s.into())
    }

    /// Everything in the outbox, waiting or done.
    pub fn outbox(&self) -> Result<Vec<Submission>, HosoError> {
        Ok(self
            .state
            .space()?
            .outbox
            .all()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

impl Hoso {
    pub(crate) async fn log_in_with(
        &self,
        client: Arc<PortalClient>,
        phone: String,
        password: String,
    ) -> Result<PortalAccount, HosoError> {
        self.spawn(move |state| async move {
            let account = client.login(&phone, &password).await?;
            state.local.sessions.remember(&client)?;
            state.set_client(Some(client.clone()));
            Ok(PortalAccount {
                portal_url: client.base_url().to_string(),
                account_id: account.id,
            })
        })
        .await
        .inspect(|_| self.restart_background_sync())
    }
}
