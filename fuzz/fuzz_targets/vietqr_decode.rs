//! Fuzzes the VietQR payload decoder (issue #23, `hoso_pay::vietqr::decode`), a
//! validator of payloads scanned from anyone's QR code.
//!
//! Input: the bytes as UTF-8 (up to the first invalid byte), and the same
//! text with its CRC recomputed, so that mutations reach the fields past
//! the checksum. Besides "no panic" it checks:
//!
//! * a payload over `MAX_PAYLOAD_BYTES` is refused as `TooLong` with its
//!   size, and only such a payload;
//! * every refusal is `InvalidInput` with a code and both messages;
//! * a decoded payment re-encodes to a payload (hoso's shape: tags in
//!   ascending order, printable ASCII, within the bound) that decodes to
//!   the same payment, and encoding that payment again gives the same
//!   payload.

#![no_main]

use hoso_pay::vietqr::{crc16_ccitt_false, decode, encode, MAX_PAYLOAD_BYTES};
use hoso_pay::VietQrError;
use hoso_core::error::{Classified, ErrorKind};
use libfuzzer_sys::fuzz_target;

fn check(payload: &str) {
    match decode(payload) {
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            assert!(!err.code().is_empty());
            let (vi, en) = err.messages();
            assert!(!vi.is_empty() && !en.is_empty(), "{err}");
            let too_long = payload.len() > MAX_PAYLOAD_BYTES;
            assert_eq!(
                matches!(err, VietQrError::TooLong { bytes, .. } if bytes == payload.len()),
                too_long,
                "{err}"
            );
        }
        Ok(payment) => {
            assert!(payload.len() <= MAX_PAYLOAD_BYTES);
            let again = encode(&payment);
            assert!(again.len() <= MAX_PAYLOAD_BYTES, "{again}");
            assert!(again.bytes().all(|b| (b' '..=b'~').contains(&b)), "{again}");
            assert_eq!(decode(&again).as_ref(), Ok(&payment), "{again}");
            assert_eq!(encode(&payment), again);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
    };
    check(text);
    // The same text as a body with a correct CRC: what is left of a
    // trailing CRC object is replaced.
    let body = match text.rfind("6304") {
        Some(at) if text.len() - at <= 8 => &text[..at],
        _ => text,
    };
    let mut with_crc = format!("{body}6304");
    let crc = crc16_ccitt_false(with_crc.as_bytes());
    with_crc.push_str(&format!("{crc:04X}"));
    check(&with_crc);
});
