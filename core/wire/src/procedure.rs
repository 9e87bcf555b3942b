//! One administrative procedure as catalog bundles and deltas carry it
//! (`Procedure` and the shapes inside it): the same JSON, field for field and
//! in the same order, as `hoso_core::catalog::Procedure` writes, so a bundle's
//! content hash comes out the same whichever of the two wrote it.

use crate::scalar::{ChannelKind, ProcedureCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `Procedure`: one administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    pub name: String,
    pub decision_number: String,
    /// Loại thủ tục.
    pub kind: String,
    /// Lĩnh vực, e.g. "Hộ tịch".
    pub field: String,
    pub source_url: String,
    /// The ministry folder the page was crawled under, e.g. `bo-tu-phap`.
    pub ministry: String,
    pub levels: Vec<Level>,
    pub target_groups: Vec<String>,
    pub agencies: ProcedureAgencies,
    pub receiving_address: String,
    pub channels: Vec<Channel>,
    pub documents: Vec<CatalogDocument>,
    pub steps: Vec<String>,
    pub legal_basis: Vec<LegalDocument>,
    pub results: Vec<ProcedureResult>,
    pub conditions: Vec<String>,
    pub related: Vec<String>,
    /// True when at least one channel is online.
    pub online: bool,
    /// Section text that could not be parsed, by source key; left out when
    /// empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub raw: BTreeMap<String, String>,
}

string_enum! {
    /// `Level`: cấp thực hiện, the level that carries a procedure out (and
    /// an agency's level).
    pub enum Level {
        /// Cấp bộ.
        Ministry = "ministry",
        /// Cấp tỉnh.
        Province = "province",
        /// Cấp xã.
        Commune = "commune",
        /// Cơ quan khác.
        Other = "other",
    }
}

/// `ProcedureAgencies`: the agencies a procedure names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureAgencies {
    /// Cơ quan có thẩm quyền.
    pub competent: Vec<String>,
    /// Cơ quan thực hiện.
    pub implementing: Vec<String>,
    /// Cơ quan được ủy quyền.
    pub authorized: Vec<String>,
    /// Cơ quan phối hợp.
    pub coordinating: Vec<String>,
}

/// `Channel`: one way of filing, with its processing time and fees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub channel: ChannelKind,
    pub processing_time: ProcessingTime,
    pub fees: Vec<Fee>,
    /// The page's "Mô tả" column; `null` when it has none.
    pub note: Option<String>,
}

/// `ProcessingTime`: thời gian giải quyết.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessingTime {
    /// `null` when the page gives no number.
    pub value: Option<f64>,
    /// `null` for a number without a unit.
    pub unit: Option<TimeUnit>,
    /// As printed, e.g. "7 Ngày làm việc".
    pub text: String,
}

string_enum! {
    /// `ProcessingTime.unit`.
    pub enum TimeUnit {
        WorkingDay = "working_day",
        Day = "day",
        Hour = "hour",
        Month = "month",
    }
}

/// `Fee`: one fee line (phí, lệ phí).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    /// In đồng; 0 for "Miễn phí"; `null` when the page gives no VND amount.
    pub amount_vnd: Option<u64>,
    /// As printed.
    pub text: String,
    /// An amount in another currency; left out when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_foreign: Option<ForeignAmount>,
}

/// `ForeignAmount`: a fee in a currency other than VND.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignAmount {
    pub amount: f64,
    /// E.g. `USD`.
    pub currency: String,
}

/// `CatalogDocument`: one row of thành phần hồ sơ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDocument {
    /// The group heading the row sits under; empty if none.
    pub group: String,
    pub name: String,
    /// The template form (mẫu đơn, tờ khai) the page names, if any.
    pub form: Option<String>,
    /// Bản chính.
    pub originals: u32,
    /// Bản sao.
    pub copies: u32,
}

/// `LegalDocument`: one row of căn cứ pháp lý.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalDocument {
    /// E.g. `68/2020/QH14`.
    pub number: String,
    pub title: String,
}

/// `ProcedureResult`: one result of processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureResult {
    pub name: String,
    /// E.g. `KQ.G01.000064`; `null` when the page gives none.
    pub code: Option<String>,
}
