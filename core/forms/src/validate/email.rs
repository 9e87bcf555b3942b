//! E-mail addresses: the practical subset real mail providers accept, plus a
//! gentle catch of typos in the domains most people in Vietnam use.

use super::problem::Problem;

/// Longest address (RFC 5321 path limit less the angle brackets).
const MAX_LEN: usize = 254;

/// Domains whose near-misses are almost certainly typos.
const COMMON: [&str; 8] = [
    "gmail.com",
    "yahoo.com",
    "yahoo.com.vn",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "outlook.com.vn",
];

/// Real domains one edit away from a common one, never flagged as typos.
const REAL_NEIGHBOURS: [&str; 4] = ["mail.com", "ymail.com", "email.com", "yahoo.com.cn"];

/// Checks an address and returns it trimmed with the domain in lower case
/// (the local part is kept as typed: it may be case-sensitive). Codes:
/// `empty`, `email_format`, `email_has_diacritics`, `email_domain`,
/// `email_domain_typo`, `email_too_long`.
pub fn email(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::empty("email", "email address"));
    }
    if t.chars().count() > MAX_LEN {
        return Err(Problem::new(
            "email_too_long",
            format!("Địa chỉ email quá dài (tối đa {MAX_LEN} ký tự)."),
            format!("The email address is too long (at most {MAX_LEN} characters)."),
        ));
    }
    if !t.is_ascii() {
        return Err(Problem::new(
            "email_has_diacritics",
            "Địa chỉ email không được có dấu tiếng Việt hoặc ký tự đặc biệt; hãy gõ không dấu.",
            "The email address must not contain accented or non-ASCII characters.",
        ));
    }
    let (local, domain) = match t.split_once('@') {
        Some((l, d)) if !d.is_empty() && !d.contains('@') => (l, d),
        _ => return Err(format_problem()),
    };
    if !valid_local(local) {
        return Err(format_problem());
    }
    let domain = domain.to_ascii_lowercase();
    if !valid_domain(&domain) {
        return Err(Problem::new(
            "email_domain",
            "Phần sau dấu @ của email không phải tên miền hợp lệ (ví dụ gmail.com).",
            "The part after @ is not a valid domain (e.g. gmail.com).",
        ));
    }
    if let Some(meant) = likely_typo(&domain) {
        return Err(Problem::new(
            "email_domain_typo",
            format!("Tên miền email “{domain}” có vẻ gõ nhầm; có phải là “{meant}”?"),
            format!("The email domain “{domain}” looks mistyped; did you mean “{meant}”?"),
        ));
    }
    Ok(format!("{local}@{domain}"))
}

fn format_problem() -> Problem {
    Problem::new(
        "email_format",
        "Địa chỉ email không đúng dạng; ví dụ đúng: ten.cua.ban@gmail.com.",
        "Not a valid email address; a valid one looks like your.name@gmail.com.",
    )
}

/// Dot-atom local part: 1–64 of ASCII letters, digits and !#$%&'*+/=?^_`{|}~-,
/// with single dots between them.
fn valid_local(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    (1..=64).contains(&local.len())
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// At least two labels of letters, digits and inner hyphens (1–63 each); the
/// last is a top-level domain of letters (or an `xn--` IDN label).
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_ok = labels.last().is_some_and(|tld| {
        (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())) || tld.starts_with("xn--")
    });
    labels.len() >= 2 && domain.len() <= 253 && labels.iter().all(label_ok) && tld_ok
}

/// A common domain exactly one edit away, unless the domain is itself a known
/// real one. (Two edits would flag real domains such as yahoo.com.tw.)
fn likely_typo(domain: &str) -> Option<&'static str> {
    if COMMON.contains(&domain) || REAL_NEIGHBOURS.contains(&domain) {
        return None;
    }
    COMMON
        .iter()
        .map(|c| (strsim::damerau_levenshtein(domain, c), *c))
        .filter(|(d, _)| *d == 1)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> &'static str {
        email(s).expect_err(s).code
    }

    #[test]
    fn accepts_and_normalizes() {
        assert_eq!(
            email(" An.Nguyen@Gmail.COM "),
            Ok("An.Nguyen@gmail.com".into())
        );
        assert_eq!(
            email("a+tag@sub.example.vn"),
            Ok("a+tag@sub.example.vn".into())
        );
        assert_eq!(
            email("x_y-z@dichvucong.gov.vn"),
            Ok("x_y-z@dichvucong.gov.vn".into())
        );
        assert_eq!(email("me@yahoo.com.vn"), Ok("me@yahoo.com.vn".into()));
        assert_eq!(email("me@mail.com"), Ok("me@mail.com".into()));
        assert_eq!(email("me@ymail.com"), Ok("me@ymail.com".into()));
        assert_eq!(email("me@xn--t-0ha.vn"), Ok("me@xn--t-0ha.vn".into()));
    }

    #[test]
    fn format_problems() {
        for s in [
            "an",
            "an@",
            "@gmail.com",
            "a@@gmail.com",
            "a@b@gmail.com",
            "a b@gmail.com",
            ".a@gmail.com",
            "a.@gmail.com",
            "a..b@gmail.com",
            "a\"b@gmail.com",
        ] {
            assert_eq!(code(s), "email_format", "{s}");
        }
        assert_eq!(
            code(&format!("{}@gmail.com", "a".repeat(65))),
            "email_format"
        );
        for s in [
            "a@gmail",
            "a@gmail.c",
            "a@-gmail.com",
            "a@gmail-.com",
            "a@gmail..com",
            "a@gmail.com.",
            "a@gm_ail.com",
            "a@gmail.c0m",
        ] {
            assert_eq!(code(s), "email_domain", "{s}");
        }
        assert_eq!(code("nguyễn@gmail.com"), "email_has_diacritics");
        assert_eq!(code("an@gmail.com\u{7}"), "email_domain");
        assert_eq!(email("me@yahoo.com.tw"), Ok("me@yahoo.com.tw".into()));
        assert_eq!(code(""), "empty");
        assert_eq!(
            code(&format!("a@{}.com", "b".repeat(300))),
            "email_too_long"
        );
    }

    #[test]
    fn catches_common_domain_typos() {
        for (typed, meant) in [
            ("a@gmai.com", "gmail.com"),
            ("a@gmial.com", "gmail.com"),
            ("a@gmail.con", "gmail.com"),
            ("a@gmail.co", "gmail.com"),
            ("a@yahooo.com", "yahoo.com"),
            ("a@yaho.com.vn", "yahoo.com.vn"),
            ("a@hotmial.com", "hotmail.com"),
        ] {
            let p = email(typed).unwrap_err();
            assert_eq!(p.code, "email_domain_typo", "{typed}");
            assert!(p.message_vi.contains(meant), "{typed}: {}", p.message_vi);
        }
        // Messages name the domain, never the whole address.
        let p = email("secret.person@gmai.com").unwrap_err();
        assert!(!p.message_vi.contains("secret"));
    }
}
