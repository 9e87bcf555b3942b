//! What search keeps of one procedure: its code, name, field, levels,
//! whether it can be done online, and the names of its results. The
//! catalog store writes these beside each version so the index can be
//! built without reading the procedures.

use super::{Level, Procedure};
use serde::{Deserialize, Serialize};

/// The fingerprint of the code that derives entries and builds the search
/// index from them (`build.rs`: this file, the model, search, folding, the
/// synonym table). Entries saved with another fingerprint are derived again
/// from the procedures.
pub(crate) const FINGERPRINT: &str = env!("HOSO_SEARCH_FINGERPRINT");

/// What the index keeps of one procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchEntry {
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Level>,
    pub online: bool,
    /// Secondary text that helps find the procedure (e.g. its result
    /// documents: "Giấy khai sinh").
    pub keywords: Vec<String>,
    /// Whether people file it for themselves: its target groups include
    /// citizens or other individuals, not only organisations and businesses.
    #[serde(default)]
    pub for_individuals: bool,
}

/// Target groups (đối tượng thực hiện) that are people, not organisations.
const INDIVIDUALS: [&str; 4] = [
    "Công dân Việt Nam",
    "Người Việt Nam định cư ở nước ngoài",
    "Người nước ngoài",
    "Người nước ngoài cư trú tại Việt Nam",
];

impl From<&Procedure> for SearchEntry {
    fn from(p: &Procedure) -> Self {
        SearchEntry {
            code: p.code.clone(),
            name: p.name.clone(),
            field: p.field.clone(),
            levels: p.levels.clone(),
            online: p.online,
            keywords: p
                .results
                .iter()
                .map(|r| r.name.clone())
                .chain(cases_named(p))
                .collect(),
            for_individuals: p
                .target_groups
                .iter()
                .any(|g| INDIVIDUALS.contains(&g.trim())),
        }
    }
}

/// The variant cases the page says the procedure handles, from the texts
/// where pages name them: fee lines ("… trường hợp cấp lại do bị hư hỏng
/// hoặc bị mất: 320.000đ"), the channels' notes and the document groups.
/// "Cấp hộ chiếu phổ thông" is also how a passport is re-issued, and its
/// fee lines say so.
fn cases_named(p: &Procedure) -> Vec<String> {
    let fees = p.channels.iter().flat_map(|c| {
        c.fees
            .iter()
            .map(|f| f.text.as_str())
            .chain(c.note.as_deref())
    });
    let groups = p.documents.iter().map(|d| d.group.as_str());
    super::markers::cases_named(fees.chain(groups))
}
