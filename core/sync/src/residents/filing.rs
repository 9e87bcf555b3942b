//! Filing for residents: the active resident's draft is frozen with
//! `filed_for` (their name and phone from their profile, their consent, the
//! signed form's scan uploaded beside the documents) only for a procedure
//! their consent covers; one sync round then sends every resident's
//! outbox that may hold something, and the volunteer's own, exactly once
//! each, and pulls status once for all (the volunteer's account).

use super::audit::{Action, Note};
use super::{Resident, ResidentError, Residents, LIST};
use crate::catalog::ChannelKind;
use crate::client::PortalClient;
use crate::outbox::Submission;
use crate::profile::Profiles;
use crate::storage::Changes;
use crate::sync::report::RoundReport;
use crate::sync::round::{round_with, RoundEvents, RoundPolicy, RoundRunner};
use crate::sync::Local;
use crate::vault::RESIDENTS_SPACE;
use futures_util::future::BoxFuture;
use hoso_wire::FiledFor;
use std::sync::Arc;

impl Residents {
    /// Queues the active resident's draft `draft` (an id or its prefix)
    /// for the portal, as [`Outbox::freeze`](crate::outbox::Outbox::freeze)
    /// does, carrying `filed_for` with their consent. A new dossier needs
    /// their full name in their profile and a procedure their consent
    /// covers.
    pub fn submit(
        &self,
        draft: &str,
        agency_code: Option<&str>,
        channel: ChannelKind,
    ) -> Result<Submission, ResidentError> {
        let (id, local) = self.active()?;
        // This resident's, from the space in hand (another may become
        // active meanwhile).
        let consent = super::consent_of(&local)?;
        let found = local.drafts.get(draft)?;
        let filing = match found.supplement {
            // An answer to a supplement request names no one.
            Some(_) => None,
            None => {
                if !consent.covers.contains(&found.procedure_code) {
                    return Err(ResidentError::NotCovered(found.procedure_code));
                }
                let profile = Profiles::with_vault(local.drafts.vault().clone())
                    .get()
                    .map_err(crate::draft::DraftError::from)?;
                let full_name = profile
                    .me
                    .get("full_name")
                    .filter(|n| !n.trim().is_empty())
                    .cloned()
                    .ok_or(ResidentError::NameMissing)?;
                let filed_for = FiledFor {
                    full_name,
                    phone: profile.me.get("phone").cloned(),
                    consent: hoso_wire::Consent {
                        method: consent.method,
                        reference: consent.reference.clone(),
                        given_at: crate::clock::rfc3339(consent.given_at),
                        document: consent.document.clone(),
                    },
                };
                Some((filed_for, consent.document.into_iter().collect()))
            }
        };
        // Marked before it is queued, counted after: a round never misses
        // it (see `sync`).
        self.mark(&id, |r| r.outbox_pending = true)?;
        let queued =
            local
                .outbox
                .freeze_for(&local.drafts, &found.id, agency_code, channel, filing)?;
        self.mark(&id, |r| r.queued = r.queued.wrapping_add(1))?;
        let note = Note {
            procedure: Some(queued.procedure_code.clone()),
            draft: Some(found.id),
            dossier: queued.kind.dossier_code().map(str::to_string),
        };
        self.record(&id, Action::Queued, note)?;
        Ok(queued)
    }

    /// Queues the withdrawal of dossier `code`, filed for the active
    /// resident (sent by the next sync round).
    pub fn withdraw(&self, code: &str, reason: &str) -> Result<Submission, ResidentError> {
        let (id, local) = self.active()?;
        self.filed_for_active(&id, code)?;
        self.mark(&id, |r| r.outbox_pending = true)?;
        let queued = local
            .outbox
            .queue_withdrawal(&local.drafts, &local.filed, code, reason)?;
        self.mark(&id, |r| r.queued = r.queued.wrapping_add(1))?;
        let note = Note {
            procedure: Some(queued.procedure_code.clone()),
            draft: None,
            dossier: Some(code.to_string()),
        };
        self.record(&id, Action::Queued, note)?;
        Ok(queued)
    }

    /// Starts (or reopens) the draft answering an officer's supplement
    /// request on dossier `code`, filed for the active resident, in their
    /// space (submitted with [`Residents::submit`]).
    pub fn start_supplement(&self, code: &str) -> Result<crate::draft::Draft, ResidentError> {
        let (id, local) = self.active()?;
        self.filed_for_active(&id, code)?;
        Ok(local
            .outbox
            .start_supplement(&local.drafts, &local.filed, code)?)
    }

    /// Refuses dossier `code` unless it was filed for resident `id` (the
    /// volunteer follows every resident's dossiers in one place).
    pub(super) fn filed_for_active(&self, id: &str, code: &str) -> Result<(), ResidentError> {
        let code = crate::receipt::scan::canonical_code(code);
        let theirs = self
            .list()?
            .into_iter()
            .any(|r| r.id == id && r.dossiers.contains(&code));
        match theirs {
            true => Ok(()),
            false => Err(ResidentError::NotFiled(crate::text::shown_if_identifier(
                &code,
            ))),
        }
    }

    /// One sync round for the volunteer (`own`, their own stores, holding
    /// the portal session) and every resident whose outbox may hold
    /// something: each outbox sent once, status pulled once. Afterwards
    /// each resident's list entry records the dossiers filed for them and
    /// whether anything is still pending.
    pub async fn sync(
        &self,
        client: &PortalClient,
        own: &Local,
        policy: &RoundPolicy,
        now: i64,
        events: RoundEvents<'_>,
    ) -> Result<RoundReport, ResidentError> {
        let keyring = self.keyring()?;
        let mut spaces: Vec<(String, Arc<Local>)> = Vec::new();
        let mut unopened = Vec::new();
        if policy.send {
            for r in self.list()?.into_iter().filter(|r| r.outbox_pending) {
                // One resident that cannot be opened (a damaged store, a
                // wipe rotating the keyring meanwhile) waits for the next
                // round; the others and the volunteer's own go on.
                match self.open_space(&keyring, &r.id) {
                    Ok(space) => spaces.push((r.id, space)),
                    Err(_) => unopened.push(r.id),
                }
            }
        }
        let others: Vec<&Local> = spaces.iter().map(|(_, l)| l.as_ref()).collect();
        let result = round_with(client, own, &others, policy, now, events).await;
        // Recorded whatever the round's end: what was sent stays sent.
        // What was queued for each, read before their outboxes: a
        // submission queued after this read counts one more (after its
        // freeze), so its flag is not cleared unseen.
        let seen = self.list()?;
        for (id, space) in &spaces {
            let Some(seen) = seen.iter().find(|r| r.id == *id) else {
                continue; // wiped meanwhile
            };
            let all = space.outbox.all()?;
            let pending = all.iter().any(|s| s.state.pending());
            let mut added: Vec<&Submission> = Vec::new();
            self.mark(id, |r| {
                r.outbox_pending = pending || r.queued != seen.queued;
                for s in all.iter().filter(|s| s.kind.files_dossiers()) {
                    let mut new = false;
                    for code in s.submitted_codes() {
                        if !r.dossiers.iter().any(|k| k == code) {
                            r.dossiers.push(code.to_string());
                            new = true;
                        }
                    }
                    if new {
                        added.push(s);
                    }
                }
            })?;
            for s in added {
                let note = Note {
                    procedure: Some(s.procedure_code.clone()),
                    draft: Some(s.draft_id.clone()),
                    dossier: s.submitted_code().map(str::to_string),
                };
                self.record(id, Action::Filed, note)?;
            }
        }
        let mut report = result?;
        report.residents_waiting = unopened;
        // Status is fresh: residents whose retention ended go now. A sweep
        // that fails is tried again after the next round; what was sent
        // stays reported.
        if report.pulled {
            report.residents_erased = self.sweep(&own.filed, now).unwrap_or_default();
        }
        Ok(report)
    }

    /// Changes resident `id`'s list entry (nothing when they are gone).
    pub(super) fn mark(
        &self,
        id: &str,
        change: impl FnOnce(&mut Resident),
    ) -> Result<(), ResidentError> {
        let _guard = self.vault.store().edit_lock();
        let mut list = self.list()?;
        let Some(entry) = list.iter_mut().find(|r| r.id == id) else {
            return Ok(());
        };
        let before = entry.clone();
        change(entry);
        if *entry == before {
            return Ok(());
        }
        let bytes = serde_json::to_vec(&list).map_err(|_| ResidentError::Damaged)?;
        let mut changes = Changes::default();
        self.vault
            .put(&mut changes, RESIDENTS_SPACE, LIST, &bytes)?;
        self.commit_changes(&changes)
    }
}

/// The background loop's round for a volunteer: their own stores and
/// every resident's ([`Residents::sync`]).
pub struct VolunteerRounds<'a> {
    pub residents: &'a Residents,
    pub own: &'a Local,
}

impl RoundRunner for VolunteerRounds<'_> {
    fn run_round<'a>(
        &'a self,
        client: &'a PortalClient,
        policy: &'a RoundPolicy,
        now: i64,
        events: RoundEvents<'a>,
    ) -> BoxFuture<'a, Result<RoundReport, String>> {
        Box::pin(async move {
            self.residents
                .sync(client, self.own, policy, now, events)
                .await
                .map_err(|e| e.to_string())
        })
    }
}
