//! What stands between the network and the API's handlers: the per-token
//! (or per-client-IP) rate limit, fault injection for tests, and the JSON
//! `405 method_not_allowed` (with `Allow`) for a method a path does not
//! list. `router()` in lib.rs calls [`apply`] once every route is merged.

mod faults;
mod rate;

use crate::config::Config;
use crate::error::ApiError;
use crate::Portal;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::Router;
use hoso_wire::ErrorCode;
use std::sync::Arc;

/// The rate limiter's buckets and the fault injector's state.
pub struct Limits {
    rate: rate::RateLimit,
    faults: faults::FaultInjector,
}

impl Limits {
    pub fn open(config: &Config) -> Limits {
        Limits {
            rate: rate::RateLimit::new(config.rate_limit, config.rate_burst),
            faults: faults::FaultInjector::new(&config.faults),
        }
    }
}

/// Wraps the API's routes (and its 404 fallback) in the rate limit, then
/// fault injection, and answers unlisted methods with a JSON 405. Layers
/// that are switched off are not added at all.
pub(crate) fn apply(router: Router<Arc<Portal>>, portal: &Arc<Portal>) -> Router<Arc<Portal>> {
    let mut router = router.method_not_allowed_fallback(method_not_allowed);
    if portal.limits.faults.enabled() {
        router = router.layer(from_fn_with_state(portal.clone(), faults::inject));
    }
    if portal.limits.rate.enabled() {
        router = router.layer(from_fn_with_state(portal.clone(), rate::limit));
    }
    router
}

/// `/v1/admin/…`: its own rate-limit buckets, and no faults.
fn is_admin(path: &str) -> bool {
    path == "/v1/admin" || path.starts_with("/v1/admin/")
}

/// `405 method_not_allowed`; axum adds `Allow` with the path's methods.
async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "Đường dẫn này không hỗ trợ phương thức đã dùng",
        "This path does not support the method used",
    )
}
