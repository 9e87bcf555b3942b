//! The residents' papers, assembled from what the core knows and drawn by
//! `papers`: the bilingual consent form a resident signs before anything
//! of theirs is kept (the procedures named from the catalog, the data kept
//! and the retention stated), and a filed dossier's handover sheet (PDF
//! and PNG).

use super::handover::Handover;
use super::ResidentError;
use crate::catalog::store::CatalogStore;
use crate::papers::{
    self, ConsentForm, FeePayment, HandoverSheet, PageSize, Person, Procedure, Team,
};

/// The personal data assisted filing keeps for a resident, as the form
/// states it.
const DATA_KEPT: [&str; 4] = [
    "Họ tên, ngày sinh, giới tính, số định danh cá nhân, số điện thoại, địa chỉ của người dân và người thân có trong hồ sơ / Names, dates of birth, sex, personal ID numbers, phone numbers and addresses of the resident and relatives named in the dossier",
    "Nội dung tờ khai và bản chụp giấy tờ đính kèm hồ sơ / The declaration's contents and the scans of the documents attached",
    "Bản chụp tờ đồng ý này / The scan of this consent form",
    "Mã hồ sơ, trạng thái và biên nhận (giữ lại để theo dõi, không có thông tin cá nhân) / Dossier codes, status and receipts (kept to follow up, with no personal data)",
];

/// Who fills in the form, and for what.
#[derive(Debug, Clone)]
pub struct ConsentRequest {
    pub volunteer_name: String,
    pub volunteer_phone: String,
    pub team: String,
    pub commune: String,
    pub province: String,
    /// The form number printed on it (the consent's reference).
    pub reference: String,
    /// The procedure codes it asks consent for.
    pub covers: Vec<String>,
    pub retention_days: u32,
    /// Printed as given (`dd/mm/yyyy`).
    pub date: String,
}

/// The consent form as a PDF (A4), the procedures named from `catalog`
/// (a code the catalog does not hold is printed by itself).
pub fn consent_form_pdf(
    catalog: &CatalogStore,
    request: &ConsentRequest,
) -> Result<Vec<u8>, ResidentError> {
    let procedures = request
        .covers
        .iter()
        .map(|code| Procedure {
            code: code.clone(),
            name: catalog.procedure(code).map(|p| p.name).unwrap_or_default(),
        })
        .collect();
    let form = ConsentForm {
        volunteer: Person {
            name: request.volunteer_name.clone(),
            phone: request.volunteer_phone.clone(),
        },
        team: Team {
            name: request.team.clone(),
            commune: request.commune.clone(),
            province: request.province.clone(),
        },
        reference: request.reference.clone(),
        procedures,
        data_kept: DATA_KEPT.iter().map(|s| s.to_string()).collect(),
        retention_days: request.retention_days,
        date: request.date.clone(),
    };
    Ok(papers::consent_form_pdf(&form)?)
}

impl Handover {
    /// The sheet to print or send, naming who helped (`helped_by`: the
    /// volunteer and their team).
    fn sheet(&self, helped_by: &str) -> HandoverSheet {
        HandoverSheet {
            dossier_code: self.dossier_code.clone(),
            procedure_name: self.procedure_name.clone(),
            agency: self.agency.clone(),
            submitted_on: self.submitted_on.clone(),
            appointment_on: self.appointment_on.clone(),
            fee: Some(self.fee_vnd),
            bring: self.bring.clone(),
            receipt_qr: self.receipt_qr.clone(),
            lookup_url: self.lookup_url.clone(),
            helped_by: helped_by.to_string(),
            fee_payment: self.fee_payment.as_ref().map(|f| FeePayment {
                amount_vnd: f.amount_vnd,
                payee: match &f.bank {
                    Some(bank) => format!("{}, {bank} {}", f.account_name, f.account_number),
                    None => format!("{}, {}", f.account_name, f.account_number),
                },
                reference: f.reference.clone(),
                until: f.until.clone(),
                vietqr: f.vietqr.clone(),
            }),
        }
    }

    /// The handover sheet as a PDF (A5 or A4).
    pub fn pdf(&self, helped_by: &str, size: PageSize) -> Result<Vec<u8>, ResidentError> {
        Ok(papers::handover_pdf(&self.sheet(helped_by), size)?)
    }

    /// The handover sheet as a PNG to send by chat.
    pub fn png(&self, helped_by: &str) -> Result<Vec<u8>, ResidentError> {
        Ok(papers::handover_png(&self.sheet(helped_by))?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_data_kept_lines_fit_the_form() {
        for line in super::DATA_KEPT {
            assert!(
                line.chars().count() <= crate::papers::limits::LINE_CHARS,
                "{line}"
            );
        }
    }
}
