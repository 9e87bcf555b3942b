//! The receipt-signing key ring: Ed25519 keys (ring) kept in the portal's
//! store (the private PKCS#8 inside the sealed record), the first made on
//! first start; each with a short `kid`, a signing period and a revocation
//! time; the key set's version; `GET /v1/keys`, and the admin's rotation
//! (`POST /v1/admin/keys`) and revocation
//! (`POST /v1/admin/keys/{kid}/revoke`).

use crate::clock::{rfc3339, Clock};
use crate::db::{Db, DbError, Write};
use crate::error::ApiError;
use crate::extract::Admin;
use crate::{Portal, PortalError};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hoso_core::receipt::format::valid_kid;
use hoso_wire::signature::key_set_statement;
use hoso_wire::{Algorithm, Curve, KeySet, KeyType, KeyUse, PublicKey};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;

const KEYS: &str = "signing_keys";
const RING: &str = "signing_key_ring";
const STATE: &str = "state";
/// A key's planned signing period.
const PERIOD_SECS: i64 = 365 * 86_400;

/// Why the key ring could not be loaded or changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("không tạo được khóa ký / cannot generate a signing key")]
    Generate,
    #[error("khóa ký {0} đã lưu không hợp lệ / stored signing key {0} is malformed")]
    Malformed(String),
    #[error("bộ khóa ký thiếu khóa hiện hành {0} / the key ring lacks its current key {0}")]
    MissingCurrent(String),
    #[error("không có khóa ký cho thời điểm {0} / no signing key covers time {0}")]
    NoSigner(i64),
    #[error(
        "phiên bản bộ khóa ký đã ở mức tối đa ({0}) / the key set version is at its maximum ({0})"
    )]
    VersionExhausted(u64),
    #[error("{0}")]
    Db(#[from] DbError),
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> ApiError {
        ApiError::internal(&e)
    }
}

/// One key as stored (sealed, like every record).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyRecord {
    kid: String,
    /// PKCS#8 v2 document, base64url.
    pkcs8: String,
    not_before: i64,
    not_after: i64,
    revoked_at: Option<i64>,
}

/// Which key signs now, and the key set's version.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RingState {
    version: u64,
    current: String,
}

struct Held {
    record: KeyRecord,
    pair: Arc<Ed25519KeyPair>,
}

struct Ring {
    state: RingState,
    keys: BTreeMap<String, Held>,
}

/// The portal's signing keys.
pub struct KeyRing {
    db: Db,
    ring: Mutex<Ring>,
}

/// A key chosen to sign one receipt.
pub(crate) struct Signer {
    pub kid: String,
    pair: Arc<Ed25519KeyPair>,
}

impl Signer {
    /// The 64-byte Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(message).as_ref());
        out
    }
}

fn time_text(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .map(rfc3339)
        .unwrap_or_default()
}

fn load(record: KeyRecord) -> Result<Held, KeyError> {
    let pair = B64URL
        .decode(&record.pkcs8)
        .ok()
        .and_then(|der| Ed25519KeyPair::from_pkcs8(&der).ok())
        .ok_or_else(|| KeyError::Malformed(record.kid.clone()))?;
    Ok(Held {
        record,
        pair: Arc::new(pair),
    })
}

/// `portal-YYYY-MM` after the month the key starts in (UTC), with `.2`,
/// `.3`… when that month already has a key: short, so receipts stay small.
fn new_kid(not_before: i64, taken: &BTreeMap<String, Held>) -> String {
    let t = OffsetDateTime::from_unix_timestamp(not_before).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let base = format!("portal-{:04}-{:02}", t.year(), u8::from(t.month()));
    let mut kid = base.clone();
    let mut n = 2;
    while taken.contains_key(&kid) {
        kid = format!("{base}.{n}");
        n += 1;
    }
    kid
}

fn generate(kid: String, not_before: i64, not_after: i64) -> Result<Held, KeyError> {
    let pkcs8 =
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Generate)?;
    load(KeyRecord {
        kid,
        pkcs8: B64URL.encode(pkcs8.as_ref()),
        not_before,
        not_after,
        revoked_at: None,
    })
}

impl Held {
    fn public(&self) -> PublicKey {
        let r = &self.record;
        PublicKey {
            kid: r.kid.clone(),
            kty: KeyType::Okp,
            crv: Curve::Ed25519,
            alg: Algorithm::EdDsa,
            use_: KeyUse::Sig,
            x: B64URL.encode(self.pair.public_key().as_ref()),
            not_before: time_text(r.not_before),
            not_after: time_text(r.not_after),
            revoked: r.revoked_at.is_some(),
            revoked_at: r.revoked_at.map(time_text),
        }
    }

    fn covers(&self, at: i64) -> bool {
        self.record.revoked_at.is_none()
            && self.record.not_before <= at
            && at <= self.record.not_after
    }
}

impl Ring {
    fn current(&self) -> Result<&Held, KeyError> {
        self.keys
            .get(&self.state.current)
            .ok_or_else(|| KeyError::MissingCurrent(self.state.current.clone()))
    }

    /// Stores `changed` keys and the next state in one transaction, then
    /// takes them in memory.
    fn commit(&mut self, db: &Db, changed: Vec<Held>, current: String) -> Result<(), KeyError> {
        let state = RingState {
            version: self
                .state
                .version
                .checked_add(1)
                .ok_or(KeyError::VersionExhausted(self.state.version))?,
            current,
        };
        let mut writes: Vec<Write> = changed
            .iter()
            .map(|h| Write::put(KEYS, h.record.kid.clone(), &h.record))
            .collect();
        writes.push(Write::put(RING, STATE, &state));
        db.commit(&writes)?;
        for h in changed {
            self.keys.insert(h.record.kid.clone(), h);
        }
        self.state = state;
        Ok(())
    }

    /// Ends the current key's period at `end` and starts a new key there;
    /// `also` are other changed keys to store in the same transaction.
    fn start_new_key(
        &mut self,
        db: &Db,
        end: i64,
        until: i64,
        also: Option<Held>,
    ) -> Result<PublicKey, KeyError> {
        let old = self.current()?;
        let mut record = old.record.clone();
        record.not_after = record.not_after.min(end).max(record.not_before);
        let ended = Held {
            record,
            pair: old.pair.clone(),
        };
        let new = generate(new_kid(end, &self.keys), end, until)?;
        let public = new.public();
        let kid = new.record.kid.clone();
        let mut changed = vec![ended];
        changed.extend(also);
        changed.push(new);
        self.commit(db, changed, kid)?;
        Ok(public)
    }
}

impl KeyRing {
    /// Loads the key ring, making the first key on first start.
    pub fn open(db: &Db, clock: &Clock) -> Result<KeyRing, PortalError> {
        KeyRing::load(db, clock.now().unix_timestamp()).map_err(|e| PortalError::Module {
            module: "keys",
            source: Box::new(e),
        })
    }

    fn load(db: &Db, now: i64) -> Result<KeyRing, KeyError> {
        let ring = match db.get::<RingState>(RING, STATE)? {
            Some(state) => {
                let mut keys = BTreeMap::new();
                for (_, record) in db.scan::<KeyRecord>(KEYS, "", None, usize::MAX)? {
                    let held = load(record)?;
                    keys.insert(held.record.kid.clone(), held);
                }
                let ring = Ring { state, keys };
                ring.current()?;
                ring
            }
            None => {
                let first = generate(new_kid(now, &BTreeMap::new()), now, now + PERIOD_SECS)?;
                let state = RingState {
                    version: 1,
                    current: first.record.kid.clone(),
                };
                db.commit(&[
                    Write::put(KEYS, first.record.kid.clone(), &first.record),
                    Write::put(RING, STATE, &state),
                ])?;
                let mut keys = BTreeMap::new();
                keys.insert(first.record.kid.clone(), first);
                Ring { state, keys }
            }
        };
        Ok(KeyRing {
            db: db.clone(),
            ring: Mutex::new(ring),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current `key_set_version`.
    pub(crate) fn version(&self) -> u64 {
        self.lock().state.version
    }

    /// Every key, oldest first.
    pub(crate) fn key_set(&self) -> KeySet {
        let ring = self.lock();
        let mut keys: Vec<&Held> = ring.keys.values().collect();
        keys.sort_by(|a, b| {
            (a.record.not_before, &a.record.kid).cmp(&(b.record.not_before, &b.record.kid))
        });
        KeySet {
            key_set_version: ring.state.version,
            keys: keys.into_iter().map(Held::public).collect(),
        }
    }

    /// The key that signs a receipt issued at `at` (Unix seconds): the
    /// current key, rolled over to a new one when its planned period has
    /// ended (the new period starts where the old one ended).
    pub(crate) fn signer(&self, at: i64) -> Result<Signer, KeyError> {
        let mut ring = self.lock();
        let current = ring.current()?;
        if current.record.revoked_at.is_none() && at > current.record.not_after {
            let start = current.record.not_after;
            ring.start_new_key(&self.db, start, at.max(start) + PERIOD_SECS, None)?;
        }
        // The newest key whose period holds `at` (at a rotation's second
        // both the old and the new key do; the new one wins).
        let held = ring
            .keys
            .values()
            .filter(|h| h.covers(at))
            .max_by_key(|h| (h.record.kid == ring.state.current, h.record.not_before))
            .ok_or(KeyError::NoSigner(at))?;
        Ok(Signer {
            kid: held.record.kid.clone(),
            pair: held.pair.clone(),
        })
    }

    /// Ends the current key's period at `now` and starts a new key.
    pub(crate) fn rotate(&self, now: i64) -> Result<PublicKey, KeyError> {
        self.lock()
            .start_new_key(&self.db, now, now + PERIOD_SECS, None)
    }

    /// Revokes `kid` (unchanged when already revoked; a new key starts when
    /// it was the current one). `None` for an unknown kid.
    pub(crate) fn revoke(&self, kid: &str, now: i64) -> Result<Option<PublicKey>, KeyError> {
        let mut ring = self.lock();
        let Some(held) = ring.keys.get(kid) else {
            return Ok(None);
        };
        if held.record.revoked_at.is_some() {
            return Ok(Some(held.public()));
        }
        if kid == ring.state.current {
            let pair = held.pair.clone();
            let mut record = held.record.clone();
            record.revoked_at = Some(now);
            record.not_after = record.not_after.min(now).max(record.not_before);
            let revoked = Held { record, pair };
            let public = revoked.public();
            // The revoked record replaces the ended one in the same commit.
            ring.start_new_key(&self.db, now, now + PERIOD_SECS, Some(revoked))?;
            return Ok(Some(public));
        }
        let mut record = held.record.clone();
        record.revoked_at = Some(now);
        let revoked = Held {
            record,
            pair: held.pair.clone(),
        };
        let public = revoked.public();
        let current = ring.state.current.clone();
        ring.commit(&self.db, vec![revoked], current)?;
        Ok(Some(public))
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/keys", get(list))
        .route("/v1/admin/keys", post(rotate))
        .route("/v1/admin/keys/{kid}/revoke", post(revoke))
}

/// `GET /v1/keys`.
async fn list(State(portal): State<Arc<Portal>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let set = portal.keys.key_set();
    let etag = format!("\"keys-{}\"", set.key_set_version);
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static("no-cache");
    if crate::catalog::etag_matches(&headers, &etag)? {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    // Signed over the exact bytes sent (`hoso_wire::signature`).
    let body = serde_json::to_vec(&set).map_err(|e| ApiError::internal(&e))?;
    let signed = portal.root.headers(&key_set_statement(&body));
    Ok((
        [
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        signed,
        body,
    )
        .into_response())
}

/// `POST /v1/admin/keys`.
async fn rotate(_: Admin, State(portal): State<Arc<Portal>>) -> Result<Response, ApiError> {
    let now = portal.clock.now().unix_timestamp();
    let key = portal.keys.rotate(now)?;
    Ok((StatusCode::CREATED, Json(key)).into_response())
}

/// `POST /v1/admin/keys/{kid}/revoke`.
async fn revoke(
    _: Admin,
    State(portal): State<Arc<Portal>>,
    Path(kid): Path<String>,
) -> Result<Json<PublicKey>, ApiError> {
    if !valid_kid(&kid) {
        return Err(ApiError::not_found());
    }
    let now = portal.clock.now().unix_timestamp();
    portal
        .keys
        .revoke(&kid, now)?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(dir: &std::path::Path, now: i64) -> KeyRing {
        let sealer = Arc::new(crate::seal::Sealer::open(dir).unwrap());
        let db = Db::open(dir, sealer).unwrap();
        KeyRing::load(&db, now).unwrap()
    }

    const NOV_2026: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z

    #[test]
    fn first_key_rotation_revocation_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let kr = ring(dir.path(), NOV_2026);
        let set = kr.key_set();
        assert_eq!(set.key_set_version, 1);
        assert_eq!(set.keys.len(), 1);
        assert_eq!(set.keys[0].kid, "portal-2026-11");
        assert_eq!(set.keys[0].not_before, "2026-11-01T00:00:00Z");
        assert_eq!(set.keys[0].not_after, "2027-11-01T00:00:00Z");
        assert_eq!(set.keys[0].x.len(), 43);

        let new = kr.rotate(NOV_2026 + 100).unwrap();
        assert_eq!(new.kid, "portal-2026-11.2");
        let set = kr.key_set();
        assert_eq!(set.key_set_version, 2);
        assert_eq!(set.keys[0].not_after, "2026-11-01T00:01:40Z");
        assert_eq!(kr.signer(NOV_2026 + 100).unwrap().kid, "portal-2026-11.2");
        assert_eq!(kr.signer(NOV_2026 + 50).unwrap().kid, "portal-2026-11");

        // Revoking a retired key: one change; twice: unchanged.
        let r = kr
            .revoke("portal-2026-11", NOV_2026 + 200)
            .unwrap()
            .unwrap();
        assert!(r.revoked);
        assert_eq!(kr.version(), 3);
        assert_eq!(
            kr.revoke("portal-2026-11", NOV_2026 + 300)
                .unwrap()
                .unwrap(),
            r
        );
        assert_eq!(kr.version(), 3);
        assert!(kr.signer(NOV_2026 + 50).is_err());
        assert!(kr.revoke("nope", NOV_2026).unwrap().is_none());

        // Revoking the current key starts a new one.
        let r = kr
            .revoke("portal-2026-11.2", NOV_2026 + 400)
            .unwrap()
            .unwrap();
        assert_eq!(r.not_after, "2026-11-01T00:06:40Z");
        let set = kr.key_set();
        assert_eq!(set.key_set_version, 4);
        assert_eq!(set.keys.len(), 3);
        assert_eq!(kr.signer(NOV_2026 + 400).unwrap().kid, "portal-2026-11.3");
        drop(kr);

        let again = ring(dir.path(), NOV_2026 + 500);
        assert_eq!(again.key_set(), set);
        let s = again.signer(NOV_2026 + 500).unwrap();
        let msg = b"hoso-receipt test";
        let sig = s.sign(msg);
        let x = B64URL.decode(&set.keys[2].x).unwrap();
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &x)
            .verify(msg, &sig)
            .unwrap();
    }

    #[test]
    fn an_expired_key_rolls_over_without_a_gap() {
        let dir = tempfile::tempdir().unwrap();
        let kr = ring(dir.path(), NOV_2026);
        let later = NOV_2026 + PERIOD_SECS + 86_400;
        let s = kr.signer(later).unwrap();
        assert_eq!(s.kid, "portal-2027-11");
        let set = kr.key_set();
        assert_eq!(set.key_set_version, 2);
        assert_eq!(set.keys[1].not_before, set.keys[0].not_after);
    }

    #[test]
    fn a_key_set_version_at_its_maximum_refuses_to_move_without_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Arc::new(crate::seal::Sealer::open(dir.path()).unwrap());
        let db = Db::open(dir.path(), sealer).unwrap();
        let kr = KeyRing::load(&db, NOV_2026).unwrap();
        let mut state = kr.lock().state.clone();
        state.version = u64::MAX;
        db.put(RING, STATE, &state).unwrap();
        drop(kr);
        let kr = KeyRing::load(&db, NOV_2026).unwrap();
        assert_eq!(kr.version(), u64::MAX);
        assert!(matches!(
            kr.rotate(NOV_2026 + 100),
            Err(KeyError::VersionExhausted(u64::MAX))
        ));
        // Nothing changed: the same key still signs, the version stays.
        assert_eq!(kr.version(), u64::MAX);
        assert_eq!(kr.signer(NOV_2026 + 100).unwrap().kid, "portal-2026-11");
        assert_eq!(kr.key_set().keys.len(), 1);
    }
}
