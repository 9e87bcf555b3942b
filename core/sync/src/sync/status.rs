//! Status tracking: pull the account's change feed from the saved cursor,
//! keep each dossier's history on the device (readable offline, with when
//! it was last checked), and report what changed. A cursor the portal no
//! longer keeps (`410 cursor_expired`) re-reads every followed dossier and
//! starts the feed again.

use super::Local;
use crate::client::{Method, PortalClient, PortalError};
use crate::filed::{FiledError, TrackedDossier};

/// Why a status pull stopped.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Filed(#[from] FiledError),
}

/// One status change seen in a pull.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusChange {
    pub code: String,
    pub status: u8,
    pub at: String,
}

/// The followed dossier built from a portal `Dossier` (a submission's
/// answer, or `GET /v1/dossiers/{code}`).
pub fn from_dossier(d: &serde_json::Value, now: i64) -> Option<TrackedDossier> {
    Some(TrackedDossier {
        code: d["code"].as_str()?.to_string(),
        procedure_code: d["procedure_code"].as_str()?.to_string(),
        status: u8::try_from(d["status"].as_u64()?).ok()?,
        appointment_date: d["appointment_date"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        updated_at: d["updated_at"].as_str().unwrap_or_default().to_string(),
        history: d["history"].as_array().cloned().unwrap_or_default(),
        supplement_request: d["supplement_request"].clone(),
        fee_request: d["fee_request"].clone(),
        receipt: d["receipt"].clone(),
        checked_at: now,
    })
}

/// Pulls every change since the saved cursor; returns them in order.
pub async fn pull(
    client: &PortalClient,
    local: &Local,
    now: i64,
) -> Result<Vec<StatusChange>, StatusError> {
    let mut cursor = local.filed.feed_cursor()?;
    let mut changes = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/feed?limit=200&cursor={c}"),
            None => "/v1/feed?limit=200".to_string(),
        };
        let page: serde_json::Value = match client.authed(|c| c.request(Method::GET, &path)).await {
            Ok(a) => a.json()?,
            Err(e) if e.code() == Some("cursor_expired") => {
                refresh_all(client, local, now).await?;
                local.filed.save_with_cursor(&[], None)?;
                cursor = None;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let mut touched: Vec<TrackedDossier> = Vec::new();
        for e in page["entries"].as_array().into_iter().flatten() {
            let Some(code) = e["dossier_code"].as_str() else {
                continue;
            };
            let known = match touched.iter().position(|d| d.code == code) {
                Some(i) => Some(touched.remove(i)),
                None => local.filed.get(code)?,
            };
            let state = &e["dossier"];
            let mut d = known.unwrap_or_else(|| TrackedDossier {
                code: code.to_string(),
                procedure_code: state["procedure_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                status: 0,
                appointment_date: String::new(),
                updated_at: String::new(),
                history: Vec::new(),
                supplement_request: serde_json::Value::Null,
                fee_request: serde_json::Value::Null,
                receipt: serde_json::Value::Null,
                checked_at: now,
            });
            let seq = e["entry"]["seq"].as_u64().unwrap_or(0);
            if !d.history.iter().any(|h| h["seq"].as_u64() == Some(seq)) {
                d.history.push(e["entry"].clone());
                d.history.sort_by_key(|h| h["seq"].as_u64().unwrap_or(0));
                changes.push(StatusChange {
                    code: code.to_string(),
                    status: u8::try_from(e["entry"]["status"].as_u64().unwrap_or(0)).unwrap_or(0),
                    at: e["entry"]["at"].as_str().unwrap_or_default().to_string(),
                });
            }
            d.status = u8::try_from(state["status"].as_u64().unwrap_or(0)).unwrap_or(d.status);
            d.appointment_date = state["appointment_date"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            d.updated_at = state["updated_at"].as_str().unwrap_or_default().to_string();
            d.supplement_request = state["supplement_request"].clone();
            d.fee_request = state["fee_request"].clone();
            touched.push(d);
        }
        let next = page["next_cursor"].as_str().map(str::to_string);
        let more = page["has_more"].as_bool().unwrap_or(false);
        // Mark everything checked now, then save with the cursor.
        if !more {
            for mut d in local.filed.all()? {
                if !touched.iter().any(|t| t.code == d.code) {
                    d.checked_at = now;
                    touched.push(d);
                }
            }
        }
        for d in &mut touched {
            d.checked_at = now;
        }
        local
            .filed
            .save_with_cursor(&touched, next.as_deref().or(cursor.as_deref()))?;
        cursor = next.or(cursor);
        if !more {
            break;
        }
    }
    Ok(changes)
}

/// Re-reads every followed dossier in full.
async fn refresh_all(client: &PortalClient, local: &Local, now: i64) -> Result<(), StatusError> {
    let mut fresh = Vec::new();
    for d in local.filed.all()? {
        let path = format!("/v1/dossiers/{}", d.code);
        let answer = client.authed(|c| c.request(Method::GET, &path)).await?;
        let value: serde_json::Value = answer.json()?;
        if let Some(t) = from_dossier(&value, now) {
            fresh.push(t);
        }
    }
    local.filed.save(&fresh)?;
    Ok(())
}
