//! stub
#[derive(Debug, thiserror::Error)]
pub enum StorageError {}
