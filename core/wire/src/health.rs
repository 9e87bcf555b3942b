//! `GET /v1/health`'s answer (`Health`): the server is up, which API
//! version it implements, and the portal clock.

use serde::{Deserialize, Serialize};

string_enum! {
    /// `Health.status`: always `ok` when the server answers.
    pub enum HealthStatus {
        Ok = "ok",
    }
}

/// `Health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    /// The version of the spec the server implements ([`crate::API_VERSION`]).
    pub api_version: String,
    /// The portal clock (RFC 3339, UTC).
    pub now: String,
}
