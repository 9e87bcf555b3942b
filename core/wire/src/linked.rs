//! Linked filings ("một việc một lần làm"): one submission for a group
//! procedure (2.000986: birth registration, permanent residence and a
//! child's health insurance card) that the portal files as one dossier per
//! part, each with its own code, status and receipt, tied by a group id
//! (`LinkedFiling`; each part's `Dossier` names the group in its
//! `DossierLink`).

use crate::dossier::Dossier;
use crate::scalar::ProcedureCode;
use serde::{Deserialize, Serialize};

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
