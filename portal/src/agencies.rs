//! The receiving agencies (`GET /v1/agencies`): a sample registry, not the
//! national list. It holds one provincial agency per province of the 34
//! (`H` + the province's 2-digit administrative code, e.g. `H40` for Nghệ
//! An), one ministry-level agency per ministry the catalog covers (by the
//! procedures' `ministry` slug), and a handful of commune-level agencies per
//! province (`portal/data/communes.tsv`, real post-2025 names with sample
//! codes such as `H40.22`). Which agency receives which procedure follows
//! the procedure's levels (and, for ministries, its ministry); no agency
//! receives level `other` procedures.

use crate::error::{ApiError, FieldIssue};
use crate::Portal;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use hoso_core::catalog::{Level, Procedure};
use hoso_core::validate::regions::{self, PROVINCES};
use hoso_wire::AgencyList;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

const COMMUNES: &str = include_str!("../data/communes.tsv");

/// Ministry-level agencies: (code, name, the catalog's ministry slug).
const MINISTRIES: [(&str, &str, &str); 7] = [
    ("BCA", "Bộ Công an", "bo-cong-an"),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "bo-nong-nghiep-mt"),
    ("BTC", "Bộ Tài chính", "bo-tai-chinh"),
    ("BTP", "Bộ Tư pháp", "bo-tu-phap"),
    ("BXD", "Bộ Xây dựng", "bo-xay-dung"),
    ("NHNN", "Ngân hàng Nhà nước Việt Nam", "ngan-hang-nha-nuoc"),
    ("TANDTC", "Tòa án nhân dân tối cao", "toa-an-nhan-dan"),
];

/// A receiving agency of the registry: the API's `Agency` and the
/// ministry whose procedures a ministry-level agency receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Agency {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// The province's short name (`Nghệ An`); `None` for ministries.
    pub province: Option<&'static str>,
    /// The commune or ward (`Phường Trường Vinh`), commune level only.
    pub commune: Option<String>,
    /// The catalog's ministry slug, ministry level only.
    pub ministry: Option<&'static str>,
}

impl Agency {
    /// The agency as `GET /v1/agencies` lists it.
    pub(crate) fn wire(&self) -> hoso_wire::Agency {
        hoso_wire::Agency {
            code: self.code.clone(),
            name: self.name.clone(),
            level: wire_level(self.level),
            province: self.province.map(str::to_string),
            commune: self.commune.clone(),
        }
    }
}

/// The API's spelling of a catalog level.
fn wire_level(level: Level) -> hoso_wire::Level {
    match level {
        Level::Ministry => hoso_wire::Level::Ministry,
        Level::Province => hoso_wire::Level::Province,
        Level::Commune => hoso_wire::Level::Commune,
        Level::Other => hoso_wire::Level::Other,
    }
}

/// `Tỉnh Nghệ An` → `tỉnh Nghệ An`, as inside a name.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One commune line (`H40.22<TAB>Phường Trường Vinh`), if well formed.
fn commune(line: &str) -> Option<Agency> {
    let (code, name) = line.split_once('\t')?;
    let (code, name) = (code.trim(), name.trim());
    let province_code = code.strip_prefix('H')?.split('.').next()?;
    let province = regions::by_code(province_code)?;
    let sub = code.split_once('.')?.1;
    let unit_ok = ["Xã ", "Phường ", "Đặc khu "]
        .iter()
        .any(|u| name.starts_with(u));
    if sub.is_empty() || !sub.bytes().all(|b| b.is_ascii_digit()) || !unit_ok {
        return None;
    }
    Some(Agency {
        code: code.to_string(),
        name: format!("Ủy ban nhân dân {}", lower_first(name)),
        level: Level::Commune,
        province: Some(province.short_name),
        commune: Some(name.to_string()),
        ministry: None,
    })
}

fn lines() -> impl Iterator<Item = &'static str> {
    COMMUNES
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The registry, by code.
fn all() -> &'static [Agency] {
    static ALL: OnceLock<Vec<Agency>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out: Vec<Agency> = MINISTRIES
            .iter()
            .map(|(code, name, slug)| Agency {
                code: (*code).into(),
                name: (*name).into(),
                level: Level::Ministry,
                province: None,
                commune: None,
                ministry: Some(slug),
            })
            .collect();
        out.extend(PROVINCES.iter().map(|p| Agency {
            code: format!("H{}", p.code),
            name: format!("Ủy ban nhân dân {}", lower_first(p.name)),
            level: Level::Province,
            province: Some(p.short_name),
            commune: None,
            ministry: None,
        }));
        out.extend(lines().filter_map(commune));
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out.dedup_by(|a, b| a.code == b.code);
        out
    })
}

/// The agency with this code.
pub(crate) fn find(code: &str) -> Option<&'static Agency> {
    let all = all();
    all.binary_search_by(|a| a.code.as_str().cmp(code))
        .ok()
        .map(|i| &all[i])
}

/// Does `agency` receive dossiers of `procedure`? Its level must be one of
/// the procedure's, and a ministry receives only its own procedures.
pub(crate) fn receives(agency: &Agency, procedure: &Procedure) -> bool {
    procedure.levels.contains(&agency.level)
        && (agency.level != Level::Ministry || agency.ministry == Some(procedure.ministry.as_str()))
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new().route("/v1/agencies", get(list))
}

fn bad(field: &str, code: &str, vi: &str, en: &str) -> ApiError {
    ApiError::bad_request("Tham số không hợp lệ", "Invalid parameter")
        .with_issues(vec![FieldIssue::new(field, code, vi, en)])
}

fn procedure_code_ok(code: &str) -> bool {
    code.len() <= 32
        && code.split_once('.').is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        })
}

/// `GET /v1/agencies?procedure_code=&province=`.
async fn list(
    State(portal): State<Arc<Portal>>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AgencyList>, ApiError> {
    let Ok(Query(query)) = query else {
        return Err(bad(
            "/",
            "type",
            "Chuỗi truy vấn không hợp lệ",
            "Malformed query string",
        ));
    };
    let province = match query.get("province") {
        None => None,
        Some(raw) if raw.is_empty() || raw.chars().count() > 100 => {
            return Err(bad(
                "province",
                "type",
                "Tên tỉnh/thành phố dài từ 1 đến 100 ký tự",
                "A province name is 1 to 100 characters",
            ))
        }
        // A name that is not one of the 34 provinces matches no agency.
        Some(raw) => Some(regions::province(raw).ok()),
    };
    let catalog = portal.catalog();
    let procedure = match query.get("procedure_code") {
        None => None,
        Some(code) if !procedure_code_ok(code) => {
            return Err(bad(
                "procedure_code",
                "type",
                "Mã thủ tục có dạng 1.001193",
                "A procedure code looks like 1.001193",
            ))
        }
        // A procedure the current catalog does not hold is received by no
        // agency: an empty list.
        Some(code) => Some(catalog.procedure(code)),
    };
    let agencies: Vec<hoso_wire::Agency> = all()
        .iter()
        .filter(|a| match province {
            None => true,
            Some(None) => false,
            Some(Some(p)) => a.province == Some(p.short_name),
        })
        .filter(|a| match procedure {
            None => true,
            Some(None) => false,
            Some(Some(p)) => receives(a, p),
        })
        .map(Agency::wire)
        .collect();
    Ok(Json(AgencyList { agencies }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_complete_and_well_formed() {
        assert_eq!(lines().count(), lines().filter_map(commune).count());
        let all = all();
        assert_eq!(
            all.iter().filter(|a| a.level == Level::Province).count(),
            34
        );
        for p in PROVINCES.iter() {
            let communes = all
                .iter()
                .filter(|a| a.level == Level::Commune && a.province == Some(p.short_name))
                .count();
            assert!(communes >= 3, "{} has {communes} communes", p.short_name);
        }
        let h = find("H40.22").unwrap();
        assert_eq!(h.name, "Ủy ban nhân dân phường Trường Vinh");
        assert_eq!(h.commune.as_deref(), Some("Phường Trường Vinh"));
        assert_eq!(h.province, Some("Nghệ An"));
        assert_eq!(find("H40").unwrap().name, "Ủy ban nhân dân tỉnh Nghệ An");
        assert_eq!(
            find("H01").unwrap().name,
            "Ủy ban nhân dân thành phố Hà Nội"
        );
        assert_eq!(find("BTP").unwrap().ministry, Some("bo-tu-phap"));
        assert!(find("H99").is_none());
        // Codes are unique and match the spec's AgencyCode pattern.
        for w in all.windows(2) {
            assert!(w[0].code < w[1].code);
        }
        for a in all {
            let mut parts = a.code.split('.');
            let first = parts.next().unwrap();
            assert!(first.starts_with(|c: char| c.is_ascii_uppercase()));
            assert!(a.code.len() <= 32);
            assert!(a.code.split('.').all(|p| !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())));
        }
        assert!(commune("H99.01\tPhường X").is_none());
        assert!(commune("H40.01\tQuận 1").is_none());
        assert!(commune("H40\tPhường X").is_none());
    }

    #[test]
    fn procedure_codes() {
        assert!(procedure_code_ok("1.001193"));
        assert!(!procedure_code_ok("1."));
        assert!(!procedure_code_ok("a.1"));
        assert!(!procedure_code_ok("1001193"));
    }
}
