//! The [`Hoso`] object: everything the app does goes through one, opened
//! on a data directory with the host's key provider. It owns the stores,
//! the search index (rebuilt when the catalog changes), the portal client
//! and a multi-threaded tokio runtime on which every async call and the
//! background sync loop run. The methods live beside their records in
//! the other modules.

use crate::error::HosoError;
use crate::host::{EventListener, Events, HeldKey, KeyProvider, NetworkMonitor};
use hoso_core::catalog::store::CatalogStore;
use hoso_core::client::PortalClient;
use hoso_core::profile::Profiles;
use hoso_core::residents::Residents;
use hoso_core::search::SearchIndex;
use hoso_core::sync::background::Background;
use hoso_core::sync::Local;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// hoso's core, opened on one data directory. Open one per directory and
/// keep it for the app's life; close it (Kotlin `use {}` / `close()`) when
/// done. Every method may be called from any thread.
#[derive(uniffi::Object)]
pub struct Hoso {
    pub(crate) state: Arc<State>,
    /// Taken when the object goes away.
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

/// What the object's calls and tasks share.
pub(crate) struct State {
    pub(crate) data_dir: PathBuf,
    pub(crate) catalog: CatalogStore,
    /// The user's own drafts, outbox, filed dossiers, session and
    /// receipts (a volunteer's filed dossiers include their residents').
    pub(crate) local: Arc<Local>,
    /// The residents a volunteer files for, once the host gave a secret
    /// store (`enable_assisted_filing`).
    pub(crate) residents: Mutex<Option<Arc<Residents>>>,
    /// The resident the app chose (`use_resident`), until it locks.
    pub(crate) chosen: Mutex<Option<String>>,
    pub(crate) events: Events,
    pub(crate) network: Option<Arc<dyn NetworkMonitor>>,
    /// The search index and the catalog version it was built from.
    index: Mutex<Option<(u64, Arc<SearchIndex>)>>,
    /// The portal client of the saved session, made on first use.
    client: Mutex<Option<Arc<PortalClient>>>,
    /// The running background loop.
    pub(crate) background: Mutex<Option<Arc<Background>>>,
}

/// Locks a mutex whose data stays consistent even if a holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[uniffi::export]
impl Hoso {
    /// Opens (creating if needed) hoso's state under `data_dir`. The key
    /// provider is asked once for the data key. A store found corrupt is
    /// moved aside and a fresh one opened (see `quarantined_store`).
    /// `listener` hears progress and status events; `network` tells
    /// whether the device is online and metered (without one, unmetered).
    #[uniffi::constructor]
    pub fn new(
        data_dir: String,
        key_provider: Arc<dyn KeyProvider>,
        listener: Option<Arc<dyn EventListener>>,
        network: Option<Arc<dyn NetworkMonitor>>,
    ) -> Result<Arc<Hoso>, HosoError> {
        let data_dir = PathBuf::from(data_dir);
        let key = HeldKey::fetch(key_provider.as_ref()).map_err(HosoError::from)?;
        let catalog = CatalogStore::open(&data_dir)?;
        let local = Arc::new(Local::open(&data_dir, &key)?);
        drop(key);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hoso")
            .enable_all()
            .build()
            .map_err(HosoError::runtime)?;
        Ok(Arc::new(Hoso {
            state: Arc::new(State {
                data_dir,
                catalog,
                local,
                residents: Mutex::new(None),
                chosen: Mutex::new(None),
                events: Events::new(listener),
                network,
                index: Mutex::new(None),
                client: Mutex::new(None),
                background: Mutex::new(None),
            }),
            runtime: Mutex::new(Some(runtime)),
        }))
    }

    /// Where a corrupt store was moved when this directory was opened, if
    /// that happened (tell the user; their data there is not lost).
    pub fn quarantined_store(&self) -> Option<String> {
        self.state
            .local
            .drafts
            .quarantined()
            .map(|q| q.moved_to.display().to_string())
    }

    /// The data directory this object works on.
    pub fn data_dir(&self) -> String {
        self.state.data_dir.display().to_string()
    }
}

/// The version of the core library.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

impl Hoso {
    /// Runs `work` on the object's runtime and waits for it (from any
    /// executor: the foreign side's coroutines or tasks).
    pub(crate) async fn spawn<T, F>(
        &self,
        work: impl FnOnce(Arc<State>) -> F,
    ) -> Result<T, HosoError>
    where
        F: Future<Output = Result<T, HosoError>> + Send + 'static,
        T: Send + 'static,
    {
        let handle = self.handle()?;
        handle
            .spawn(work(self.state.clone()))
            .await
            .map_err(HosoError::runtime)?
    }

    /// Runs blocking `work` (files, the store) on the runtime's blocking
    /// pool and waits for it.
    pub(crate) async fn blocking<T>(
        &self,
        work: impl FnOnce(&State) -> Result<T, HosoError> + Send + 'static,
    ) -> Result<T, HosoError>
    where
        T: Send + 'static,
    {
        let handle = self.handle()?;
        let state = self.state.clone();
        handle
            .spawn_blocking(move || work(&state))
            .await
            .map_err(HosoError::runtime)?
    }

    pub(crate) fn handle(&self) -> Result<tokio::runtime::Handle, HosoError> {
        lock(&self.runtime)
            .as_ref()
            .map(|r| r.handle().clone())
            .ok_or_else(HosoError::closed)
    }
}

impl Drop for Hoso {
    fn drop(&mut self) {
        if let Some(b) = lock(&self.state.background).take() {
            b.stop();
        }
        if let Some(runtime) = lock(&self.runtime).take() {
            // Never blocks, so it is safe from any thread (even inside
            // another runtime); every write already happened durably.
            runtime.shutdown_background();
        }
    }
}

impl State {
    /// The stores draft, attachment, profile and outbox calls act on: the
    /// active resident's, else the user's own.
    ///
    /// The app chose the resident (`use_resident`); if they stopped being
    /// active without the app choosing so (wiped when their retention
    /// ended, by another screen, the object re-enabled), calls fail with
    /// `resident_not_active` rather than act on the volunteer's own data.
    pub(crate) fn space(&self) -> Result<Arc<Local>, HosoError> {
        let active = lock(&self.residents).as_ref().and_then(|r| r.active().ok());
        match (lock(&self.chosen).as_deref(), active) {
            (None, _) => Ok(self.local.clone()),
            (Some(chosen), Some((id, local))) if id == chosen => Ok(local),
            (Some(_), _) => Err(HosoError::of(
                hoso_core::error::ErrorKind::NotReady,
                "resident_not_active",
                "người dân đang chọn không còn mở (đã khóa hoặc đã xóa); hãy chọn lại".into(),
                "the chosen resident is no longer open (locked or wiped); choose again".into(),
            )),
        }
    }

    /// The residents when the app acts for one (checked still open, as
    /// [`State::space`]); `None` when it acts for the user.
    pub(crate) fn acting_for(&self) -> Result<Option<Arc<Residents>>, HosoError> {
        if lock(&self.chosen).is_none() {
            return Ok(None);
        }
        self.space()?;
        Ok(self.residents())
    }

    /// The profile of [`State::space`].
    pub(crate) fn profiles(&self) -> Result<Profiles, HosoError> {
        Ok(Profiles::with_vault(self.space()?.drafts.vault().clone()))
    }

    /// The residents, once assisted filing is enabled.
    pub(crate) fn residents(&self) -> Option<Arc<Residents>> {
        lock(&self.residents).clone()
    }

    /// The search index of the installed catalog, built on first use and
    /// again after the catalog changes.
    pub(crate) fn index(&self) -> Result<Arc<SearchIndex>, HosoError> {
        let version = self
            .catalog
            .current_version()?
            .ok_or(hoso_core::catalog::store::CatalogError::NoCatalog)?;
        let mut held = lock(&self.index);
        if let Some((v, index)) = held.as_ref() {
            if *v == version {
                return Ok(index.clone());
            }
        }
        let index = Arc::new(SearchIndex::open(&self.catalog)?);
        *held = Some((version, index.clone()));
        Ok(index)
    }

    /// The client of the saved portal session, or `None` when logged out.
    pub(crate) fn client(&self) -> Result<Option<Arc<PortalClient>>, HosoError> {
        let mut held = lock(&self.client);
        if let Some(c) = held.as_ref() {
            return Ok(Some(c.clone()));
        }
        let Some(client) = self.local.sessions.resume()? else {
            return Ok(None);
        };
        let client = Arc::new(client);
        *held = Some(client.clone());
        Ok(Some(client))
    }

    /// Uses `client` from now on (after a login), or none (after logout).
    pub(crate) fn set_client(&self, client: Option<Arc<PortalClient>>) {
        *lock(&self.client) = client;
    }

    /// A client for calls that need no account: `url`, else the logged-in
    /// portal; neither is `NotLoggedIn`.
    pub(crate) fn public_client(&self, url: Option<&str>) -> Result<Arc<PortalClient>, HosoError> {
        match url {
            Some(u) => Ok(Arc::new(PortalClient::new(u)?)),
            None => self.logged_in(),
        }
    }

    /// The logged-in client, or `NotLoggedIn`.
    pub(crate) fn logged_in(&self) -> Result<Arc<PortalClient>, HosoError> {
        self.client()?
            .ok_or_else(|| hoso_core::client::PortalError::NotLoggedIn.into())
    }
}
