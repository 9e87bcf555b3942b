//! Portal API v1's wire shapes: the serde types of every request and
//! response body of `docs/portal-api.yaml`, shared by the client
//! (`hoso-core`) and the reference server (`hoso-portal`). The spec is the
//! source of truth; `tests/spec.rs` holds these types to it (every schema
//! has a type, every type's output validates against its schema, every
//! example of the spec reads into its type and writes back unchanged).
//!
//! How the spec maps to Rust:
//!
//! - **Names** are the spec's schema names, fields its properties in the
//!   spec's order (a bundle's content hash depends on a procedure's field
//!   order). Objects the spec writes inline take the name their field gives
//!   them ([`SupplementAsk`], [`ConsentMethod`], [`TimeUnit`]).
//! - **Scalars**: the string schemas (`Sha256Hex`, `DossierCode`, `Phone`,
//!   …) are `String` aliases, times and dates RFC 3339 / `YYYY-MM-DD`
//!   text; their patterns are the server's to check. Integers have the
//!   spec's range: `u64` for int64 sizes, counts and versions, `u8` status
//!   codes ([`status`]). String enums and `const` strings are Rust enums
//!   spelled as the spec spells them, each with `ALL` and `as_str`.
//! - **Request bodies** (and the shapes inside them) are read the way the
//!   server reads them: an unknown field is refused, and an optional field
//!   is absent or a value, never `null` ([`not_null`]).
//! - **Response bodies** ignore fields they do not know (a later 1.y may add
//!   optional ones). A required field that may be `null` is an `Option`
//!   written as `null`; an optional field is an `Option` left out when
//!   `None`.
//! - Where the server reads a request more loosely than its schema so that
//!   it can answer with a located `422` instead of a bare `400` — an attached
//!   file's media type, a registration's volunteer block, the clock
//!   advance's either-or — the shape is the server's reading, and its
//!   documentation says what the schema asks.

#![forbid(unsafe_code)]

/// A string enum of the spec: the Rust enum with each variant spelled as
/// the spec spells it, `ALL` (in the spec's order), `as_str`, `from_wire`
/// and `Display`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the wire spells it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value the wire spells `text`, if there is one.
            pub fn from_wire(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod account;
pub mod admin;
pub mod agency;
pub mod catalog;
pub mod dossier;
pub mod error;
pub mod feed;
pub mod health;
pub mod keys;
pub mod linked;
pub mod lookup;
mod null;
pub mod payment;
pub mod procedure;
pub mod receipt;
pub mod scalar;
pub mod signature;
pub mod status;
pub mod submission;
pub mod team;
pub mod upload;

pub use account::{
    Account, AccountKind, ApprovalState, LoginRequest, RefreshRequest, Registration, TokenPair,
    TokenType, VolunteerApproval, VolunteerProfile, VolunteerRole,
};
pub use admin::{
    AdminDossierPage, AdminDossierSummary, AdminStats, AdminVolunteerPage, ApproveVolunteer, Clock,
    ClockAdvance, ClockAdvanced, FeeAsk, RevokeVolunteer, StatusChange, SupplementAsk,
};
pub use agency::{Agency, AgencyList, AgencyRef};
pub use catalog::{
    BundleFormat, CatalogBundle, CatalogData, CatalogDelta, CatalogInfo, DeltaFormat,
};
pub use dossier::{
    Dossier, DossierFee, DossierLink, FeeRequest, FiledBy, HistoryActor, HistoryEntry,
    SupplementRequest,
};
pub use error::{Error, ErrorCode, FieldIssue};
pub use feed::{DossierState, FeedEntry, FeedPage};
pub use health::{Health, HealthStatus};
pub use keys::{Algorithm, Curve, KeySet, KeyType, KeyUse, PublicKey};
pub use linked::LinkedFiling;
pub use lookup::{PublicDossierStatus, PublicHistoryEntry, PublicPayment};
pub use null::not_null;
pub use payment::{
    CollectingAccount, NotificationOutcome, PaymentKind, PaymentNotification,
    PaymentNotificationResult, PaymentReceipt, PaymentReceiptPayload, PaymentRequest,
    PaymentStatus, SimulatedPayment,
};
pub use procedure::{
    CatalogDocument, Channel, Fee, ForeignAmount, LegalDocument, Level, Procedure,
    ProcedureAgencies, ProcedureResult, ProcessingTime, TimeUnit,
};
pub use receipt::{Receipt, ReceiptPayload};
pub use scalar::{
    AgencyCode, CatalogDataName, CatalogVersion, ChannelKind, Cursor, DossierCode, KeyId,
    LookupToken, MediaType, Password, PersonName, Phone, ProcedureCode, Sha256Hex,
};
pub use status::StatusCode;
pub use submission::{
    AttachmentRef, Consent, ConsentMethod, DocumentMap, DossierSubmission, FiledFor, FormValues,
    SupplementResponse, WithdrawalRequest,
};
pub use team::{TeamDossier, TeamDossierPage, TeamFiler};
pub use upload::{Upload, UploadCreate, UploadState};

/// The version of `docs/portal-api.yaml` these shapes implement (`info.version`,
/// and what `GET /v1/health` answers as `api_version`).
pub const API_VERSION: &str = "1.0.0";
