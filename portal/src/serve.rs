//! Accepting connections, with bounds a slow or abusive client cannot lift:
//! at most `max_connections` served at once (further ones wait in the
//! kernel's listen backlog, not accepted, until one closes), and hyper's
//! header-read timeout, so a request head (or the next one, on an idle
//! keep-alive connection) must arrive whole within `header_read_timeout`
//! or the connection is closed. Bodies have their own timeouts where they
//! are read (`extract::read_body`, the upload PATCH). Each request carries
//! the peer address as axum's `ConnectInfo`, as `axum::serve` gives it.

use crate::Portal;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The connection slots: one permit per connection being served.
pub struct Connections {
    slots: Arc<Semaphore>,
    max: usize,
}

impl Connections {
    pub fn new(max: usize) -> Connections {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Connections {
            slots: Arc::new(Semaphore::new(max)),
            max,
        }
    }

    /// Connections being served now.
    pub fn open(&self) -> usize {
        self.max.saturating_sub(self.slots.available_permits())
    }
}

/// Serves `app` on `listener` until the task is dropped.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    portal: Arc<Portal>,
) -> std::io::Result<()> {
    let header_timeout = portal.config.header_read_timeout;
    loop {
        // A slot first: without one, the next connection is not accepted.
        let Ok(slot) = portal.connections.slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors and the like: wait a little
                // rather than spin (as axum::serve does).
                eprintln!("hoso-portal: accept failed: {}", e.kind());
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move { tower_service::Service::call(&mut app, request).await }
        });
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            // Errors here are the client's (a timeout, a reset, a bad
            // request line): the connection just ends.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Errors of one incoming connection, not of the listener.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_count_what_is_taken() {
        let c = Connections::new(3);
        assert_eq!(c.open(), 0);
        let a = c.slots.clone().try_acquire_owned().unwrap();
        let _b = c.slots.clone().try_acquire_owned().unwrap();
        assert_eq!(c.open(), 2);
        drop(a);
        assert_eq!(c.open(), 1);
        assert_eq!(Connections::new(0).max, 1);
    }
}
