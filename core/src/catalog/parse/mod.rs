//! Parsing one crawled page (`SourceRecord`) into a structured `Procedure`.
//! Each flattened table section has its own submodule; whatever a submodule
//! cannot parse is kept verbatim in `Procedure::raw`.

use super::source::SourceRecord;
use super::*;

/// Parses one record. Never fails: unparsed text lands in `raw`.
pub fn parse_record(src: &SourceRecord) -> Procedure {
    Procedure {
        code: src.ma_thu_tuc.trim().to_string(),
        name: src.ten_thu_tuc.trim().to_string(),
        decision_number: src.so_quyet_dinh.trim().to_string(),
        kind: src.loai_thu_tuc.trim().to_string(),
        field: src.linh_vuc.trim().to_string(),
        source_url: src.detail_url.trim().to_string(),
        ministry: src.ministry_folder.trim().to_string(),
        levels: src
            .cap_thuc_hien
            .split(',')
            .filter_map(Level::parse)
            .collect(),
        target_groups: vec![],
        agencies: Agencies::default(),
        receiving_address: String::new(),
        channels: vec![],
        documents: vec![],
        steps: vec![],
        legal_basis: vec![],
        results: vec![],
        conditions: vec![],
        related: vec![],
        online: false,
        raw: Default::default(),
    }
}
