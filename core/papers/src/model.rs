//! The papers' content as the caller fills it in: plain structs of text,
//! printed as given once checked (`check`), and the page sizes.

/// A person named on a paper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub phone: String,
}

/// The community digital-tech team (Tổ công nghệ số cộng đồng) a volunteer
/// belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Team {
    pub name: String,
    pub commune: String,
    pub province: String,
}

/// A procedure of the catalog, as printed: its code and its name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Procedure {
    pub code: String,
    pub name: String,
}

/// The bilingual consent form (tờ đồng ý) a resident signs before a
/// volunteer files for them. A4.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentForm {
    pub volunteer: Person,
    pub team: Team,
    /// The consent reference, printed on every page so the signed scan can
    /// be matched (1–64 characters, like the Portal API's).
    pub reference: String,
    /// The procedures the consent covers (at least one).
    pub procedures: Vec<Procedure>,
    /// The kinds of personal data kept, one line each (at least one).
    pub data_kept: Vec<String>,
    /// Days the data is kept after the resident's last dossier ends
    /// (1–3,650), then erased.
    pub retention_days: u32,
    /// The date the form is made, printed as given.
    pub date: String,
}

/// The handover sheet (phiếu bàn giao) a resident keeps after a volunteer
/// filed for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverSheet {
    pub dossier_code: String,
    pub procedure_name: String,
    /// The receiving agency.
    pub agency: String,
    /// The submission date, printed as given.
    pub submitted_on: String,
    /// The appointment to collect the result (ngày hẹn trả kết quả), if
    /// any; printed as given.
    pub appointment_on: Option<String>,
    /// The fee in đồng: `None` when not known, `Some(0)` when free.
    pub fee: Option<u64>,
    /// What to bring when collecting the result, one line each (may be
    /// empty).
    pub bring: Vec<String>,
    /// The signed receipt's QR text (`HS1:…`), drawn as a QR code.
    pub receipt_qr: String,
    /// The public lookup link, printed as text beside the code.
    pub lookup_url: String,
    /// The volunteer and team who helped, printed as given.
    pub helped_by: String,
    /// A fee still to pay, printed with its VietQR (`None`: nothing to
    /// pay, or already paid).
    pub fee_payment: Option<FeePayment>,
}

/// A fee still to pay, printed with its VietQR so that the resident, or
/// anyone for them, pays it from a banking app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeePayment {
    /// What to pay, in đồng.
    pub amount_vnd: u64,
    /// Who receives it (the collecting account's name, bank and number),
    /// printed as given.
    pub payee: String,
    /// The transfer's message, to keep as it is.
    pub reference: String,
    /// Until when it can be paid, printed as given.
    pub until: String,
    /// The VietQR payload (EMVCo, `000201…`), drawn as a QR code.
    pub vietqr: String,
}

/// The paper a PDF is printed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PageSize {
    /// 210 × 297 mm.
    A4,
    /// 148 × 210 mm.
    #[default]
    A5,
}

impl PageSize {
    /// Width and height in PDF points (1/72 inch).
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (mm(210.0), mm(297.0)),
            PageSize::A5 => (mm(148.0), mm(210.0)),
        }
    }
}

/// Millimetres to points.
pub(crate) fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}
