//! The structured form of one administrative procedure (thủ tục hành chính),
//! as parsed from a national-portal page. This is the catalog's public data
//! model: what `hoso catalog show CODE --json` prints and what bundles carry.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One administrative procedure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    /// National procedure code, e.g. `1.004222`.
    pub code: String,
    pub name: String,
    pub decision_number: String,
    /// "Loại thủ tục", e.g. "TTHC được giao luật quy định chi tiết".
    pub kind: String,
    /// "Lĩnh vực", e.g. "Hộ tịch".
    pub field: String,
    pub source_url: String,
    /// Ministry folder the page was crawled under, e.g. `bo-tu-phap`.
    pub ministry: String,
    pub levels: Vec<Level>,
    pub target_groups: Vec<String>,
    pub agencies: Agencies,
    /// "Địa chỉ tiếp nhận hồ sơ" when the page gives one.
    pub receiving_address: String,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    pub steps: Vec<String>,
    pub legal_basis: Vec<LegalDocument>,
    pub results: Vec<ProcedureResult>,
    pub conditions: Vec<String>,
    /// "Thủ tục hành chính liên quan", as listed on the page.
    pub related: Vec<String>,
    /// True when at least one channel is online.
    pub online: bool,
    /// Section text that could not be parsed, kept verbatim, keyed by the
    /// source section key (e.g. `cach_thuc_thuc_hien`). Never dropped.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub raw: BTreeMap<String, String>,
}

/// Administrative level at which a procedure is carried out ("Cấp thực hiện").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp bộ
    Ministry,
    /// Cấp tỉnh
    Province,
    /// Cấp xã
    Commune,
    /// Cơ quan khác
    Other,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Ministry,
        Level::Province,
        Level::Commune,
        Level::Other,
    ];

    /// The JSON / CLI name (`ministry`, `province`, `commune`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ministry => "ministry",
            Level::Province => "province",
            Level::Commune => "commune",
            Level::Other => "other",
        }
    }

    /// Vietnamese label as printed on the portal.
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Ministry => "Cấp bộ",
            Level::Province => "Cấp tỉnh",
            Level::Commune => "Cấp xã",
            Level::Other => "Cơ quan khác",
        }
    }

    /// Parses the CLI / JSON name or the Vietnamese label (with or without diacritics).
    pub fn parse(s: &str) -> Option<Level> {
        let folded = crate::text::fold(s.trim());
        match folded.as_str() {
            "ministry" | "cap bo" | "bo" => Some(Level::Ministry),
            "province" | "cap tinh" | "tinh" => Some(Level::Province),
            "commune" | "cap xa" | "xa" => Some(Level::Commune),
            "other" | "co quan khac" | "khac" => Some(Level::Other),
            _ => None,
        }
    }
}

/// Agencies involved in a procedure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Agencies {
    /// Cơ quan có thẩm quyền
    pub competent: Vec<String>,
    /// Cơ quan thực hiện
    pub implementing: Vec<String>,
    /// Cơ quan được ủy quyền
    pub authorized: Vec<String>,
    /// Cơ quan phối hợp
    pub coordinating: Vec<String>,
}

/// How a dossier may be submitted ("Hình thức nộp").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Trực tuyến
    Online,
    /// Trực tiếp
    InPerson,
    /// Dịch vụ bưu chính
    Postal,
}

impl ChannelKind {
    /// Every channel, in the order forms offer them.
    pub const ALL: [ChannelKind; 3] = [
        ChannelKind::Online,
        ChannelKind::InPerson,
        ChannelKind::Postal,
    ];

    /// The wire name (`online`, `in_person`, `postal`), as the Portal API
    /// and the CLI spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Online => "online",
            ChannelKind::InPerson => "in_person",
            ChannelKind::Postal => "postal",
        }
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A filing channel name that is none of `online`, `in_person`, `postal`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kênh nộp không hợp lệ: {shown} (dùng online, in_person hoặc postal) / unknown filing channel: {shown} (use online, in_person or postal)", shown = crate::text::shown_if_identifier(.0))]
pub struct UnknownChannel(pub String);

impl UnknownChannel {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        "unknown_channel"
    }
}

impl std::str::FromStr for ChannelKind {
    type Err = UnknownChannel;

    fn from_str(s: &str) -> Result<ChannelKind, UnknownChannel> {
        ChannelKind::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| UnknownChannel(s.to_string()))
    }
}

/// One submission channel with its processing time and fees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub channel: ChannelKind,
    pub processing_time: ProcessingTime,
    pub fees: Vec<Fee>,
    /// The "Mô tả" column, when present.
    pub note: Option<String>,
}

/// Processing time ("Thời gian").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessingTime {
    pub value: Option<f64>,
    pub unit: Option<TimeUnit>,
    /// The text as printed on the page, e.g. "7 Ngày làm việc".
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDay,
    Day,
    Hour,
    Month,
}

/// One fee line ("Phí, lệ phí").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    /// Amount in Vietnamese đồng; 0 for "Miễn phí"; None when the page gives
    /// no amount or one in another currency (see `currency`).
    pub amount_vnd: Option<u64>,
    /// The fee as printed, including its parenthesised explanation.
    pub text: String,
    /// Set when the amount is in a currency other than VND (e.g. `USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_foreign: Option<ForeignAmount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignAmount {
    pub amount: f64,
    pub currency: String,
}

/// One required document ("Thành phần hồ sơ" row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The group heading the row sits under, e.g. "Giấy tờ phải nộp", or the
    /// case heading ("Đăng ký thường trú vào chỗ ở hợp pháp …"); empty if none.
    pub group: String,
    pub name: String,
    /// Template form name ("Mẫu đơn, tờ khai"), when the page names one.
    pub form: Option<String>,
    /// Number of originals ("bản chính").
    pub originals: u32,
    /// Number of copies ("bản sao").
    pub copies: u32,
}

/// One legal basis row ("Căn cứ pháp lý").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegalDocument {
    /// Document number, e.g. `68/2020/QH14`.
    pub number: String,
    pub title: String,
}

/// One result of processing ("Kết quả xử lý").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureResult {
    pub name: String,
    /// Result code, e.g. `KQ.G01.000064`.
    pub code: Option<String>,
}
