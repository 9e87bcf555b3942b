//! What the app supplies: the data key from the platform keystore
//! ([`KeyProvider`]), a place for events ([`EventListener`]) and the
//! network's state ([`NetworkMonitor`]) — traits implemented in Kotlin or
//! Swift — and their adapters to the core. A host exception is an error
//! value here, never a crash.

use crate::error::HostError;
use crate::events::HosoEvent;
use hoso_core::sync::engine::NetworkPolicy;
use hoso_core::vault::{DataKey, KeyError};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Supplies the 32-byte key that seals personal data on the device. On
/// Android it comes from the Android Keystore, on iOS from the Keychain;
/// the core never writes it anywhere. Called once when a [`crate::Hoso`]
/// is opened.
#[uniffi::export(with_foreign)]
pub trait KeyProvider: Send + Sync {
    /// The key: exactly 32 bytes, the same on every call for this data
    /// directory (a different key cannot open what was sealed).
    fn data_key(&self) -> Result<Vec<u8>, HostError>;
}

/// Hears what the core does in the background: attachment and upload
/// progress, submissions sent, status changes, the sync loop's state.
/// Called from the core's threads: hand the event on (a channel, a flow)
/// and return quickly.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: HosoEvent) -> Result<(), HostError>;
}

/// The network as the platform sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NetworkState {
    /// No connection: sync does not try.
    Offline,
    /// Mobile data: large files wait for Wi-Fi.
    Metered,
    /// Wi-Fi or wired.
    Unmetered,
}

/// Tells the core whether the device is online and whether the connection
/// is metered (Android's ConnectivityManager, iOS's NWPathMonitor). Asked
/// before each sync; call `Hoso::network_changed` when it changes.
#[uniffi::export(with_foreign)]
pub trait NetworkMonitor: Send + Sync {
    fn network_state(&self) -> Result<NetworkState, HostError>;
}

/// The foreign key, fetched once and held in wiped-on-drop memory while
/// the stores open.
pub(crate) struct HeldKey(DataKey);

impl HeldKey {
    pub(crate) fn fetch(provider: &dyn KeyProvider) -> Result<HeldKey, KeyError> {
        let bytes = Zeroizing::new(
            provider
                .data_key()
                .map_err(|e| KeyError::Unavailable(e.to_string()))?,
        );
        Ok(HeldKey(DataKey::from_slice(&bytes)?))
    }
}

impl hoso_core::vault::KeyProvider for HeldKey {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes(*self.0.as_bytes()))
    }
}

/// Where events go: the host's listener, if it gave one. A listener that
/// throws loses that event only.
#[derive(Clone, Default)]
pub(crate) struct Events(Option<Arc<dyn EventListener>>);

impl Events {
    pub(crate) fn new(listener: Option<Arc<dyn EventListener>>) -> Events {
        Events(listener)
    }

    pub(crate) fn send(&self, event: HosoEvent) {
        if let Some(l) = &self.0 {
            // The event is lost for this listener only; nothing to undo.
            let _ = l.on_event(event);
        }
    }
}

/// The network as the host reports it: unmetered without a monitor (the
/// host asked for no care); metered when the monitor throws (no data spent
/// on large files on a guess).
pub(crate) fn network(monitor: Option<&Arc<dyn NetworkMonitor>>) -> NetworkState {
    match monitor {
        None => NetworkState::Unmetered,
        Some(m) => m.network_state().unwrap_or(NetworkState::Metered),
    }
}

/// The core's policy for a network state.
pub(crate) fn policy(state: NetworkState) -> NetworkPolicy {
    NetworkPolicy {
        metered: state != NetworkState::Unmetered,
        ..NetworkPolicy::default()
    }
}
