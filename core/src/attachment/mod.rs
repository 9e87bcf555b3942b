//! Attachments (being written for issue #4): streaming SHA-256, type
//! sniffing, and the encrypted, chunked, content-addressed blob store.
pub(crate) mod blobs;
pub mod hash;
pub(crate) mod refs;
pub mod sniff;
