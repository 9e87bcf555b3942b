//! hoso-forms: Vietnamese validation (`validate`), the form of each procedure and its checks
//! (`form`), and the user's profile that prefills drafts (`profile`). Layer 3 of
//! `docs/architecture.md`.

pub mod form;
pub mod profile;
pub mod validate;

// The layers below, under the names the modules use (`crate::storage::…`).
use hoso_catalog::catalog;
use hoso_store::{clock, storage, text, vault};

use hoso_store::Quarantined;
