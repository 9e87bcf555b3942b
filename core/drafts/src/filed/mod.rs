//! Dossiers filed from this device, as the portal last reported them
//! (status, history, open supplement or fee request, the signed receipt),
//! and the account's change-feed cursor they were brought up to date with.
//! Sealed in the vault under blinded keys: which agency a person filed
//! with, and when, is personal. The sync layer writes them; the outbox
//! (supplements, withdrawals) and receipts read them. A linked filing's
//! parts are followed like any dossier and put back together by `linked`.

mod linked;

pub use linked::{groups as linked_groups, LinkedGroup, LinkedState};

use crate::storage::Changes;
use crate::vault::{KeyProvider, Vault, VaultError};
use hoso_store::error::{Classified, ErrorKind};
use hoso_wire::{
    Dossier, DossierLink, DossierState, FeeRequest, FeedEntry, HistoryEntry, PaymentRequest,
    PaymentStatus, Receipt, SupplementRequest,
};
use std::path::Path;

/// Where followed dossiers have always been kept (beside the outbox), so
/// stores written before this type existed read the same.
const SPACE: &str = crate::vault::OUTBOX_SPACE;
const CURSOR_KEY: &[u8] = b"p/feed_cursor";

/// A dossier this device follows, as the portal last reported it (sealed:
/// its history is about a person). Records written before these fields were
/// typed hold the same JSON (`null` for no request), so they read the same.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrackedDossier {
    pub code: String,
    pub procedure_code: String,
    pub status: u8,
    pub appointment_date: String,
    pub updated_at: String,
    /// Every history entry received, by `seq`.
    pub history: Vec<HistoryEntry>,
    /// The officer's open supplement request, if any.
    #[serde(default)]
    pub supplement_request: Option<SupplementRequest>,
    /// The officer's open fee request, if any.
    #[serde(default)]
    pub fee_request: Option<FeeRequest>,
    /// The signed receipt the portal issued on submission (known when the
    /// dossier was filed from this device and the portal answered it).
    #[serde(default)]
    pub receipt: Option<Receipt>,
    /// Unix seconds of the last successful check with the portal.
    pub checked_at: i64,
    /// The linked filing this dossier is a part of (`None` for a dossier
    /// filed on its own, and in records from before linked filings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<DossierLink>,
    /// Payments asked of the dossier as the portal last reported them
    /// (amount, collecting account, reference, state, the signed receipt
    /// once paid).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentRequest>,
}

impl TrackedDossier {
    /// The dossier without what officers wrote (history notes, the
    /// requests' notes), which may name the person it is for: code,
    /// status, dates, amounts and the receipt stay.
    pub fn without_notes(mut self) -> TrackedDossier {
        for h in &mut self.history {
            h.note.clear();
        }
        if let Some(r) = &mut self.supplement_request {
            r.note.clear();
        }
        if let Some(r) = &mut self.fee_request {
            r.note.clear();
        }
        self
    }

    /// The dossier as the portal answered its submission (or
    /// `GET /v1/dossiers/{code}`), checked at `now`.
    pub fn from_dossier(d: &Dossier, now: i64) -> TrackedDossier {
        let mut history = d.history.clone();
        history.sort_by_key(|h| h.seq);
        TrackedDossier {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            status: d.status,
            appointment_date: d.appointment_date.clone(),
            updated_at: d.updated_at.clone(),
            history,
            supplement_request: d.supplement_request.clone(),
            fee_request: d.fee_request.clone(),
            receipt: Some(d.receipt.clone()),
            checked_at: now,
            linked: d.linked.clone(),
            payments: d.payments.clone(),
        }
    }

    /// This dossier re-read in full from the portal (`d`) at `now`: the
    /// portal's answer, with the payments taken as [`take_payments`] does.
    ///
    /// [`take_payments`]: TrackedDossier::take_payments
    pub fn refreshed(&self, d: &Dossier, now: i64) -> TrackedDossier {
        let mut fresh = TrackedDossier::from_dossier(d, now);
        fresh.payments = self.payments.clone();
        fresh.take_payments(&d.payments);
        fresh
    }

    /// Takes the payment requests as the portal now reports them, except
    /// that a request this device holds as paid stays paid, with its
    /// receipt, whatever an older or damaged answer says: a paid request
    /// never becomes payable again.
    pub fn take_payments(&mut self, reported: &[PaymentRequest]) {
        let mut next = reported.to_vec();
        for held in self
            .payments
            .iter()
            .filter(|p| p.status == PaymentStatus::Paid)
        {
            match next.iter_mut().find(|p| p.reference == held.reference) {
                Some(p) if p.status != PaymentStatus::Paid => *p = held.clone(),
                Some(_) => {}
                None => next.push(held.clone()),
            }
        }
        self.payments = next;
    }

    /// A dossier first seen in the change feed (filed elsewhere, or before
    /// this device kept records).
    pub fn first_seen(state: &DossierState, now: i64) -> TrackedDossier {
        TrackedDossier {
            code: state.code.clone(),
            procedure_code: state.procedure_code.clone(),
            status: 0,
            appointment_date: String::new(),
            updated_at: String::new(),
            history: Vec::new(),
            supplement_request: None,
            fee_request: None,
            receipt: None,
            checked_at: now,
            linked: state.linked.clone(),
            payments: state.payments.clone(),
        }
    }

    /// Takes one change of the feed: the history entry (once, in `seq`
    /// order) and the dossier's state after it. True when the entry is new.
    pub fn apply(&mut self, entry: &FeedEntry) -> bool {
        let new = !self.history.iter().any(|h| h.seq == entry.entry.seq);
        if new {
            self.history.push(entry.entry.clone());
            self.history.sort_by_key(|h| h.seq);
        }
        let state = &entry.dossier;
        self.status = state.status;
        self.appointment_date = state.appointment_date.clone();
        self.updated_at = state.updated_at.clone();
        self.supplement_request = state.supplement_request.clone();
        self.fee_request = state.fee_request.clone();
        if state.linked.is_some() {
            self.linked = state.linked.clone();
        }
        self.take_payments(&state.payments);
        new
    }
}

/// Why followed dossiers could not be read or saved.
#[derive(Debug, thiserror::Error)]
pub enum FiledError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("hồ sơ đã nộp {shown} không đọc được / filed dossier {shown} is unreadable", shown = crate::text::shown_if_identifier(.0))]
    Damaged(String),
}

impl FiledError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            FiledError::Vault(e) => e.code(),
            FiledError::Damaged(_) => "damaged",
        }
    }
}

impl Classified for FiledError {
    fn kind(&self) -> ErrorKind {
        match self {
            FiledError::Vault(e) => e.kind(),
            FiledError::Damaged(_) => ErrorKind::Damaged,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// The dossiers filed from a data directory, and the feed cursor.
#[derive(Clone)]
pub struct FiledDossiers {
    vault: Vault,
}

impl FiledDossiers {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<FiledDossiers, FiledError> {
        Ok(FiledDossiers::with_vault(Vault::open_dir(data_dir, keys)?))
    }

    pub fn with_vault(vault: Vault) -> FiledDossiers {
        FiledDossiers { vault }
    }

    /// The store key of a followed dossier: blinded.
    fn key(&self, code: &str) -> Vec<u8> {
        let mut key = b"d/".to_vec();
        key.extend(self.vault.blind(code));
        key
    }

    /// A followed dossier.
    pub fn get(&self, code: &str) -> Result<Option<TrackedDossier>, FiledError> {
        match self.vault.get(SPACE, &self.key(code))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|_| FiledError::Damaged(code.to_string())),
        }
    }

    /// Every followed dossier (unreadable records are skipped).
    pub fn all(&self) -> Result<Vec<TrackedDossier>, FiledError> {
        Ok(self
            .vault
            .scan_each(SPACE, b"d/")?
            .into_iter()
            .filter_map(|(_, plain)| plain.ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect())
    }

    /// Saves followed dossiers and the feed cursor in one commit (`None`
    /// forgets the cursor).
    pub fn save_with_cursor(
        &self,
        dossiers: &[TrackedDossier],
        cursor: Option<&str>,
    ) -> Result<(), FiledError> {
        self.commit(dossiers, Some(cursor))
    }

    /// Saves followed dossiers, the feed cursor left as it is.
    pub fn save(&self, dossiers: &[TrackedDossier]) -> Result<(), FiledError> {
        self.commit(dossiers, None)
    }

    /// `cursor`: `None` keeps the saved one, `Some(None)` forgets it.
    fn commit(
        &self,
        dossiers: &[TrackedDossier],
        cursor: Option<Option<&str>>,
    ) -> Result<(), FiledError> {
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        for d in dossiers {
            let bytes = serde_json::to_vec(d).map_err(|_| FiledError::Damaged(d.code.clone()))?;
            self.vault
                .put(&mut changes, SPACE, &self.key(&d.code), &bytes)?;
        }
        match cursor {
            None => {}
            Some(Some(c)) => self
                .vault
                .put(&mut changes, SPACE, CURSOR_KEY, c.as_bytes())?,
            Some(None) => changes.remove(SPACE, CURSOR_KEY.to_vec()),
        }
        self.vault
            .store()
            .commit(&changes)
            .map_err(VaultError::from)?;
        Ok(())
    }

    /// The change-feed cursor last saved.
    pub fn feed_cursor(&self) -> Result<Option<String>, FiledError> {
        Ok(self
            .vault
            .get(SPACE, CURSOR_KEY)?
            .and_then(|b| String::from_utf8(b).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_wire::{CollectingAccount, PaymentKind};

    fn request(reference: &str, status: PaymentStatus) -> PaymentRequest {
        PaymentRequest {
            kind: PaymentKind::Filing,
            amount_vnd: 10_000,
            paid_vnd: if status == PaymentStatus::Paid {
                10_000
            } else {
                0
            },
            status,
            account: CollectingAccount {
                bin: "970418".into(),
                account_number: "3711000000001".into(),
                account_name: "KBNN".into(),
            },
            reference: reference.into(),
            requested_at: "2026-12-07T03:00:00Z".into(),
            expires_at: "2026-12-10T03:00:00Z".into(),
            refund_due_vnd: 0,
            receipt: None,
        }
    }

    #[test]
    fn a_paid_request_never_becomes_payable_again() {
        let mut d = TrackedDossier {
            code: "H40.22-261207-0001".into(),
            procedure_code: "1.004222".into(),
            status: 2,
            appointment_date: String::new(),
            updated_at: String::new(),
            history: Vec::new(),
            supplement_request: None,
            fee_request: None,
            receipt: None,
            checked_at: 0,
            linked: None,
            payments: vec![request("HS1", PaymentStatus::Pending)],
        };
        d.take_payments(&[request("HS1", PaymentStatus::Paid)]);
        assert_eq!(d.payments[0].status, PaymentStatus::Paid);
        // An older answer, or one that lost the request: still paid.
        d.take_payments(&[request("HS1", PaymentStatus::Pending)]);
        assert_eq!(d.payments[0].status, PaymentStatus::Paid);
        d.take_payments(&[request("HS2", PaymentStatus::Pending)]);
        let held: Vec<_> = d
            .payments
            .iter()
            .map(|p| (p.reference.as_str(), p.status))
            .collect();
        assert_eq!(
            held,
            [
                ("HS2", PaymentStatus::Pending),
                ("HS1", PaymentStatus::Paid)
            ]
        );
    }
}
