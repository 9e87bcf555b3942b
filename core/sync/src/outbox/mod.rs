//! The outbox (hồ sơ chờ gửi): what is queued for the portal — a draft
//! frozen into a new dossier, the answer to an officer's supplement
//! request, a withdrawal — each sealed with the Idempotency-Key fixed when
//! it was queued and a hold on every file it names. It sits above drafts
//! (it freezes them) and followed dossiers (it answers their requests);
//! the sync engine moves its submissions through their states.

mod answer;
mod error;
mod model;
mod store;

pub use error::OutboxError;
pub use model::{Submission, SubmissionKind, SubmissionProblem, SubmissionState};
pub use store::Outbox;
