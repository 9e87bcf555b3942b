//! The one shape every failure takes at a surface: what kind of failure it
//! is (what a user or an app does about it), a stable code, and the message
//! in Vietnamese and in English. Each component keeps its own error enum;
//! each enum says, variant by variant and with no catch-all, which
//! [`ErrorKind`] it is ([`Classified`]), so a new variant cannot reach a
//! surface unclassified: the match does not compile until it is placed.

use std::fmt::Display;

/// What kind of failure, by what the user or the app does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A procedure, draft, submission, attachment, family member or
    /// followed dossier that does not exist.
    NotFound,
    /// What the user or the app gave is not acceptable: fix it and retry.
    InvalidInput,
    /// The draft cannot be submitted yet.
    NotReady,
    /// No procedure catalog is installed yet.
    NoCatalog,
    /// The host could not give a usable key.
    KeyUnavailable,
    /// The data was sealed with another key; nothing was changed.
    WrongKey,
    /// A saved record or file is damaged; the rest is intact.
    Damaged,
    /// The device store failed (disk, lock, a newer schema).
    Storage,
    /// No portal session, or it ended.
    NotLoggedIn,
    /// The portal cannot be reached.
    Network,
    /// The portal refused.
    Portal,
    /// A receipt, QR text or picture that is not usable.
    Receipt,
    /// The host cancelled the operation.
    Cancelled,
    /// Something that should not happen.
    Internal,
}

/// The separator between the Vietnamese and the English message in every
/// core error's text (`"… / …"`).
pub const MESSAGE_SEPARATOR: &str = " / ";

/// A core error as a surface shows it.
pub trait Classified: Display {
    /// Which kind of failure (an exhaustive match in each implementation).
    fn kind(&self) -> ErrorKind;

    /// A stable snake_case code, finer than the kind.
    fn error_code(&self) -> &'static str;

    /// The Vietnamese and the English message. Core errors write their
    /// text as `"vi / en"`, the Vietnamese first and without the
    /// separator inside it; an error built otherwise overrides this.
    fn messages(&self) -> (String, String) {
        let text = self.to_string();
        match text.split_once(MESSAGE_SEPARATOR) {
            Some((vi, en)) => (vi.to_string(), en.to_string()),
            None => (text.clone(), text),
        }
    }
}
