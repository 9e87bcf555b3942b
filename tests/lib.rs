//! hoso-tests: cross-crate integration tests live in `tests/`, benchmarks
//! in `benches/`; this library holds what they share beyond set-up: the
//! byte-counting, connection-cutting TCP proxy of [`wire`], and the
//! benchmarks' environment readers in [`bench`].

pub mod bench {
    //! What the benchmarks read from their environment.

    /// A count from the environment variable `name`, else `default`.
    pub fn env_usize(name: &str, default: usize) -> usize {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// The one-minute load average, for the report's header.
    pub fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|s| s.split_whitespace().next().map(str::to_string))
            .unwrap_or_else(|| "?".into())
    }
}

pub mod wire {
    //! A TCP proxy between a client and a real server on loopback, for tests
    //! and benchmarks: it forwards bytes both ways unchanged, counts them per
    //! direction (TCP payload: HTTP headers and bodies, not IP/TCP headers)
    //! and, when told to, cuts connections the way a mobile network does —
    //! both sides reset (RST) at once, mid-request.
    //!
    //! Cuts are given as thresholds on the client→server byte count, total
    //! across connections: when forwarding would take the count past the
    //! next threshold, the proxy forwards up to it exactly and then resets
    //! the connection carrying those bytes. Each threshold is used once.

    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::JoinHandle;

    /// Byte counts and events, read through [`Proxy::snapshot`].
    #[derive(Debug, Default)]
    struct Counters {
        /// Client→server bytes forwarded.
        up: AtomicU64,
        /// Server→client bytes forwarded.
        down: AtomicU64,
        /// Connections accepted.
        connections: AtomicU64,
        /// Connections cut at a threshold.
        cuts: AtomicU64,
    }

    /// A snapshot of [`Counters`].
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Snapshot {
        pub up: u64,
        pub down: u64,
        pub connections: u64,
        pub cuts: u64,
    }

    impl Snapshot {
        /// What happened between `earlier` and this snapshot.
        pub fn since(&self, earlier: &Snapshot) -> Snapshot {
            Snapshot {
                up: self.up - earlier.up,
                down: self.down - earlier.down,
                connections: self.connections - earlier.connections,
                cuts: self.cuts - earlier.cuts,
            }
        }
    }

    struct Shared {
        counters: Counters,
        /// Cut thresholds still to come, ascending. Locked while a read's
        /// bytes are counted, so thresholds are exact across connections.
        thresholds: Mutex<Vec<u64>>,
    }

    /// A running proxy; it stops accepting when dropped (connections in
    /// flight end with their peers).
    pub struct Proxy {
        addr: SocketAddr,
        shared: Arc<Shared>,
        accept: JoinHandle<()>,
    }

    impl Drop for Proxy {
        fn drop(&mut self) {
            self.accept.abort();
        }
    }

    impl Proxy {
        /// A proxy on `127.0.0.1:0` forwarding to `target`, never cutting.
        pub async fn start(target: SocketAddr) -> std::io::Result<Proxy> {
            Proxy::cutting(target, Vec::new()).await
        }

        /// A proxy that cuts the connection carrying the client→server
        /// byte count past each of `thresholds` (each used once).
        pub async fn cutting(
            target: SocketAddr,
            mut thresholds: Vec<u64>,
        ) -> std::io::Result<Proxy> {
            thresholds.sort_unstable();
            thresholds.dedup();
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let shared = Arc::new(Shared {
                counters: Counters::default(),
                thresholds: Mutex::new(thresholds),
            });
            let accept = tokio::spawn({
                let shared = shared.clone();
                async move {
                    while let Ok((client, _)) = listener.accept().await {
                        shared.counters.connections.fetch_add(1, Ordering::Relaxed);
                        let shared = shared.clone();
                        tokio::spawn(async move {
                            // The target refusing is the client's connection
                            // closing: it sees what it would without us.
                            if let Ok(server) = TcpStream::connect(target).await {
                                relay(client, server, &shared).await;
                            }
                        });
                    }
                }
            });
            Ok(Proxy {
                addr,
                shared,
                accept,
            })
        }

        /// Where clients connect.
        pub fn addr(&self) -> SocketAddr {
            self.addr
        }

        /// `http://{addr}`, a base URL for clients.
        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        /// The counters now.
        pub fn snapshot(&self) -> Snapshot {
            let c = &self.shared.counters;
            Snapshot {
                up: c.up.load(Ordering::SeqCst),
                down: c.down.load(Ordering::SeqCst),
                connections: c.connections.load(Ordering::SeqCst),
                cuts: c.cuts.load(Ordering::SeqCst),
            }
        }

        /// Thresholds not reached yet.
        pub fn cuts_pending(&self) -> usize {
            self.shared.thresholds.lock().map_or(0, |t| t.len())
        }
    }

    /// How one direction of a connection ended.
    enum Flow {
        /// The sender closed its side.
        Closed,
        /// A read or write failed (a peer reset).
        Failed,
        /// A threshold was reached.
        Cut,
    }

    const BUFFER: usize = 64 * 1024;

    /// Which way bytes go.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Direction {
        /// Client→server: counted against the thresholds before forwarding.
        Up,
        /// Server→client: counted once forwarded.
        Down,
    }

    impl Shared {
        /// How many of `n` client→server bytes to forward, and whether to
        /// cut the connection after them (`None`: the lock is poisoned).
        fn admit_up(&self, n: usize) -> Option<(usize, bool)> {
            let mut thresholds = self.thresholds.lock().ok()?;
            let before = self.counters.up.load(Ordering::SeqCst);
            Some(match thresholds.first().copied() {
                Some(t) if before + n as u64 > t => {
                    thresholds.remove(0);
                    let take = t.saturating_sub(before) as usize;
                    self.counters.up.fetch_add(take as u64, Ordering::SeqCst);
                    self.counters.cuts.fetch_add(1, Ordering::SeqCst);
                    (take, true)
                }
                _ => {
                    self.counters.up.fetch_add(n as u64, Ordering::SeqCst);
                    (n, false)
                }
            })
        }
    }

    /// Forwards one direction of a connection until it closes, fails or
    /// (upward) a threshold cuts it.
    async fn forward(
        from: &mut (impl AsyncReadExt + Unpin),
        to: &mut (impl AsyncWriteExt + Unpin),
        shared: &Shared,
        direction: Direction,
    ) -> Flow {
        let mut buf = vec![0u8; BUFFER];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) => return Flow::Closed,
                Ok(n) => n,
                Err(_) => return Flow::Failed,
            };
            let (take, cut) = match direction {
                Direction::Up => match shared.admit_up(n) {
                    Some(admitted) => admitted,
                    None => return Flow::Failed,
                },
                Direction::Down => (n, false),
            };
            if to.write_all(&buf[..take]).await.is_err() {
                return Flow::Failed;
            }
            if direction == Direction::Down {
                shared.counters.down.fetch_add(n as u64, Ordering::SeqCst);
            }
            if cut {
                // Make sure the bytes before the cut reach the server.
                let _ = to.flush().await;
                return Flow::Cut;
            }
        }
    }

    /// Forwards one connection until both sides are done, one fails, or a
    /// threshold cuts it.
    async fn relay(mut client: TcpStream, mut server: TcpStream, shared: &Shared) {
        let _ = client.set_nodelay(true);
        let _ = server.set_nodelay(true);
        let cut = {
            let (mut cr, mut cw) = client.split();
            let (mut sr, mut sw) = server.split();
            let upward = async {
                match forward(&mut cr, &mut sw, shared, Direction::Up).await {
                    // Half-close and let the answer come back.
                    Flow::Closed => {
                        let _ = sw.shutdown().await;
                        std::future::pending::<Flow>().await
                    }
                    other => other,
                }
            };
            let downward = async {
                let flow = forward(&mut sr, &mut cw, shared, Direction::Down).await;
                let _ = cw.shutdown().await;
                flow
            };
            tokio::select! {
                flow = upward => matches!(flow, Flow::Cut),
                _ = downward => false,
            }
        };
        if cut {
            // Reset both sides, discarding anything unsent: the abrupt loss
            // a mobile network inflicts, not an orderly close.
            let _ = client.set_zero_linger();
            let _ = server.set_zero_linger();
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A server that reads each connection to its end and reports how
        /// many bytes it got, then answers `reply` bytes.
        async fn sink(reply: usize) -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<usize>) {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(async move {
                while let Ok((mut s, _)) = listener.accept().await {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let mut got = 0;
                        let mut buf = vec![0u8; 8192];
                        while let Ok(n) = s.read(&mut buf).await {
                            if n == 0 {
                                let _ = s.write_all(&vec![7u8; reply]).await;
                                break;
                            }
                            got += n;
                        }
                        let _ = tx.send(got);
                    });
                }
            });
            (addr, rx)
        }

        #[tokio::test]
        async fn counts_both_ways_and_cuts_exactly_at_each_threshold_once() {
            let (target, mut received) = sink(500).await;
            let proxy = Proxy::cutting(target, vec![150_000, 40_000]).await.unwrap();

            // Cut once 40,000 bytes have gone up: the server gets exactly
            // those, the client sees its connection reset.
            let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
            let _ = c.write_all(&vec![1u8; 100_000]).await;
            let mut rest = Vec::new();
            let read = c.read_to_end(&mut rest).await;
            assert!(read.is_err() || rest.is_empty(), "{read:?}");
            assert_eq!(received.recv().await, Some(40_000));
            assert_eq!(proxy.snapshot().cuts, 1);
            assert_eq!(proxy.snapshot().up, 40_000);

            // The next threshold counts the total across connections.
            let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
            let _ = c.write_all(&vec![1u8; 200_000]).await;
            assert_eq!(received.recv().await, Some(110_000));
            assert_eq!(proxy.cuts_pending(), 0);

            // Without thresholds left, everything passes both ways.
            let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
            let before = proxy.snapshot();
            c.write_all(&vec![1u8; 70_000]).await.unwrap();
            c.shutdown().await.unwrap();
            let mut answer = Vec::new();
            c.read_to_end(&mut answer).await.unwrap();
            assert_eq!(answer.len(), 500);
            assert_eq!(received.recv().await, Some(70_000));
            let after = proxy.snapshot().since(&before);
            assert_eq!((after.up, after.down, after.cuts), (70_000, 500, 0));
            assert_eq!(proxy.snapshot().connections, 3);
        }
    }
}
