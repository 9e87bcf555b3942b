//! The sync engine's submission pass: every pending submission whose time
//! has come is uploaded (files the portal lacks, resumed where a cut left
//! them) and submitted with its fixed Idempotency-Key. Each step is saved
//! before and after its network call, so a crash anywhere resumes without
//! loss and the portal's idempotency makes the retry create nothing twice.
//! Transient failures wait with exponential backoff and jitter (at least the
//! server's `Retry-After`); refusals (validation, ownership, a file that
//! does not hash) stop at failed-needs-user with the portal's message.

use super::client::{Method, PortalClient, PortalError};
use super::outbox::{Submission, SubmissionProblem, SubmissionState};
use super::upload::{upload, FileToUpload, Transfer, UploadError};
use crate::draft::{DraftError, Drafts};
use ring::rand::SecureRandom;

/// First retry delay, seconds; doubles per attempt.
const BACKOFF_BASE: i64 = 2;
/// Longest wait between attempts, seconds.
const BACKOFF_MAX: i64 = 15 * 60;

/// Why a sync pass stopped before trying every submission.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Drafts(#[from] DraftError),
    #[error("cần đăng nhập cổng trước khi gửi / log in to the portal before sending")]
    NotLoggedIn,
}

/// What a pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Dossier codes received in this pass.
    pub submitted: Vec<String>,
    /// Submissions that will be tried again later.
    pub retry_later: usize,
    /// Submissions the portal refused (see their `last_error`).
    pub needs_user: usize,
    /// Bytes of file content sent.
    pub bytes_sent: u64,
}

/// Progress of a pass, for the host's UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Uploading {
        submission: String,
        file: usize,
        files: usize,
        done: u64,
        total: u64,
    },
    Submitted {
        submission: String,
        code: String,
    },
}

/// The delay before attempt `attempts + 1`: exponential, capped, with
/// ±50 % jitter, never shorter than the server asked.
fn backoff(attempts: u32, retry_after: Option<u64>) -> i64 {
    let exp = BACKOFF_BASE
        .saturating_mul(1i64 << attempts.min(20))
        .min(BACKOFF_MAX);
    let mut r = [0u8; 2];
    let jitter = match ring::rand::SystemRandom::new().fill(&mut r) {
        Ok(()) => f64::from(u16::from_be_bytes(r)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    };
    let delay = (exp as f64 * (0.5 + jitter)) as i64;
    delay.max(retry_after.map_or(0, |s| s as i64)).max(1)
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
                    _ => "client".into(),
                },
                message_vi: vi.to_string(),
                message_en: en.to_string(),
                issues: Vec::new(),
            }
        }
    }
}

/// Runs one pass over the outbox at `now` (Unix seconds).
pub async fn sync_once(
    client: &PortalClient,
    drafts: &Drafts,
    now: i64,
    events: &mut (dyn FnMut(SyncEvent) + Send),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    for mut s in drafts.submissions()? {
        if !s.state.pending() || s.next_attempt_at > now {
            continue;
        }
        match send(client, drafts, &mut s, &mut report, events).await {
            Ok(code) => {
                report.submitted.push(code.clone());
                events(SyncEvent::Submitted {
                    submission: s.id.clone(),
                    code,
                });
            }
            Err(Step::Portal(PortalError::NotLoggedIn)) => return Err(SyncError::NotLoggedIn),
            Err(Step::Portal(e)) if e.is_transient() => {
                s.next_attempt_at = now + backoff(s.attempts + 1, e.retry_after());
                failed(
                    drafts,
                    &mut s,
                    SubmissionState::FailedRetryable,
                    problem(&e),
                    now,
                )?;
                report.retry_later += 1;
            }
            Err(Step::Portal(e)) => {
                failed(
                    drafts,
                    &mut s,
                    SubmissionState::FailedNeedsUser,
                    problem(&e),
                    now,
                )?;
                report.needs_user += 1;
            }
            Err(Step::Local(e)) => {
                let unreadable = SubmissionProblem {
                    code: "attachment_unreadable".into(),
                    message_vi: format!("Không đọc được tệp đính kèm: {e}"),
                    message_en: format!("An attachment cannot be read: {e}"),
                    issues: Vec::new(),
                };
                failed(
                    drafts,
                    &mut s,
                    SubmissionState::FailedNeedsUser,
                    unreadable,
                    now,
                )?;
                report.needs_user += 1;
            }
            Err(Step::Store(e)) => return Err(e.into()),
        }
    }
    Ok(report)
}

/// Records a failed attempt, durably.
fn failed(
    drafts: &Drafts,
    s: &mut Submission,
    state: SubmissionState,
    why: SubmissionProblem,
    now: i64,
) -> Result<(), DraftError> {
    s.attempts += 1;
    s.state = state;
    s.last_error = Some(why);
    s.updated_at = now;
    drafts.save_submission(s)
}

enum Step {
    Portal(PortalError),
    Local(String),
    Store(DraftError),
}

impl From<DraftError> for Step {
    fn from(e: DraftError) -> Step {
        Step::Store(e)
    }
}

impl From<PortalError> for Step {
    fn from(e: PortalError) -> Step {
        Step::Portal(e)
    }
}

/// Uploads and submits one submission; the dossier code on success.
async fn send(
    client: &PortalClient,
    drafts: &Drafts,
    s: &mut Submission,
    report: &mut SyncReport,
    events: &mut (dyn FnMut(SyncEvent) + Send),
) -> Result<String, Step> {
    if s.state != SubmissionState::Submitting {
        s.state = SubmissionState::Uploading;
        drafts.save_submission(s)?;
        let files = s.files.len();
        for (i, f) in s.files.iter().enumerate() {
            let file = FileToUpload {
                sha256: f.sha256.clone(),
                size: f.size,
                media_type: f.media_type.clone(),
            };
            let mut transfer = Transfer::default();
            let id = s.id.clone();
            let result = upload(client, &file, drafts, &mut transfer, &mut |done, total| {
                events(SyncEvent::Uploading {
                    submission: id.clone(),
                    file: i,
                    files,
                    done,
                    total,
                })
            })
            .await;
            report.bytes_sent += transfer.bytes_sent;
            match result {
                Ok(_) => {}
                Err(UploadError::Portal(e)) => return Err(Step::Portal(e)),
                Err(UploadError::Source(e)) => return Err(Step::Local(e)),
                Err(UploadError::Protocol(e)) => return Err(Step::Portal(PortalError::Decode(e))),
            }
        }
        s.state = SubmissionState::Submitting;
        drafts.save_submission(s)?;
    }
    let key = format!("\"{}\"", s.idempotency_key);
    let body = s.body.clone();
    let answer = client
        .authed(|c| {
            c.request(Method::POST, "/v1/dossiers")
                .header("Idempotency-Key", key.clone())
                .json(&body)
        })
        .await?;
    let dossier: serde_json::Value = answer.json()?;
    let code = dossier["code"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| Step::Portal(PortalError::Decode("no dossier code".into())))?;
    let now = s.updated_at;
    if let Some(tracked) = super::status::from_dossier(&dossier, now) {
        drafts.save_tracked(&[tracked], drafts.feed_cursor()?.as_deref())?;
    }
    s.dossier = Some(dossier);
    s.state = SubmissionState::Submitted;
    s.last_error = None;
    drafts.save_submission(s)?;
    Ok(code)
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
}
