//! The bundled table's contents (counts, known units, splits) and the
//! refusal of damaged or hostile tables.

use crate::bundled::bundled_bytes;
use crate::{bundled, UnitKind, Units, UnitsError};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use hoso_store::error::{Classified, ErrorKind, MESSAGE_SEPARATOR};
use std::io::{Read, Write};

fn units() -> &'static Units {
    bundled().expect("the bundled table reads")
}

fn table_text() -> String {
    let mut text = String::new();
    GzDecoder::new(bundled_bytes())
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text).unwrap();
    gz.finish().unwrap()
}

fn read_text(text: &str) -> Result<Units, UnitsError> {
    Units::from_bytes(&gzip(text.as_bytes()))
}

/// The bundled text with `from` replaced by `to` (exactly once).
fn edited(from: &str, to: &str) -> String {
    let text = table_text();
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in the table");
    text.replacen(from, to, 1)
}

#[test]
fn bundled_table_has_every_unit() {
    let u = units();
    assert_eq!(u.version(), "2025-07-01.1");
    assert!(u.source().contains("vietnamadminunits 1.0.4"));
    assert_eq!(u.provinces().len(), 34);
    assert_eq!(u.communes().len(), 3321);
    assert_eq!(u.former_provinces().len(), 63);
    let districts: usize = u
        .former_provinces()
        .iter()
        .map(|p| u.former_districts_of(&p.code).len())
        .sum();
    assert_eq!(districts, 696);
    let former: usize = u
        .former_provinces()
        .iter()
        .flat_map(|p| u.former_districts_of(&p.code))
        .map(|d| u.former_communes_of(&d.code).len())
        .sum();
    assert_eq!(former, 10_035);
    let by_province: usize = u
        .provinces()
        .iter()
        .map(|p| u.communes_of(&p.code).len())
        .sum();
    assert_eq!(by_province, 3321);
    let count = |k| u.communes().iter().filter(|c| c.kind == k).count();
    assert_eq!(count(UnitKind::Commune), 2621);
    assert_eq!(count(UnitKind::Ward), 687);
    assert_eq!(count(UnitKind::SpecialZone), 13);
    let cities = u.provinces().iter().filter(|p| p.kind == UnitKind::City);
    assert_eq!(cities.count(), 6);
}

#[test]
fn provinces_by_code_and_name() {
    let u = units();
    let hanoi = u.province("01").unwrap();
    assert_eq!(hanoi.full_name(), "Thành phố Hà Nội");
    for name in [
        "Hà Nội",
        "ha noi",
        "HA  NOI",
        "Thành phố Hà Nội",
        "thanh pho ha noi",
    ] {
        assert_eq!(u.province_named(name), Some(hanoi), "{name}");
    }
    assert_eq!(u.province_named("Lào Cai").unwrap().code, "15");
    assert_eq!(u.province_named("tinh dak lak").unwrap().code, "66");
    assert_eq!(u.province_named("Hồ Chí Minh").unwrap().code, "79");
    assert_eq!(u.province("02"), None, "Hà Giang merged into Tuyên Quang");
    assert_eq!(u.province_named("Hà Giang"), None);
    assert_eq!(u.province("1"), None);
    assert_eq!(u.province_named(""), None);
}

#[test]
fn communes_by_code_and_name() {
    let u = units();
    let ba_dinh = u.communes_named("01", "Phường Ba Đình");
    assert_eq!(ba_dinh.len(), 1);
    assert_eq!(ba_dinh[0].code, "00004");
    assert_eq!(ba_dinh[0].kind, UnitKind::Ward);
    assert_eq!(u.communes_named("01", "phuong ba dinh"), ba_dinh);
    assert_eq!(u.communes_named("01", "Ba Đình"), ba_dinh);
    assert_eq!(u.commune("00004"), Some(ba_dinh[0]));
    assert!(
        u.communes_named("79", "Ba Đình").is_empty(),
        "not in Hồ Chí Minh City"
    );
    assert!(u.communes_named("99", "Ba Đình").is_empty());

    // Two units of Thái Nguyên fold alike: the one written as typed first.
    let lang = u.communes_named("19", "Xã Văn Lăng");
    assert_eq!(lang.len(), 2);
    assert_eq!(lang[0].name, "Văn Lăng");
    assert_eq!(u.communes_named("19", "văn lang")[0].name, "Văn Lang");

    let phu_quoc = u.communes_named("91", "Đặc khu Phú Quốc");
    assert_eq!(phu_quoc.len(), 1);
    assert_eq!(phu_quoc[0].kind, UnitKind::SpecialZone);
    assert_eq!(phu_quoc[0].full_name(), "Đặc khu Phú Quốc");
    let con_dao = u.communes_named("79", "con dao");
    assert_eq!(con_dao.len(), 1);
    assert_eq!(con_dao[0].kind, UnitKind::SpecialZone);

    let hanoi = u.communes_of("01");
    assert_eq!(hanoi.len(), 126, "51 phường and 75 xã");
    assert!(hanoi.iter().all(|c| c.province == "01"));
    assert!(hanoi.windows(2).all(|w| w[0].code < w[1].code));
    assert!(u.communes_of("02").is_empty());
    assert_eq!(u.commune("99999"), None);
}

#[test]
fn former_units_by_code_and_name() {
    let u = units();
    let brvt = u.former_province("77").unwrap();
    assert_eq!(brvt.full_name(), "Tỉnh Bà Rịa - Vũng Tàu");
    assert_eq!(brvt.now, "79");
    assert_eq!(u.former_province_named("ba ria vung tau"), Some(brvt));
    assert_eq!(u.former_province_named("Hà Giang").unwrap().now, "08");
    // Thừa Thiên Huế had become Thành phố Huế on 1 January 2025.
    assert_eq!(u.former_province_named("Huế").unwrap().now, "46");

    let ba_dinh = u.former_district("001").unwrap();
    assert_eq!(ba_dinh.full_name(), "Quận Ba Đình");
    assert_eq!(
        u.former_districts_named("01", "quan ba dinh"),
        vec![ba_dinh]
    );
    // A huyện and a thị xã share the name in Hà Tĩnh.
    let ky_anh = u.former_districts_named("42", "Kỳ Anh");
    assert_eq!(ky_anh.len(), 2);
    assert_eq!(u.former_districts_named("42", "Huyện Kỳ Anh").len(), 1);

    let phuc_xa = u.former_communes_named("01", Some("001"), "Phường Phúc Xá");
    assert_eq!(phuc_xa.len(), 1);
    assert_eq!(phuc_xa[0].code, "00001");
    assert_eq!(u.former_communes_named("01", None, "phuc xa"), phuc_xa);
    assert!(u.former_communes_named("79", None, "Phúc Xá").is_empty());
    assert!(u
        .former_communes_named("01", Some("760"), "Phúc Xá")
        .is_empty());
    // "Phường 1" exists in many districts: scoped by district, one.
    let p1 = u.former_communes_named("79", None, "Phường 1");
    assert!(p1.len() > 3, "{}", p1.len());
    let district = &p1[0].district;
    assert_eq!(
        u.former_communes_named("79", Some(district.as_str()), "Phường 01")
            .len(),
        1
    );

    let new = u.new_units_of("00001").unwrap();
    assert_eq!(new.len(), 1);
    assert!(new[0].default);
    assert_eq!(new[0].commune.full_name(), "Phường Hồng Hà");
    assert_eq!(u.new_units_of("99999"), None);
}

#[test]
fn a_split_commune_maps_to_several_with_one_default() {
    let u = units();
    // Phường Điện Biên (Quận Ba Đình) was divided among four new wards.
    let dien_bien = u.former_commune("00019").unwrap();
    assert_eq!(dien_bien.full_name(), "Phường Điện Biên");
    let new = u.new_units_of("00019").unwrap();
    assert_eq!(new.len(), 4);
    assert!(new[0].default, "the default comes first");
    assert_eq!(new.iter().filter(|n| n.default).count(), 1);
    assert_eq!(new[0].commune.full_name(), "Phường Ba Đình");
    assert!(new.iter().all(|n| n.commune.province == "01"));

    let mut split = 0;
    for p in u.former_provinces() {
        for d in u.former_districts_of(&p.code) {
            for c in u.former_communes_of(&d.code) {
                let new = u.new_units_of(&c.code).unwrap();
                assert_eq!(new.iter().filter(|n| n.default).count(), 1, "{}", c.code);
                assert!(new.iter().all(|n| n.commune.province == p.now));
                split += usize::from(new.len() > 1);
            }
        }
    }
    assert_eq!(split, 471);
}

#[test]
fn island_districts_without_communes_map_whole() {
    let u = units();
    let con_dao = u.new_units_of_district("755");
    assert_eq!(con_dao.len(), 1);
    assert_eq!(con_dao[0].commune.full_name(), "Đặc khu Côn Đảo");
    assert_eq!(con_dao[0].commune.province, "79");
    assert!(u.former_communes_of("755").is_empty());
    assert!(
        u.new_units_of_district("001").is_empty(),
        "Ba Đình's communes map"
    );
}

/// The refusal, checked as core/tests/errors.rs checks every core error:
/// a kind, a code, and a Vietnamese and an English message around one
/// separator.
fn refused(result: Result<Units, UnitsError>) -> UnitsError {
    let err = result.expect_err("the table is refused");
    let (vi, en) = err.messages();
    assert!(!vi.is_empty() && !en.is_empty(), "{err}");
    assert_ne!(vi, en, "two languages: {err}");
    assert!(
        !vi.contains(MESSAGE_SEPARATOR) && !en.contains(MESSAGE_SEPARATOR),
        "one separator: {err}"
    );
    assert_eq!(err.to_string(), format!("{vi}{MESSAGE_SEPARATOR}{en}"));
    assert!(
        matches!(err.kind(), ErrorKind::Damaged | ErrorKind::InvalidInput),
        "{err}"
    );
    err
}

#[test]
fn a_damaged_or_cut_file_is_refused() {
    let bytes = bundled_bytes();
    let mut flipped = bytes.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let err = refused(Units::from_bytes(&flipped));
    assert_eq!(err.kind(), ErrorKind::Damaged, "{err}");

    let err = refused(Units::from_bytes(&bytes[..bytes.len() - 9]));
    assert_eq!(err.kind(), ErrorKind::Damaged, "{err}");
    assert!(matches!(err, UnitsError::Compressed(_)), "{err}");

    assert_eq!(refused(Units::from_bytes(b"")).kind(), ErrorKind::Damaged);
    assert!(matches!(
        refused(Units::from_bytes(b"hoso-units\t1\n")),
        UnitsError::Compressed(_)
    ));
    // The text cut at a line end: the counts no longer add up.
    let text = table_text();
    let end = text.match_indices('\n').nth(5_000).unwrap().0;
    let cut = &text[..=end];
    assert!(matches!(
        refused(read_text(cut)),
        UnitsError::CountMismatch { .. }
    ));
    // Cut inside a line.
    assert!(matches!(
        refused(read_text(&text[..text.len() - 3])),
        UnitsError::Malformed { .. }
    ));
}

#[test]
fn a_hostile_table_is_refused_line_by_line() {
    let text = table_text();
    assert!(read_text(&text).is_ok());
    assert!(matches!(
        refused(read_text("a\tb\n")),
        UnitsError::NotATable
    ));
    assert!(matches!(
        refused(read_text(&text.replacen(
            "hoso-units\t1",
            "hoso-units\t2",
            1
        ))),
        UnitsError::UnsupportedFormat { .. }
    ));
    // A successor that is not in the table.
    let err = refused(read_text(&edited(
        "c\t00001\t001\tPhường\tPhúc Xá\t00097\n",
        "c\t00001\t001\tPhường\tPhúc Xá\t99999\n",
    )));
    assert!(matches!(err, UnitsError::Dangling { .. }), "{err}");
    // A successor in another province.
    let err = refused(read_text(&edited(
        "c\t00001\t001\tPhường\tPhúc Xá\t00097\n",
        "c\t00001\t001\tPhường\tPhúc Xá\t26732\n",
    )));
    assert!(matches!(err, UnitsError::Malformed { .. }), "{err}");
    // A split with no default, and with two.
    for targets in ["00004,00070,00190,00226", "00004*,00070*,00190,00226"] {
        let err = refused(read_text(&edited(
            "Điện Biên\t00004*,00070,00190,00226\n",
            &format!("Điện Biên\t{targets}\n"),
        )));
        assert!(matches!(err, UnitsError::Malformed { .. }), "{err}");
    }
    // A code twice (the counts still add up).
    let err = refused(read_text(&edited(
        "C\t00008\t01\tPhường\tNgọc Hà\n",
        "C\t00004\t01\tPhường\tNgọc Hà\n",
    )));
    assert!(matches!(err, UnitsError::Duplicate { .. }), "{err}");
    // Wrong kind for the level, bad code, control character, extra column.
    for (from, to) in [
        ("P\t01\tThành phố\tHà Nội\n", "P\t01\tXã\tHà Nội\n"),
        ("P\t01\tThành phố\tHà Nội\n", "P\t1\tThành phố\tHà Nội\n"),
        (
            "P\t01\tThành phố\tHà Nội\n",
            "P\t01\tThành phố\tHà\u{7}Nội\n",
        ),
        (
            "P\t01\tThành phố\tHà Nội\n",
            "P\t01\tThành phố\tHà Nội\tx\n",
        ),
        ("P\t01\tThành phố\tHà Nội\n", "P\t01\tThành phố\t\n"),
    ] {
        let err = refused(read_text(&edited(from, to)));
        assert!(
            matches!(err, UnitsError::Malformed { line: 5, .. }),
            "{err}"
        );
    }
    // Counts declared wrong, or too large to be believed.
    let err = refused(read_text(&text.replacen("counts\t34\t", "counts\t35\t", 1)));
    assert!(matches!(err, UnitsError::CountMismatch { .. }), "{err}");
    let err = refused(read_text(&text.replacen(
        "counts\t34\t",
        "counts\t9999999999\t",
        1,
    )));
    assert!(
        matches!(err, UnitsError::Malformed { line: 4, .. }),
        "{err}"
    );
    // A unit's code never reaches a message unless it looks like a code.
    let err = refused(read_text(&edited(
        "c\t00001\t001\tPhường\tPhúc Xá\t00097\n",
        "c\t00001\t001\tPhường\tPhúc Xá\t00097,0912345678*\n",
    )));
    assert!(!err.to_string().contains("0912345678"), "{err}");
}

#[test]
fn oversized_input_and_gzip_bombs_are_bounded() {
    let big = vec![0u8; 2 * 1024 * 1024 + 1];
    let err = refused(Units::from_bytes(&big));
    assert_eq!(err.error_code(), "too_large");
    // 64 MiB of one byte compresses to about 64 KiB.
    let mut bomb = GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b'a'; 1024 * 1024];
    for _ in 0..64 {
        bomb.write_all(&block).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    assert!(bomb.len() < 2 * 1024 * 1024);
    let err = refused(Units::from_bytes(&bomb));
    assert_eq!(err.error_code(), "too_large");
    assert!(matches!(err, UnitsError::Limit(_)));
    // Not UTF-8.
    assert!(matches!(
        refused(Units::from_bytes(&gzip(b"hoso-units\t1\n\xff\n"))),
        UnitsError::NotText
    ));
}

#[test]
fn reading_the_table_again_gives_the_same_units() {
    let start = std::time::Instant::now();
    let again = Units::from_bytes(bundled_bytes()).unwrap();
    // Printed for docs/addresses.md (`-- --nocapture`); no bound asserted.
    eprintln!("table read and indexed in {:?}", start.elapsed());
    let u = units();
    assert_eq!(again.version(), u.version());
    assert_eq!(again.communes(), u.communes());
    assert_eq!(again.former_provinces(), u.former_provinces());
}

#[test]
fn every_unit_is_found_by_its_own_names() {
    let u = units();
    for p in u.provinces() {
        assert_eq!(u.province_named(&p.name), Some(p));
        assert_eq!(u.province_named(&p.full_name()), Some(p));
        assert_eq!(u.province(&p.code), Some(p));
        for c in u.communes_of(&p.code) {
            assert_eq!(u.commune(&c.code), Some(c));
            let named = u.communes_named(&p.code, &c.full_name());
            assert_eq!(named.first(), Some(&c), "{}", c.full_name());
            assert!(u.communes_named(&p.code, &c.name).contains(&c));
        }
    }
    for p in u.former_provinces() {
        assert_eq!(u.former_province_named(&p.name), Some(p));
        assert_eq!(u.former_province(&p.code), Some(p));
        for d in u.former_districts_of(&p.code) {
            assert_eq!(u.former_district(&d.code), Some(d));
            let named = u.former_districts_named(&p.code, &d.full_name());
            assert_eq!(named.first(), Some(&d), "{}", d.full_name());
            for c in u.former_communes_of(&d.code) {
                assert_eq!(u.former_commune(&c.code), Some(c));
                let named = u.former_communes_named(&p.code, Some(&d.code), &c.full_name());
                assert_eq!(named.first(), Some(&c), "{}", c.full_name());
            }
        }
    }
}
