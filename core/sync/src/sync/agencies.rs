//! The receiving agencies (cơ quan tiếp nhận) a dossier can be filed with:
//! `GET /v1/agencies`, narrowed to those that receive one procedure and/or
//! sit in one province. A submission names one agency's code; its code
//! starts the dossier codes the agency issues. A public call: no account.

use crate::client::{Method, PortalClient, PortalError};
/// One receiving agency: its code (what a submission names, e.g. `H40.22`),
/// name, level, province and commune.
pub use hoso_wire::Agency;
use hoso_wire::AgencyList;

/// The agencies that receive `procedure_code` (when given) in `province`
/// (when given, by official name; diacritics optional), by code. A
/// procedure or province the portal does not know gives an empty list.
pub async fn agencies(
    client: &PortalClient,
    procedure_code: Option<&str>,
    province: Option<&str>,
) -> Result<Vec<Agency>, PortalError> {
    // Built apart: the serializer is not Send, so it must not live across
    // the await below.
    let query = {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(code) = procedure_code {
            q.append_pair("procedure_code", code.trim());
        }
        if let Some(p) = province {
            q.append_pair("province", p.trim());
        }
        q.finish()
    };
    let path = if query.is_empty() {
        "/v1/agencies".to_string()
    } else {
        format!("/v1/agencies?{query}")
    };
    let list: AgencyList = client
        .send(client.request(Method::GET, &path))
        .await?
        .json()?;
    Ok(list.agencies)
}
