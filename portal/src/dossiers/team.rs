//! A volunteer team's dossiers for its leader (`GET /v1/team/dossiers`):
//! the index of the dossiers each team's volunteers filed, in submission
//! order, written with the dossier; the leader's page of them, showing who
//! filed each and nothing of the resident (no `filed_for`, form values or
//! documents); and the index's rebuild for a store written before teams
//! were indexed.
//!
//! Storage: `team_dossiers/{team key}/{order:016x}` → dossier code, the
//! team key being the blinded normal form of the volunteer's team
//! (`crate::team`).

use super::model::DossierRecord;
use super::standing::{current, not_approved, team_of};
use super::{cursor_param, limit_param, no_store, store};
use crate::accounts::{self, Caller};
use crate::db::{Db, DbError, Write};
use crate::error::ApiError;
use crate::team::TeamKey;
use crate::Portal;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hoso_wire::{AccountKind, ErrorCode, TeamDossier, TeamDossierPage, TeamFiler};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

const TEAM_DOSSIERS: &str = "team_dossiers";

/// The write listing dossier `code` (submission position `order`) under
/// the team of the volunteer who filed it.
fn index_write(team: &TeamKey, order: u64, code: &str) -> Write {
    Write::put(
        TEAM_DOSSIERS,
        format!("{}/{order:016x}", team.as_str()),
        &code,
    )
}

/// The write listing a new dossier under its volunteer's team.
pub(super) fn filed(team: &TeamKey, record: &DossierRecord) -> Write {
    index_write(team, record.order, &record.code)
}

fn leader_required() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::TeamLeaderRequired,
        "Chỉ tổ trưởng đã được xã duyệt mới xem được hồ sơ của tổ",
        "Only the team's approved leader lists the team's dossiers",
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// `GET /v1/team/dossiers`.
pub(super) async fn list(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    query: Result<Query<TeamQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::bad_request(
            "Tham số truy vấn không hợp lệ",
            "Malformed query parameters",
        )
    })?;
    let limit = limit_param(query.limit.as_deref())?;
    let cursor = cursor_param(query.cursor.as_deref())?;
    if caller.kind != AccountKind::Volunteer {
        return Err(leader_required());
    }
    let leader = current(&portal, &caller)?;
    let approval = leader.approval();
    if !approval.may_file() {
        return Err(not_approved(approval.state));
    }
    if !approval.is_leader() {
        return Err(leader_required());
    }
    let (team, profile) = team_of(&portal, &leader)?;
    let profile = profile.clone();
    let prefix = format!("{}/", team.as_str());
    let after = cursor.map(|c| format!("{prefix}{c:016x}"));
    let mut page: Vec<(String, String)> =
        portal
            .db
            .scan(TEAM_DOSSIERS, &prefix, after.as_deref(), limit + 1)?;
    let has_more = page.len() > limit;
    page.truncate(limit);
    let last = page
        .last()
        .and_then(|(k, _)| k.rsplit('/').next())
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .or(cursor)
        .unwrap_or(0);
    // Each volunteer's name read once per page.
    let mut names: HashMap<String, String> = HashMap::new();
    let mut dossiers = Vec::with_capacity(page.len());
    for (_, code) in page {
        let Some(d) = store::get(&portal.db, &code)? else {
            continue;
        };
        if !names.contains_key(&d.account_id) {
            let name = accounts::account(&portal, &d.account_id)?
                .map(|a| a.full_name)
                .unwrap_or_default();
            names.insert(d.account_id.clone(), name);
        }
        let full_name = names.get(&d.account_id).cloned().unwrap_or_default();
        dossiers.push(TeamDossier {
            code: d.code,
            procedure_code: d.procedure_code,
            procedure_name: d.procedure_name,
            agency: d.agency,
            status: d.status,
            submitted_at: d.submitted_at,
            updated_at: d.updated_at,
            appointment_date: d.appointment_date,
            filed_by: TeamFiler {
                account_id: d.account_id,
                full_name,
            },
        });
    }
    Ok(no_store(axum::Json(TeamDossierPage {
        team: profile,
        dossiers,
        next_cursor: format!("t_{last:016x}"),
        has_more,
    })))
}

/// What the rebuild needs of a stored dossier (the rest of the record is
/// not read).
#[derive(Deserialize)]
struct Filed {
    code: String,
    order: u64,
    account_id: String,
    filed_by_kind: AccountKind,
}

/// Rebuilds the team index from every dossier a volunteer filed, each
/// under its volunteer's team. Idempotent: the index is replaced whole, in
/// one commit.
pub(crate) fn reindex(db: &Db) -> Result<(), DbError> {
    let mut teams: HashMap<String, Option<TeamKey>> = HashMap::new();
    let mut writes: Vec<Write> = db
        .keys(TEAM_DOSSIERS, "")?
        .into_iter()
        .map(|k| Write::Remove(TEAM_DOSSIERS, k))
        .collect();
    let mut after: Option<String> = None;
    loop {
        let page: Vec<(String, Filed)> = db.scan(store::DOSSIERS, "", after.as_deref(), 500)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(last.clone());
        for (_, d) in page {
            if d.filed_by_kind != AccountKind::Volunteer {
                continue;
            }
            if !teams.contains_key(&d.account_id) {
                let team = accounts::stored(db, &d.account_id)?
                    .and_then(|a| a.volunteer)
                    .map(|v| TeamKey::of(db.sealer(), &v));
                teams.insert(d.account_id.clone(), team);
            }
            if let Some(Some(team)) = teams.get(&d.account_id) {
                writes.push(index_write(team, d.order, &d.code));
            }
        }
    }
    db.commit(&writes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::Sealer;
    use serde_json::json;

    /// A store written before approvals: two volunteers of one team (one
    /// typed differently), one of another, a citizen; dossiers of each.
    /// The schema-2 rebuild lists the volunteers in registration order and
    /// each volunteer dossier under its team, and running it again changes
    /// nothing.
    #[test]
    fn the_upgrade_indexes_volunteers_and_their_teams_dossiers() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path(), Arc::new(Sealer::open(dir.path()).unwrap())).unwrap();
        let account = |id: &str, kind: &str, at: &str, team: Option<(&str, &str, &str)>| {
            json!({
                "id": id, "kind": kind, "phone": "0389123456", "full_name": "Hồ Thị Lan",
                "email": null, "created_at": at,
                "volunteer": team.map(|(t, p, c)| json!({"team": t, "province": p, "commune": c})),
                "password": {"iterations": 1000, "salt": "c2FsdA", "hash": "aGFzaA"}
            })
        };
        let trường_vinh = ("Tổ 1", "Nghệ An", "Phường Trường Vinh");
        let accounts = [
            account("b", "volunteer", "2026-10-03T00:00:00Z", Some(trường_vinh)),
            account(
                "a",
                "volunteer",
                "2026-10-02T00:00:00Z",
                Some(("tổ  1", "nghe an", "P. Trường Vinh")),
            ),
            account(
                "c",
                "volunteer",
                "2026-10-04T00:00:00Z",
                Some(("Tổ 1", "Nghệ An", "Phường Thành Vinh")),
            ),
            account("z", "citizen", "2026-10-01T00:00:00Z", None),
        ];
        for a in &accounts {
            db.put("accounts", a["id"].as_str().unwrap(), a).unwrap();
        }
        for (order, owner, kind) in [
            (1u64, "a", "volunteer"),
            (2, "z", "citizen"),
            (3, "c", "volunteer"),
            (4, "b", "volunteer"),
        ] {
            let code = format!("H40.22-261123-000{order}");
            let d = json!({"code": code, "order": order, "account_id": owner,
                           "filed_by_kind": kind, "status": 1});
            db.put(store::DOSSIERS, &code, &d).unwrap();
        }
        let team_of = |id: &str| {
            let a = accounts::stored(&db, id).unwrap().unwrap();
            TeamKey::of(db.sealer(), a.volunteer.as_ref().unwrap())
        };
        let listed = |team: &TeamKey| -> Vec<String> {
            db.scan::<String>(TEAM_DOSSIERS, &format!("{}/", team.as_str()), None, 10)
                .unwrap()
                .into_iter()
                .map(|(_, code)| code)
                .collect()
        };
        for _ in 0..2 {
            accounts::reindex_volunteers(&db).unwrap();
            reindex(&db).unwrap();
            let order: Vec<String> = db
                .scan::<String>("volunteer_order", "", None, 10)
                .unwrap()
                .into_iter()
                .map(|(_, id)| id)
                .collect();
            assert_eq!(order, ["a", "b", "c"]);
            assert_eq!(team_of("a"), team_of("b"));
            assert_eq!(
                listed(&team_of("a")),
                ["H40.22-261123-0001", "H40.22-261123-0004"]
            );
            assert_eq!(listed(&team_of("c")), ["H40.22-261123-0003"]);
            assert_eq!(db.len(TEAM_DOSSIERS).unwrap(), 3);
        }
    }
}
