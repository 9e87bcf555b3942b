//! The portal under abuse, over real loopback connections (issue #18 item
//! 4): password hashing that cannot stall other requests, login throttling
//! per (phone, client network), slow and idle clients cut by the header and
//! body timeouts, the connection cap, the admin lockout and token rule, and
//! the per-account quota on unfinished uploads. Floods are bounded in count
//! and time; nothing waits on a sleep, only on conditions with deadlines.

mod common;

use common::{answer, TestPortal, ADMIN};
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A client whose connections come from `ip` (any 127.x address on
/// loopback), so tests can be two places at once.
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(ip))
        .build()
        .unwrap()
}

fn addr(tp: &TestPortal) -> SocketAddr {
    tp.base.trim_start_matches("http://").parse().unwrap()
}

/// Reads until the server closes the connection (or `limit` passes);
/// what it sent and how long that took.
async fn until_closed(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    limit: Duration,
) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => panic!("still open after {limit:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

/// Waits (bounded) until `check` holds.
async fn eventually(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn registration(phone: &str) -> Value {
    json!({"kind": "citizen", "phone": phone, "password": "khai-sinh-2026!", "full_name": "Nguyễn Văn An"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_while_registrations_flood() {
    // Real-strength hashing, two slots, a short queue.
    let tp = TestPortal::with_config(hoso_portal::Config {
        password_iterations: 600_000,
        hash_workers: 2,
        hash_queue: 4,
        hash_wait: Duration::from_secs(2),
        ..common::config()
    })
    .await;
    let res = tp
        .post("/v1/accounts", None, &registration("0912345678"))
        .await;
    assert_eq!(res.status(), 201);

    // 60 duplicate registrations (answered before any hashing) and 20 new
    // ones (hashed two at a time, the rest queued or refused), all at once.
    let mut flood = Vec::new();
    for i in 0..80 {
        let (http, url) = (tp.http.clone(), tp.url("/v1/accounts"));
        let phone = if i < 60 {
            "0912345678".to_string()
        } else {
            format!("09120000{i:02}")
        };
        flood.push(tokio::spawn(async move {
            let res = http
                .post(url)
                .json(&registration(&phone))
                .send()
                .await
                .unwrap();
            let retry = res.headers().get("retry-after").is_some();
            (i, res.status().as_u16(), retry)
        }));
    }
    // Meanwhile /v1/health answers promptly, every time.
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        let res = tp.get("/v1/health", None).await;
        assert_eq!(res.status(), 200);
        slowest = slowest.max(started.elapsed());
    }
    assert!(
        slowest < Duration::from_millis(500),
        "health took {slowest:?}"
    );
    let mut created = 0;
    for task in flood {
        let (i, status, retry) = task.await.unwrap();
        match (i < 60, status) {
            (true, 409) => {}
            (false, 201) => created += 1,
            (false, 503) => assert!(retry, "503 without Retry-After"),
            other => panic!("request {i}: {other:?}"),
        }
    }
    assert!(created >= 2, "only {created} new accounts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_elsewhere_never_lock_the_owner_out() {
    let tp = TestPortal::start().await;
    tp.account("citizen", "0912345678").await;
    let owner = client_from([127, 0, 0, 1]);
    let attacker = client_from([127, 0, 0, 2]);
    let login = |http: &reqwest::Client, password: &str| {
        http.post(tp.url("/v1/auth/login"))
            .json(&json!({"phone": "0912345678", "password": password}))
            .send()
    };
    // The attacker keeps guessing, waiting out each lockout on the portal
    // clock, until lockouts are long.
    let mut refused = 0;
    let mut failures = 0;
    while failures < 12 {
        let res = login(&attacker, "doan-mo-1234").await.unwrap();
        match res.status().as_u16() {
            401 => failures += 1,
            429 => {
                refused += 1;
                let wait: i64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=900).contains(&wait));
                tp.advance(json!({"seconds": wait})).await;
            }
            s => panic!("{s}"),
        }
    }
    assert!(
        refused >= 6,
        "lockouts after the 5 free failures: {refused}"
    );
    // Locked out now, even with the right password…
    let (status, body) = answer(login(&attacker, "khai-sinh-2026!").await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")));
    // …while the owner, from elsewhere, logs in.
    let (status, pair) = answer(login(&owner, "khai-sinh-2026!").await.unwrap()).await;
    assert_eq!(status, 200, "{pair}");
    // The lockout ends; the right password then works from there too.
    tp.advance(json!({"seconds": 15 * 60})).await;
    let (status, _) = answer(login(&attacker, "khai-sinh-2026!").await.unwrap()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn slow_or_silent_request_heads_are_cut() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        header_read_timeout: Duration::from_millis(800),
        ..common::config()
    })
    .await;
    let margin = Duration::from_secs(3);
    // A head trickled a header line at a time never completes: the server
    // closes it once the timeout has passed since the head began.
    let slow = TcpStream::connect(addr(&tp)).await.unwrap();
    let (mut reader, mut writer) = slow.into_split();
    let started = Instant::now();
    writer
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: a\r\n")
        .await
        .unwrap();
    let trickle = async move {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        for i in 0.. {
            tick.tick().await;
            if writer
                .write_all(format!("X-Slow-{i}: a\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
        std::future::pending::<()>().await;
    };
    let (said, _) = tokio::select! {
        closed = until_closed(&mut reader, Duration::from_millis(800) + margin) => closed,
        _ = trickle => unreachable!(),
    };
    let took = started.elapsed();
    assert!(!said.contains("200 OK"), "{said}");
    assert!(
        took >= Duration::from_millis(700),
        "closed too early: {took:?}"
    );
    assert!(took < Duration::from_millis(800) + margin, "{took:?}");
    // A connection that sends nothing, or goes idle after an answer, too.
    let mut silent = TcpStream::connect(addr(&tp)).await.unwrap();
    let (said, took) = until_closed(&mut silent, Duration::from_millis(800) + margin).await;
    assert!(!said.contains("200 OK"));
    assert!(
        took >= Duration::from_millis(700),
        "closed too early: {took:?}"
    );
    let mut idle = TcpStream::connect(addr(&tp)).await.unwrap();
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let (said, _) = until_closed(&mut idle, Duration::from_millis(800) + margin).await;
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
}

#[tokio::test]
async fn a_stalled_json_body_answers_408() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        body_timeout: Duration::from_millis(800),
        ..common::config()
    })
    .await;
    let mut stream = TcpStream::connect(addr(&tp)).await.unwrap();
    stream
        .write_all(
            b"POST /v1/auth/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"phone\":",
        )
        .await
        .unwrap();
    let (said, took) = until_closed(&mut stream, Duration::from_secs(4)).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(said.contains("\"request_timeout\""), "{said}");
    assert!(took < Duration::from_secs(4));
}

/// A raw PATCH of `content` to `upload`, written in `pieces` one `gap`
/// apart (then stalling if `stall`); the server's answer.
async fn paced_patch(
    tp: &TestPortal,
    token: &str,
    upload: &str,
    content: &[u8],
    pieces: usize,
    gap: Duration,
    stall: bool,
) -> String {
    let mut stream = TcpStream::connect(addr(tp)).await.unwrap();
    let head = format!(
        "PATCH {upload} HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: {}\r\n\r\n",
        content.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut tick = tokio::time::interval(gap);
    let piece = content.len().div_ceil(pieces);
    let sent = if stall { pieces - 1 } else { pieces };
    for part in content.chunks(piece).take(sent) {
        tick.tick().await;
        stream.write_all(part).await.unwrap();
    }
    until_closed_or_answered(&mut stream, Duration::from_secs(10)).await
}

/// Reads one answer head (or until closed).
async fn until_closed_or_answered(stream: &mut TcpStream, limit: Duration) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    while !String::from_utf8_lossy(&got).contains("\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => panic!("no answer within {limit:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_bodies_may_be_slow_but_not_silent() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        body_idle_timeout: Duration::from_millis(700),
        ..common::config()
    })
    .await;
    let token = tp.citizen().await;
    let mut content = common::pdf("slow link");
    content.resize(3000, b' ');
    let create = |content: &[u8]| {
        tp.http
            .post(tp.url("/v1/uploads"))
            .bearer_auth(&token)
            .header("Tus-Resumable", "1.0.0")
            .json(&json!({"sha256": common::sha(content), "size": content.len(), "media_type": "application/pdf"}))
            .send()
    };
    let (status, upload) = answer(create(&content).await.unwrap()).await;
    assert_eq!(status, 201);
    let url = upload["url"].as_str().unwrap();
    // Ten pieces 300 ms apart: 2.7 s in all, far past the idle timeout, but
    // never idle that long.
    let started = Instant::now();
    let said = paced_patch(
        &tp,
        &token,
        url,
        &content,
        10,
        Duration::from_millis(300),
        false,
    )
    .await;
    assert!(said.starts_with("HTTP/1.1 204"), "{said}");
    assert!(started.elapsed() > Duration::from_millis(700) * 2);

    // A body that stops: cut after the idle timeout, the bytes received kept.
    let mut other = common::pdf("stalled");
    other.resize(3000, b' ');
    let (_, upload) = answer(create(&other).await.unwrap()).await;
    let url = upload["url"].as_str().unwrap();
    let started = Instant::now();
    let said = paced_patch(&tp, &token, url, &other, 3, Duration::from_millis(10), true).await;
    assert!(said.starts_with("HTTP/1.1 400"), "{said}");
    assert!(started.elapsed() < Duration::from_secs(4));
    let res = tp
        .http
        .head(tp.url(url))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["upload-offset"], "2000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        max_connections: 4,
        header_read_timeout: Duration::from_secs(60),
        ..common::config()
    })
    .await;
    // Four connections hold every slot with heads that never end.
    let mut holders = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr(&tp)).await.unwrap();
        s.write_all(b"GET /v1/health HTTP/1.1\r\n").await.unwrap();
        holders.push(s);
    }
    let portal = tp.portal.clone();
    eventually("4 connections open", Duration::from_secs(5), || {
        portal.open_connections() == 4
    })
    .await;
    // Six more ask for /v1/health; none is served while the slots are held.
    let mut waiting = Vec::new();
    for _ in 0..6 {
        let mut s = TcpStream::connect(addr(&tp)).await.unwrap();
        s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        waiting.push(s);
    }
    assert_eq!(tp.portal.open_connections(), 4);
    let mut buf = [0u8; 64];
    for s in &waiting {
        assert!(
            matches!(s.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        );
    }
    // Hanging up the holders frees the slots: every waiting request is
    // answered, long before the 60 s header timeout, never more than 4 open.
    holders.clear();
    for mut s in waiting {
        let (said, _) = until_closed(&mut s, Duration::from_secs(10)).await;
        assert!(said.starts_with("HTTP/1.1 200"), "{said}");
        assert!(tp.portal.open_connections() <= 4);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_guessers_are_locked_out_by_network() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        admin_free_failures: 3,
        ..common::config()
    })
    .await;
    let guesser = client_from([127, 0, 0, 3]);
    let officer = client_from([127, 0, 0, 4]);
    let clock = |http: &reqwest::Client, token: &str| {
        http.get(tp.url("/v1/admin/clock"))
            .bearer_auth(token.to_string())
            .send()
    };
    // No token is not a guess.
    for _ in 0..10 {
        let res = guesser.get(tp.url("/v1/admin/clock")).send().await.unwrap();
        assert_eq!(res.status(), 401);
    }
    for _ in 0..4 {
        let (status, body) = answer(
            clock(&guesser, "guess-0123456789abcdef0123456789")
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    }
    // Locked out, even with the right token; elsewhere the token works.
    let res = clock(&guesser, ADMIN).await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    // Without a token the answer stays 401 (nothing to lock out).
    let res = guesser.get(tp.url("/v1/admin/clock")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(clock(&officer, ADMIN).await.unwrap().status(), 200);
    // Once the lockout is over (the portal clock moved by the officer).
    let http = officer.clone();
    let res = http
        .post(tp.url("/v1/admin/clock/advance"))
        .bearer_auth(ADMIN)
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(clock(&guesser, ADMIN).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_weak_admin_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("catalog.bundle");
    hoso_core::catalog::bundle::Bundle::new(3, common::procedures().clone())
        .write_to(&bundle)
        .unwrap();
    for weak in ["T", "short-token", &"a".repeat(40)] {
        let opened = hoso_portal::Portal::open(hoso_portal::Options {
            data_dir: dir.path().join("data"),
            catalog: bundle.clone(),
            config: hoso_portal::Config {
                admin_token: weak.to_string(),
                ..common::config()
            },
        });
        assert!(
            matches!(opened, Err(hoso_portal::PortalError::AdminToken(_))),
            "{weak}"
        );
    }
}

#[test]
fn the_admin_token_never_comes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("catalog.bundle");
    hoso_core::catalog::bundle::Bundle::new(3, common::procedures().clone())
        .write_to(&bundle)
        .unwrap();
    let exe = env!("CARGO_BIN_EXE_hoso-portal");
    let data = dir.path().join("data");
    // The old flag is gone.
    let out = std::process::Command::new(exe)
        .args(["serve", "--admin-token", "0123456789abcdef0123456789abcdef"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // Without a file or the environment: generated into DATA/admin.token
    // (0600); the banner names the file, never the token.
    let mut child = std::process::Command::new(exe)
        .args(["serve", "--addr", "127.0.0.1:0", "--sim", "off"])
        .arg("--data")
        .arg(&data)
        .arg("--catalog")
        .arg(&bundle)
        .env_remove("HOSO_PORTAL_ADMIN_TOKEN")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let banner: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    let url = banner[0]
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .trim_end_matches("/v1/")
        .to_string();
    let file = data.join("admin.token");
    assert!(
        banner[2].starts_with("hoso-portal: root key "),
        "{banner:?}"
    );
    assert_eq!(
        banner[3],
        format!("hoso-portal: admin token in {}", file.display())
    );
    let token = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(token.len() >= 32);
    assert!(!banner.concat().contains(&token));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    #[cfg(target_os = "linux")]
    {
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        assert!(!String::from_utf8_lossy(&cmdline).contains(&token));
    }
    // `hoso-portal admin` reads it from the file.
    let out = std::process::Command::new(exe)
        .args(["admin", "--url", &url, "--token-file"])
        .arg(&file)
        .arg("clock")
        .env_remove("HOSO_PORTAL_ADMIN_TOKEN")
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_uploads_are_held_to_a_quota_per_account() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        max_open_uploads: 3,
        max_open_upload_bytes: 10_000,
        ..common::config()
    })
    .await;
    let token = tp.citizen().await;
    let (other, _) = tp.account("citizen", "0912345679").await;
    let create = |token: &str, seed: u8, size: u64| declare(&tp, token.to_string(), seed, size);
    let mut urls = Vec::new();
    for seed in 1..=3 {
        let (status, up) = answer(create(&token, seed, 1000).await.unwrap()).await;
        assert_eq!(status, 201, "{up}");
        urls.push(up["url"].as_str().unwrap().to_string());
    }
    // A fourth is refused, with the quota in the answer; declaring one of
    // the three again resumes it; another account has its own quota.
    let (status, body) = answer(create(&token, 4, 1000).await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("upload_quota_exceeded"))
    );
    assert_eq!(body["details"]["max_uploads"], 3);
    assert_eq!(body["details"]["max_bytes"], 10_000);
    assert!(body["message_vi"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(create(&token, 2, 1000).await.unwrap().status(), 200);
    assert_eq!(create(&other, 4, 1000).await.unwrap().status(), 201);
    // Deleting one releases its place, not its bytes' worth more.
    let res = tp
        .http
        .delete(tp.url(&urls[0]))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = answer(create(&token, 5, 8001).await.unwrap()).await;
    assert_eq!(status, 409, "2,000 + 8,001 declared bytes are past 10,000");
    assert_eq!(create(&token, 5, 8000).await.unwrap().status(), 201);
    // Expired uploads stop counting.
    tp.advance(json!({"seconds": 25 * 3600})).await;
    let pair = tp.login("0912345678").await;
    let token = pair["access_token"].as_str().unwrap().to_string();
    for seed in 6..=8 {
        assert_eq!(create(&token, seed, 1000).await.unwrap().status(), 201);
    }
    // The review's flood: 150 declared 2 GiB uploads; the default quota
    // (4 GiB) takes two.
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let mut statuses = Vec::new();
    for seed in 0..150u8 {
        let res = declare(&tp, token.clone(), seed, 2 << 30).await.unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..3], [201, 201, 409]);
    assert!(statuses[2..].iter().all(|s| *s == 409));
}

/// `POST /v1/uploads` of a made-up content `seed` of `size` bytes.
fn declare(
    tp: &TestPortal,
    token: String,
    seed: u8,
    size: u64,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
    tp.http
        .post(tp.url("/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .json(&json!({"sha256": format!("{seed:02x}").repeat(32), "size": size, "media_type": "application/pdf"}))
        .send()
}
