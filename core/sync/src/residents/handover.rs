//! Handover: what the resident keeps of a dossier filed for them, so they
//! can follow it themselves — its code, procedure, receiving agency,
//! dates, fee (and a fee still to pay, with its VietQR for a banking
//! app), what they will receive and what to bring when collecting it, the signed receipt's QR text (scanned to follow the dossier without
//! an account) and the public lookup link — and a short SMS with the code
//! and the link, in Vietnamese without diacritics (one GSM-7 alphabet,
//! fewer parts). Made from the active resident's filed submission and the
//! catalog; the printable sheet is drawn by `papers`.

use super::audit::{Action, Note};
use super::{ResidentError, Residents};
use crate::payments::PaymentsError;
use serde::Serialize;

/// A dossier's handover for the resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handover {
    pub dossier_code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The receiving agency.
    pub agency: String,
    /// `dd/mm/yyyy`, Vietnam time.
    pub submitted_on: String,
    /// The appointment to collect the result, `dd/mm/yyyy`.
    pub appointment_on: Option<String>,
    /// The fee in VND (0: free).
    pub fee_vnd: u64,
    /// What they will receive (the catalog's results).
    pub results: Vec<String>,
    /// What to bring when collecting the result, in plain Vietnamese.
    pub bring: Vec<String>,
    /// The signed receipt as QR text (`HS1:…`).
    pub receipt_qr: String,
    /// The public lookup link (no account needed).
    pub lookup_url: String,
    /// The SMS text.
    pub sms: String,
    /// A fee still to pay when the handover is made (as of the last sync):
    /// printed with its VietQR. `None` when nothing is owed, or it is paid
    /// or expired.
    pub fee_payment: Option<FeeToPay>,
}

/// A fee still to pay, for the resident to pay from a banking app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeToPay {
    pub amount_vnd: u64,
    pub reference: String,
    /// The collecting bank's short name, when known.
    pub bank: Option<String>,
    pub account_number: String,
    pub account_name: String,
    /// Until when, `dd/mm/yyyy` Vietnam time.
    pub until: String,
    /// The VietQR payload.
    pub vietqr: String,
}

impl FeeToPay {
    /// The request to pay now among `payments`, if any.
    fn of(payments: &crate::payments::DossierPayments) -> Option<FeeToPay> {
        let p = payments.payable()?;
        Some(FeeToPay {
            amount_vnd: p.left_vnd,
            reference: p.reference.clone(),
            bank: p.bank.clone(),
            account_number: p.account.account_number.clone(),
            account_name: p.account.account_name.clone(),
            until: crate::clock::parse_rfc3339(&p.expires_at)
                .and_then(crate::clock::vietnam_day)
                .and_then(|d| vn_date(&d))
                .unwrap_or_default(),
            vietqr: p.vietqr.clone()?,
        })
    }
}

/// `YYYY-MM-DD` as `dd/mm/yyyy`.
fn vn_date(iso: &str) -> Option<String> {
    let mut parts = iso.get(..10)?.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{d}/{m}/{y}"))
}

/// The SMS: code, dates and link, without diacritics.
fn sms(h: &Handover) -> String {
    let mut text = format!("Ho so {} da nop ngay {}.", h.dossier_code, h.submitted_on);
    if let Some(a) = &h.appointment_on {
        text.push_str(&format!(" Hen tra ket qua: {a}."));
    }
    text.push_str(&format!(" Tra cuu: {}", h.lookup_url));
    text
}

impl Residents {
    /// The handover of dossier `code`, filed for the active resident, with
    /// the lookup link on the portal at `portal_url`. Recorded in the
    /// audit log.
    pub fn handover(&self, code: &str, portal_url: &str) -> Result<Handover, ResidentError> {
        let (id, local) = self.active()?;
        let submission = local
            .outbox
            .all()?
            .into_iter()
            .find(|s| s.kind.files_dossiers() && s.submitted_codes().contains(&code))
            .ok_or_else(|| ResidentError::NotFiled(crate::text::shown_if_identifier(code)))?;
        // A linked filing's part, or the one dossier.
        let part = submission
            .linked
            .as_ref()
            .and_then(|group| group.parts.iter().find(|d| d.code == code).cloned());
        let dossier = part
            .or(submission.dossier)
            .ok_or_else(|| ResidentError::NotFiled(code.to_string()))?;
        let procedure = local
            .drafts
            .catalog()
            .procedure(&dossier.procedure_code)
            .ok();
        let results: Vec<String> = procedure
            .iter()
            .flat_map(|p| p.results.iter().map(|r| r.name.clone()))
            .collect();
        let mut bring = vec![
            "Phiếu này hoặc mã hồ sơ".to_string(),
            "Thẻ căn cước (CCCD) của người nộp".to_string(),
        ];
        if procedure
            .iter()
            .any(|p| p.documents.iter().any(|d| d.originals > 0))
        {
            bring.push("Bản chính các giấy tờ đã nộp, nếu cán bộ cần đối chiếu".into());
        }
        if dossier.fee.amount_vnd > 0 {
            bring.push("Biên lai đã nộp phí, lệ phí (nếu đã nộp)".into());
        }
        let submitted_on = crate::clock::parse_rfc3339(&dossier.submitted_at)
            .and_then(crate::clock::vietnam_day)
            .and_then(|d| vn_date(&d))
            .unwrap_or_default();
        let mut handover = Handover {
            dossier_code: dossier.code.clone(),
            procedure_code: dossier.procedure_code.clone(),
            procedure_name: dossier.procedure_name.clone(),
            agency: dossier.agency.name.clone(),
            submitted_on,
            appointment_on: vn_date(&dossier.appointment_date),
            fee_vnd: dossier.fee.amount_vnd,
            results,
            bring,
            receipt_qr: dossier.receipt.qr.clone(),
            lookup_url: format!(
                "{}/v1/lookup/{}?token={}",
                portal_url.trim_end_matches('/'),
                dossier.code,
                dossier.receipt.payload.lookup_token
            ),
            sms: String::new(),
            fee_payment: None,
        };
        // What the device last heard of the dossier's fees, else what the
        // portal answered at filing.
        let tracked = match local
            .filed
            .get(&dossier.code)
            .map_err(PaymentsError::from)?
        {
            Some(t) => t,
            None => crate::filed::TrackedDossier::from_dossier(&dossier, 0),
        };
        let keys = local.receipts.key_set().map_err(PaymentsError::from)?;
        // A request the portal wrote so that no VietQR can be made of it
        // leaves the sheet without a fee code (the fee line still says
        // what is owed); it never stops the handover.
        handover.fee_payment = crate::payments::of(&tracked, &keys, crate::clock::unix_now())
            .ok()
            .as_ref()
            .and_then(FeeToPay::of);
        handover.sms = sms(&handover);
        let note = Note {
            procedure: Some(dossier.procedure_code),
            draft: Some(submission.draft_id),
            dossier: Some(dossier.code),
        };
        self.record(&id, Action::HandedOver, note)?;
        Ok(handover)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_the_vietnamese_way() {
        assert_eq!(super::vn_date("2026-12-24").unwrap(), "24/12/2026");
        assert!(super::vn_date("24/12").is_none());
    }
}
