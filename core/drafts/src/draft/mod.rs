//! Dossier drafts (bản nháp hồ sơ): created offline against a procedure's
//! form schema, prefilled from the profile, edited field by field with every
//! change sealed and durably saved before it is acknowledged, validated as a
//! partial or a complete draft, and checked against catalog updates.

mod attach;
mod changes;
mod form_change;
mod id;
mod model;
mod observe;
mod pin;
mod places;
mod prefill;
mod store;
mod supplement;
mod view;

pub use attach::FileHolds;
pub use attach::{AttachError, AttachmentView, PhotoDocument, PhotoRequest, VerifiedAttachment};
pub use changes::{RequirementChange, RequirementSnapshot};
pub use form_change::FormChange;
pub use id::new_id;
pub use model::{AttachmentRef, Draft, DraftSummary, SupplementLink, ValueSource};
pub use observe::{DraftChange, DraftEvent, DraftObserver};
pub use places::DraftAddressUpgrade;
pub use store::{DraftError, Drafts, SetOutcome, ValidationReport};
pub use view::{DraftView, EntryView, FieldView, GroupView, SlotView};
