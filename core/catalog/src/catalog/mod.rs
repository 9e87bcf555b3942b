//! The procedure catalog: reading the crawled national data, parsing each page
//! into a structured `Procedure`, bundling a catalog version, and keeping
//! versioned bundles in the local store.

pub mod bundle;
pub(crate) mod entry;
mod import;
mod model;
pub mod parse;
pub mod source;
pub mod stats;
pub mod store;

pub use entry::SearchEntry;
pub use import::{import, ImportReport};
pub use model::*;
