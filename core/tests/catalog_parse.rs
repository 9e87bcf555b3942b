//! Parses the real national-portal crawl (2,642 procedures) and checks the
//! structured catalog: required examples, coverage of the main sections, and
//! that no section's text is lost (structured or kept in `raw`).

use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::{read_records, SourceRecord};
use hoso_core::catalog::stats::compute;
use hoso_core::catalog::{ChannelKind, Procedure, TimeUnit};
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

fn catalog() -> &'static (Vec<SourceRecord>, Vec<Procedure>) {
    static CATALOG: OnceLock<(Vec<SourceRecord>, Vec<Procedure>)> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let records = read_records(Path::new(DATA)).expect("the shared crawl is readable");
        let procedures = records.iter().map(parse_record).collect();
        (records, procedures)
    })
}

fn procedure(code: &str) -> &'static Procedure {
    catalog()
        .1
        .iter()
        .find(|p| p.code == code)
        .expect("procedure in the crawl")
}

#[test]
fn every_record_parses_with_a_unique_code() {
    let (records, procedures) = catalog();
    assert_eq!(records.len(), 2642);
    assert_eq!(procedures.len(), 2642);
    let codes: HashSet<&str> = procedures.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes.len(), 2642);
    assert!(procedures
        .iter()
        .all(|p| !p.name.is_empty() && !p.levels.is_empty()));
}

#[test]
fn dang_ky_thuong_tru() {
    let p = procedure("1.004222");
    assert_eq!(p.name, "Đăng ký thường trú");
    assert!(p.online);
    let summary: Vec<_> = p
        .channels
        .iter()
        .map(|c| {
            let fees: Vec<_> = c.fees.iter().map(|f| f.amount_vnd).collect();
            (
                c.channel,
                c.processing_time.value,
                c.processing_time.unit,
                fees,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                ChannelKind::Online,
                Some(7.0),
                Some(TimeUnit::WorkingDay),
                vec![Some(10_000)]
            ),
            (
                ChannelKind::InPerson,
                Some(7.0),
                Some(TimeUnit::WorkingDay),
                vec![Some(20_000)]
            ),
        ]
    );
    let codes: Vec<_> = p.results.iter().filter_map(|r| r.code.as_deref()).collect();
    assert!(codes.contains(&"KQ.G01.000064"), "{codes:?}");
    assert!(p
        .legal_basis
        .iter()
        .any(|l| l.number == "68/2020/QH14" && l.title == "Luật Cư trú 2020"));
    assert!(p
        .documents
        .iter()
        .any(|d| d.group == "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"));
    assert!(p.steps.len() >= 5, "{:?}", p.steps);
    assert!(!p.raw.contains_key("cach_thuc_thuc_hien"));
}

#[test]
fn dang_ky_khai_sinh() {
    let p = procedure("1.001193");
    assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
    assert!(!p.channels.is_empty());
    assert!(p
        .channels
        .iter()
        .flat_map(|c| &c.fees)
        .all(|f| f.amount_vnd == Some(0)));
    assert!(p.channels.iter().any(|c| !c.fees.is_empty()));
    assert!(p.documents.iter().any(|d| d.group == "Giấy tờ phải nộp"));
    assert!(p
        .documents
        .iter()
        .any(|d| d.group == "Giấy tờ phải xuất trình"));
}

#[test]
fn main_sections_are_at_least_98_percent_parsed() {
    let stats = compute(&catalog().1);
    assert_eq!(stats.procedures, 2642);
    for name in ["channels", "documents", "legal_basis", "results"] {
        let s = stats.section(name).copied().unwrap_or_default();
        let percent = s.percent.unwrap_or_default();
        assert!(percent >= 98.0, "{name}: {s:?}");
    }
}

/// What the parser treats as an empty section ("Không có thông tin", "--",
/// a bare "Không."), restated here so the test does not lean on the parser.
fn blank(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    t.is_empty()
        || t.chars().all(|c| c == '-')
        || [
            "không có thông tin",
            "không",
            "không có",
            "không quy định",
            "khôg quy định",
            "khồng",
        ]
        .contains(&t.as_str())
}

#[test]
fn no_section_text_is_lost() {
    let (records, procedures) = catalog();
    for (src, p) in records.iter().zip(procedures) {
        let a = &p.agencies;
        let sections: [(&str, &str, bool); 16] = [
            ("cap_thuc_hien", &src.cap_thuc_hien, !p.levels.is_empty()),
            (
                "doi_tuong_thuc_hien",
                &src.doi_tuong_thuc_hien,
                !p.target_groups.is_empty(),
            ),
            (
                "co_quan_co_tham_quyen",
                &src.co_quan_co_tham_quyen,
                !a.competent.is_empty(),
            ),
            (
                "co_quan_thuc_hien",
                &src.co_quan_thuc_hien,
                !a.implementing.is_empty(),
            ),
            (
                "co_quan_duoc_uy_quyen",
                &src.co_quan_duoc_uy_quyen,
                !a.authorized.is_empty(),
            ),
            (
                "co_quan_phoi_hop",
                &src.co_quan_phoi_hop,
                !a.coordinating.is_empty(),
            ),
            (
                "dia_chi_tiep_nhan",
                &src.dia_chi_tiep_nhan,
                !p.receiving_address.is_empty(),
            ),
            (
                "cach_thuc_thuc_hien",
                &src.cach_thuc_thuc_hien,
                !p.channels.is_empty(),
            ),
            (
                "thanh_phan_ho_so",
                &src.thanh_phan_ho_so,
                !p.documents.is_empty(),
            ),
            (
                "trinh_tu_thuc_hien",
                &src.trinh_tu_thuc_hien,
                !p.steps.is_empty(),
            ),
            (
                "can_cu_phap_ly",
                &src.can_cu_phap_ly,
                !p.legal_basis.is_empty(),
            ),
            ("ket_qua_xu_ly", &src.ket_qua_xu_ly, !p.results.is_empty()),
            (
                "yeu_cau_dieu_kien",
                &src.yeu_cau_dieu_kien,
                !p.conditions.is_empty(),
            ),
            (
                "thu_tuc_lien_quan",
                &src.thu_tuc_lien_quan,
                !p.related.is_empty(),
            ),
            ("ten_thu_tuc", &src.ten_thu_tuc, !p.name.is_empty()),
            (
                "so_quyet_dinh",
                &src.so_quyet_dinh,
                !p.decision_number.is_empty(),
            ),
        ];
        for (key, text, structured) in sections {
            if blank(text) {
                continue;
            }
            let kept = p.raw.get(key).map(String::as_str) == Some(text);
            assert!(structured || kept, "{}: {key} lost: {text:?}", p.code);
            if let Some(raw) = p.raw.get(key) {
                assert_eq!(raw, text, "{}: {key} not verbatim", p.code);
            }
        }
    }
}

/// Cuts `s` near `fraction` of its length, on a character boundary.
fn cut(s: &str, fraction: f64) -> String {
    let target = (s.len() as f64 * fraction) as usize;
    let at = (0..=target)
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    s[..at].to_string()
}

#[test]
fn truncated_sections_never_panic() {
    let (records, _) = catalog();
    for src in records.iter().step_by(5) {
        for fraction in [0.13, 0.5, 0.77] {
            let t = SourceRecord {
                cap_thuc_hien: cut(&src.cap_thuc_hien, fraction),
                doi_tuong_thuc_hien: cut(&src.doi_tuong_thuc_hien, fraction),
                cach_thuc_thuc_hien: cut(&src.cach_thuc_thuc_hien, fraction),
                thanh_phan_ho_so: cut(&src.thanh_phan_ho_so, fraction),
                trinh_tu_thuc_hien: cut(&src.trinh_tu_thuc_hien, fraction),
                can_cu_phap_ly: cut(&src.can_cu_phap_ly, fraction),
                ket_qua_xu_ly: cut(&src.ket_qua_xu_ly, fraction),
                yeu_cau_dieu_kien: cut(&src.yeu_cau_dieu_kien, fraction),
                ..src.clone()
            };
            let p = parse_record(&t);
            assert_eq!(p.code, src.ma_thu_tuc.trim());
        }
    }
}
