//! hoso-catalog: the national procedure catalog — reading crawled pages, parsing them into
//! procedures, versioned bundles and their store (`catalog`) — and offline Vietnamese search
//! over it (`search`). Layer 2 of `docs/architecture.md`.

pub mod catalog;
pub mod search;

// The layers below, under the names the modules use (`crate::storage::…`).
use hoso_store::{hex, limits, storage, text};
