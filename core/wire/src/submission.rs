//! What an applicant sends about a dossier: the submission itself
//! (`DossierSubmission`, with its form values, attached files and, from a
//! volunteer, the resident filed for and their consent), the answer to a
//! supplement request (`SupplementResponse`) and a withdrawal
//! (`WithdrawalRequest`). All are read strictly (unknown fields refused);
//! `AttachmentRef` and `FiledFor` come back inside `Dossier` too.

use crate::scalar::{
    AgencyCode, CatalogVersion, ChannelKind, MediaType, PersonName, Phone, ProcedureCode, Sha256Hex,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `FormValues`: value path (`child.full_name`, `members[0].full_name`) →
/// value, as the draft stores them.
pub type FormValues = BTreeMap<String, String>;

/// `DocumentMap`: document slot (`docNN`) → the files attached to it.
pub type DocumentMap = BTreeMap<String, Vec<AttachmentRef>>;

/// `AttachmentRef`: a file attached to a slot; the blob must have been
/// uploaded by the same account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    pub sha256: Sha256Hex,
    pub size: u64,
    /// One of [`MediaType`]'s values. Text here: the server answers a file
    /// whose type is not one the slot takes (or not the uploaded blob's) with
    /// a located `422`, like any other problem with a file.
    pub media_type: String,
    /// 1–255 characters.
    pub file_name: String,
}

impl AttachmentRef {
    /// A file of a known type.
    pub fn new(
        sha256: impl Into<Sha256Hex>,
        size: u64,
        media_type: MediaType,
        file_name: impl Into<String>,
    ) -> AttachmentRef {
        AttachmentRef {
            sha256: sha256.into(),
            size,
            media_type: media_type.as_str().to_string(),
            file_name: file_name.into(),
        }
    }
}

string_enum! {
    /// `Consent.method`: how the resident agreed.
    pub enum ConsentMethod {
        /// A signed consent form, whose scan is `document`.
        SignedForm = "signed_form",
        /// Confirmed in the resident's VNeID app.
        Vneid = "vneid",
        /// Given aloud before a witness named in `reference`.
        WitnessedVerbal = "witnessed_verbal",
    }
}

/// `Consent`: how a resident agreed to a volunteer filing for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub method: ConsentMethod,
    /// Form number, VNeID confirmation code or witness (1–64 characters).
    pub reference: String,
    /// RFC 3339.
    pub given_at: String,
    /// The signed form's scan (required for `signed_form`).
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub document: Option<AttachmentRef>,
}

/// `FiledFor`: the resident a volunteer files for (required from
/// volunteers, refused from citizens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiledFor {
    pub full_name: PersonName,
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<Phone>,
    pub consent: Consent,
}

/// `DossierSubmission` (request to `POST /v1/dossiers`): a frozen draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierSubmission {
    pub procedure_code: ProcedureCode,
    /// The catalog version the draft was made against.
    pub catalog_version: CatalogVersion,
    /// The receiving agency, from `GET /v1/agencies`.
    pub agency_code: AgencyCode,
    pub channel: ChannelKind,
    pub form_values: FormValues,
    pub documents: DocumentMap,
    /// From volunteers only.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub filed_for: Option<FiledFor>,
}

/// `SupplementResponse` (request to `POST /v1/dossiers/{code}/supplements`):
/// new files for the slots the officer asked for, corrected values and a
/// note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementResponse {
    pub documents: DocumentMap,
    /// Corrected values (they replace those paths); may be empty.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub form_values: Option<FormValues>,
    /// At most 1000 characters.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub note: Option<String>,
}

/// `WithdrawalRequest` (request to `POST /v1/dossiers/{code}/withdrawal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequest {
    /// 1–1000 characters.
    pub reason: String,
}
