//! Accounts and sessions: citizen and volunteer registration, login with a
//! PBKDF2 password check, opaque bearer access tokens (15 minutes) and
//! rotating single-use refresh tokens (30 days; a spent one presented again
//! revokes the whole session), logout, and token authentication for every
//! other endpoint (the calling account, [`Caller`]). Times are the portal
//! clock. Bodies are `hoso_wire`'s (`Registration`, `Account`,
//! `LoginRequest`, `RefreshRequest`, `TokenPair`).
//!
//! Storage: `accounts/{id}` (sealed, with the password hash and a
//! volunteer's approval by its commune), `phones/{blind(phone)}` → id,
//! `tokens/{blind(token)}`, `sessions/{id}`. Tokens are stored only
//! blinded, so a copy of the store yields no usable token. A new volunteer
//! is also listed in registration order (`volunteer_order`), which the
//! commune's list (`volunteers`) pages through.

mod volunteer_order;

use crate::clock::rfc3339;
use crate::db::{Db, DbError, Write};
use crate::error::{problem_issue, ApiError, FieldIssue};
use crate::extract::{bearer, ApiJson, ClientIp};
use crate::passwords::PasswordHash;
use crate::{login_throttle, Portal};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hoso_wire::{
    Account, AccountKind, ErrorCode, LoginRequest, RefreshRequest, Registration, TokenPair,
    TokenType, VolunteerApproval, VolunteerProfile,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use time::OffsetDateTime;

const ACCOUNTS: &str = "accounts";
const PHONES: &str = "phones";
const TOKENS: &str = "tokens";
const SESSIONS: &str = "sessions";

/// A stored account (sealed).
#[derive(Serialize, Deserialize, Clone)]
pub struct AccountRecord {
    pub id: String,
    pub kind: AccountKind,
    pub phone: String,
    pub full_name: String,
    pub email: Option<String>,
    pub volunteer: Option<VolunteerProfile>,
    /// A volunteer's standing with the commune. Absent in records written
    /// before approvals existed: such a volunteer reads as `pending` since
    /// registration ([`AccountRecord::approval`]).
    #[serde(default)]
    pub approval: Option<VolunteerApproval>,
    pub created_at: String,
    password: PasswordHash,
}

impl AccountRecord {
    /// A volunteer's approval, `pending` since registration when none is
    /// stored (a record written before approvals).
    pub fn approval(&self) -> VolunteerApproval {
        self.approval
            .clone()
            .unwrap_or_else(|| VolunteerApproval::pending(self.created_at.clone()))
    }

    /// The account as the API answers it.
    pub fn public(&self) -> Account {
        Account {
            id: self.id.clone(),
            kind: self.kind,
            phone: self.phone.clone(),
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            volunteer: self.volunteer.clone(),
            approval: (self.kind == AccountKind::Volunteer).then(|| self.approval()),
            created_at: self.created_at.clone(),
        }
    }
}

/// The account a request is made for, from `Authorization: Bearer …`.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    pub kind: AccountKind,
    /// The login session the token belongs to.
    pub session: String,
    /// The blinded access token (rate-limit bucket, logout).
    pub token_key: String,
}

impl FromRequestParts<Arc<Portal>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, portal: &Arc<Portal>) -> Result<Self, ApiError> {
        // Already authenticated by the rate limiter in front of the routes.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let Some(token) = bearer(&parts.headers) else {
            return Err(ApiError::unauthorized());
        };
        authenticate(portal, token)
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum TokenKind {
    Access,
    Refresh,
}

#[derive(Serialize, Deserialize, Clone)]
struct TokenRecord {
    kind: TokenKind,
    account_id: String,
    session: String,
    expires_at: i64,
    spent: bool,
}

#[derive(Serialize, Deserialize, Clone)]
struct SessionRecord {
    account_id: String,
    revoked: bool,
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/accounts", post(register))
        .route("/v1/accounts/me", get(me))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
}

fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// `POST /v1/accounts`.
async fn register(
    State(portal): State<Arc<Portal>>,
    ApiJson(reg): ApiJson<Registration>,
) -> Result<Response, ApiError> {
    let mut issues = Vec::new();
    // A number in a mobile block whose prefix is not yet allocated is
    // accepted (its warning is the app's to show, not a refusal).
    let phone = hoso_core::validate::phone(&reg.phone)
        .map(|c| c.value)
        .map_err(|p| issues.push(problem_issue("phone", p)))
        .ok();
    let full_name = hoso_core::validate::person_name(&reg.full_name)
        .map_err(|p| issues.push(problem_issue("full_name", p)))
        .ok();
    let email = match reg.email.as_deref() {
        None => None,
        Some(e) => hoso_core::validate::email(e)
            .map_err(|p| issues.push(problem_issue("email", p)))
            .ok(),
    };
    let chars = reg.password.chars().count();
    if chars < 8 {
        issues.push(FieldIssue::new(
            "password",
            "password_too_short",
            "Mật khẩu cần ít nhất 8 ký tự",
            "The password needs at least 8 characters",
        ));
    } else if chars > 128 {
        issues.push(FieldIssue::new(
            "password",
            "password_too_long",
            "Mật khẩu dài tối đa 128 ký tự",
            "The password has at most 128 characters",
        ));
    }
    match (reg.kind, &reg.volunteer) {
        (AccountKind::Volunteer, None) => issues.push(FieldIssue::new(
            "volunteer",
            "missing_field",
            "Tài khoản tình nguyện viên cần tên tổ công nghệ số cộng đồng",
            "A volunteer account names its community digital-tech team",
        )),
        (AccountKind::Citizen, Some(_)) => issues.push(FieldIssue::new(
            "volunteer",
            "unknown_field",
            "Tài khoản công dân không có thông tin tổ công nghệ số",
            "A citizen account has no volunteer team",
        )),
        (AccountKind::Volunteer, Some(v)) => {
            // The spec's `VolunteerProfile` caps: 200 characters for the
            // team, 100 for the province and the commune.
            for (field, value, max) in [
                ("volunteer.team", &v.team, 200),
                ("volunteer.province", &v.province, 100),
                ("volunteer.commune", &v.commune, 100),
            ] {
                if value.trim().is_empty() || value.chars().count() > max {
                    issues.push(FieldIssue::new(
                        field,
                        "empty",
                        "Chưa nhập thông tin này",
                        "This is empty or too long",
                    ));
                }
            }
        }
        (AccountKind::Citizen, None) => {}
    }
    let (Some(phone), Some(full_name), true) = (phone, full_name, issues.is_empty()) else {
        return Err(ApiError::validation(issues));
    };
    // The duplicate check comes before the (costly) hash, and again under
    // the lock, for a registration of the same phone meanwhile.
    let phone_key = portal.db.sealer().blind(&format!("phone:{phone}"));
    if portal.db.get::<String>(PHONES, &phone_key)?.is_some() {
        return Err(account_exists());
    }
    let salt: [u8; 16] = portal
        .db
        .sealer()
        .random()
        .map_err(|e| ApiError::internal(&e))?;
    let password = portal.passwords.hash(salt, reg.password).await?;
    let _guard = portal.accounts_lock.lock().await;
    if portal.db.get::<String>(PHONES, &phone_key)?.is_some() {
        return Err(account_exists());
    }
    let created_at = rfc3339(portal.clock.now());
    let account = AccountRecord {
        id: uuid::Uuid::new_v4().to_string(),
        kind: reg.kind,
        phone,
        full_name,
        email,
        volunteer: reg.volunteer,
        approval: (reg.kind == AccountKind::Volunteer)
            .then(|| VolunteerApproval::pending(created_at.clone())),
        created_at,
        password,
    };
    let mut writes = vec![write(&account), Write::put(PHONES, phone_key, &account.id)];
    if account.kind == AccountKind::Volunteer {
        writes.push(volunteer_order::write(&portal.db, &account.id)?);
    }
    portal.db.commit(&writes)?;
    let location =
        HeaderValue::from_str("/v1/accounts/me").unwrap_or(HeaderValue::from_static("/"));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        no_store(),
        axum::Json(account.public()),
    )
        .into_response())
}

fn account_exists() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::AccountExists,
        "Số điện thoại này đã được đăng ký",
        "This phone number is already registered",
    )
}

/// The account record of an id.
pub fn account(portal: &Portal, id: &str) -> Result<Option<AccountRecord>, ApiError> {
    Ok(stored(&portal.db, id)?)
}

/// The account record of an id, from the store alone (store migrations).
pub(crate) fn stored(db: &Db, id: &str) -> Result<Option<AccountRecord>, DbError> {
    db.get(ACCOUNTS, id)
}

/// The write storing an account record.
pub(crate) fn write(account: &AccountRecord) -> Write {
    Write::put(ACCOUNTS, account.id.clone(), account)
}

/// Volunteer account ids in registration order after position `after`
/// (at most `limit`), the last position read, and whether more follow.
pub(crate) fn volunteers_in_order(
    db: &Db,
    after: Option<u64>,
    limit: usize,
) -> Result<(Vec<String>, u64, bool), DbError> {
    volunteer_order::page(db, after, limit)
}

/// Rebuilds the registration-order index of volunteers from the accounts
/// (a store written before it existed): by registration time, then id.
/// Idempotent: the index is replaced whole, in one commit.
pub(crate) fn reindex_volunteers(db: &Db) -> Result<(), DbError> {
    let mut volunteers: Vec<(String, String)> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page: Vec<(String, AccountRecord)> = db.scan(ACCOUNTS, "", after.as_deref(), 500)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(last.clone());
        volunteers.extend(
            page.into_iter()
                .filter(|(_, a)| a.kind == AccountKind::Volunteer)
                .map(|(_, a)| (a.created_at, a.id)),
        );
    }
    volunteers.sort();
    let ids: Vec<String> = volunteers.into_iter().map(|(_, id)| id).collect();
    volunteer_order::rebuild(db, &ids)
}

/// How many accounts exist (admin stats).
pub fn count(portal: &Portal) -> Result<usize, ApiError> {
    Ok(portal.db.len(ACCOUNTS)?)
}

/// `GET /v1/accounts/me`.
async fn me(State(portal): State<Arc<Portal>>, caller: Caller) -> Result<Response, ApiError> {
    let account = account(&portal, &caller.account_id)?.ok_or_else(ApiError::unauthorized)?;
    Ok((no_store(), axum::Json(account.public())).into_response())
}

/// `POST /v1/auth/login`.
async fn login(
    State(portal): State<Arc<Portal>>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let now = portal.clock.now().unix_timestamp();
    let phone = hoso_core::validate::phone(&req.phone)
        .map(|c| c.value)
        .unwrap_or_default();
    let phone_key = portal.db.sealer().blind(&format!("phone:{phone}"));
    let attempt = login_throttle::Attempt::new(&phone_key, ip);
    if let Some(wait) = portal.login_throttle.blocked(&attempt, now) {
        return Err(ApiError::rate_limited(wait));
    }
    let found = match portal.db.get::<String>(PHONES, &phone_key)? {
        Some(id) => account(&portal, &id)?,
        None => None,
    };
    let stored = found.as_ref().map(|a| a.password.clone());
    let matches = portal.passwords.matches(stored, req.password).await?;
    let account = match found {
        Some(a) if matches => a,
        _ => {
            portal.login_throttle.fail(attempt, now);
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "Số điện thoại hoặc mật khẩu không đúng",
                "Wrong phone number or password",
            ));
        }
    };
    portal.login_throttle.succeed(&attempt);
    let session = uuid::Uuid::new_v4().to_string();
    let (pair, writes) = issue_pair(&portal, &account, &session)?;
    let mut all = vec![Write::put(
        SESSIONS,
        session.clone(),
        &SessionRecord {
            account_id: account.id.clone(),
            revoked: false,
        },
    )];
    all.extend(writes);
    portal.db.commit(&all)?;
    Ok((no_store(), axum::Json(pair)).into_response())
}

fn new_token(portal: &Portal, prefix: &str) -> Result<String, ApiError> {
    let bytes: [u8; 32] = portal
        .db
        .sealer()
        .random()
        .map_err(|e| ApiError::internal(&e))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

fn token_key(portal: &Portal, token: &str) -> String {
    portal.db.sealer().blind(&format!("token:{token}"))
}

/// A fresh access + refresh token for a session, and the writes storing them.
fn issue_pair(
    portal: &Portal,
    account: &AccountRecord,
    session: &str,
) -> Result<(TokenPair, Vec<Write>), ApiError> {
    let now = portal.clock.now();
    let access = new_token(portal, "at_")?;
    let refresh = new_token(portal, "rt_")?;
    let expires_in = portal.config.access_token_ttl.as_secs().max(1);
    let access_ttl = expires_in as i64;
    let refresh_ttl = portal.config.refresh_token_ttl.as_secs().max(1) as i64;
    let access_expires = now + time::Duration::seconds(access_ttl);
    let refresh_expires = now + time::Duration::seconds(refresh_ttl);
    let record = |kind, expires: OffsetDateTime| TokenRecord {
        kind,
        account_id: account.id.clone(),
        session: session.to_string(),
        expires_at: expires.unix_timestamp(),
        spent: false,
    };
    let writes = vec![
        Write::put(
            TOKENS,
            token_key(portal, &access),
            &record(TokenKind::Access, access_expires),
        ),
        Write::put(
            TOKENS,
            token_key(portal, &refresh),
            &record(TokenKind::Refresh, refresh_expires),
        ),
    ];
    let pair = TokenPair {
        token_type: TokenType::Bearer,
        access_token: access,
        expires_in,
        expires_at: rfc3339(access_expires),
        refresh_token: refresh,
        refresh_expires_at: rfc3339(refresh_expires),
        account: account.public(),
    };
    Ok((pair, writes))
}

fn refresh_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::RefreshTokenInvalid,
        "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại",
        "Your session has expired; please log in again",
    )
}

/// `POST /v1/auth/refresh`.
async fn refresh(
    State(portal): State<Arc<Portal>>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let _guard = portal.accounts_lock.lock().await;
    let key = token_key(&portal, &req.refresh_token);
    let Some(mut token) = portal.db.get::<TokenRecord>(TOKENS, &key)? else {
        return Err(refresh_invalid());
    };
    if token.kind != TokenKind::Refresh {
        return Err(refresh_invalid());
    }
    let Some(mut session) = portal.db.get::<SessionRecord>(SESSIONS, &token.session)? else {
        return Err(refresh_invalid());
    };
    if token.spent {
        // A spent token presented again was copied: end the whole session.
        session.revoked = true;
        portal.db.put(SESSIONS, &token.session.clone(), &session)?;
        return Err(refresh_invalid());
    }
    if session.revoked || token.expires_at <= portal.clock.now().unix_timestamp() {
        return Err(refresh_invalid());
    }
    let Some(account) = account(&portal, &token.account_id)? else {
        return Err(refresh_invalid());
    };
    token.spent = true;
    let (pair, mut writes) = issue_pair(&portal, &account, &token.session)?;
    writes.push(Write::put(TOKENS, key, &token));
    portal.db.commit(&writes)?;
    Ok((no_store(), axum::Json(pair)).into_response())
}

/// `POST /v1/auth/logout`.
async fn logout(State(portal): State<Arc<Portal>>, caller: Caller) -> Result<Response, ApiError> {
    portal.db.put(
        SESSIONS,
        &caller.session,
        &SessionRecord {
            account_id: caller.account_id,
            revoked: true,
        },
    )?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The account an access token stands for.
pub fn authenticate(portal: &Portal, token: &str) -> Result<Caller, ApiError> {
    if token.len() > 512 {
        return Err(invalid_token());
    }
    let key = token_key(portal, token);
    let Some(record) = portal.db.get::<TokenRecord>(TOKENS, &key)? else {
        return Err(invalid_token());
    };
    if record.kind != TokenKind::Access {
        return Err(invalid_token());
    }
    let session = portal.db.get::<SessionRecord>(SESSIONS, &record.session)?;
    if session.is_none_or(|s| s.revoked) {
        return Err(invalid_token());
    }
    if record.expires_at <= portal.clock.now().unix_timestamp() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::TokenExpired,
            "Phiên làm việc đã hết hạn; đang đăng nhập lại",
            "The access token has expired; refresh it",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        ));
    }
    let Some(account) = account(portal, &record.account_id)? else {
        return Err(invalid_token());
    };
    Ok(Caller {
        account_id: account.id,
        kind: account.kind,
        session: record.session,
        token_key: key,
    })
}

fn invalid_token() -> ApiError {
    ApiError::unauthorized().with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_wire::ApprovalState;

    /// A volunteer's record as stores before approvals wrote it: no
    /// `approval` field.
    const BEFORE_APPROVALS: &str = r#"{
        "id": "d63624d9-3e45-4db9-a812-3de559d2375a", "kind": "volunteer",
        "phone": "0389123456", "full_name": "Hồ Thị Lan", "email": null,
        "volunteer": {"team": "Tổ 1", "province": "Nghệ An", "commune": "Phường Trường Vinh"},
        "created_at": "2026-10-02T01:30:00Z",
        "password": {"iterations": 1000, "salt": "c2FsdA", "hash": "aGFzaA"}
    }"#;

    #[test]
    fn a_volunteer_stored_before_approvals_reads_as_pending_since_registration() {
        let record: AccountRecord = serde_json::from_str(BEFORE_APPROVALS).unwrap();
        assert!(record.approval.is_none());
        let approval = record.public().approval.unwrap();
        assert_eq!(approval.state, ApprovalState::Pending);
        assert_eq!(approval.at, "2026-10-02T01:30:00Z");
        assert_eq!((approval.role, approval.reason), (None, None));
        // A citizen has none.
        let mut citizen = record;
        citizen.kind = AccountKind::Citizen;
        citizen.volunteer = None;
        assert_eq!(citizen.public().approval, None);
    }
}
