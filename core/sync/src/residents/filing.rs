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
use crate::outbox::{Submission, SubmissionKind};
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
        let consent = self.consent()?;
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
        // Marked before it is queued: a round never misses it.
        self.mark(&id, |r| r.outbox_pending = true)?;
        let queued =
            local
                .outbox
                .freeze_for(&local.drafts, &found.id, agency_code, channel, filing)?;
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
        self.mark(&id, |r| r.outbox_pending = true)?;
        let queued = local
            .outbox
            .queue_withdrawal(&local.drafts, &local.filed, code, reason)?;
        let note = Note {
            procedure: Some(queued.procedure_code.clone()),
            draft: None,
            dossier: Some(code.to_string()),
        };
        self.record(&id, Action::Queued, note)?;
        Ok(queued)
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
        if policy.send {
            for r in self.list()?.into_iter().filter(|r| r.outbox_pending) {
                let space = self.open_space(&keyring, &r.id)?;
                spaces.push((r.id, space));
            }
        }
        let others: Vec<&Local> = spaces.iter().map(|(_, l)| l.as_ref()).collect();
        let result = round_with(client, own, &others, policy, now, events).await;
        // Recorded whatever the round's end: what was sent stays sent.
        for (id, space) in &spaces {
            let all = space.outbox.all()?;
            let pending = all.iter().any(|s| s.state.pending());
            let known = self
                .list()?
                .into_iter()
                .find(|r| r.id == *id)
                .map(|r| r.dossiers)
                .unwrap_or_default();
            let filed: Vec<&Submission> = all
                .iter()
                .filter(|s| s.kind == SubmissionKind::Dossier)
                .filter(|s| {
                    s.submitted_code()
                        .is_some_and(|c| !known.iter().any(|k| k == c))
                })
                .collect();
            self.mark(id, |r| {
                r.outbox_pending = pending;
                for s in &filed {
                    r.dossiers.extend(s.submitted_code().map(str::to_string));
                }
            })?;
            for s in filed {
                let note = Note {
                    procedure: Some(s.procedure_code.clone()),
                    draft: Some(s.draft_id.clone()),
                    dossier: s.submitted_code().map(str::to_string),
                };
                self.record(id, Action::Filed, note)?;
            }
        }
        let mut report = result?;
        // Status is fresh: residents whose retention ended go now.
        if report.pulled {
            report.residents_erased = self.sweep(&own.filed, now)?;
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
