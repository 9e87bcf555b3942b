//! A team leader's view of the team (`GET /v1/team/dossiers`): the dossiers
//! the team's volunteers filed (`TeamDossierPage`, `TeamDossier`), each with
//! the volunteer who filed it (`TeamFiler`) and nothing of the resident's.

use crate::account::VolunteerProfile;
use crate::agency::AgencyRef;
use crate::scalar::{Cursor, DossierCode, ProcedureCode};
use crate::status::StatusCode;
use serde::{Deserialize, Serialize};

/// `TeamFiler`: the volunteer who filed a team dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamFiler {
    /// A UUID.
    pub account_id: String,
    pub full_name: String,
}

/// `TeamDossier`: one dossier a volunteer of the team filed, for counts and
/// follow-up: no form values, documents, receipt or `filed_for`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDossier {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyRef,
    pub status: StatusCode,
    /// RFC 3339.
    pub submitted_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// `YYYY-MM-DD`.
    pub appointment_date: String,
    pub filed_by: TeamFiler,
}

/// `TeamDossierPage`: the team's dossiers in submission order, a page at a
/// time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDossierPage {
    /// The team, as the leader registered it.
    pub team: VolunteerProfile,
    pub dossiers: Vec<TeamDossier>,
    pub next_cursor: Cursor,
    pub has_more: bool,
}
