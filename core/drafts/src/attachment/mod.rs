//! Attachments (being written for issue #4): streaming SHA-256, type
//! sniffing, and the encrypted, chunked, content-addressed blob store.
pub mod blobs;
pub mod hash;
pub mod refs;
pub mod sniff;
