//! Parsing one crawled page (`SourceRecord`) into a structured `Procedure`.
//! Each flattened table section has its own submodule; this module only wires
//! them together and enforces the one rule they share: a section's text is
//! never dropped. When a parser cannot account for all of its section (or
//! finds nothing it recognises), the section's source text is kept verbatim
//! in `Procedure::raw` under the source key.

mod channels;
mod documents;
mod legal;
mod lists;
mod results;
mod scan;
mod steps;

use super::source::SourceRecord;
use super::{Agencies, Procedure};
use std::collections::BTreeMap;

/// What a section parser made of its text.
struct Parsed<T> {
    items: Vec<T>,
    /// False when some of the text could not be placed in `items`.
    complete: bool,
}

impl<T> Parsed<T> {
    fn new(items: Vec<T>, complete: bool) -> Self {
        Parsed { items, complete }
    }
}

/// Parses one record. Never fails: unparsed text lands in `raw`.
pub fn parse_record(src: &SourceRecord) -> Procedure {
    let mut raw = BTreeMap::new();
    let levels = section(&mut raw, "cap_thuc_hien", &src.cap_thuc_hien, lists::levels);
    let target_groups = section(
        &mut raw,
        "doi_tuong_thuc_hien",
        &src.doi_tuong_thuc_hien,
        lists::target_groups,
    );
    let competent = section(
        &mut raw,
        "co_quan_co_tham_quyen",
        &src.co_quan_co_tham_quyen,
        lists::agencies,
    );
    let implementing = section(
        &mut raw,
        "co_quan_thuc_hien",
        &src.co_quan_thuc_hien,
        lists::agencies,
    );
    let authorized = section(
        &mut raw,
        "co_quan_duoc_uy_quyen",
        &src.co_quan_duoc_uy_quyen,
        lists::agencies,
    );
    let coordinating = section(
        &mut raw,
        "co_quan_phoi_hop",
        &src.co_quan_phoi_hop,
        lists::agencies,
    );
    let channels = section(
        &mut raw,
        "cach_thuc_thuc_hien",
        &src.cach_thuc_thuc_hien,
        channels::parse,
    );
    let documents = section(
        &mut raw,
        "thanh_phan_ho_so",
        &src.thanh_phan_ho_so,
        documents::parse,
    );
    let steps = section(
        &mut raw,
        "trinh_tu_thuc_hien",
        &src.trinh_tu_thuc_hien,
        steps::parse,
    );
    let legal_basis = section(
        &mut raw,
        "can_cu_phap_ly",
        &src.can_cu_phap_ly,
        legal::parse,
    );
    let results = section(
        &mut raw,
        "ket_qua_xu_ly",
        &src.ket_qua_xu_ly,
        results::parse,
    );
    let conditions = section(
        &mut raw,
        "yeu_cau_dieu_kien",
        &src.yeu_cau_dieu_kien,
        lists::conditions,
    );
    let related = section(
        &mut raw,
        "thu_tuc_lien_quan",
        &src.thu_tuc_lien_quan,
        lists::related,
    );
    let receiving_address = if scan::is_blank(&src.dia_chi_tiep_nhan) {
        String::new()
    } else {
        src.dia_chi_tiep_nhan.trim().to_string()
    };
    Procedure {
        code: src.ma_thu_tuc.trim().to_string(),
        name: src.ten_thu_tuc.trim().to_string(),
        decision_number: src.so_quyet_dinh.trim().to_string(),
        kind: src.loai_thu_tuc.trim().to_string(),
        field: src.linh_vuc.trim().to_string(),
        source_url: src.detail_url.trim().to_string(),
        ministry: src.ministry_folder.trim().to_string(),
        levels,
        target_groups,
        agencies: Agencies {
            competent,
            implementing,
            authorized,
            coordinating,
        },
        receiving_address,
        online: channels
            .iter()
            .any(|c| c.channel == super::ChannelKind::Online),
        channels,
        documents,
        steps,
        legal_basis,
        results,
        conditions,
        related,
        raw,
    }
}

/// Runs one section parser; keeps the source text in `raw` unless the parser
/// accounted for all of it.
fn section<T>(
    raw: &mut BTreeMap<String, String>,
    key: &str,
    text: &str,
    parse: fn(&str) -> Parsed<T>,
) -> Vec<T> {
    if scan::is_blank(text) {
        return Vec::new();
    }
    let parsed = parse(text);
    if !parsed.complete || parsed.items.is_empty() {
        raw.insert(key.to_string(), text.to_string());
    }
    parsed.items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ChannelKind, Level};

    #[test]
    fn unparseable_sections_are_kept_verbatim_in_raw() {
        let src = SourceRecord {
            ma_thu_tuc: " 1.000001 ".into(),
            cap_thuc_hien: "Cấp xã, Cấp huyện".into(),
            cach_thuc_thuc_hien: "không phải bảng".into(),
            thanh_phan_ho_so: "--".into(),
            can_cu_phap_ly: "Không có thông tin".into(),
            ket_qua_xu_ly: "".into(),
            ..Default::default()
        };
        let p = parse_record(&src);
        assert_eq!(p.code, "1.000001");
        assert_eq!(p.levels, [Level::Commune]);
        assert_eq!(
            p.raw.get("cap_thuc_hien").map(String::as_str),
            Some("Cấp xã, Cấp huyện")
        );
        assert_eq!(
            p.raw.get("cach_thuc_thuc_hien").map(String::as_str),
            Some("không phải bảng")
        );
        assert!(p.channels.is_empty() && !p.online);
        assert!(!p.raw.contains_key("thanh_phan_ho_so"));
        assert!(!p.raw.contains_key("can_cu_phap_ly"));
    }

    #[test]
    fn odd_fragments_never_panic_and_never_vanish() {
        let fragments = [
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến",
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1(((",
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp9999999999999999999999 VNĐ(",
            "Tên giấy tờMẫu đơn, tờ khaiSố lượng1 bản chính",
            "Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn.docx1 bản sao,",
            "Tên văn bản pháp lýMã văn bản/2020/2020//NĐ-",
            "Tên văn bản pháp lýMã văn bản20202020202020/2020/QH",
            "Mã:Mã: Mã:KQ",
            "#Tên thủ tục#1#",
            "Bước 1Bước 2Bước",
            "(",
            "đ",
        ];
        for text in fragments {
            let src = SourceRecord {
                ma_thu_tuc: "1.1".into(),
                cap_thuc_hien: text.into(),
                doi_tuong_thuc_hien: text.into(),
                co_quan_thuc_hien: text.into(),
                cach_thuc_thuc_hien: text.into(),
                thanh_phan_ho_so: text.into(),
                trinh_tu_thuc_hien: text.into(),
                can_cu_phap_ly: text.into(),
                ket_qua_xu_ly: text.into(),
                yeu_cau_dieu_kien: text.into(),
                thu_tuc_lien_quan: text.into(),
                ..Default::default()
            };
            let p = parse_record(&src);
            let kept = |key: &str, structured: bool| structured || p.raw.contains_key(key);
            assert!(
                kept("cach_thuc_thuc_hien", !p.channels.is_empty()),
                "{text}"
            );
            assert!(kept("thanh_phan_ho_so", !p.documents.is_empty()), "{text}");
            assert!(kept("can_cu_phap_ly", !p.legal_basis.is_empty()), "{text}");
            assert!(kept("ket_qua_xu_ly", !p.results.is_empty()), "{text}");
            assert!(kept("thu_tuc_lien_quan", !p.related.is_empty()), "{text}");
        }
    }

    #[test]
    fn online_follows_the_channels() {
        let src = SourceRecord {
            ma_thu_tuc: "1.1".into(),
            cach_thuc_thuc_hien: "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phí".into(),
            ..Default::default()
        };
        let p = parse_record(&src);
        assert!(p.online);
        assert_eq!(p.channels[0].channel, ChannelKind::Online);
        assert!(p.raw.is_empty());
    }
}
