//! The picker on the bundled table: the ways people type, ranking, scope,
//! former names, and hostile input.

use super::{FormerLevel, Level, MatchQuality, PlaceMatch};
use crate::{bundled, UnitKind, Units};

fn units() -> &'static Units {
    bundled().expect("the bundled table reads")
}

fn search(q: &str) -> Vec<PlaceMatch> {
    units().search(q, None, 10)
}

fn first(q: &str) -> String {
    search(q)
        .first()
        .map(|m| m.code.clone())
        .unwrap_or_default()
}

fn first_in(q: &str, province: &str) -> String {
    units()
        .search(q, Some(province), 10)
        .first()
        .map(|m| m.code.clone())
        .unwrap_or_default()
}

#[test]
fn typed_the_way_people_type() {
    // Phường Bến Thành (79), any spelling.
    for q in [
        "Phường Bến Thành",
        "phuong ben thanh",
        "P. Bến Thành",
        "p.ben thanh",
        "P Ben Thanh",
        "F.ben thanh",
        "  BEN   THANH ",
        "bến thanh",
        "ben thành",
        "ben tha",
        "ben thnah",
        "ben thanh hcm",
        "ben thanh, tp.hcm",
        "ben thanh thanh pho ho chi minh",
        "ben thanh ho ch",
    ] {
        assert_eq!(first(q), "26743", "{q}");
    }
    assert_eq!(first("Đặc khu Phú Quốc"), "31078");
    assert_eq!(first("dac khu phu quoc"), "31078");
    assert_eq!(first("dk phu quoc"), "31078");
    // i/y and đ/d.
    assert_eq!(first("Xã Mĩ Đức"), first("xa my duc"));
}

#[test]
fn provinces_first_on_equal_match_and_type_words_break_ties() {
    let m = search("ha noi");
    assert_eq!(m[0].level, Level::Province);
    assert_eq!(m[0].code, "01");
    assert_eq!(first("tp hcm"), "79");
    assert_eq!(first("hcm"), "79");
    assert_eq!(first("tinh nghe an"), "40");
    assert_eq!(first("thanh pho hue"), "46");
    // Tân Định: a xã in Khánh Hòa, a phường in Hồ Chí Minh.
    assert_eq!(first("phuong tan dinh"), "26737");
    assert_eq!(first("Xã Tân Định"), "22576");
    // Typed with its marks, "Tân Dĩnh" (Bắc Ninh) is not "Tân Định".
    assert_eq!(first("tân dĩnh"), "07432");
    assert_eq!(first("tân đị"), "22576");
    // Exact before prefix before typo.
    let q: Vec<MatchQuality> = search("ba dinh").iter().map(|m| m.quality).collect();
    assert!(q.windows(2).all(|w| w[0] <= w[1]), "{q:?}");
}

#[test]
fn scoped_to_the_chosen_province() {
    assert_eq!(first_in("hai chau", "48"), "20242");
    assert_eq!(first_in("hai chau", "40"), "17419");
    let all = units().search("an", Some("79"), 100);
    assert!(!all.is_empty());
    assert!(all
        .iter()
        .all(|m| m.province.code == "79" && m.level == Level::Commune));
    assert!(units().search("an", Some("00"), 10).is_empty());
    assert!(units().search("an", Some("ha noi"), 10).is_empty());
    // The province typed after a name narrows it.
    assert_eq!(first("ba dinh ha noi"), "00004");
    assert_eq!(first("ba dinh thanh hoa"), "16171");
}

#[test]
fn former_names_offer_the_new_units() {
    let m = search("ben nghe");
    assert_eq!(m[0].code, "26740");
    assert_eq!(m[0].name, "Phường Sài Gòn");
    let f = m[0].former.as_ref().unwrap();
    assert_eq!(f.level, FormerLevel::Commune);
    assert_eq!(f.name, "Phường Bến Nghé");
    assert_eq!(f.district.as_ref().unwrap().name, "Quận 1");
    // A split township: every new unit offered, the default first.
    let m = search("thi tran dong anh");
    assert_eq!(m[0].code, "00466");
    let split: Vec<(&str, bool, bool)> = m
        .iter()
        .filter_map(|m| {
            let f = m.former.as_ref()?;
            (f.name == "Thị trấn Đông Anh").then_some((m.code.as_str(), f.split, f.default))
        })
        .collect();
    assert_eq!(
        split,
        [
            ("00466", true, true),
            ("00454", true, false),
            ("00475", true, false)
        ]
    );
    // An island district, a former province.
    assert_eq!(first("huyen con dao"), "26732");
    assert_eq!(first("ba ria vung tau"), "79");
    // Direct matches before former ones of equal quality: Phường Dĩ An is
    // also the name of the former ward it continues.
    let m = search("di an");
    assert!(m[0].former.is_none());
}

#[test]
fn numbered_wards() {
    for q in [
        "P1 Bảo Lộc",
        "phuong 1 bao loc",
        "Phường 01 Bảo Lộc",
        "p.01 bao loc",
    ] {
        assert_eq!(first(q), "24823", "{q}");
    }
    let m = units().search("p1", Some("79"), 10);
    assert!(!m.is_empty());
    assert!(m.iter().all(|m| m.former.is_some()));
}

#[test]
fn only_a_type_word_lists_that_kind() {
    let m = units().search("đặc khu", None, 20);
    assert_eq!(m.len(), 13);
    assert!(m.iter().all(|m| m.kind == UnitKind::SpecialZone));
    let m = units().search("phuong ", Some("01"), 100);
    assert!(m.iter().any(|m| m.code == "00004"));
}

#[test]
fn hostile_input_answers_without_panicking() {
    let long = "phường bến thành ".repeat(6_000); // about 100 KB
    for q in [
        "",
        " ",
        "\u{0}\u{1}\u{7f}\t\r\n",
        "😀🇻🇳👍🏽",
        "?!.,;:-–—…()[]{}'\"",
        long.as_str(),
        &"a".repeat(100_000),
        &"đ".repeat(50_000),
        "p",
        "0",
        "p0000000000000000000000000000000000000001",
        "\u{301}\u{302}",
        "ﷺ𒐫",
    ] {
        let m = units().search(q, None, 10);
        assert!(m.len() <= 10);
        let m = units().search(q, Some("79"), usize::MAX);
        assert!(m.len() <= super::MAX_ANSWERS);
    }
    assert!(search("").is_empty());
    assert!(units().search("ben thanh", None, 0).is_empty());
}

#[test]
fn answers_serialize_as_the_cli_prints_them() {
    let m = search("ben nghe");
    let json = serde_json::to_value(&m[0]).unwrap();
    assert_eq!(json["level"], "commune");
    assert_eq!(json["code"], "26740");
    assert_eq!(json["type"], "ward");
    assert_eq!(json["province"]["code"], "79");
    assert_eq!(json["province"]["name"], "Thành phố Hồ Chí Minh");
    assert_eq!(json["quality"], "exact");
    assert_eq!(json["former"]["level"], "commune");
    assert_eq!(json["former"]["code"], "26740");
    assert_eq!(json["former"]["default"], true);
    let json = serde_json::to_value(&search("ha noi")[0]).unwrap();
    assert!(json.get("former").is_none());
    assert_eq!(json["type"], "city");
}

#[test]
fn every_unit_is_found_first_by_its_official_name() {
    let u = units();
    for c in u.communes() {
        let full = c.full_name();
        let m = u.search(&full, Some(&c.province), 5);
        // Several units of a province may share a name folded (a xã and a
        // phường typed with the same marks never do): the first carries it.
        assert_eq!(m[0].name, full, "{full} in {}", c.province);
        assert!(m.iter().any(|m| m.code == c.code), "{full}");
    }
    for p in u.provinces() {
        assert_eq!(u.search(&p.full_name(), None, 1)[0].code, p.code);
        assert_eq!(u.search(&p.name, None, 1)[0].code, p.code);
    }
}
