//! The stored dossier (`DossierRecord`, sealed): everything the portal keeps
//! about one, more than any answer shows, and the answers built from it —
//! the owner's `Dossier`, the feed's `DossierState` and the public lookup's
//! `PublicDossierStatus` (`hoso_wire` shapes; their parts are stored as is).

use hoso_wire::status::StatusCode;
use hoso_wire::{
    AccountKind, AgencyRef, AttachmentRef, ChannelKind, DocumentMap, Dossier, DossierFee,
    DossierLink, DossierState, FeeRequest, FiledBy, FiledFor, FormValues, HistoryEntry,
    PaymentRequest, PublicDossierStatus, PublicHistoryEntry, PublicPayment, Receipt,
    SupplementRequest,
};
use serde::{Deserialize, Serialize};

/// A dossier as the portal stores it (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DossierRecord {
    pub code: String,
    /// Position in submission order (admin listing).
    pub order: u64,
    pub account_id: String,
    pub filed_by_kind: AccountKind,
    pub idempotency_key: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub catalog_version: u64,
    pub receiving_agency: AgencyRef,
    pub agency: AgencyRef,
    pub channel: ChannelKind,
    pub status: StatusCode,
    pub submitted_at: String,
    pub updated_at: String,
    pub appointment_date: String,
    pub fee: DossierFee,
    pub filed_for: Option<FiledFor>,
    pub form_values: FormValues,
    pub documents: DocumentMap,
    pub history: Vec<HistoryEntry>,
    pub supplement_request: Option<SupplementRequest>,
    pub fee_request: Option<FeeRequest>,
    pub receipt: Receipt,
    pub lookup_token: String,
    /// The linked filing this dossier is a part of (records from before
    /// linked filings have none).
    #[serde(default)]
    pub linked: Option<DossierLink>,
    /// Payments asked of the dossier, oldest first (records from before
    /// payments have none).
    #[serde(default)]
    pub payments: Vec<PaymentRequest>,
}

impl DossierRecord {
    /// The owner's view.
    pub fn view(&self) -> Dossier {
        Dossier {
            code: self.code.clone(),
            procedure_code: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            catalog_version: self.catalog_version,
            agency: self.agency.clone(),
            channel: self.channel,
            status: self.status,
            submitted_at: self.submitted_at.clone(),
            updated_at: self.updated_at.clone(),
            appointment_date: self.appointment_date.clone(),
            fee: self.fee.clone(),
            filed_by: FiledBy {
                account_id: self.account_id.clone(),
                kind: self.filed_by_kind,
            },
            filed_for: self.filed_for.clone(),
            documents: self.documents.clone(),
            history: self.history.clone(),
            supplement_request: self.supplement_request.clone(),
            fee_request: self.fee_request.clone(),
            receipt: self.receipt.clone(),
            linked: self.linked.clone(),
            payments: self.payments.clone(),
        }
    }

    /// The state after a change (in feed entries).
    pub fn state(&self) -> DossierState {
        DossierState {
            code: self.code.clone(),
            procedure_code: self.procedure_code.clone(),
            status: self.status,
            updated_at: self.updated_at.clone(),
            appointment_date: self.appointment_date.clone(),
            supplement_request: self.supplement_request.clone(),
            fee_request: self.fee_request.clone(),
            linked: self.linked.clone(),
            payments: self.payments.clone(),
        }
    }

    /// What anyone with the lookup token sees: no names, notes or
    /// documents.
    pub fn public(&self) -> PublicDossierStatus {
        PublicDossierStatus {
            code: self.code.clone(),
            procedure_code: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            agency: self.agency.clone(),
            status: self.status,
            submitted_at: self.submitted_at.clone(),
            appointment_date: self.appointment_date.clone(),
            updated_at: self.updated_at.clone(),
            history: self
                .history
                .iter()
                .map(|h| PublicHistoryEntry {
                    at: h.at.clone(),
                    status: h.status,
                    agency: h.agency.clone(),
                })
                .collect(),
            payments: self
                .payments
                .iter()
                .map(|p| PublicPayment {
                    kind: p.kind,
                    amount_vnd: p.amount_vnd,
                    status: p.status,
                })
                .collect(),
        }
    }

    /// Every file the dossier names (documents and the consent scan).
    pub fn files(&self) -> Vec<&AttachmentRef> {
        let mut files: Vec<&AttachmentRef> = self.documents.values().flatten().collect();
        if let Some(doc) = self
            .filed_for
            .as_ref()
            .and_then(|f| f.consent.document.as_ref())
        {
            files.push(doc);
        }
        files
    }
}
