//! Parse coverage of a catalog: for each section, how many procedures have it
//! (`present`: structured, or text kept in `raw`) and how many had it fully
//! parsed (`parsed`: structured and nothing of it left in `raw`). Printed by
//! `hoso catalog stats --json`.

use super::Procedure;
use serde::Serialize;
use std::collections::BTreeMap;

/// Coverage of the whole catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CatalogStats {
    pub procedures: usize,
    /// Procedures with at least one section kept unparsed in `raw`.
    pub with_raw_sections: usize,
    /// Procedures that can be submitted online.
    pub online: usize,
    /// Per section name (`channels`, `documents`, `legal_basis`, …).
    pub sections: BTreeMap<String, SectionStats>,
}

/// Coverage of one section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SectionStats {
    pub present: usize,
    pub parsed: usize,
    /// `parsed / present` in percent, one decimal; `null` when no procedure
    /// has the section.
    pub percent: Option<f64>,
}

impl CatalogStats {
    /// The stats of one section by name.
    pub fn section(&self, name: &str) -> Option<&SectionStats> {
        self.sections.get(name)
    }
}

/// A section: its name, its source keys (the `raw` keys it may leave text
/// under) and whether the procedure holds structure for it.
struct Section {
    name: &'static str,
    keys: &'static [&'static str],
    structured: fn(&Procedure) -> bool,
}

const SECTIONS: [Section; 11] = [
    Section {
        name: "levels",
        keys: &["cap_thuc_hien"],
        structured: |p| !p.levels.is_empty(),
    },
    Section {
        name: "target_groups",
        keys: &["doi_tuong_thuc_hien"],
        structured: |p| !p.target_groups.is_empty(),
    },
    Section {
        name: "agencies",
        keys: &[
            "co_quan_co_tham_quyen",
            "co_quan_thuc_hien",
            "co_quan_duoc_uy_quyen",
            "co_quan_phoi_hop",
        ],
        structured: |p| {
            let a = &p.agencies;
            [
                &a.competent,
                &a.implementing,
                &a.authorized,
                &a.coordinating,
            ]
            .iter()
            .any(|l| !l.is_empty())
        },
    },
    Section {
        name: "receiving_address",
        keys: &["dia_chi_tiep_nhan"],
        structured: |p| !p.receiving_address.is_empty(),
    },
    Section {
        name: "channels",
        keys: &["cach_thuc_thuc_hien"],
        structured: |p| !p.channels.is_empty(),
    },
    Section {
        name: "documents",
        keys: &["thanh_phan_ho_so"],
        structured: |p| !p.documents.is_empty(),
    },
    Section {
        name: "steps",
        keys: &["trinh_tu_thuc_hien"],
        structured: |p| !p.steps.is_empty(),
    },
    Section {
        name: "legal_basis",
        keys: &["can_cu_phap_ly"],
        structured: |p| !p.legal_basis.is_empty(),
    },
    Section {
        name: "results",
        keys: &["ket_qua_xu_ly"],
        structured: |p| !p.results.is_empty(),
    },
    Section {
        name: "conditions",
        keys: &["yeu_cau_dieu_kien"],
        structured: |p| !p.conditions.is_empty(),
    },
    Section {
        name: "related",
        keys: &["thu_tuc_lien_quan"],
        structured: |p| !p.related.is_empty(),
    },
];

pub fn compute(procedures: &[Procedure]) -> CatalogStats {
    let sections = SECTIONS
        .iter()
        .map(|s| (s.name.to_string(), section_stats(procedures, s)))
        .collect();
    CatalogStats {
        procedures: procedures.len(),
        with_raw_sections: procedures.iter().filter(|p| !p.raw.is_empty()).count(),
        online: procedures.iter().filter(|p| p.online).count(),
        sections,
    }
}

fn section_stats(procedures: &[Procedure], section: &Section) -> SectionStats {
    let mut present = 0;
    let mut parsed = 0;
    for p in procedures {
        let structured = (section.structured)(p);
        let in_raw = section.keys.iter().any(|k| p.raw.contains_key(*k));
        present += usize::from(structured || in_raw);
        parsed += usize::from(structured && !in_raw);
    }
    let percent = (present > 0).then(|| (parsed as f64 * 1000.0 / present as f64).round() / 10.0);
    SectionStats {
        present,
        parsed,
        percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{parse::parse_record, source::SourceRecord};

    fn procedure(channels: &str) -> Procedure {
        parse_record(&SourceRecord {
            ma_thu_tuc: "1.1".into(),
            cach_thuc_thuc_hien: channels.into(),
            ..Default::default()
        })
    }

    #[test]
    fn present_and_parsed_per_section() {
        let procedures = [
            procedure("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phí"),
            procedure("chữ không phải bảng"),
            procedure(""),
        ];
        let stats = compute(&procedures);
        assert_eq!(stats.procedures, 3);
        assert_eq!(stats.online, 1);
        assert_eq!(stats.with_raw_sections, 1);
        let channels = stats.section("channels").copied().unwrap_or_default();
        assert_eq!(
            channels,
            SectionStats {
                present: 2,
                parsed: 1,
                percent: Some(50.0)
            }
        );
        assert_eq!(stats.section("legal_basis").map(|s| s.percent), Some(None));
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_value(compute(&[procedure("")])).unwrap_or_default();
        assert_eq!(json["procedures"], 1);
        assert_eq!(json["sections"]["channels"]["present"], 0);
        assert!(json["sections"]["channels"]["percent"].is_null());
    }
}
