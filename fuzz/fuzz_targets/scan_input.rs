//! Fuzzes what a scanned QR or a pasted text is read as (issue #7):
//! `hoso_core::receipt::scan::scan` (hoso `HS1:` receipts, Portal API lookup
//! links, provincial lookup URLs, bare dossier codes) and `dossier_code`.
//!
//! Input: the bytes as UTF-8 (up to the first invalid byte). Besides "no
//! panic" it checks:
//!
//! * `dossier_code` is idempotent: a code it gives back is already canonical;
//! * `scan` refuses exactly the texts over `MAX_SCAN_LEN` characters as
//!   `TooLong` with their length;
//! * a scanned hoso receipt's `qr_text()` is the scanned text itself
//!   (surrounding whitespace and BOM aside);
//! * any other scan names a canonical dossier code, and that code typed in
//!   by hand scans as the same bare dossier code; a bare code is
//!   `dossier_code` of the text; a lookup link carries a token and its base
//!   URL is a URL without query or fragment (where the token travelled) and
//!   without login details;
//! * a provincial URL: the host is the URL's, `carried_id_number` is true
//!   exactly when an ID-number parameter (`SGT`, `so_cccd`, `CMND`, … as
//!   `scan` names them) has a value, and the ID number is dropped: a value of
//!   such a parameter (6 or more letters and digits, at least one digit)
//!   never shows in the Debug output of the scan or of its `source()`,
//!   unless the rest of the URL (host, path, other parameters) carries the
//!   same characters anyway.

#![no_main]

use hoso_core::receipt::scan::{dossier_code, scan, ScanError, Scanned};
use libfuzzer_sys::fuzz_target;

/// The longest text a QR code holds (version 40, alphanumeric, level L):
/// `scan` refuses longer texts.
const MAX_SCAN_LEN: usize = 4_296;

/// The ID-number parameter names `scan` drops (hoso-core's `ID_PARAMS`,
/// compared without case, `_` and `-`).
const ID_PARAMS: &[&str] = &[
    "sgt", "sogiayto", "giayto", "cccd", "socccd", "cmnd", "socmnd", "cmt", "idnumber",
];

/// A parameter name as `scan` compares it.
fn squashed(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn check_provincial(scanned: &Scanned, text: &str) {
    let Scanned::ProvincialUrl {
        host,
        carried_id_number,
        ..
    } = scanned
    else {
        return;
    };
    let url = url::Url::parse(text).expect("scan read this text as a URL");
    assert_eq!(host, url.host_str().unwrap_or_default());
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let is_id = |name: &str| ID_PARAMS.contains(&squashed(name).as_str());
    assert_eq!(
        *carried_id_number,
        pairs.iter().any(|(k, v)| is_id(k) && !v.trim().is_empty()),
        "carried_id_number is wrong"
    );
    // Everything in the URL but the ID numbers, upper case.
    let mut rest = url.host_str().unwrap_or_default().to_string();
    for segment in url.path_segments().into_iter().flatten() {
        rest.push(' ');
        rest.push_str(segment);
    }
    for (k, v) in &pairs {
        if !is_id(k) {
            rest.push(' ');
            rest.push_str(v);
        }
    }
    let rest = rest.to_uppercase();
    let shown = format!("{scanned:?} {:?}", scanned.source()).to_uppercase();
    for (_, id) in pairs.iter().filter(|(k, _)| is_id(k)) {
        let id = id.trim().to_uppercase();
        // Letters and digits only, with a digit: the Debug output's own
        // words (variant and field names, true/false) hold no digits.
        let id_like = id.len() >= 6
            && id.bytes().all(|b| b.is_ascii_alphanumeric())
            && id.bytes().any(|b| b.is_ascii_digit());
        if id_like && !rest.contains(&id) {
            assert!(!shown.contains(&id), "the ID number {id} was kept: {shown}");
        }
    }
}

fn check_scan(text: &str) {
    let result = scan(text);
    let chars = text.chars().count();
    if chars > MAX_SCAN_LEN {
        assert_eq!(result, Err(ScanError::TooLong(chars)));
        return;
    }
    assert!(!matches!(result, Err(ScanError::TooLong(_))));
    let Ok(scanned) = result else {
        return;
    };
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let code = scanned.dossier_code();
    // Whatever was scanned can be shown.
    let _ = format!("{scanned:?} {:?}", scanned.source());
    match &scanned {
        Scanned::Receipt(receipt) => {
            // The payload's dossier code is whatever the (unverified)
            // receipt says; the QR text round-trips exactly.
            assert_eq!(receipt.qr_text().as_deref(), Ok(trimmed));
            assert_eq!(scanned.lookup_token(), Some(receipt.payload.lookup_token));
            return;
        }
        Scanned::DossierCode(c) => {
            assert_eq!(dossier_code(trimmed).as_deref(), Some(c.as_str()));
            assert_eq!(scanned.lookup_token(), None);
        }
        Scanned::LookupLink { base_url, .. } => {
            assert!(scanned.lookup_token().is_some());
            let base = url::Url::parse(base_url).expect("the base URL is a URL");
            assert!(
                base.query().is_none() && base.fragment().is_none(),
                "the lookup link's base URL kept a query or fragment: {base_url}"
            );
            assert!(
                base.username().is_empty() && base.password().is_none(),
                "the lookup link's base URL kept login details: {base_url}"
            );
        }
        Scanned::ProvincialUrl { .. } => {
            assert_eq!(scanned.lookup_token(), None);
            check_provincial(&scanned, trimmed);
        }
    }
    assert_eq!(
        dossier_code(code).as_deref(),
        Some(code),
        "scan named a non-canonical dossier code"
    );
    assert_eq!(scan(code), Ok(Scanned::DossierCode(code.to_string())));
}

fuzz_target!(|data: &[u8]| {
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
    };
    if let Some(code) = dossier_code(text) {
        assert_eq!(
            dossier_code(&code).as_deref(),
            Some(code.as_str()),
            "dossier_code is not idempotent"
        );
    }
    check_scan(text);
});
