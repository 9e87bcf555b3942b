//! Retention: a resident's data is kept only as long as their consent
//! allows. They are due for erasure when nothing of theirs waits to be
//! sent and every dossier filed for them has reached a final status at
//! least `retention_days` ago (with none filed, counted from when they were
//! added). [`Residents::sweep`] wipes those (crypto-erasure, as
//! [`Residents::wipe`]); the volunteer keeps only the dossier codes, their
//! status and receipts, in their own space, to follow up.

use super::{Resident, ResidentError, Residents};
use crate::filed::FiledDossiers;

const DAY: i64 = 24 * 60 * 60;

/// When a resident's retention ends, if it can be known now: `None` while
/// something of theirs is pending, a dossier is still open, or one is not
/// followed yet.
fn retention_ends(r: &Resident, filed: &FiledDossiers) -> Result<Option<i64>, ResidentError> {
    if r.outbox_pending {
        return Ok(None);
    }
    let mut ended = r.created_at;
    for code in &r.dossiers {
        let Some(d) = filed.get(code).map_err(ResidentError::Filed)? else {
            return Ok(None);
        };
        if !hoso_wire::status::is_final(d.status) {
            return Ok(None);
        }
        // When it became final, as the portal wrote it (never the last
        // check, which every pull moves on).
        let Some(at) = crate::clock::parse_rfc3339(&d.updated_at) else {
            return Ok(None);
        };
        ended = ended.max(at);
    }
    Ok(Some(ended.saturating_add(
        i64::from(r.retention_days).saturating_mul(DAY),
    )))
}

impl Residents {
    /// The residents whose retention has ended at `now` (Unix seconds),
    /// judged from the dossiers the volunteer follows in `filed`.
    pub fn due_for_erasure(
        &self,
        filed: &FiledDossiers,
        now: i64,
    ) -> Result<Vec<Resident>, ResidentError> {
        let mut due = Vec::new();
        for r in self.list()? {
            if retention_ends(&r, filed)?.is_some_and(|end| end <= now) {
                due.push(r);
            }
        }
        Ok(due)
    }

    /// Wipes every resident whose retention has ended at `now`; returns
    /// their ids (those wiped before a failure stay wiped). Run after each
    /// sync round and when the app starts.
    pub fn sweep(&self, filed: &FiledDossiers, now: i64) -> Result<Vec<String>, ResidentError> {
        let mut wiped = Vec::new();
        for r in self.due_for_erasure(filed, now)? {
            // Still due under the lock: nothing queued for them since.
            let erased = self.erase(&r.id, |now| !now.outbox_pending && now.queued == r.queued)?;
            if erased.is_some() {
                self.forget_notes(erased.as_ref())?;
                let note = super::audit::Note::default();
                self.record(&r.id, super::audit::Action::Expired, note)?;
                wiped.push(r.id);
            }
        }
        Ok(wiped)
    }
}
