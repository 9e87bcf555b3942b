//! Receiving agencies: the list `GET /v1/agencies` answers (`AgencyList`
//! of `Agency`) and the short reference dossiers, feeds and lookups carry
//! (`AgencyRef`).

use crate::procedure::Level;
use crate::scalar::AgencyCode;
use serde::{Deserialize, Serialize};

/// `Agency`: an agency that receives dossiers; its code starts their codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub code: AgencyCode,
    pub name: String,
    pub level: Level,
    /// One of the 34 provinces; `null` for ministry-level agencies.
    pub province: Option<String>,
    /// The commune or ward of a commune-level agency, else `null`.
    pub commune: Option<String>,
}

/// `AgencyList`: `GET /v1/agencies`, by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyList {
    pub agencies: Vec<Agency>,
}

/// `AgencyRef`: an agency by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    pub code: AgencyCode,
    pub name: String,
}
