//! The account calls a volunteer's device makes besides logging in:
//! registering as a volunteer of a team, reading the account as the portal
//! holds it now (a volunteer's approval by its commune), and a team
//! leader's page of the team's dossiers. The portal's refusals stay typed:
//! `volunteer_not_approved` and `team_leader_required` are
//! [`PortalError::Api`] codes (kind `portal`).

use super::{PortalClient, PortalError};
use hoso_wire::{Account, Registration, TeamDossierPage, VolunteerProfile};
use reqwest::Method;

impl PortalClient {
    /// `POST /v1/accounts`: creates a volunteer account of `team` (then log
    /// in to it); the account as created, whose approval is `pending` until
    /// the commune decides.
    pub async fn register_volunteer(
        &self,
        phone: &str,
        password: &str,
        full_name: &str,
        team: VolunteerProfile,
    ) -> Result<Account, PortalError> {
        let body = Registration::volunteer(phone, password, full_name, None, team);
        self.send(self.request(Method::POST, "/v1/accounts").json(&body))
            .await?
            .json()
    }

    /// `GET /v1/accounts/me`: the logged-in account as the portal holds it
    /// now (for a volunteer, whether the commune approves it).
    pub async fn me(&self) -> Result<Account, PortalError> {
        self.authed(|c| c.request(Method::GET, "/v1/accounts/me"))
            .await?
            .json()
    }

    /// `GET /v1/team/dossiers`: a page of the dossiers the logged-in
    /// leader's team filed (at most `limit`, 1–500; the portal's default
    /// without), after `cursor` (a page's `next_cursor`).
    pub async fn team_dossiers(
        &self,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TeamDossierPage, PortalError> {
        let path = team_path(cursor, limit)?;
        self.authed(|c| c.request(Method::GET, &path)).await?.json()
    }
}

/// The team list's path with its query, encoded.
fn team_path(cursor: Option<&str>, limit: Option<u32>) -> Result<String, PortalError> {
    let mut url =
        reqwest::Url::parse("http://portal/v1/team/dossiers").map_err(|_| PortalError::BadUrl)?;
    {
        let mut query = url.query_pairs_mut();
        if let Some(c) = cursor {
            query.append_pair("cursor", c);
        }
        if let Some(n) = limit {
            query.append_pair("limit", &n.to_string());
        }
    }
    Ok(match url.query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", url.path()),
        _ => url.path().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_team_path_encodes_what_it_is_given() {
        assert_eq!(team_path(None, None).unwrap(), "/v1/team/dossiers");
        assert_eq!(
            team_path(Some("t_0000000000000001"), Some(50)).unwrap(),
            "/v1/team/dossiers?cursor=t_0000000000000001&limit=50"
        );
        // A hostile cursor stays one query value.
        assert_eq!(
            team_path(Some("x&limit=1#"), None).unwrap(),
            "/v1/team/dossiers?cursor=x%26limit%3D1%23"
        );
    }
}
