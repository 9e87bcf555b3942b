//! The receipt's QR code as a module matrix (`qrcode`, error correction M as
//! `hoso_core::receipt` draws it), for the writers to draw as squares.

use crate::error::PaperError;
use crate::scene::QrMatrix;
use qrcode::{Color, EcLevel, QrCode};

pub(crate) fn matrix(text: &str) -> Result<QrMatrix, PaperError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| PaperError::QrTooLong)?;
    Ok(QrMatrix {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}
