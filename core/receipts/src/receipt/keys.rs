//! The portal's receipt-signing public keys (`GET /v1/keys`, JWK-like) and
//! the rules for taking a newer key set: every key checked before anything
//! is kept, versions only move forward (and, over a held set, by at most
//! `limits::KEY_SET_VERSION_JUMP_MAX`), a kid never changes its key material,
//! keys the portal stops listing are kept (old receipts still verify) and a
//! revocation is never undone.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A published signing key (`PublicKey`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    pub kty: String,
    pub crv: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub use_: String,
    /// The 32-byte public key, base64url without padding.
    pub x: String,
    /// RFC 3339: the key signs from then …
    pub not_before: String,
    /// … until then.
    pub not_after: String,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

/// `GET /v1/keys` (`KeySet`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    pub key_set_version: u64,
    pub keys: Vec<PublicKey>,
}

/// Why a key set was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeySetError {
    #[error("khóa ký {kid} không hợp lệ ({reason}) / signing key {kid} is malformed ({reason})")]
    BadKey { kid: String, reason: &'static str },
    #[error("bộ khóa liệt kê khóa {0} hai lần / the key set lists key {0} twice")]
    Duplicate(String),
    #[error("bộ khóa phiên bản {offered} cũ hơn bộ đang có (phiên bản {held}) / key set version {offered} is older than the one held (version {held})")]
    Stale { offered: u64, held: u64 },
    #[error("bộ khóa phiên bản {offered} nhảy quá xa so với bộ đang có (phiên bản {held}, tối đa thêm {max}) / key set version {offered} jumps too far past the one held (version {held}, at most {max} more)", max = hoso_store::limits::KEY_SET_VERSION_JUMP_MAX)]
    VersionJump { offered: u64, held: u64 },
    #[error("khóa {0} đổi nội dung khóa dưới cùng một tên: không nhận bộ khóa này / key {0} changed its key material under the same id: key set refused")]
    KeyChanged(String),
    #[error("bộ khóa không đúng định dạng / the key set is malformed")]
    Malformed,
}

/// A key checked and ready to verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrustedKey {
    pub kid: String,
    pub public: [u8; 32],
    pub not_before: i64,
    pub not_after: i64,
    pub revoked: bool,
}

fn time_of(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

impl PublicKey {
    /// The key checked: an Ed25519 `OKP` key for `EdDSA` signatures with a
    /// 32-byte `x` and a well-formed signing period.
    pub(crate) fn trusted(&self) -> Result<TrustedKey, KeySetError> {
        let bad = |reason| KeySetError::BadKey {
            kid: crate::text::shown_if_identifier(&self.kid),
            reason,
        };
        if !super::format::valid_kid(&self.kid) {
            return Err(bad("kid"));
        }
        if (
            self.kty.as_str(),
            self.crv.as_str(),
            self.alg.as_str(),
            self.use_.as_str(),
        ) != ("OKP", "Ed25519", "EdDSA", "sig")
        {
            return Err(bad("kty/crv/alg/use"));
        }
        let public = B64URL
            .decode(&self.x)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad("x"))?;
        let not_before = time_of(&self.not_before).ok_or_else(|| bad("not_before"))?;
        let not_after = time_of(&self.not_after).ok_or_else(|| bad("not_after"))?;
        if not_after < not_before {
            return Err(bad("not_after before not_before"));
        }
        Ok(TrustedKey {
            kid: self.kid.clone(),
            public,
            not_before,
            not_after,
            revoked: self.revoked,
        })
    }
}

/// What taking a key set changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeysInstalled {
    pub version: u64,
    /// Keys not held before.
    pub added: Vec<String>,
    /// Keys revoked by this set.
    pub revoked: Vec<String>,
    /// False when the set was the one already held.
    pub changed: bool,
}

impl KeySet {
    /// The keys of several portals' sets together, for offline
    /// verification: a kid two sets give different key material is left
    /// out (a receipt under it cannot be told apart), and the version is
    /// the largest.
    pub(crate) fn union<'a>(sets: impl IntoIterator<Item = &'a KeySet>) -> KeySet {
        let mut out = KeySet::default();
        let mut clashing = Vec::new();
        for set in sets {
            out.key_set_version = out.key_set_version.max(set.key_set_version);
            for key in &set.keys {
                match out.keys.iter().find(|k| k.kid == key.kid) {
                    Some(held) if held.x != key.x => clashing.push(key.kid.clone()),
                    Some(_) => {}
                    None => out.keys.push(key.clone()),
                }
            }
        }
        out.keys.retain(|k| !clashing.contains(&k.kid));
        out
    }

    /// Every key, checked.
    pub(crate) fn trusted(&self) -> Result<Vec<TrustedKey>, KeySetError> {
        let mut out: Vec<TrustedKey> = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            let t = key.trusted()?;
            if out.iter().any(|k| k.kid == t.kid) {
                return Err(KeySetError::Duplicate(t.kid));
            }
            out.push(t);
        }
        Ok(out)
    }

    /// The set held after taking `offered` on top of `self` (see the module
    /// doc for the rules), and what changed.
    pub fn merged(&self, offered: &KeySet) -> Result<(KeySet, KeysInstalled), KeySetError> {
        let fresh = offered.trusted()?;
        let held_keys = self.trusted()?;
        if offered.key_set_version < self.key_set_version {
            return Err(KeySetError::Stale {
                offered: offered.key_set_version,
                held: self.key_set_version,
            });
        }
        if !self.keys.is_empty()
            && offered.key_set_version - self.key_set_version
                > hoso_store::limits::KEY_SET_VERSION_JUMP_MAX
        {
            return Err(KeySetError::VersionJump {
                offered: offered.key_set_version,
                held: self.key_set_version,
            });
        }
        for (held, t) in self.keys.iter().zip(&held_keys) {
            if let Some(new) = fresh.iter().find(|n| n.kid == t.kid) {
                if new.public != t.public {
                    return Err(KeySetError::KeyChanged(held.kid.clone()));
                }
            }
        }
        if offered.key_set_version == self.key_set_version && !self.keys.is_empty() {
            return Ok((
                self.clone(),
                KeysInstalled {
                    version: self.key_set_version,
                    ..KeysInstalled::default()
                },
            ));
        }
        let mut report = KeysInstalled {
            version: offered.key_set_version,
            changed: true,
            ..KeysInstalled::default()
        };
        let mut keys = offered.keys.clone();
        for key in &mut keys {
            let before = self.keys.iter().find(|k| k.kid == key.kid);
            if before.is_none() {
                report.added.push(key.kid.clone());
            }
            match before {
                // A revocation stays, whatever a later set says.
                Some(b) if b.revoked && !key.revoked => {
                    key.revoked = true;
                    key.revoked_at = b.revoked_at.clone();
                }
                Some(b) if b.revoked => {}
                _ if key.revoked => report.revoked.push(key.kid.clone()),
                _ => {}
            }
        }
        for held in &self.keys {
            if !keys.iter().any(|k| k.kid == held.kid) {
                keys.push(held.clone());
            }
        }
        Ok((
            KeySet {
                key_set_version: offered.key_set_version,
                keys,
            },
            report,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{key_for, other_pair, test_pair};

    fn set(version: u64, keys: Vec<PublicKey>) -> KeySet {
        KeySet {
            key_set_version: version,
            keys,
        }
    }

    #[test]
    fn malformed_keys_are_refused() {
        let good = key_for(&test_pair(), "portal-2026-11");
        type Spoil = fn(&mut PublicKey);
        let cases: Vec<(Spoil, &str)> = vec![
            (|k| k.x = "AAAA".into(), "x"),
            (|k| k.crv = "P-256".into(), "kty/crv/alg/use"),
            (|k| k.not_before = "soon".into(), "not_before"),
            (
                |k| k.not_after = "2020-01-01T00:00:00Z".into(),
                "not_after before not_before",
            ),
            (|k| k.kid = "a b".into(), "kid"),
        ];
        for (spoil, reason) in cases {
            let mut k = good.clone();
            spoil(&mut k);
            assert!(
                matches!(k.trusted(), Err(KeySetError::BadKey { reason: r, .. }) if r == reason),
                "{reason}"
            );
        }
        assert_eq!(
            set(1, vec![good.clone(), good]).trusted(),
            Err(KeySetError::Duplicate("portal-2026-11".into()))
        );
    }

    #[test]
    fn rotation_keeps_old_keys_and_revocation_sticks() {
        let a = key_for(&test_pair(), "portal-2026-11");
        let b = key_for(&other_pair(), "portal-2027-11");
        let (held, r) = KeySet::default().merged(&set(1, vec![a.clone()])).unwrap();
        assert_eq!(r.added, vec!["portal-2026-11".to_string()]);
        // v2 lists only the new key: the old one stays held.
        let (held, r) = held.merged(&set(2, vec![b.clone()])).unwrap();
        assert_eq!(r.added, vec!["portal-2027-11".to_string()]);
        assert_eq!(held.keys.len(), 2);
        // v3 revokes a; v4 forgets to say so: a stays revoked.
        let mut a_revoked = a.clone();
        a_revoked.revoked = true;
        let (held, r) = held.merged(&set(3, vec![a_revoked, b.clone()])).unwrap();
        assert_eq!(r.revoked, vec!["portal-2026-11".to_string()]);
        let (held, _) = held.merged(&set(4, vec![a.clone(), b.clone()])).unwrap();
        assert!(held.keys.iter().find(|k| k.kid == a.kid).unwrap().revoked);
        // Same version again: unchanged; older: refused.
        let (same, r) = held.merged(&set(4, vec![b.clone()])).unwrap();
        assert!(!r.changed);
        assert_eq!(same, held);
        assert_eq!(
            held.merged(&set(3, vec![b.clone()])),
            Err(KeySetError::Stale {
                offered: 3,
                held: 4
            })
        );
        // A jump past the bound is refused; the bound itself is taken.
        let far = 4 + hoso_store::limits::KEY_SET_VERSION_JUMP_MAX;
        for offered in [far + 1, u64::MAX] {
            assert_eq!(
                held.merged(&set(offered, vec![b.clone()])),
                Err(KeySetError::VersionJump { offered, held: 4 })
            );
        }
        assert_eq!(
            held.merged(&set(far, vec![b.clone()]))
                .unwrap()
                .0
                .key_set_version,
            far
        );
        // A kid may not change its key.
        let mut swapped = b;
        swapped.x = a.x;
        assert_eq!(
            held.merged(&set(5, vec![swapped])),
            Err(KeySetError::KeyChanged("portal-2027-11".into()))
        );
    }
}
