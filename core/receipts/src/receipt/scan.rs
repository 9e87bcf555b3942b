//! What a scanned QR (or pasted text) says, turned into a lookup request:
//! hoso's own signed receipt (`HS1:…`), a Portal API lookup link
//! (`…/v1/lookup/{code}?token=…`), a provincial portal's lookup URL such as
//! `…/tra-cuu?SGT=…&MHS=…`, or a bare dossier code. Everything but a signed
//! receipt is unverified. An ID number a provincial URL carries is noted and
//! dropped: it is never kept, returned or logged.

use super::format::{FormatError, SignedReceipt, QR_PREFIX};
use super::json::token_from_text;
use serde::Serialize;

/// The longest text a QR code holds (version 40, alphanumeric, level L).
pub const MAX_SCAN_LEN: usize = 4_296;
/// The longest dossier code (`DossierCode`).
const MAX_CODE_LEN: usize = 48;
/// Query parameters provincial portals name the dossier code with
/// (compared without case, `_` and `-`).
const CODE_PARAMS: &[&str] = &[
    "mhs",
    "mahoso",
    "mahs",
    "sohoso",
    "code",
    "dossiercode",
    "hoso",
    "ma",
];
/// Query parameters that carry the owner's ID number (SGT: số giấy tờ).
const ID_PARAMS: &[&str] = &[
    "sgt", "sogiayto", "giayto", "cccd", "socccd", "cmnd", "socmnd", "cmt", "idnumber",
];

/// Why a scanned text is not something hoso can look up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("mã QR trống / the QR code is empty")]
    Empty,
    #[error("nội dung quét quá dài ({0} ký tự) / the scanned text is too long ({0} characters)")]
    TooLong(usize),
    #[error("phiếu hoso bị hỏng: {} / damaged hoso receipt: {}", .0.message_vi(), .0.message_en())]
    BadReceipt(FormatError),
    #[error("đường dẫn không chứa mã hồ sơ / the link carries no dossier code")]
    NoCode,
    #[error("không nhận ra mã QR: không phải phiếu, mã hồ sơ hay đường dẫn tra cứu / unrecognised QR: not a receipt, a dossier code or a lookup link")]
    Unrecognised,
}

/// What a scanned text was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// hoso's signed receipt (verify it before trusting its fields).
    Receipt(SignedReceipt),
    /// A Portal API lookup link, token included.
    LookupLink {
        base_url: String,
        dossier_code: String,
        lookup_token: [u8; 16],
    },
    /// A provincial portal's lookup URL.
    ProvincialUrl {
        host: String,
        dossier_code: String,
        /// The URL carried the owner's ID number in plain text (dropped).
        carried_id_number: bool,
    },
    /// Just a dossier code.
    DossierCode(String),
}

/// Canonical dossier code (`{agency}-{yyMMdd}-{NNNN}`, upper case), if
/// `text` is one. Agency codes of real receipts also start with digits
/// (`000.00.16.H26`).
pub fn dossier_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() > MAX_CODE_LEN {
        return None;
    }
    let mut parts = code.rsplitn(3, '-');
    let (seq, day, agency) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let agency_ok = !agency.is_empty()
        && agency
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (agency_ok && day.len() == 6 && digits(day) && (4..=6).contains(&seq.len()) && digits(seq))
        .then_some(code)
}

/// A code as someone typed it: its canonical form when it is a dossier
/// code, else the text trimmed.
pub fn canonical_code(code: &str) -> String {
    dossier_code(code).unwrap_or_else(|| code.trim().to_string())
}

/// Parameter names compared the way portals vary them.
fn squashed(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn from_url(url: &url::Url) -> Result<Scanned, ScanError> {
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let param = |names: &[&str]| {
        query
            .iter()
            .find(|(k, v)| names.contains(&squashed(k).as_str()) && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
    };
    // …/v1/lookup/{code}?token=… (Portal API v1).
    if let [.., "v1", "lookup", code] = segments.as_slice() {
        if let (Some(code), Some(token)) = (
            dossier_code(code),
            param(&["token"]).and_then(|t| token_from_text(&t)),
        ) {
            let mut base = url.clone();
            base.set_query(None);
            base.set_fragment(None);
            // Never keep login details a link may carry.
            let _ = base.set_username("");
            let _ = base.set_password(None);
            let path = base.path().to_string();
            let root = path
                .rfind("/v1/lookup/")
                .map(|i| path[..i].to_string())
                .unwrap_or_default();
            base.set_path(&root);
            return Ok(Scanned::LookupLink {
                base_url: base.as_str().trim_end_matches('/').to_string(),
                dossier_code: code,
                lookup_token: token,
            });
        }
    }
    let code = param(CODE_PARAMS)
        .and_then(|c| dossier_code(&c))
        .or_else(|| segments.iter().rev().find_map(|s| dossier_code(s)))
        .ok_or(ScanError::NoCode)?;
    Ok(Scanned::ProvincialUrl {
        host: url.host_str().unwrap_or_default().to_string(),
        dossier_code: code,
        carried_id_number: param(ID_PARAMS).is_some(),
    })
}

/// Reads a scanned text.
pub fn scan(text: &str) -> Result<Scanned, ScanError> {
    if text.chars().count() > MAX_SCAN_LEN {
        return Err(ScanError::TooLong(text.chars().count()));
    }
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return Err(ScanError::Empty);
    }
    if text.starts_with(QR_PREFIX) {
        return SignedReceipt::from_qr_text(text)
            .map(Scanned::Receipt)
            .map_err(ScanError::BadReceipt);
    }
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let url = url::Url::parse(text).map_err(|_| ScanError::Unrecognised)?;
        return from_url(&url);
    }
    dossier_code(text)
        .map(Scanned::DossierCode)
        .ok_or(ScanError::Unrecognised)
}

/// Where a lookup request came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    HosoReceipt,
    LookupLink {
        base_url: String,
    },
    ProvincialUrl {
        host: String,
        /// An official `.gov.vn` host.
        official_host: bool,
        carried_id_number: bool,
    },
    DossierCode,
}

impl Scanned {
    /// The dossier this scan names.
    pub fn dossier_code(&self) -> &str {
        match self {
            Scanned::Receipt(r) => &r.payload.dossier_code,
            Scanned::LookupLink { dossier_code, .. }
            | Scanned::ProvincialUrl { dossier_code, .. }
            | Scanned::DossierCode(dossier_code) => dossier_code,
        }
    }

    /// The lookup token, when the scan carries one.
    pub fn lookup_token(&self) -> Option<[u8; 16]> {
        match self {
            Scanned::Receipt(r) => Some(r.payload.lookup_token),
            Scanned::LookupLink { lookup_token, .. } => Some(*lookup_token),
            _ => None,
        }
    }

    pub fn source(&self) -> Source {
        match self {
            Scanned::Receipt(_) => Source::HosoReceipt,
            Scanned::LookupLink { base_url, .. } => Source::LookupLink {
                base_url: base_url.clone(),
            },
            Scanned::ProvincialUrl {
                host,
                carried_id_number,
                ..
            } => Source::ProvincialUrl {
                official_host: host == "gov.vn" || host.ends_with(".gov.vn"),
                host: host.clone(),
                carried_id_number: *carried_id_number,
            },
            Scanned::DossierCode(_) => Source::DossierCode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{sample, test_pair};

    #[test]
    fn hoso_receipts_are_decoded() {
        let r = sample(&test_pair(), "portal-2026-11");
        let scanned = scan(&format!(" {}\n", r.qr_text().unwrap())).unwrap();
        assert_eq!(scanned, Scanned::Receipt(r.clone()));
        assert_eq!(scanned.dossier_code(), "H40.22-261123-0001");
        assert_eq!(scanned.lookup_token(), Some([7; 16]));
        assert!(matches!(
            scan("HS1:"),
            Err(ScanError::BadReceipt(FormatError::Truncated))
        ));
    }

    #[test]
    fn provincial_urls_give_the_code_and_drop_the_id_number() {
        let s = scan("https://dichvucong.hanoi.gov.vn/tra-cuu?SGT=001090012345&MHS=000.00.16.H26-240101-0001").unwrap();
        assert_eq!(
            s,
            Scanned::ProvincialUrl {
                host: "dichvucong.hanoi.gov.vn".into(),
                dossier_code: "000.00.16.H26-240101-0001".into(),
                carried_id_number: true,
            }
        );
        assert!(!format!("{s:?}{:?}", s.source()).contains("001090012345"));
        assert_eq!(
            s.source(),
            Source::ProvincialUrl {
                host: "dichvucong.hanoi.gov.vn".into(),
                official_host: true,
                carried_id_number: true
            }
        );
        // Other spellings, percent-encoding, the code in the path.
        for url in [
            "http://dvc.example.vn/tra-cuu-ho-so?ma_ho_so=h40.22-261123-0001",
            "https://a.gov.vn/TraCuu?maHoSo=H40.22%2D261123%2D0001&x=1#top",
            "https://a.gov.vn/tra-cuu/H40.22-261123-0001",
        ] {
            assert_eq!(
                scan(url).unwrap().dossier_code(),
                "H40.22-261123-0001",
                "{url}"
            );
        }
        assert_eq!(
            scan("https://phishing.example.com/tra-cuu?MHS=H40.22-261123-0001")
                .unwrap()
                .source(),
            Source::ProvincialUrl {
                host: "phishing.example.com".into(),
                official_host: false,
                carried_id_number: false
            }
        );
        assert_eq!(
            scan("https://a.gov.vn/tra-cuu?SGT=0123"),
            Err(ScanError::NoCode)
        );
    }

    #[test]
    fn lookup_links_drop_login_details() {
        let s = scan("https://user:secret@dvc.example.vn/v1/lookup/H40.22-261123-0001?token=BwcHBwcHBwcHBwcHBwcHBw").unwrap();
        assert_eq!(
            s.source(),
            Source::LookupLink {
                base_url: "https://dvc.example.vn".into()
            }
        );
    }

    #[test]
    fn portal_lookup_links_carry_the_token() {
        let s = scan(
            "https://dvc.example.vn/api/v1/lookup/H40.22-261123-0001?token=BwcHBwcHBwcHBwcHBwcHBw",
        )
        .unwrap();
        assert_eq!(
            s,
            Scanned::LookupLink {
                base_url: "https://dvc.example.vn/api".into(),
                dossier_code: "H40.22-261123-0001".into(),
                lookup_token: [7; 16],
            }
        );
    }

    #[test]
    fn bare_codes_and_junk() {
        assert_eq!(
            scan("h40.22-261123-0001").unwrap(),
            Scanned::DossierCode("H40.22-261123-0001".into())
        );
        assert_eq!(scan("  \n"), Err(ScanError::Empty));
        for junk in [
            "hello",
            "H40.22-2611-0001",
            "-261123-0001",
            "H40..22-261123-0001",
            "H40.22-261123-00001234",
            "https://",
            "mailto:a@b.vn",
            "ftp://a.gov.vn/?MHS=H40.22-261123-0001",
        ] {
            assert!(scan(junk).is_err(), "{junk}");
        }
        assert_eq!(
            scan(&"A".repeat(MAX_SCAN_LEN + 1)),
            Err(ScanError::TooLong(MAX_SCAN_LEN + 1))
        );
    }
}
