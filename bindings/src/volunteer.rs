//! A volunteer through the binding (issue #19): registering with a team,
//! the account and its approval by the commune, the team's dossiers for a
//! leader, and the printable papers (the consent form to sign, a filed
//! dossier's handover sheet as PDF and PNG), written to files the app
//! shares or prints.

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::outbox::PortalAccount;
use crate::{to_i32, to_i64};
use hoso_core::client::PortalClient;
use hoso_core::papers::PageSize;
use hoso_core::residents::{self, ConsentRequest};
use hoso_core::wire;
use std::sync::Arc;

/// A volunteer's team as registered.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VolunteerTeam {
    pub team: String,
    pub province: String,
    pub commune: String,
}

impl From<wire::VolunteerProfile> for VolunteerTeam {
    fn from(v: wire::VolunteerProfile) -> VolunteerTeam {
        VolunteerTeam {
            team: v.team,
            province: v.province,
            commune: v.commune,
        }
    }
}

/// Where a volunteer stands with its commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ApprovalState {
    /// Registered, waiting for the commune: cannot file for residents.
    Pending,
    Approved,
    /// The commune withdrew it: follows what it filed, files nothing new.
    Revoked,
}

/// The commune's decision on a volunteer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Approval {
    pub state: ApprovalState,
    /// RFC 3339: since when.
    pub at: String,
    /// While approved: `member` or `leader`.
    pub role: Option<String>,
    /// Once revoked: why.
    pub reason: Option<String>,
}

/// The account logged in to, as the portal holds it now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Account {
    pub account_id: String,
    /// `citizen` or `volunteer`.
    pub kind: String,
    pub full_name: String,
    pub phone: String,
    pub team: Option<VolunteerTeam>,
    pub approval: Option<Approval>,
}

impl From<wire::Account> for Account {
    fn from(a: wire::Account) -> Account {
        Account {
            account_id: a.id,
            kind: a.kind.as_str().to_string(),
            full_name: a.full_name,
            phone: a.phone,
            team: a.volunteer.map(Into::into),
            approval: a.approval.map(|p| Approval {
                state: match p.state {
                    wire::ApprovalState::Pending => ApprovalState::Pending,
                    wire::ApprovalState::Approved => ApprovalState::Approved,
                    wire::ApprovalState::Revoked => ApprovalState::Revoked,
                },
                at: p.at,
                role: p.role.map(|r| r.as_str().to_string()),
                reason: p.reason,
            }),
        }
    }
}

/// A dossier the team filed (nothing of the resident).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamDossier {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub status: i32,
    pub submitted_at: String,
    pub updated_at: String,
    pub appointment_date: String,
    /// The volunteer who filed it.
    pub filed_by: String,
}

/// A page of the team's dossiers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamDossierPage {
    pub team: VolunteerTeam,
    pub dossiers: Vec<TeamDossier>,
    /// Pass it for the next page.
    pub next_cursor: String,
    pub has_more: bool,
}

/// What the consent form names, for a resident to sign.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentFormRequest {
    pub volunteer_name: String,
    pub volunteer_phone: String,
    pub team: VolunteerTeam,
    /// The form number printed on it (then the consent's reference).
    pub reference: String,
    pub covers: Vec<String>,
    pub retention_days: u32,
    /// Printed as given (`dd/mm/yyyy`).
    pub date: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// Creates a volunteer account of a community digital-tech team, then
    /// logs in to it. It files for residents once the commune approves it
    /// (see `account`).
    pub async fn register_volunteer(
        &self,
        portal_url: String,
        phone: String,
        password: String,
        full_name: String,
        team: VolunteerTeam,
    ) -> Result<PortalAccount, HosoError> {
        let client = Arc::new(PortalClient::new(&portal_url)?);
        let (c, ph, pw) = (client.clone(), phone.clone(), password.clone());
        let profile = wire::VolunteerProfile {
            team: team.team,
            province: team.province,
            commune: team.commune,
        };
        self.spawn(move |_| async move {
            c.register_volunteer(&ph, &pw, &full_name, profile).await?;
            Ok(())
        })
        .await?;
        self.log_in_with(client, phone, password).await
    }

    /// The account logged in to, with a volunteer's team and approval.
    pub async fn account(&self) -> Result<Account, HosoError> {
        self.spawn(|state| async move {
            let client = state.logged_in()?;
            let account = client.me().await;
            state.local.sessions.remember(&client)?;
            Ok(account?.into())
        })
        .await
    }

    /// A page of the team's dossiers (an approved leader only), after
    /// `cursor`, at most `limit` (1–500).
    pub async fn team_dossiers(
        &self,
        cursor: Option<String>,
        limit: Option<u32>,
    ) -> Result<TeamDossierPage, HosoError> {
        self.spawn(move |state| async move {
            let client = state.logged_in()?;
            let page = client.team_dossiers(cursor.as_deref(), limit).await;
            state.local.sessions.remember(&client)?;
            let page = page?;
            Ok(TeamDossierPage {
                team: page.team.into(),
                dossiers: page
                    .dossiers
                    .into_iter()
                    .map(|d| TeamDossier {
                        code: d.code,
                        procedure_code: d.procedure_code,
                        procedure_name: d.procedure_name,
                        status: to_i32(d.status),
                        submitted_at: d.submitted_at,
                        updated_at: d.updated_at,
                        appointment_date: d.appointment_date,
                        filed_by: d.filed_by.full_name,
                    })
                    .collect(),
                next_cursor: page.next_cursor,
                has_more: page.has_more,
            })
        })
        .await
    }
}

#[uniffi::export]
impl Hoso {
    /// Writes the bilingual consent form (A4 PDF) to `path`; its size.
    pub fn write_consent_form(
        &self,
        request: ConsentFormRequest,
        path: String,
    ) -> Result<i64, HosoError> {
        let request = ConsentRequest {
            volunteer_name: request.volunteer_name,
            volunteer_phone: request.volunteer_phone,
            team: request.team.team,
            commune: request.team.commune,
            province: request.team.province,
            reference: request.reference,
            covers: request.covers,
            retention_days: request.retention_days,
            date: request.date,
        };
        let pdf = residents::consent_form_pdf(&self.state.catalog, &request)?;
        write(&path, &pdf)
    }

    /// Writes the handover sheet of dossier `code` (filed for the active
    /// resident) as a PDF (A5, or A4 when `a4`) to `path`; its size.
    /// `helped_by` names the volunteer and team as printed.
    pub fn write_handover_pdf(
        &self,
        code: String,
        helped_by: String,
        a4: bool,
        path: String,
    ) -> Result<i64, HosoError> {
        let size = if a4 { PageSize::A4 } else { PageSize::A5 };
        let pdf = self.core_handover(&code)?.pdf(&helped_by, size)?;
        write(&path, &pdf)
    }

    /// Writes the handover sheet as a PNG (to send by chat) to `path`.
    pub fn write_handover_png(
        &self,
        code: String,
        helped_by: String,
        path: String,
    ) -> Result<i64, HosoError> {
        let png = self.core_handover(&code)?.png(&helped_by)?;
        write(&path, &png)
    }
}

/// Writes `bytes` to `path` whole; their count.
fn write(path: &str, bytes: &[u8]) -> Result<i64, HosoError> {
    std::fs::write(path, bytes).map_err(|e| {
        HosoError::of(
            hoso_core::error::ErrorKind::Storage,
            "io",
            format!("không ghi được tệp: {}", e.kind()),
            format!("cannot write the file: {}", e.kind()),
        )
    })?;
    Ok(to_i64(bytes.len()))
}
