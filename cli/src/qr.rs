//! Draws a QR code in the terminal (two modules per character cell, with
//! the quiet zone), for the receipt QR the portal signs. Drawn for a dark
//! background, as `qrencode -t UTF8` does: light modules are blocks, dark
//! ones are the terminal's own background.

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

/// Why a text cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[error("không vẽ được mã QR / cannot draw the QR code: {0}")]
pub struct QrError(String);

/// `text` as a QR code, one terminal line per two rows of modules.
pub fn draw(text: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(e.to_string()))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}
