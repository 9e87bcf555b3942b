//! The rate limit: a token bucket (GCRA, from `governor`) per access token,
//! or per client IP for requests without a valid token; `--rate-limit`
//! requests per second sustained, `--rate-burst` at once. Over it:
//! `429 rate_limited` with an integer `Retry-After`. `/v1/admin/…` draws
//! from a bucket per client network of its own (and wrong admin tokens
//! lock a network out: `admin_token`).
//!
//! Buckets are keyed by the blinded token (`Caller::token_key`, an HMAC),
//! never the token itself. A request whose token is unknown or expired
//! counts against its IP, so inventing tokens does not buy fresh buckets.
//! Buckets that have refilled are indistinguishable from new ones and are
//! swept regularly, so memory follows the active callers only.

use crate::error::ApiError;
use crate::Portal;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Sweep refilled buckets every this many checks.
const SWEEP_EVERY: u64 = 4096;
/// Past this many live buckets, tokens fall back to their IP's bucket.
const MAX_TOKEN_BUCKETS: usize = 100_000;

/// Whose bucket a request draws from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// An access token, blinded.
    Token(String),
    /// An IPv4 address, or an IPv6 /64 (one subscriber's prefix).
    Ip(IpAddr),
    /// `/v1/admin/…` from a client network: a bucket of its own.
    Admin(IpAddr),
}

impl Key {
    fn ip(ip: IpAddr) -> Key {
        Key::Ip(crate::throttle::network(ip))
    }
}

/// The buckets, or nothing when the limit is off (a rate that is not a
/// positive number).
pub(super) struct RateLimit {
    limiter: Option<DefaultKeyedRateLimiter<Key>>,
    checks: AtomicU64,
}

impl RateLimit {
    pub(super) fn new(per_second: f64, burst: u32) -> RateLimit {
        let quota = (per_second.is_finite() && per_second > 0.0)
            .then(|| Duration::try_from_secs_f64(1.0 / per_second).ok())
            .flatten()
            .and_then(Quota::with_period)
            .map(|q| q.allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN)));
        RateLimit {
            limiter: quota.map(RateLimiter::keyed),
            checks: AtomicU64::new(0),
        }
    }

    pub(super) fn enabled(&self) -> bool {
        self.limiter.is_some()
    }

    /// Takes one token from `key`'s bucket, or answers how many whole
    /// seconds to wait (at least 1).
    fn check(&self, key: Key, ip: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        let key = match key {
            Key::Token(_) if limiter.len() >= MAX_TOKEN_BUCKETS => {
                limiter.retain_recent();
                if limiter.len() >= MAX_TOKEN_BUCKETS {
                    Key::ip(ip)
                } else {
                    key
                }
            }
            key => key,
        };
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            // Round up: a client waiting this long finds a token.
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }
}

/// The rate-limit middleware.
pub(super) async fn limit(
    State(portal): State<Arc<Portal>>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = crate::extract::client_ip(request.extensions());
    if super::is_admin(request.uri().path()) {
        // Admin requests never authenticate an account token; they draw
        // from their network's admin bucket.
        let key = Key::Admin(crate::throttle::network(ip));
        return match portal.limits.rate.check(key, ip) {
            Ok(()) => next.run(request).await,
            Err(seconds) => ApiError::rate_limited(seconds).into_response(),
        };
    }
    let caller = crate::extract::bearer(request.headers())
        .and_then(|token| crate::accounts::authenticate(&portal, token).ok());
    let key = caller
        .as_ref()
        .map_or_else(|| Key::ip(ip), |c| Key::Token(c.token_key.clone()));
    // The handler's `Caller` extractor takes it from here instead of
    // authenticating the same token again.
    if let Some(caller) = caller {
        request.extensions_mut().insert(caller);
    }
    match portal.limits.rate.check(key, ip) {
        Ok(()) => next.run(request).await,
        Err(seconds) => ApiError::rate_limited(seconds).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_with_whole_seconds() {
        // One token per 100 s, bucket of 3.
        let rate = RateLimit::new(0.01, 3);
        let ip = IpAddr::from([10, 0, 0, 1]);
        let a = Key::Token("a".into());
        for _ in 0..3 {
            assert_eq!(rate.check(a.clone(), ip), Ok(()));
        }
        let wait = rate.check(a.clone(), ip).unwrap_err();
        assert!((1..=100).contains(&wait), "{wait}");
        assert_eq!(rate.check(Key::Token("b".into()), ip), Ok(()));
        assert_eq!(rate.check(Key::ip(ip), ip), Ok(()));
    }

    #[test]
    fn off_unless_a_positive_rate() {
        assert!(!RateLimit::new(0.0, 10).enabled());
        assert!(!RateLimit::new(f64::NAN, 10).enabled());
        assert!(!RateLimit::new(-1.0, 10).enabled());
        assert!(RateLimit::new(1e-6, 0).enabled());
    }

    #[test]
    fn ipv6_addresses_share_their_64_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Key::ip(a), Key::ip(b));
        assert_ne!(Key::ip(a), Key::ip(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(Key::ip(mapped), Key::ip(IpAddr::from([192, 0, 2, 7])));
    }
}
