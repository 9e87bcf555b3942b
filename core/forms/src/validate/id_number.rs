//! The 12-digit personal identification number (số định danh cá nhân), printed
//! on the chip-based citizen ID card (CCCD) and, since 1 July 2024, the
//! identity card (thẻ căn cước). Layout (Circular 07/2016/TT-BCA, Article 7;
//! kept unchanged by Circular 59/2021/TT-BCA, which replaced it):
//!
//! | digits | meaning |
//! | --- | --- |
//! | 1–3 | province where the birth was registered (pre-2025 codes, e.g. 001 Hà Nội) |
//! | 4 | century of birth and sex: 0/1 = male/female born 1900–1999, 2/3 2000–2099, 4/5 2100–2199, 6/7 2200–2299, 8/9 2300–2399 |
//! | 5–6 | last two digits of the year of birth |
//! | 7–12 | random |
//!
//! An [`IdNumber`] never shows its digits in `Debug` output, and no message
//! here repeats them: they may be logged.

use super::dates::today_vn;
use super::problem::{show_char, Problem};
use super::regions::{former_by_id_code, province_for_id_code, Province};
use super::sex::Sex;
use std::fmt;
use time::Date;

/// A structurally valid personal ID number and what its digits say.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// The 12 digits, separators removed.
    pub digits: String,
    /// The 3-digit birth-registration province code, e.g. "001".
    pub province_code: &'static str,
    /// That province's name before the 2025 merger, e.g. "Hà Nội", "Bình Dương".
    pub birth_province: &'static str,
    /// Sex encoded by the 4th digit.
    pub sex: Sex,
    /// Full birth year implied by the century digit and digits 5–6.
    pub birth_year: i32,
}

impl IdNumber {
    /// The province (since 12 June 2025) that the birth-registration province
    /// now belongs to — e.g. an ID starting 074 (Bình Dương) → Thành phố Hồ
    /// Chí Minh.
    pub fn current_province(&self) -> Option<&'static Province> {
        province_for_id_code(self.province_code)
    }

    /// The number with all but the province code hidden: "001*********", safe
    /// to show in logs.
    pub fn masked(&self) -> String {
        format!(
            "{}{}",
            self.province_code,
            "*".repeat(self.digits.len().saturating_sub(3))
        )
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdNumber")
            .field("digits", &self.masked())
            .field("province_code", &self.province_code)
            .field("birth_province", &self.birth_province)
            .field("sex", &self.sex)
            .field("birth_year", &self.birth_year)
            .finish()
    }
}

/// Parses a personal ID number as of today in Vietnam; see [`id_number_on`].
pub fn id_number(raw: &str) -> Result<IdNumber, Problem> {
    id_number_on(raw, today_vn())
}

/// Parses a 12-digit personal ID number; spaces, dots and dashes between
/// digits are tolerated. Codes: `empty`, `id_not_digits`, `id_length` (a
/// 9-digit number gets a message saying old CMND numbers are no longer
/// accepted), `id_province_unknown`, `id_birth_year_future` (the digits imply
/// a year of birth after `today`).
pub fn id_number_on(raw: &str, today: Date) -> Result<IdNumber, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::empty("số định danh cá nhân", "personal ID number"));
    }
    if let Some(c) = t
        .chars()
        .find(|&c| !(c.is_ascii_digit() || c.is_whitespace() || c == '.' || c == '-'))
    {
        let shown = show_char(c);
        let (hint_vi, hint_en) = if matches!(c, 'O' | 'o') {
            (
                " (chữ O thay cho số 0?)",
                " (the letter O instead of zero?)",
            )
        } else {
            ("", "")
        };
        return Err(Problem::new(
            "id_not_digits",
            format!("Số định danh cá nhân chỉ gồm chữ số; có ký tự {shown}{hint_vi}."),
            format!("A personal ID number contains only digits; found {shown}{hint_en}."),
        ));
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        12 => {}
        9 => {
            return Err(Problem::new(
                "id_length",
                "Số CMND 9 chữ số cũ không còn được chấp nhận (hết giá trị từ 01/01/2025); hãy \
                 nhập số định danh cá nhân 12 chữ số in trên thẻ CCCD hoặc thẻ căn cước.",
                "Old 9-digit identity card (CMND) numbers are no longer accepted (invalid since \
                 1 January 2025); enter the 12-digit personal ID number printed on the citizen \
                 ID card.",
            ))
        }
        n => {
            return Err(Problem::new(
                "id_length",
                format!("Số định danh cá nhân phải có đúng 12 chữ số (đang có {n})."),
                format!("A personal ID number has exactly 12 digits (this has {n})."),
            ))
        }
    }
    let code = &digits[..3];
    let Some(province) = former_by_id_code(code) else {
        return Err(Problem::new(
            "id_province_unknown",
            format!(
                "3 chữ số đầu của số định danh ({code}) không phải mã tỉnh, thành phố nơi đăng ký \
                 khai sinh; hãy kiểm tra lại."
            ),
            format!(
                "The first 3 digits of the ID number ({code}) are not a birth-registration \
                 province code; please check the number."
            ),
        ));
    };
    let bytes = digits.as_bytes();
    let century_digit = i32::from(bytes[3] - b'0');
    let yy = i32::from(bytes[4] - b'0') * 10 + i32::from(bytes[5] - b'0');
    let id = IdNumber {
        province_code: province.id_code,
        birth_province: province.name,
        sex: if century_digit % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        },
        birth_year: 1900 + 100 * (century_digit / 2) + yy,
        digits,
    };
    if let Some(p) = future_problem(&id, today) {
        return Err(p);
    }
    Ok(id)
}

/// Checks an ID against the person's date of birth and sex, as of today in
/// Vietnam; see [`id_matches_person_on`].
pub fn id_matches_person(id: &IdNumber, birth: Option<Date>, sex: Option<Sex>) -> Vec<Problem> {
    id_matches_person_on(id, birth, sex, today_vn())
}

/// Checks that the year of birth and sex encoded in `id` agree with the
/// person's. Codes: `id_birth_year_future` (the ID implies a birth after
/// `today`), `id_century_mismatch` (same last two digits, different century:
/// the 4th digit is wrong), `id_birth_year_mismatch`, `id_sex_mismatch`.
pub fn id_matches_person_on(
    id: &IdNumber,
    birth: Option<Date>,
    sex: Option<Sex>,
    today: Date,
) -> Vec<Problem> {
    let mut problems: Vec<Problem> = future_problem(id, today).into_iter().collect();
    if let Some(birth) = birth {
        let (year, id_year) = (birth.year(), id.birth_year);
        if year != id_year && year.rem_euclid(100) == id_year.rem_euclid(100) {
            let (from, to) = century_range(id_year);
            problems.push(Problem::new(
                "id_century_mismatch",
                format!(
                    "Năm sinh là {year} nhưng chữ số thứ 4 của số định danh cho biết người sinh \
                     trong các năm {from}–{to}; hãy kiểm tra chữ số thứ 4 hoặc năm sinh."
                ),
                format!(
                    "The year of birth is {year} but the 4th digit of the ID number means born \
                     in {from}–{to}; please check the 4th digit or the year of birth."
                ),
            ));
        } else if year != id_year {
            problems.push(Problem::new(
                "id_birth_year_mismatch",
                format!(
                    "Năm sinh {year} không khớp với số định danh (chữ số thứ 5–6 cho biết năm \
                     sinh {id_year}); hãy kiểm tra lại."
                ),
                format!(
                    "The year of birth {year} does not match the ID number (digits 5–6 mean \
                     {id_year}); please check both."
                ),
            ));
        }
    }
    if let Some(sex) = sex.filter(|&s| s != id.sex) {
        problems.push(Problem::new(
            "id_sex_mismatch",
            format!(
                "Giới tính {} không khớp với số định danh (chữ số thứ 4 cho biết giới tính {}).",
                sex.label_vi(),
                id.sex.label_vi()
            ),
            format!(
                "Sex {} does not match the ID number (its 4th digit means {}).",
                sex.label_en().to_lowercase(),
                id.sex.label_en().to_lowercase()
            ),
        ));
    }
    problems
}

fn future_problem(id: &IdNumber, today: Date) -> Option<Problem> {
    let year = id.birth_year;
    (year > today.year()).then(|| {
        Problem::new(
            "id_birth_year_future",
            format!(
                "Số định danh cho biết năm sinh {year}, sau năm hiện tại; hãy kiểm tra chữ số \
                 thứ 4 đến thứ 6."
            ),
            format!(
                "The ID number implies a birth year of {year}, which is in the future; please \
                 check digits 4 to 6."
            ),
        )
    })
}

/// The first and last year of the century a birth year falls in (1900–1999 …).
fn century_range(year: i32) -> (i32, i32) {
    let from = year - year.rem_euclid(100);
    (from, from + 99)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 07 - 01);

    fn ok(s: &str) -> IdNumber {
        id_number_on(s, TODAY).unwrap_or_else(|p| panic!("{s}: {p:?}"))
    }
    fn code(s: &str) -> &'static str {
        id_number_on(s, TODAY).expect_err(s).code
    }

    #[test]
    fn reads_province_sex_and_birth_year() {
        let id = ok("001099012345");
        assert_eq!(id.digits, "001099012345");
        assert_eq!(id.province_code, "001");
        assert_eq!(id.birth_province, "Hà Nội");
        assert_eq!(id.sex, Sex::Male);
        assert_eq!(id.birth_year, 1999);
        assert_eq!(id.current_province().map(|p| p.code), Some("01"));

        let id = ok("079305001234");
        assert_eq!((id.sex, id.birth_year), (Sex::Female, 2005));
        assert_eq!(id.birth_province, "Hồ Chí Minh");

        let id = ok("074185000001");
        assert_eq!((id.sex, id.birth_year), (Sex::Female, 1985));
        assert_eq!(id.birth_province, "Bình Dương");
        assert_eq!(
            id.current_province().map(|p| p.name),
            Some("Thành phố Hồ Chí Minh")
        );

        assert_eq!(
            ok("046200000000").current_province().map(|p| p.short_name),
            Some("Huế")
        );
        assert_eq!(ok("096000000000").birth_year, 1900);
        assert_eq!(ok("001225999999").birth_year, 2025);
    }

    #[test]
    fn separators_are_tolerated() {
        for s in [
            "001 099 012 345",
            "001.099.012.345",
            "001-099-012345",
            " 001099012345 ",
        ] {
            assert_eq!(ok(s).digits, "001099012345", "{s}");
        }
    }

    #[test]
    fn every_century_digit() {
        let today = date!(2399 - 12 - 31);
        for (digit, sex, year) in [
            ('0', Sex::Male, 1999),
            ('1', Sex::Female, 1999),
            ('2', Sex::Male, 2099),
            ('3', Sex::Female, 2099),
            ('4', Sex::Male, 2199),
            ('5', Sex::Female, 2199),
            ('6', Sex::Male, 2299),
            ('7', Sex::Female, 2299),
            ('8', Sex::Male, 2399),
            ('9', Sex::Female, 2399),
        ] {
            let id = id_number_on(&format!("001{digit}99000000"), today).unwrap();
            assert_eq!((id.sex, id.birth_year), (sex, year), "{digit}");
        }
    }

    #[test]
    fn every_former_province_code_is_accepted() {
        for p in super::super::regions::FORMER_PROVINCES.iter() {
            let id = ok(&format!("{}099000000", p.id_code));
            assert_eq!(id.birth_province, p.name);
            assert!(id.current_province().is_some());
        }
    }

    #[test]
    fn structural_problems() {
        for s in [
            "0010990123a5",
            "001O99012345",
            "001/099/012345",
            "+84001099012",
        ] {
            assert_eq!(code(s), "id_not_digits", "{s}");
        }
        let p = id_number_on("001O99012345", TODAY).unwrap_err();
        assert!(p.message_vi.contains("chữ O"), "{}", p.message_vi);
        let p = id_number_on("012345678", TODAY).unwrap_err();
        assert_eq!(p.code, "id_length");
        assert!(p.message_vi.contains("CMND 9 chữ số"), "{}", p.message_vi);
        assert!(p.message_en.contains("9-digit"), "{}", p.message_en);
        for s in ["00109901234", "0010990123456", "1", "0011 2233 4455 66"] {
            assert_eq!(code(s), "id_length", "{s}");
        }
        let p = id_number_on("00109901234", TODAY).unwrap_err();
        assert!(p.message_vi.contains("đang có 11"), "{}", p.message_vi);
        for s in [
            "000099012345",
            "003099012345",
            "097099012345",
            "100099012345",
            "999099012345",
        ] {
            assert_eq!(code(s), "id_province_unknown", "{s}");
        }
        assert_eq!(code(""), "empty");
        assert_eq!(code(" . "), "id_length");
    }

    #[test]
    fn birth_year_in_the_future() {
        let p = id_number_on("001226000000", TODAY).unwrap_err();
        assert_eq!(p.code, "id_birth_year_future");
        assert!(p.message_vi.contains("2026"), "{}", p.message_vi);
        assert_eq!(code("001400000000"), "id_birth_year_future");
        // The same ID is fine once that year has come.
        assert!(id_number_on("001226000000", date!(2026 - 01 - 01)).is_ok());
        // A hand-built IdNumber is checked by id_matches_person too.
        let mut id = ok("001099012345");
        id.birth_year = 2199;
        let problems = id_matches_person_on(&id, None, None, TODAY);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "id_birth_year_future");
    }

    #[test]
    fn matches_the_person() {
        let id = ok("001099012345");
        assert!(
            id_matches_person_on(&id, Some(date!(1999 - 03 - 15)), Some(Sex::Male), TODAY)
                .is_empty()
        );
        assert!(id_matches_person_on(&id, None, None, TODAY).is_empty());
        assert!(id_matches_person(&id, Some(date!(1999 - 03 - 15)), Some(Sex::Male)).is_empty());

        let p = id_matches_person_on(&id, Some(date!(1998 - 03 - 15)), None, TODAY);
        assert_eq!(
            p.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["id_birth_year_mismatch"]
        );
        assert!(p[0].message_vi.contains("1998"), "{}", p[0].message_vi);
        assert!(p[0].message_vi.contains("1999"), "{}", p[0].message_vi);

        let p = id_matches_person_on(
            &id_number_on("001299012345", date!(2100 - 01 - 01)).unwrap(),
            Some(date!(1999 - 03 - 15)),
            None,
            date!(2100 - 01 - 01),
        );
        assert_eq!(
            p.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["id_century_mismatch"]
        );
        assert!(p[0].message_vi.contains("2000–2099"), "{}", p[0].message_vi);

        let p = id_matches_person_on(
            &ok("001005012345"),
            Some(date!(2005 - 01 - 01)),
            None,
            TODAY,
        );
        assert_eq!(p[0].code, "id_century_mismatch");
        assert!(p[0].message_en.contains("1900–1999"), "{}", p[0].message_en);

        let p = id_matches_person_on(&id, Some(date!(1999 - 01 - 01)), Some(Sex::Female), TODAY);
        assert_eq!(
            p.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["id_sex_mismatch"]
        );
        assert!(
            p[0].message_vi.contains("Giới tính Nữ"),
            "{}",
            p[0].message_vi
        );
        assert!(
            p[0].message_vi.contains("giới tính Nam"),
            "{}",
            p[0].message_vi
        );

        let p = id_matches_person_on(&id, Some(date!(1990 - 01 - 01)), Some(Sex::Female), TODAY);
        assert_eq!(
            p.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["id_birth_year_mismatch", "id_sex_mismatch"]
        );
    }

    #[test]
    fn never_reveals_the_digits() {
        let id = ok("001099012345");
        let debug = format!("{id:?}");
        assert!(!debug.contains("012345"), "{debug}");
        assert!(debug.contains("001*********"), "{debug}");
        assert_eq!(id.masked(), "001*********");
        let mut all = Vec::new();
        for s in [
            "0010990123a5",
            "00109901234",
            "012345678",
            "003099012345",
            "001226000000",
        ] {
            all.push(id_number_on(s, TODAY).unwrap_err());
        }
        all.extend(id_matches_person_on(
            &id,
            Some(date!(1990 - 01 - 01)),
            Some(Sex::Female),
            TODAY,
        ));
        all.extend(id_matches_person_on(
            &id_number_on("001299012345", date!(2100 - 01 - 01)).unwrap(),
            Some(date!(1999 - 01 - 01)),
            None,
            date!(2100 - 01 - 01),
        ));
        for p in all {
            for text in [&p.message_vi, &p.message_en] {
                assert!(!text.contains("012345"), "{}: {text}", p.code);
                assert!(!text.contains("01234"), "{}: {text}", p.code);
                assert!(!text.contains("2345678"), "{}: {text}", p.code);
            }
        }
    }
}
