//! hoso-receipts: signed receipts and their QR codes (`receipt`) — the payload and its `HS1:`
//! text, the portal's key set, offline verification, scanned texts and pictures, the dossiers
//! followed by receipt, the public lookup — and a filed dossier's fees as the phone shows them
//! (`payments`: the VietQR to pay, the electronic receipt verified, a scanned VietQR checked).
//! Layer 6 of `docs/architecture.md`.

pub mod payments;
pub mod receipt;

// The layers below, under the names the modules use (`crate::storage::…`).
use hoso_client::client;
use hoso_drafts::filed;
use hoso_store::{storage, text, vault};
