//! Linked filings ("một việc một lần làm"): one submission for a group
//! procedure (2.000986: birth registration, permanent residence and a
//! child's health insurance card) that the portal files as one dossier per
//! part, each with its own code, status and receipt, tied by a group id
//! (`LinkedFiling`, and `DossierLink` on every part).

use crate::dossier::Dossier;
use crate::scalar::ProcedureCode;
use serde::{Deserialize, Serialize};

/// `DossierLink`: the linked filing a dossier is a part of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierLink {
    /// The group's id (a UUID).
    pub group_id: String,
    /// The group procedure the filing was made for (`2.000986`).
    pub group_procedure_code: ProcedureCode,
    /// This part's id in the group's form (`birth`, `residence`…).
    pub part: String,
}

/// `LinkedFiling` (response to `POST /v1/linked-filings` and
/// `GET /v1/linked-filings/{group_id}`): the group and its parts as they
/// are now, in the form's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedFiling {
    pub group_id: String,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    /// RFC 3339.
    pub submitted_at: String,
    /// One dossier per part, each with `linked` set.
    pub parts: Vec<Dossier>,
}
