//! The sync engine's submission pass: every pending submission whose time
//! has come (or every pending one, when the user asks to retry now) is
//! uploaded (files the portal lacks, resumed where a cut left them) and
//! sent with its fixed Idempotency-Key — a new dossier, a supplement or a
//! withdrawal — a few at a time. Each step is saved before and after its
//! network call, so a crash anywhere resumes without loss and the portal's
//! idempotency makes the retry act once. A step that fails transiently is
//! retried a couple of times within the pass; after that the submission
//! waits with exponential backoff and jitter (at least the server's
//! `Retry-After`, which counts for at most a day: `limits::RETRY_AFTER_MAX_SECS`).
//! Refusals (validation, ownership, a file that does not
//! hash) stop at failed-needs-user with the portal's message. On a metered
//! network, files above the host's limit wait for an unmetered one.

use super::Local;
use crate::client::upload::{upload, FileToUpload, Transfer, UploadError};
use crate::client::{Method, PortalClient, PortalError};
use crate::filed::{FiledError, TrackedDossier};
use crate::outbox::OutboxError;
use crate::outbox::{Submission, SubmissionKind, SubmissionProblem, SubmissionState};
use futures_util::StreamExt;
use hoso_store::error::{Classified, ErrorKind};
use ring::rand::SecureRandom;
use std::time::Duration;

/// First retry delay between passes, seconds; doubles per attempt.
const BACKOFF_BASE: i64 = 2;
/// Longest wait between attempts, seconds.
const BACKOFF_MAX: i64 = 15 * 60;
/// Tries of one network step within a pass.
const STEP_TRIES: u32 = 3;
/// First pause between tries of a step, milliseconds (doubles, jittered).
const STEP_PAUSE_MS: u64 = 300;
/// A `Retry-After` longer than this ends the pass instead of waiting in it.
const STEP_WAIT_MAX: u64 = 10;

/// Why a sync pass (or round) stopped before trying every submission.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Filed(#[from] FiledError),
    #[error(transparent)]
    Session(#[from] super::session::SessionError),
    #[error("cần đăng nhập cổng trước khi gửi / log in to the portal before sending")]
    NotLoggedIn,
}

impl SyncError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Outbox(e) => e.code(),
            SyncError::Filed(e) => e.code(),
            SyncError::Session(e) => e.code(),
            SyncError::NotLoggedIn => "not_logged_in",
        }
    }
}

impl Classified for SyncError {
    fn kind(&self) -> ErrorKind {
        match self {
            SyncError::Outbox(e) => e.kind(),
            SyncError::Filed(e) => e.kind(),
            SyncError::Session(e) => e.kind(),
            SyncError::NotLoggedIn => ErrorKind::NotLoggedIn,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// What the network allows, as the host sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// The connection is metered (mobile data).
    pub metered: bool,
    /// On a metered connection, files larger than this wait for an
    /// unmetered one (bytes).
    pub metered_file_limit: u64,
}

impl Default for NetworkPolicy {
    /// Unmetered; on mobile data, files up to 5 MiB.
    fn default() -> NetworkPolicy {
        NetworkPolicy {
            metered: false,
            metered_file_limit: 5 << 20,
        }
    }
}

impl NetworkPolicy {
    fn allows(&self, size: u64) -> bool {
        !self.metered || size <= self.metered_file_limit
    }
}

/// How a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Submissions worked on at once.
    pub concurrency: usize,
    /// Try every pending submission now, ignoring backoff (the user asked
    /// to retry, or the network just came back).
    pub force: bool,
    pub network: NetworkPolicy,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            concurrency: 4,
            force: false,
            network: NetworkPolicy::default(),
        }
    }
}

/// What a pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Dossier codes sent in this pass (new dossiers, supplements and
    /// withdrawals alike).
    pub submitted: Vec<String>,
    /// Submissions that will be tried again later.
    pub retry_later: usize,
    /// Submissions the portal refused (see their `last_error`).
    pub needs_user: usize,
    /// Submissions holding a file too large for a metered connection.
    pub waiting_for_unmetered: usize,
    /// Bytes of file content sent.
    pub bytes_sent: u64,
}

impl SyncReport {
    /// Adds another pass's counts (one round over several outboxes).
    pub fn add(&mut self, other: SyncReport) {
        self.submitted.extend(other.submitted);
        self.retry_later = self.retry_later.saturating_add(other.retry_later);
        self.needs_user = self.needs_user.saturating_add(other.needs_user);
        self.waiting_for_unmetered = self
            .waiting_for_unmetered
            .saturating_add(other.waiting_for_unmetered);
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
    }
}

/// Progress of a pass, for the host's UI.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// File `file` of `files` has `done` of `total` bytes at the portal;
    /// the submission as a whole has `dossier_done` of `dossier_total`.
    Uploading {
        submission: String,
        file: usize,
        files: usize,
        done: u64,
        total: u64,
        dossier_done: u64,
        dossier_total: u64,
    },
    /// The portal has it.
    Submitted {
        submission: String,
        kind: SubmissionKind,
        code: String,
    },
    /// A submission moved to another state.
    #[serde(rename = "submission_state")]
    StateChanged {
        submission: String,
        state: SubmissionState,
    },
    /// A file waits for an unmetered network.
    WaitingForUnmetered { submission: String, size: u64 },
}

/// Something that hears a pass's events (from any task).
pub type Events<'a> = &'a (dyn Fn(SyncEvent) + Send + Sync);

/// The delay before attempt `attempts + 1`: exponential, capped, with
/// ±50 % jitter, never shorter than the server asked — up to
/// [`RETRY_AFTER_MAX_SECS`](hoso_store::limits::RETRY_AFTER_MAX_SECS).
fn backoff(attempts: u32, retry_after: Option<u64>) -> i64 {
    let exp = BACKOFF_BASE
        .saturating_mul(1i64 << attempts.min(20))
        .min(BACKOFF_MAX);
    let delay = (exp as f64 * (0.5 + jitter())) as i64;
    let asked = retry_after.map_or(0, |s| s.min(hoso_store::limits::RETRY_AFTER_MAX_SECS));
    delay.max(i64::try_from(asked).unwrap_or(i64::MAX)).max(1)
}

/// When a submission that failed at `now` is tried again (saturating: a
/// clock or a stored count at its limit cannot overflow it).
fn next_attempt_at(now: i64, attempts: u32, retry_after: Option<u64>) -> i64 {
    now.saturating_add(backoff(attempts.saturating_add(1), retry_after))
}

/// A uniform draw in [0, 1].
fn jitter() -> f64 {
    let mut r = [0u8; 2];
    match ring::rand::SystemRandom::new().fill(&mut r) {
        Ok(()) => f64::from(u16::from_be_bytes(r)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    }
}

fn problem(e: &PortalError) -> SubmissionProblem {
    match e {
        PortalError::Api(f) => SubmissionProblem {
            code: f.code.clone(),
            message_vi: f.message_vi.clone(),
            message_en: f.message_en.clone(),
            issues: f.issues.clone(),
        },
        other => {
            let text = other.to_string();
            let (vi, en) = text.split_once(" / ").unwrap_or((&text, &text));
            SubmissionProblem {
                code: match other {
                    PortalError::Network(_) | PortalError::NotApi { .. } => "network".into(),
                    PortalError::PinMismatch { .. } => "pin_mismatch".into(),
                    _ => "client".into(),
                },
                message_vi: vi.to_string(),
                message_en: en.to_string(),
                issues: Vec::new(),
            }
        }
    }
}

/// How one submission's turn ended.
enum Outcome {
    Sent(Vec<String>),
    RetryLater,
    NeedsUser,
    Waiting,
    NotLoggedIn,
}

/// Runs one pass over the outbox at `now` (Unix seconds).
pub async fn sync_once(
    client: &PortalClient,
    local: &Local,
    now: i64,
    options: &SyncOptions,
    events: Events<'_>,
) -> Result<SyncReport, SyncError> {
    let due: Vec<Submission> = local
        .outbox
        .all()?
        .into_iter()
        .filter(|s| s.state.pending() && (options.force || s.next_attempt_at <= now))
        .collect();
    let turns = futures_util::stream::iter(due)
        .map(|s| turn(client, local, s, now, options, events))
        .buffer_unordered(options.concurrency.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut report = SyncReport::default();
    let mut logged_out = false;
    for t in turns {
        let (outcome, bytes) = t?;
        report.bytes_sent = report.bytes_sent.saturating_add(bytes);
        match outcome {
            Outcome::Sent(codes) => report.submitted.extend(codes),
            Outcome::RetryLater => report.retry_later += 1,
            Outcome::NeedsUser => report.needs_user += 1,
            Outcome::Waiting => report.waiting_for_unmetered += 1,
            Outcome::NotLoggedIn => logged_out = true,
        }
    }
    if logged_out {
        return Err(SyncError::NotLoggedIn);
    }
    Ok(report)
}

/// One submission's turn: send it, then record how that went.
async fn turn(
    client: &PortalClient,
    local: &Local,
    mut s: Submission,
    now: i64,
    options: &SyncOptions,
    events: Events<'_>,
) -> Result<(Outcome, u64), SyncError> {
    let mut bytes = 0;
    let result = send(client, local, &mut s, options, &mut bytes, events).await;
    let outcome = match result {
        Ok(Some(code)) => {
            events(SyncEvent::Submitted {
                submission: s.id.clone(),
                kind: s.kind.clone(),
                code,
            });
            // A linked filing sent every part.
            Outcome::Sent(
                s.submitted_codes()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            )
        }
        Ok(None) => Outcome::Waiting,
        Err(Step::Portal(PortalError::NotLoggedIn)) => Outcome::NotLoggedIn,
        // Refused only until something outside changes (the commune
        // approves the volunteer): kept, and tried again later.
        Err(Step::Portal(e)) if e.is_transient() || waits_for_approval(&e) => {
            s.next_attempt_at = next_attempt_at(now, s.attempts, e.retry_after());
            failed(
                local,
                &mut s,
                SubmissionState::FailedRetryable,
                problem(&e),
                now,
                events,
            )?;
            Outcome::RetryLater
        }
        Err(Step::Portal(e)) => {
            failed(
                local,
                &mut s,
                SubmissionState::FailedNeedsUser,
                problem(&e),
                now,
                events,
            )?;
            Outcome::NeedsUser
        }
        Err(Step::Local(e)) => {
            let unreadable = SubmissionProblem {
                code: "attachment_unreadable".into(),
                message_vi: format!("Không đọc được tệp đính kèm: {e}"),
                message_en: format!("An attachment cannot be read: {e}"),
                issues: Vec::new(),
            };
            failed(
                local,
                &mut s,
                SubmissionState::FailedNeedsUser,
                unreadable,
                now,
                events,
            )?;
            Outcome::NeedsUser
        }
        Err(Step::Store(e)) => return Err(e),
    };
    Ok((outcome, bytes))
}

/// The portal refused a volunteer its commune has not approved (yet): the
/// same request will go through once it does.
fn waits_for_approval(e: &PortalError) -> bool {
    e.code() == Some("volunteer_not_approved")
}

/// Records a failed attempt, durably.
fn failed(
    local: &Local,
    s: &mut Submission,
    state: SubmissionState,
    why: SubmissionProblem,
    now: i64,
    events: Events<'_>,
) -> Result<(), OutboxError> {
    s.attempts = s.attempts.saturating_add(1);
    s.last_error = Some(why);
    s.updated_at = now;
    move_to(local, s, state, events)
}

/// Saves `s` in `state`, durably, and tells the host.
fn move_to(
    local: &Local,
    s: &mut Submission,
    state: SubmissionState,
    events: Events<'_>,
) -> Result<(), OutboxError> {
    s.state = state;
    local.outbox.save(s)?;
    events(SyncEvent::StateChanged {
        submission: s.id.clone(),
        state,
    });
    Ok(())
}

enum Step {
    Portal(PortalError),
    Local(String),
    Store(SyncError),
}

impl From<OutboxError> for Step {
    fn from(e: OutboxError) -> Step {
        Step::Store(e.into())
    }
}

impl From<FiledError> for Step {
    fn from(e: FiledError) -> Step {
        Step::Store(e.into())
    }
}

impl From<PortalError> for Step {
    fn from(e: PortalError) -> Step {
        Step::Portal(e)
    }
}

impl From<UploadError> for Step {
    fn from(e: UploadError) -> Step {
        match e {
            UploadError::Portal(e) => Step::Portal(e),
            UploadError::Source(e) => Step::Local(e),
            UploadError::Protocol(e) => Step::Portal(PortalError::Decode(e)),
            UploadError::OffsetBeyondSize { offset, size } => Step::Portal(PortalError::Decode(
                format!("Upload-Offset {offset} past the end of a {size}-byte file"),
            )),
        }
    }
}

/// Whether to try a network step again within the pass: while it fails
/// transiently, up to [`STEP_TRIES`] tries, after a short jittered pause
/// (or the server's short `Retry-After`).
#[derive(Default)]
struct Patience {
    tries: u32,
}

impl Patience {
    /// Waits and answers true when the step that failed with `e` should be
    /// tried again.
    async fn again(&mut self, e: &Step) -> bool {
        self.tries += 1;
        let Step::Portal(e) = e else {
            return false;
        };
        // `retry_after()` is already capped at a day.
        let wait = e.retry_after().unwrap_or(0);
        if !e.is_transient() || self.tries >= STEP_TRIES || wait > STEP_WAIT_MAX {
            return false;
        }
        let pause = (STEP_PAUSE_MS << (self.tries - 1)) as f64 * (0.5 + jitter());
        let pause = Duration::from_millis(pause as u64).max(Duration::from_secs(wait));
        tokio::time::sleep(pause).await;
        true
    }
}

/// Uploads and sends one submission; the dossier code on success, `None`
/// when a file waits for an unmetered network.
async fn send(
    client: &PortalClient,
    local: &Local,
    s: &mut Submission,
    options: &SyncOptions,
    bytes: &mut u64,
    events: Events<'_>,
) -> Result<Option<String>, Step> {
    if s.state != SubmissionState::Submitting {
        if let Some(big) = s.files.iter().find(|f| !options.network.allows(f.size)) {
            events(SyncEvent::WaitingForUnmetered {
                submission: s.id.clone(),
                size: big.size,
            });
            return Ok(None);
        }
        move_to(local, s, SubmissionState::Uploading, events)?;
        let files = s.files.len();
        let dossier_total: u64 = s.files.iter().map(|f| f.size).sum();
        let mut finished = 0u64;
        // The drafts' encrypted blob store, read chunk by chunk.
        let blobs = |sha256: &str, offset: u64, len: u64| {
            local
                .drafts
                .read_attachment_range(sha256, offset, len)
                .map_err(|e| e.to_string())
        };
        for (i, f) in s.files.iter().enumerate() {
            let file = FileToUpload {
                sha256: f.sha256.clone(),
                size: f.size,
                media_type: f.media_type.clone(),
            };
            let mut transfer = Transfer::default();
            let id = s.id.clone();
            let mut patience = Patience::default();
            let result = loop {
                let sent = upload(client, &file, &blobs, &mut transfer, &mut |done, total| {
                    events(SyncEvent::Uploading {
                        submission: id.clone(),
                        file: i,
                        files,
                        done,
                        total,
                        dossier_done: finished.saturating_add(done),
                        dossier_total,
                    })
                })
                .await
                .map_err(Step::from);
                match sent {
                    Err(e) if patience.again(&e).await => continue,
                    other => break other,
                }
            };
            *bytes = bytes.saturating_add(transfer.bytes_sent);
            result?;
            finished = finished.saturating_add(f.size);
        }
        move_to(local, s, SubmissionState::Submitting, events)?;
    }
    let key = format!("\"{}\"", s.idempotency_key);
    let path = s.kind.path();
    let body = &s.body;
    let mut patience = Patience::default();
    let answer = loop {
        let sent = client
            .authed(|c| {
                c.request(Method::POST, &path)
                    .header("Idempotency-Key", key.clone())
                    .json(body)
            })
            .await
            .map_err(Step::from);
        match sent {
            Err(e) if patience.again(&e).await => continue,
            other => break other?,
        }
    };
    // A linked filing answers with its group: every part is followed.
    let (dossier, linked) = if s.kind == SubmissionKind::LinkedFiling {
        let group: hoso_wire::LinkedFiling = answer.json()?;
        let first = group
            .parts
            .first()
            .cloned()
            .ok_or(Step::Portal(PortalError::Decode(
                "a linked filing without parts".into(),
            )))?;
        (first, Some(group))
    } else {
        (answer.json::<hoso_wire::Dossier>()?, None)
    };
    let code = dossier.code.clone();
    let parts: Vec<&hoso_wire::Dossier> = match &linked {
        Some(group) => group.parts.iter().collect(),
        None => vec![&dossier],
    };
    let tracked: Vec<TrackedDossier> = parts
        .into_iter()
        .map(|d| TrackedDossier::from_dossier(d, s.updated_at))
        .collect();
    local.filed.save(&tracked)?;
    s.dossier = Some(dossier);
    s.linked = linked;
    s.last_error = None;
    move_to(local, s, SubmissionState::Submitted, events)?;
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        for attempts in 1..30 {
            let d = backoff(attempts, None);
            let exp = (BACKOFF_BASE << attempts.min(20)).min(BACKOFF_MAX);
            assert!(d >= exp / 2 && d <= exp * 3 / 2 + 1, "{attempts}: {d}");
        }
        assert!(backoff(1, Some(120)) >= 120);
    }

    #[test]
    fn a_huge_retry_after_waits_at_most_a_day_without_panicking() {
        let day = i64::try_from(hoso_store::limits::RETRY_AFTER_MAX_SECS).unwrap();
        let now = 1_780_000_000;
        for asked in [9_223_372_036_854_775_807, u64::MAX, 86_401] {
            assert_eq!(backoff(1, Some(asked)), day, "{asked}");
            for attempts in [0, 7, u32::MAX] {
                let at = next_attempt_at(now, attempts, Some(asked));
                assert!(at > now && at <= now + day, "{asked} {attempts}: {at}");
            }
        }
        // A clock or a stored count at its limit does not overflow either.
        assert_eq!(
            next_attempt_at(i64::MAX, u32::MAX, Some(u64::MAX)),
            i64::MAX
        );
    }

    #[test]
    fn a_portal_failure_with_a_huge_retry_after_is_capped_at_a_day() {
        let failure = |retry_after| {
            PortalError::Api(Box::new(crate::client::ApiFailure {
                status: 503,
                code: "unavailable".into(),
                message_vi: "bận".into(),
                message_en: "busy".into(),
                retry_after: Some(retry_after),
                issues: Vec::new(),
                details: serde_json::Value::Null,
            }))
        };
        let day = hoso_store::limits::RETRY_AFTER_MAX_SECS;
        for asked in [9_223_372_036_854_775_807, u64::MAX] {
            let e = failure(asked);
            assert_eq!(e.retry_after(), Some(day));
            let at = next_attempt_at(0, 1, e.retry_after());
            assert_eq!(at, i64::try_from(day).unwrap());
        }
    }
}
