//! The receipt part of `hoso demo`: what a neighbour does with the printed
//! receipt. Take the portal's signing keys (as a catalog update brings
//! them), draw the receipt QR as a PNG, read it back from the picture,
//! verify it offline, then look the dossier up with the public lookup (no
//! account) — the round trip issue #7 promises.

use crate::Failure;
use hoso_core::client::PortalClient;
use hoso_core::receipt::image as qr_image;
use hoso_core::receipt::online::{look_up, refresh_keys};
use hoso_core::receipt::Receipts;
use serde::Serialize;
use std::path::Path;

/// What checking the receipt showed.
#[derive(Serialize)]
pub struct ReceiptCheck {
    /// QR version at error correction M.
    pub qr_version: i16,
    /// The PNG decoded back to the same text.
    pub read_from_png: bool,
    /// Offline verdict code (`valid`, …) and its message.
    pub verdict: String,
    pub verdict_message: String,
    /// The public lookup's status code.
    pub public_status: Option<u8>,
}

pub async fn check(
    client: &PortalClient,
    receipts: &Receipts,
    qr_text: &str,
    scratch: &Path,
) -> Result<ReceiptCheck, Failure> {
    refresh_keys(client, receipts).await?;
    let png = scratch.join("receipt.png");
    std::fs::write(&png, qr_image::png(qr_text, 6)?)?;
    let read = qr_image::read(&std::fs::read(&png)?)?;
    let text = read.first().cloned().unwrap_or_default();
    let request = receipts.request(&text)?;
    let verdict = request
        .verdict
        .clone()
        .unwrap_or(hoso_core::receipt::Verdict::Malformed {
            reason: hoso_core::receipt::FormatError::NotAReceipt,
        });
    let followed = look_up(client, receipts, &request, hoso_core::clock::unix_now()).await?;
    Ok(ReceiptCheck {
        qr_version: qr_image::shape(qr_text)?.version,
        read_from_png: text == qr_text,
        verdict: verdict.code().to_string(),
        verdict_message: format!("{} / {}", verdict.message_vi(), verdict.message_en()),
        public_status: followed.status.map(|s| s.status),
    })
}

/// The check as text.
pub fn print(c: &ReceiptCheck) {
    println!(
        "  Quét lại từ ảnh PNG / read back from the PNG: {}  (QR phiên bản / version {}, mức / level M)",
        if c.read_from_png { "OK" } else { "KHÔNG / NO" },
        c.qr_version
    );
    println!(
        "  Xác thực ngoại tuyến / offline check: {}",
        c.verdict_message
    );
    if let Some(s) = c.public_status {
        println!("  Tra cứu công khai (không cần tài khoản) / public lookup (no account): trạng thái / status {s}");
    }
}
