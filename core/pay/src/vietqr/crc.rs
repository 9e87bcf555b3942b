//! The payload's checksum (tag 63): CRC-16/CCITT-FALSE, as EMVCo and
//! NAPAS specify it ("ISO/IEC 13239, polynomial 1021, initial value
//! FFFF"): no reflection, no final XOR.

/// CRC-16/CCITT-FALSE of `bytes` (polynomial 0x1021, initial value
/// 0xFFFF, not reflected, no final XOR; the check value of `123456789` is
/// 0x29B1).
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
    }
}
