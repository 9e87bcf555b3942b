//! Forgiving lookup of a province by what people type: with or without
//! "Tỉnh"/"Thành phố"/"TP.", diacritics, spaces or case, common abbreviations
//! ("TPHCM", "Sài Gòn", "BR-VT"), English ("Hanoi", "… Province") and the
//! 2-digit code. Names of provinces merged away on 12 June 2025 are
//! recognised and answered with the province they now belong to.
//!
//! "Thừa Thiên Huế" is accepted as Huế without a problem: it is the same unit
//! under its former name (renamed when it became a centrally-run city on
//! 1 January 2025), not a merger, and still printed on many documents.

use super::former::{FormerProvince, FORMER_PROVINCES};
use super::provinces::{Province, PROVINCES};
use crate::text::fold;
use crate::validate::problem::{quote_if_safe, Problem};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Finds a current province; an old merged name or code gives
/// `province_merged` naming the new province, anything else
/// `province_unknown` (with a suggestion when a name is close).
pub fn province(raw: &str) -> Result<&'static Province, Problem> {
    let key = key(raw);
    if key.is_empty() {
        return Err(Problem::empty("tỉnh/thành phố", "province or city"));
    }
    match index().get(key.as_str()) {
        Some(Entry::Current(p)) => Ok(p),
        Some(Entry::Former(old)) => Err(merged_problem(old)),
        None => Err(unknown_problem(raw, &key)),
    }
}

/// A province as named in an address: one of the 34, or a former one
/// merged away (its name or old code).
#[derive(Clone, Copy)]
pub(super) enum Entry {
    Current(&'static Province),
    Former(&'static FormerProvince),
}

/// What `raw` names, current or merged away, with no problem built: for
/// reading old addresses ([`super::convert`]).
pub(super) fn province_or_former(raw: &str) -> Option<Entry> {
    index().get(key(raw).as_str()).copied()
}

/// Extra spellings people use. Keys are in [`key`] form.
const ALIASES: [(&str, &str); 14] = [
    ("hn", "Hà Nội"),
    ("hcm", "Hồ Chí Minh"),
    ("tphcm", "Hồ Chí Minh"),
    ("hcmc", "Hồ Chí Minh"),
    ("saigon", "Hồ Chí Minh"),
    ("tthue", "Huế"),
    ("daclac", "Đắk Lắk"),
    ("daklac", "Đắk Lắk"),
    ("daclak", "Đắk Lắk"),
    ("dacnong", "Đắk Nông"),
    ("brvt", "Bà Rịa - Vũng Tàu"),
    ("baria", "Bà Rịa - Vũng Tàu"),
    ("vungtau", "Bà Rịa - Vũng Tàu"),
    ("contum", "Kon Tum"),
];

/// Every accepted key → what it names. Built once.
fn index() -> &'static HashMap<String, Entry> {
    static INDEX: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for old in &FORMER_PROVINCES {
            let entry = if old.was_merged() {
                Entry::Former(old)
            } else {
                Entry::Current(old.current())
            };
            map.insert(key(old.name), entry);
            // The 2-digit code of a merged-away province is an old code too.
            if old.was_merged() {
                map.insert(old.id_code[1..].to_string(), entry);
            }
        }
        for p in &PROVINCES {
            map.insert(key(p.short_name), Entry::Current(p));
            map.insert(key(p.name_en), Entry::Current(p));
            map.insert(p.code.to_string(), Entry::Current(p));
        }
        for (alias, name) in ALIASES {
            if let Some(&entry) = map.get(&key(name)) {
                map.insert(alias.to_string(), entry);
            }
        }
        map
    })
}

/// Folds `raw` to a lookup key: no diacritics, no case, no punctuation, no
/// spaces, without a leading "tỉnh"/"thành phố"/"tp"/"t.p." or trailing
/// "province"/"city"/"tỉnh".
fn key(raw: &str) -> String {
    let folded = fold(raw);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    let prefixes: [&[&str]; 4] = [&["thanh", "pho"], &["tinh"], &["tp"], &["t", "p"]];
    for prefix in prefixes {
        if words.len() > prefix.len() && words.starts_with(prefix) {
            words.drain(..prefix.len());
            break;
        }
    }
    let suffixes: [&[&str]; 4] = [&["province"], &["city"], &["tinh"], &["of", "vietnam"]];
    for suffix in suffixes {
        if words.len() > suffix.len() && words.ends_with(suffix) {
            words.truncate(words.len() - suffix.len());
        }
    }
    words.concat()
}

fn merged_problem(old: &FormerProvince) -> Problem {
    let now = old.current();
    Problem::new(
        "province_merged",
        format!(
            "{} nay thuộc {} (từ 12/6/2025, theo Nghị quyết 202/2025/QH15); hãy chọn {}.",
            old.name, now.name, now.name
        ),
        format!(
            "{} is now part of {} (since 12 June 2025, Resolution 202/2025/QH15); choose {}.",
            old.name, now.name_en, now.name_en
        ),
    )
}

fn unknown_problem(raw: &str, key: &str) -> Problem {
    let (what_vi, what_en) = match quote_if_safe(raw) {
        Some(q) => (
            format!("tỉnh/thành phố {q}"),
            format!("a province or city called {q}"),
        ),
        None => (
            "tỉnh/thành phố đã nhập".to_string(),
            "that province or city".to_string(),
        ),
    };
    let (hint_vi, hint_en) = match suggestion(key) {
        Some(Entry::Current(p)) => (
            format!(" Có phải bạn muốn chọn {}?", p.name),
            format!(" Did you mean {}?", p.name_en),
        ),
        Some(Entry::Former(old)) => {
            let now = old.current();
            (
                format!(
                    " Có phải bạn muốn nói {} (nay thuộc {})?",
                    old.name, now.name
                ),
                format!(" Did you mean {} (now part of {})?", old.name, now.name_en),
            )
        }
        None => (String::new(), String::new()),
    };
    Problem::new(
        "province_unknown",
        format!("Không tìm thấy {what_vi} trong 34 tỉnh, thành phố hiện nay.{hint_vi}"),
        format!("There is no {what_en} among the 34 current provinces and cities.{hint_en}"),
    )
}

/// The closest known name (one edit for short names, two for long ones).
fn suggestion(key: &str) -> Option<Entry> {
    if key.len() < 4 {
        return None;
    }
    let allowed = if key.len() >= 8 { 2 } else { 1 };
    index()
        .iter()
        .filter(|(k, _)| k.len() >= 4 && !k.bytes().all(|b| b.is_ascii_digit()))
        .map(|(k, e)| (strsim::damerau_levenshtein(key, k), k, *e))
        .filter(|(d, _, _)| *d <= allowed)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, _, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(raw: &str) -> &'static str {
        province(raw)
            .unwrap_or_else(|p| panic!("{raw}: {p:?}"))
            .short_name
    }

    #[test]
    fn every_province_by_name_short_name_code_and_english() {
        for p in &PROVINCES {
            assert_eq!(short(p.name), p.short_name);
            assert_eq!(short(p.short_name), p.short_name);
            assert_eq!(short(p.code), p.short_name);
            assert_eq!(short(p.name_en), p.short_name);
            assert_eq!(short(&fold(p.short_name)), p.short_name);
            assert_eq!(short(&p.short_name.to_uppercase()), p.short_name);
            assert_eq!(
                short(&format!("  {}  ", p.name.to_lowercase())),
                p.short_name
            );
            // Decomposed (NFD) input, as some keyboards produce.
            let nfd: String = unicode_normalization::UnicodeNormalization::nfd(p.name).collect();
            assert_eq!(short(&nfd), p.short_name);
        }
    }

    #[test]
    fn prefixes_abbreviations_and_spacing() {
        for s in [
            "TP.HCM",
            "TPHCM",
            "tp hcm",
            "HCM",
            "Tp. Hồ Chí Minh",
            "T.P Hồ Chí Minh",
            "Thành phố HCM",
            "Sài Gòn",
            "saigon",
            "Ho Chi Minh City",
            "ho chi minh",
            "HoChiMinh",
        ] {
            assert_eq!(short(s), "Hồ Chí Minh", "{s}");
        }
        for s in [
            "Hà Nội",
            "ha noi",
            "Hanoi",
            "HANOI",
            "TP Hà Nội",
            "HN",
            "Ha Noi City",
        ] {
            assert_eq!(short(s), "Hà Nội", "{s}");
        }
        assert_eq!(short("Tỉnh Thanh Hoá"), "Thanh Hóa");
        assert_eq!(short("Khánh Hoà"), "Khánh Hòa");
        assert_eq!(short("Daklak"), "Đắk Lắk");
        assert_eq!(short("Dak Lak province"), "Đắk Lắk");
        assert_eq!(short("Đà Nẵng"), "Đà Nẵng");
        assert_eq!(short("Danang"), "Đà Nẵng");
        assert_eq!(short("Lao Cai"), "Lào Cai");
        assert_eq!(short("Cà Mau"), "Cà Mau");
    }

    #[test]
    fn thua_thien_hue_is_hue_without_a_problem() {
        for s in [
            "Thừa Thiên Huế",
            "Tỉnh Thừa Thiên Huế",
            "Thua Thien Hue",
            "TT Huế",
            "Huế",
            "hue",
        ] {
            assert_eq!(short(s), "Huế", "{s}");
        }
    }

    #[test]
    fn every_merged_name_points_to_its_new_province() {
        let mut seen = 0;
        for now in &PROVINCES {
            for old in now.merged_from {
                seen += 1;
                for typed in [old.to_string(), format!("Tỉnh {old}"), fold(old)] {
                    let p = province(&typed).unwrap_err();
                    assert_eq!(p.code, "province_merged", "{typed}");
                    assert!(p.message_vi.contains(now.name), "{}", p.message_vi);
                    assert!(p.message_vi.contains(old), "{}", p.message_vi);
                    assert!(p.message_en.contains(now.name_en), "{}", p.message_en);
                }
            }
        }
        assert_eq!(seen, 29);
        let p = province("Bình Dương").unwrap_err();
        assert_eq!(
            p.message_vi,
            "Bình Dương nay thuộc Thành phố Hồ Chí Minh (từ 12/6/2025, theo Nghị quyết \
             202/2025/QH15); hãy chọn Thành phố Hồ Chí Minh."
        );
        assert_eq!(
            p.message_en,
            "Bình Dương is now part of Ho Chi Minh City (since 12 June 2025, Resolution \
             202/2025/QH15); choose Ho Chi Minh City."
        );
        for s in [
            "BR-VT",
            "Vũng Tàu",
            "Bà Rịa Vũng Tàu",
            "Tỉnh Bà Rịa – Vũng Tàu",
        ] {
            assert_eq!(province(s).unwrap_err().code, "province_merged", "{s}");
        }
        // Old 2-digit codes of merged-away provinces.
        let p = province("74").unwrap_err();
        assert_eq!(p.code, "province_merged");
        assert!(p.message_vi.starts_with("Bình Dương"));
        assert_eq!(province("02").unwrap_err().code, "province_merged");
    }

    #[test]
    fn unknown_names_get_a_suggestion_when_close() {
        // Wrong or missing tone marks are forgiven by folding.
        assert_eq!(short("Lâm Đông"), "Lâm Đồng");
        let p = province("Lam Dongg").unwrap_err();
        assert_eq!(p.code, "province_unknown");
        assert!(p.message_vi.contains("Tỉnh Lâm Đồng"), "{}", p.message_vi);
        assert!(
            p.message_en.contains("Lâm Đồng Province"),
            "{}",
            p.message_en
        );
        let p = province("Binh Duongg").unwrap_err();
        assert_eq!(p.code, "province_unknown");
        assert!(
            p.message_vi.contains("nay thuộc Thành phố Hồ Chí Minh"),
            "{}",
            p.message_vi
        );
        let p = province("Atlantis").unwrap_err();
        assert_eq!(p.code, "province_unknown");
        assert!(p.message_vi.contains("“Atlantis”"), "{}", p.message_vi);
        assert!(!p.message_vi.contains("Có phải"), "{}", p.message_vi);
        for s in ["00", "99", "3", "079", "Tỉnh", "Thành phố", "Việt Nam"] {
            assert_eq!(province(s).unwrap_err().code, "province_unknown", "{s}");
        }
        // A pasted ID number is neither matched nor echoed.
        let p = province("079099012345").unwrap_err();
        assert!(!p.message_vi.contains("012345"));
        assert_eq!(province("").unwrap_err().code, "empty");
        assert_eq!(province(" -- ").unwrap_err().code, "empty");
    }
}
