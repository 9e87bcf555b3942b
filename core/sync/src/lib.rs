//! hoso-sync: the outbox of submissions frozen from drafts (`outbox`) and sync with the portal
//! (`sync`): the engine pass that sends each exactly once, status from the change feed, the one
//! round every caller runs, the background loop, the session. Layers 7 and 8 of
//! `docs/architecture.md`.

pub mod outbox;
pub mod residents;
pub mod sync;

// The layers below, under the names the modules use (`crate::storage::…`).
use hoso_catalog::catalog;
use hoso_client::client;
use hoso_drafts::{draft, filed};
use hoso_forms::{form, profile};
use hoso_papers as papers;
use hoso_receipts::{payments, receipt};
use hoso_store::{clock, hex, storage, text, vault};
