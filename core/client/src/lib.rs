//! hoso-client: the Portal API v1 client — HTTPS through reqwest and rustls (ring), the
//! platform verifier with extra roots and pins, typed failures, tokens refreshed — and resumable
//! tus uploads (`client`). Layer 5 of `docs/architecture.md`.

pub mod client;
