//! hoso's mobile number check against libphonenumber's own verdicts: the
//! fixture `core/data/phone/verdicts.tsv` (2,800 numbers drawn with a fixed
//! seed, each with what `phonenumbers` 9.0.43 says of it for region VN),
//! written by `core/data/phone/generate.py`.

use hoso_forms::validate::phone;
use std::collections::BTreeMap;

const VERDICTS: &str = include_str!("../../data/phone/verdicts.tsv");

/// hoso's answer, as one word: `ok`, `warning:<code>` or the error code.
fn answer(number: &str) -> String {
    match phone(number) {
        Ok(c) => match c.warning {
            None => "ok".into(),
            Some(w) => format!("warning:{}", w.code),
        },
        Err(p) => p.code.into(),
    }
}

#[test]
fn hoso_agrees_with_libphonenumber() {
    let mut table: BTreeMap<(&str, String), u32> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in VERDICTS.lines().filter(|l| !l.starts_with('#')) {
        let (number, verdict) = line.split_once('\t').expect("number<TAB>verdict");
        rows += 1;
        let got = answer(number);
        let agrees = match verdict {
            // Never refused, never doubted, and kept as it was written.
            "mobile" => got == "ok" && phone(number).map(|c| c.value).as_deref() == Ok(number),
            // Refused, as a landline.
            "fixed_line" => got == "phone_landline",
            // Never accepted without a warning.
            "invalid" => got != "ok",
            // Toll-free, premium, VoIP, UAN: not a mobile number.
            _ => got != "ok" && !got.starts_with("warning:"),
        };
        if !agrees {
            failures.push(format!("{number}: libphonenumber {verdict}, hoso {got}"));
        }
        *table.entry((verdict, got)).or_default() += 1;
    }
    for ((verdict, got), n) in &table {
        println!("{verdict:<12} {got:<34} {n:>5}");
    }
    assert!(rows >= 2000, "{rows} numbers in the fixture");
    assert!(
        table.keys().any(|(v, _)| *v == "mobile")
            && table.keys().any(|(v, _)| *v == "fixed_line")
            && table
                .keys()
                .any(|(v, g)| *v == "invalid" && g.starts_with("warning:")),
        "the fixture covers mobile, landline and doubtful numbers"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The same numbers written the ways people write them get the same answer.
#[test]
fn written_forms_agree_with_the_national_form() {
    for line in VERDICTS.lines().filter(|l| !l.starts_with('#')).take(400) {
        let (number, _) = line.split_once('\t').expect("number<TAB>verdict");
        if number.len() != 10 || number.starts_with("00") {
            continue;
        }
        let national = answer(number);
        let rest = &number[1..];
        for written in [
            format!("+84{rest}"),
            format!("+84 {} {} {}", &rest[..2], &rest[2..5], &rest[5..]),
            format!("0084{rest}"),
            format!("{}.{}.{}", &number[..4], &number[4..7], &number[7..]),
        ] {
            assert_eq!(answer(&written), national, "{written} vs {number}");
        }
    }
}
