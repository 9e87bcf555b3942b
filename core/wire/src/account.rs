//! Accounts and their sessions: registering a citizen or volunteer
//! (`Registration`), the account as answered (`Account`, with a volunteer's
//! standing with the commune, `VolunteerApproval`), logging in
//! (`LoginRequest`), rotating tokens (`RefreshRequest`) and the token pair
//! both answer (`TokenPair`).

use crate::scalar::{Password, PersonName, Phone};
use serde::{Deserialize, Serialize};

string_enum! {
    /// `AccountKind`: a citizen files for themselves and their family; a
    /// volunteer files on behalf of residents (`filed_for`).
    pub enum AccountKind {
        Citizen = "citizen",
        Volunteer = "volunteer",
    }
}

/// `VolunteerProfile`: a volunteer's community digital-tech team (Tổ công
/// nghệ số cộng đồng). Each value has a character other than whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolunteerProfile {
    /// At most 200 characters.
    pub team: String,
    /// At most 100 characters.
    pub province: String,
    /// At most 100 characters.
    pub commune: String,
}

/// `Registration` (request): a `CitizenRegistration` or a
/// `VolunteerRegistration`, which `kind` selects.
///
/// One shape rather than an enum: the schema refuses `volunteer` with
/// `kind: citizen` and requires it with `kind: volunteer`, and the server
/// answers either mismatch with a located `422`, so it reads both kinds
/// alike. [`Registration::citizen`] and [`Registration::volunteer`] build
/// only what the schema allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub kind: AccountKind,
    pub phone: Phone,
    pub password: Password,
    pub full_name: PersonName,
    /// At most 254 characters.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// With `kind: volunteer` only.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub volunteer: Option<VolunteerProfile>,
}

impl Registration {
    /// A `CitizenRegistration`.
    pub fn citizen(
        phone: impl Into<Phone>,
        password: impl Into<Password>,
        full_name: impl Into<PersonName>,
        email: Option<String>,
    ) -> Registration {
        Registration {
            kind: AccountKind::Citizen,
            phone: phone.into(),
            password: password.into(),
            full_name: full_name.into(),
            email,
            volunteer: None,
        }
    }

    /// A `VolunteerRegistration`.
    pub fn volunteer(
        phone: impl Into<Phone>,
        password: impl Into<Password>,
        full_name: impl Into<PersonName>,
        email: Option<String>,
        volunteer: VolunteerProfile,
    ) -> Registration {
        Registration {
            kind: AccountKind::Volunteer,
            phone: phone.into(),
            password: password.into(),
            full_name: full_name.into(),
            email,
            volunteer: Some(volunteer),
        }
    }
}

string_enum! {
    /// `ApprovalState`: where a volunteer account stands with its commune.
    /// `pending` from registration until the commune decides; only
    /// `approved` may file for residents.
    pub enum ApprovalState {
        Pending = "pending",
        Approved = "approved",
        Revoked = "revoked",
    }
}

string_enum! {
    /// `VolunteerRole`: what the commune approved a volunteer as; a
    /// `leader` also lists the team's dossiers.
    pub enum VolunteerRole {
        Member = "member",
        Leader = "leader",
    }
}

/// `VolunteerApproval` (response): a volunteer's approval state, since
/// when, the role while approved and the commune's reason once revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerApproval {
    pub state: ApprovalState,
    /// RFC 3339: when the account entered this state (registration, for
    /// `pending`).
    pub at: String,
    /// `approved` only; else `null`.
    pub role: Option<VolunteerRole>,
    /// `revoked` only (1–1000 characters); else `null`.
    pub reason: Option<String>,
}

impl VolunteerApproval {
    /// Awaiting the commune since `at`.
    pub fn pending(at: impl Into<String>) -> VolunteerApproval {
        VolunteerApproval {
            state: ApprovalState::Pending,
            at: at.into(),
            role: None,
            reason: None,
        }
    }

    /// Approved as `role` since `at`.
    pub fn approved(role: VolunteerRole, at: impl Into<String>) -> VolunteerApproval {
        VolunteerApproval {
            state: ApprovalState::Approved,
            at: at.into(),
            role: Some(role),
            reason: None,
        }
    }

    /// Revoked since `at`, for `reason`.
    pub fn revoked(reason: impl Into<String>, at: impl Into<String>) -> VolunteerApproval {
        VolunteerApproval {
            state: ApprovalState::Revoked,
            at: at.into(),
            role: None,
            reason: Some(reason.into()),
        }
    }

    /// May the account file for residents now?
    pub fn may_file(&self) -> bool {
        self.state == ApprovalState::Approved
    }

    /// Is the account an approved team leader?
    pub fn is_leader(&self) -> bool {
        self.may_file() && self.role == Some(VolunteerRole::Leader)
    }
}

/// `Account` (response): an account as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// A UUID.
    pub id: String,
    pub kind: AccountKind,
    /// Normalised, `0xxxxxxxxx`.
    pub phone: String,
    pub full_name: PersonName,
    pub email: Option<String>,
    /// A volunteer's team; `null` for citizens.
    pub volunteer: Option<VolunteerProfile>,
    /// A volunteer's standing with the commune; `null` for citizens (and
    /// absent from a portal that predates approvals, read as `None`).
    pub approval: Option<VolunteerApproval>,
    /// RFC 3339.
    pub created_at: String,
}

/// `LoginRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub phone: Phone,
    pub password: Password,
}

/// `RefreshRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

string_enum! {
    /// `TokenPair.token_type`.
    pub enum TokenType {
        Bearer = "Bearer",
    }
}

/// `TokenPair` (response to login and refresh): an access token with its
/// expiry, a single-use refresh token, and the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    pub token_type: TokenType,
    /// Opaque; `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// RFC 3339.
    pub expires_at: String,
    /// Opaque, rotated by every refresh.
    pub refresh_token: String,
    /// RFC 3339.
    pub refresh_expires_at: String,
    pub account: Account,
}
