//! The procedure catalog: reading the crawled national data, parsing each page
//! into a structured `Procedure`, bundling a catalog version, and keeping
//! versioned bundles in the local store, and applying the portal's deltas
//! between versions; the data a catalog carries beside its procedures (`data`).

pub mod bundle;
pub mod data;
pub mod delta;
pub(crate) mod entry;
mod framed;
mod import;
pub(crate) mod markers;
mod model;
pub mod parse;
pub mod source;
pub mod stats;
pub mod store;

pub use entry::SearchEntry;
pub use import::{import, import_with, ImportReport};
pub use model::*;
