//! Whole numbers as the papers print them: thousands grouped Vietnamese
//! style (10.000) or English style (10,000), and fees in đồng.

/// `n` with `separator` between groups of three digits.
pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// The fee line's value: "10.000 đồng", "không mất phí", or that it is not
/// known.
pub(crate) fn fee(fee: Option<u64>) -> String {
    match fee {
        None => "chưa rõ, hỏi nơi nhận hồ sơ".to_string(),
        Some(0) => "không mất phí".to_string(),
        Some(n) => format!("{} đồng", grouped(n, '.')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_grouping() {
        assert_eq!(grouped(0, '.'), "0");
        assert_eq!(grouped(999, '.'), "999");
        assert_eq!(grouped(1_000, '.'), "1.000");
        assert_eq!(grouped(3_650, ','), "3,650");
        assert_eq!(grouped(1_234_567, '.'), "1.234.567");
        assert_eq!(grouped(u64::MAX, '.'), "18.446.744.073.709.551.615");
    }

    #[test]
    fn fees() {
        assert_eq!(fee(Some(10_000)), "10.000 đồng");
        assert_eq!(fee(Some(0)), "không mất phí");
        assert_eq!(fee(Some(500)), "500 đồng");
        assert!(fee(None).contains("chưa rõ"));
    }
}
