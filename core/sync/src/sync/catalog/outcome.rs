//! What a catalog update may spend and what it did: the network's budget
//! ([`UpdateOptions`]), how the catalog came ([`UpdateMethod`]: a delta, the
//! full bundle, nothing to do, or waiting for an unmetered network), the
//! bytes it cost, and why a full bundle was taken instead of a delta
//! ([`Fallback`]).

use crate::catalog::delta::DeltaError;
use crate::catalog::store::Installed;
use crate::receipt::KeysInstalled;
use hoso_store::error::Classified;

/// What the network allows a catalog update, as the host sees it (the
/// same defaults as the sync engine's `NetworkPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateOptions {
    /// The connection is metered (mobile data).
    pub metered: bool,
    /// On a metered connection, a catalog download (the delta or the
    /// bundle, compressed, as on the wire) larger than this waits for an
    /// unmetered one (bytes).
    pub metered_limit_bytes: u64,
}

impl Default for UpdateOptions {
    /// Unmetered; on mobile data, catalog downloads up to 1 MiB: a delta
    /// (tens of KB for a typical release) comes at once, the full national
    /// bundle (2.3 MB) waits for Wi-Fi.
    fn default() -> UpdateOptions {
        UpdateOptions {
            metered: false,
            metered_limit_bytes: 1 << 20,
        }
    }
}

impl UpdateOptions {
    /// The most one catalog download may bring.
    pub(super) fn budget(&self) -> u64 {
        if self.metered {
            self.metered_limit_bytes
        } else {
            u64::MAX
        }
    }
}

/// How the update brought the catalog up to the portal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMethod {
    /// The catalog held was already the portal's.
    Unchanged,
    /// The changes since the version held, applied to it.
    Delta,
    /// The whole bundle.
    Full,
    /// Nothing fitted the metered budget; the catalog held stays until an
    /// unmetered network.
    WaitingForUnmetered,
}

impl UpdateMethod {
    /// `unchanged`, `delta`, `full`, `waiting_for_unmetered`.
    pub fn code(&self) -> &'static str {
        match self {
            UpdateMethod::Unchanged => "unchanged",
            UpdateMethod::Delta => "delta",
            UpdateMethod::Full => "full",
            UpdateMethod::WaitingForUnmetered => "waiting_for_unmetered",
        }
    }
}

/// Why a delta was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackReason {
    /// The portal keeps no delta from the version held (not in
    /// `delta_from`); none was asked for.
    NotOffered,
    /// The portal answered `409 catalog_version_unavailable`.
    VersionUnavailable,
    /// The delta would have been larger than the bundle.
    DeltaLarger,
    /// The delta did not apply to the catalog held, or its result did not
    /// verify.
    DeltaRefused,
}

impl FallbackReason {
    /// `delta_not_offered`, `catalog_version_unavailable`,
    /// `delta_larger_than_bundle`, `delta_refused`.
    pub fn code(&self) -> &'static str {
        match self {
            FallbackReason::NotOffered => "delta_not_offered",
            FallbackReason::VersionUnavailable => "catalog_version_unavailable",
            FallbackReason::DeltaLarger => "delta_larger_than_bundle",
            FallbackReason::DeltaRefused => "delta_refused",
        }
    }
}

/// Why the full bundle was taken instead of a delta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub reason: FallbackReason,
    /// The reason's code, or for a refused delta the delta's own error
    /// code (`delta_hash_mismatch`, `delta_base_mismatch`, `bad_delta` …).
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl Fallback {
    pub(super) fn because(reason: FallbackReason) -> Fallback {
        let (vi, en) = match reason {
            FallbackReason::NotOffered => (
                "cổng không giữ thay đổi từ phiên bản danh mục đang có",
                "the portal keeps no changes from the catalog version held",
            ),
            FallbackReason::VersionUnavailable => (
                "cổng không còn thay đổi từ phiên bản danh mục đang có",
                "the portal no longer has changes from the catalog version held",
            ),
            FallbackReason::DeltaLarger => (
                "gói thay đổi lớn hơn toàn bộ danh mục",
                "the delta is larger than the whole catalog",
            ),
            FallbackReason::DeltaRefused => ("gói thay đổi bị từ chối", "the delta was refused"),
        };
        Fallback {
            reason,
            code: reason.code(),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    pub(super) fn refused(e: &DeltaError) -> Fallback {
        let (vi, en) = e.messages();
        Fallback {
            reason: FallbackReason::DeltaRefused,
            code: e.code(),
            message_vi: vi,
            message_en: en,
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogUpdate {
    /// `None` when nothing was installed (already the portal's, or waiting
    /// for an unmetered network).
    pub catalog: Option<Installed>,
    /// The portal's current catalog version.
    pub catalog_version: u64,
    pub keys: KeysInstalled,
    pub method: UpdateMethod,
    /// Catalog bytes this update downloaded, compressed as on the wire: the
    /// delta and the bundle bodies (both when a delta was refused), whole
    /// or as far as they came. The small `GET /v1/catalog` and key-set
    /// answers are not counted.
    pub downloaded_bytes: u64,
    /// Set when a full bundle was taken although a catalog was held.
    pub fallback: Option<Fallback>,
}
