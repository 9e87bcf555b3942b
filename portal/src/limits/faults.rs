//! Fault injection for tests (`--fault-*` flags; off by default): added
//! latency and jitter, `500 internal` / `503 unavailable` (half before the
//! handler runs, half after it ran and committed, the real answer thrown
//! away), `429 rate_limited`, and connection resets (while the request body
//! is read, or after part of the response body was sent). Never on
//! `/v1/health` or `/v1/admin/…`.
//!
//! Deterministic under `--fault-seed`: request number `n` (in arrival
//! order) draws from ChaCha8 stream `n` of the seed, so a client that sends
//! requests one at a time sees the same faults on every run.
//!
//! The fault kinds share one draw: a request gets a 429 with probability
//! `rate_429`, else a 5xx with `rate_5xx`, else a reset with `reset_rate`
//! (so each rate is exact as long as they add up to at most 1).

use crate::config::Faults;
use crate::error::ApiError;
use crate::Portal;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// `Retry-After` of injected 429s and 503s, seconds.
const RETRY_AFTER: u64 = 1;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    RateLimited,
    /// 500 (or 503 when `unavailable`), the handler never runs.
    FailBefore {
        unavailable: bool,
    },
    /// The handler runs and commits, then 500 (or 503) replaces its answer.
    FailAfter {
        unavailable: bool,
    },
    /// The connection is dropped while the request body is read.
    ResetReading,
    /// The handler runs; the connection is dropped after part of its answer.
    ResetResponding,
}

/// The configured faults and the request counter.
pub(super) struct FaultInjector {
    faults: Faults,
    requests: AtomicU64,
}

/// A rate as a probability (anything else is 0).
fn probability(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

impl FaultInjector {
    pub(super) fn new(faults: &Faults) -> FaultInjector {
        FaultInjector {
            faults: faults.clone(),
            requests: AtomicU64::new(0),
        }
    }

    pub(super) fn enabled(&self) -> bool {
        self.faults.any()
    }

    /// The delay and the fault of the next request.
    fn draw(&self) -> (Duration, Fault) {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let mut rng = ChaCha8Rng::seed_from_u64(self.faults.seed);
        rng.set_stream(n);
        let jitter = rng.random_range(0..=self.faults.jitter_ms);
        let delay = Duration::from_millis(self.faults.latency_ms.saturating_add(jitter));
        let roll: f64 = rng.random();
        let first_half: bool = rng.random();
        let unavailable: bool = rng.random();
        // Cumulative thresholds; one that reaches 1 (up to rounding, as
        // 0.4 + 0.3 + 0.3 does not quite) takes every remaining roll.
        let whole = |p: f64| if p >= 1.0 - 1e-9 { f64::INFINITY } else { p };
        let rate_429 = probability(self.faults.rate_429);
        let rate_5xx = rate_429 + probability(self.faults.rate_5xx);
        let reset = rate_5xx + probability(self.faults.reset_rate);
        let fault = if roll < whole(rate_429) {
            Fault::RateLimited
        } else if roll < whole(rate_5xx) {
            if first_half {
                Fault::FailBefore { unavailable }
            } else {
                Fault::FailAfter { unavailable }
            }
        } else if roll < whole(reset) {
            if first_half {
                Fault::ResetReading
            } else {
                Fault::ResetResponding
            }
        } else {
            Fault::None
        };
        (delay, fault)
    }
}

/// The fault-injection middleware.
pub(super) async fn inject(
    State(portal): State<Arc<Portal>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == "/v1/health" || super::is_admin(path) {
        return next.run(request).await;
    }
    let (delay, mut fault) = portal.limits.faults.draw();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // A HEAD answer has no body to cut, so hyper cannot be made to drop
    // the connection mid-answer: HEAD requests are never reset.
    if request.method() == Method::HEAD
        && matches!(fault, Fault::ResetReading | Fault::ResetResponding)
    {
        fault = Fault::None;
    }
    match fault {
        Fault::None => next.run(request).await,
        Fault::RateLimited => ApiError::rate_limited(RETRY_AFTER).into_response(),
        Fault::FailBefore { unavailable } => failure(unavailable),
        Fault::FailAfter { unavailable } => {
            let answer = next.run(request).await;
            // Let the answer finish (handlers commit before answering;
            // draining also runs any work a streamed body does).
            let mut body = answer.into_body().into_data_stream();
            while body.next().await.is_some() {}
            failure(unavailable)
        }
        Fault::ResetReading => {
            // Take the first part of the body (if any), then give up.
            let _ = request.into_body().into_data_stream().next().await;
            dropped_connection(Bytes::new())
        }
        Fault::ResetResponding => cut_short(next.run(request).await).await,
    }
}

/// The injected server failure.
fn failure(unavailable: bool) -> Response {
    if unavailable {
        ApiError::unavailable(RETRY_AFTER).into_response()
    } else {
        ApiError::internal(&"injected fault (--fault-5xx-rate)").into_response()
    }
}

/// An answer whose body fails after `prefix`: hyper then drops the
/// connection, so the client sees it cut off. With an empty prefix nothing
/// at all is sent (hyper only writes the head together with the body), and
/// the status (a failure, should anything ever leak) is never seen.
fn dropped_connection(prefix: Bytes) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, failing_body(prefix)).into_response()
}

/// `prefix`, a pause so hyper flushes it, then an I/O error.
fn failing_body(prefix: Bytes) -> Body {
    let send_prefix = !prefix.is_empty();
    let stream = futures_util::stream::iter(send_prefix.then_some(Ok(prefix))).chain(
        futures_util::stream::once(async move {
            if send_prefix {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected connection reset (--fault-reset-rate)",
            ))
        }),
    );
    Body::from_stream(stream)
}

/// The handler's answer with its head and the first half of its body, then
/// the connection dropped. An answer without a body (204, 304) is dropped
/// whole: the request was processed, the client hears nothing.
async fn cut_short(answer: Response) -> Response {
    let (mut parts, body) = answer.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return dropped_connection(Bytes::new());
    };
    let bodiless = parts.status == StatusCode::NO_CONTENT
        || parts.status == StatusCode::NOT_MODIFIED
        || parts.status.is_informational();
    if bodiless || bytes.is_empty() {
        return dropped_connection(Bytes::new());
    }
    let prefix = bytes.slice(..bytes.len().div_ceil(2));
    // The length stays the real one, so the client knows it was cut.
    parts
        .headers
        .insert(axum::http::header::CONTENT_LENGTH, bytes.len().into());
    Response::from_parts(parts, failing_body(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(rate_429: f64, rate_5xx: f64, reset_rate: f64, seed: u64) -> FaultInjector {
        FaultInjector::new(&Faults {
            rate_429,
            rate_5xx,
            reset_rate,
            seed,
            ..Faults::default()
        })
    }

    fn draws(f: &FaultInjector, n: usize) -> Vec<Fault> {
        (0..n).map(|_| f.draw().1).collect()
    }

    #[test]
    fn same_seed_same_faults() {
        let a = draws(&faults(0.1, 0.2, 0.1, 7), 500);
        assert_eq!(a, draws(&faults(0.1, 0.2, 0.1, 7), 500));
        assert_ne!(a, draws(&faults(0.1, 0.2, 0.1, 8), 500));
    }

    #[test]
    fn rates_are_kept_and_split_in_halves() {
        let all = draws(&faults(0.1, 0.2, 0.3, 1), 10_000);
        let count = |p: &dyn Fn(&Fault) -> bool| all.iter().filter(|f| p(f)).count();
        let near = |n: usize, expected: usize| n.abs_diff(expected) < expected / 5;
        assert!(near(count(&|f| *f == Fault::RateLimited), 1000));
        assert!(near(
            count(&|f| matches!(f, Fault::FailBefore { .. })),
            1000
        ));
        assert!(near(count(&|f| matches!(f, Fault::FailAfter { .. })), 1000));
        assert!(near(count(&|f| *f == Fault::ResetReading), 1500));
        assert!(near(count(&|f| *f == Fault::ResetResponding), 1500));
        assert!(near(
            count(&|f| matches!(
                f,
                Fault::FailBefore { unavailable: true } | Fault::FailAfter { unavailable: true }
            )),
            1000
        ));
        assert!(near(count(&|f| *f == Fault::None), 4000));
    }

    #[test]
    fn delays_stay_within_latency_and_jitter() {
        let f = FaultInjector::new(&Faults {
            latency_ms: 5,
            jitter_ms: 10,
            ..Faults::default()
        });
        let delays: Vec<u64> = (0..1000).map(|_| f.draw().0.as_millis() as u64).collect();
        assert!(delays.iter().all(|d| (5..=15).contains(d)));
        assert!(delays.contains(&5) && delays.contains(&15));
        assert!(draws(&f, 100).iter().all(|f| *f == Fault::None));
    }

    #[test]
    fn bad_rates_mean_no_fault() {
        let all = draws(&faults(f64::NAN, -1.0, 0.0, 3), 1000);
        assert!(all.iter().all(|f| *f == Fault::None));
        let all = draws(&faults(0.0, 5.0, 0.0, 3), 100);
        assert!(all
            .iter()
            .all(|f| matches!(f, Fault::FailBefore { .. } | Fault::FailAfter { .. })));
    }
}
