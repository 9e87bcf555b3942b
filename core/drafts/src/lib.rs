//! hoso-drafts: dossier drafts sealed one record each (`draft`), their attachments in an
//! encrypted content-addressed store (`attachment`), and the dossiers filed from this device as
//! the portal last reported them (`filed`). Layer 4 of `docs/architecture.md`.

pub mod attachment;
pub mod draft;
pub mod filed;

// The layers below, under the names the modules use (`crate::storage::…`).
use hoso_catalog::catalog;
use hoso_forms::{form, profile, validate};
use hoso_store::{clock, hex, storage, text, vault};

use hoso_store::Quarantined;
