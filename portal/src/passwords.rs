//! Password hashing (PBKDF2-HMAC-SHA256) off the async workers: every hash
//! and check runs on tokio's blocking pool, at most `hash_workers` at once
//! (a semaphore; by default one per core). A request waits for a slot at
//! most `hash_wait`, and at most `hash_queue` requests wait at all: past
//! either, `503 unavailable` with `Retry-After`. So a flood of logins or
//! registrations queues a bounded amount of work and never stalls the
//! async workers that answer every other request.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// `Retry-After` of a `503` when hashing is saturated, seconds.
const RETRY_AFTER: u64 = 1;

/// A stored password hash (inside the sealed account record).
#[derive(Serialize, Deserialize, Clone)]
pub struct PasswordHash {
    iterations: u32,
    salt: String,
    hash: String,
}

/// The hashing slots and the queue in front of them.
pub struct Passwords {
    iterations: u32,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    wait: Duration,
}

/// Decrements the waiting count when the wait ends, however it ends.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Passwords {
    pub fn new(config: &crate::Config) -> Passwords {
        Passwords {
            iterations: config.password_iterations.max(1),
            slots: Arc::new(Semaphore::new(config.hash_workers.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting: config.hash_queue,
            wait: config.hash_wait,
        }
    }

    /// Runs `work` on the blocking pool once a slot is free; `503` when
    /// too many wait already or the wait runs out.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = match self.slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::AcqRel);
                    return Err(ApiError::unavailable(RETRY_AFTER));
                }
                let _waiting = Waiting(&self.waiting);
                match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(ApiError::unavailable(RETRY_AFTER)),
                }
            }
        };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| ApiError::internal(&e))
    }

    /// A new salted hash of `password`.
    pub async fn hash(&self, salt: [u8; 16], password: String) -> Result<PasswordHash, ApiError> {
        let iterations = self.iterations;
        self.run(move || {
            let mut out = [0u8; 32];
            ring::pbkdf2::derive(
                ring::pbkdf2::PBKDF2_HMAC_SHA256,
                NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN),
                &salt,
                password.as_bytes(),
                &mut out,
            );
            PasswordHash {
                iterations,
                salt: URL_SAFE_NO_PAD.encode(salt),
                hash: URL_SAFE_NO_PAD.encode(out),
            }
        })
        .await
    }

    /// Whether `password` matches `stored`; with no stored hash, a check
    /// that costs the same and fails (so a missing account takes as long).
    pub async fn matches(
        &self,
        stored: Option<PasswordHash>,
        password: String,
    ) -> Result<bool, ApiError> {
        let iterations = self.iterations;
        self.run(move || match stored {
            Some(stored) => verify(&stored, &password),
            None => {
                let dummy = PasswordHash {
                    iterations,
                    salt: "AAAAAAAAAAAAAAAAAAAAAA".into(),
                    hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
                };
                let _ = verify(&dummy, &password);
                false
            }
        })
        .await
    }
}

fn verify(stored: &PasswordHash, password: &str) -> bool {
    let (Ok(salt), Ok(hash)) = (
        URL_SAFE_NO_PAD.decode(&stored.salt),
        URL_SAFE_NO_PAD.decode(&stored.hash),
    ) else {
        return false;
    };
    ring::pbkdf2::verify(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        NonZeroU32::new(stored.iterations).unwrap_or(NonZeroU32::MIN),
        &salt,
        password.as_bytes(),
        &hash,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passwords(workers: usize, queue: usize, wait_ms: u64) -> Passwords {
        Passwords::new(&crate::Config {
            password_iterations: 1_000,
            hash_workers: workers,
            hash_queue: queue,
            hash_wait: Duration::from_millis(wait_ms),
            ..crate::Config::default()
        })
    }

    /// Takes the one worker slot with a job that runs until `release` is
    /// sent; returns once the job is running.
    async fn hold_the_slot(
        p: &Arc<Passwords>,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), ApiError>>,
    ) {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let busy = {
            let p = p.clone();
            tokio::spawn(async move {
                p.run(move || {
                    let _ = started.send(());
                    let _ = held.recv();
                })
                .await
            })
        };
        running.await.unwrap();
        (release, busy)
    }

    #[tokio::test]
    async fn hash_then_match() {
        let p = passwords(1, 4, 1_000);
        let h = p.hash([7; 16], "khai-sinh-2026!".into()).await.unwrap();
        assert!(p
            .matches(Some(h.clone()), "khai-sinh-2026!".into())
            .await
            .unwrap());
        assert!(!p.matches(Some(h), "wrong".into()).await.unwrap());
        assert!(!p.matches(None, "khai-sinh-2026!".into()).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_answers_503_at_once() {
        // One slot, held by a job that waits for the test to let it go.
        let p = Arc::new(passwords(1, 1, 60_000));
        let (release, busy) = hold_the_slot(&p).await;
        // One may wait; the next is refused without waiting.
        let waiter = {
            let p = p.clone();
            tokio::spawn(async move { p.run(|| 1).await })
        };
        // Wait (bounded) until the waiter has taken the queue's one place.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while p.waiting.load(Ordering::Acquire) < 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the waiter never queued"
            );
            tokio::task::yield_now().await;
        }
        let refused = p.run(|| 2).await.unwrap_err();
        assert_eq!(refused.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.headers.iter().any(|(n, _)| n == "retry-after"));
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(waiter.await.unwrap().unwrap(), 1);
    }

    #[tokio::test]
    async fn a_wait_that_runs_out_answers_503() {
        let p = Arc::new(passwords(1, 8, 50));
        let (release, busy) = hold_the_slot(&p).await;
        let e = p.run(|| ()).await.unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        p.run(|| ()).await.unwrap();
    }
}
