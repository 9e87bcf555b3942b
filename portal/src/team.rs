//! How a volunteer team is identified (ADR 0013): the registration's `volunteer`
//! block (team name, province, commune), each part normalised so that the
//! same team typed twice is one team — Unicode NFC, trimmed, whitespace
//! runs as one space, lower case; the province as one of the 34 when it
//! names one (`core::validate::regions::province`: diacritics, "Tỉnh" and
//! abbreviations optional), the commune with its unit word written out
//! (`core::validate::regions::commune`: "P. Trường Vinh" is "Phường
//! Trường Vinh"). Diacritics of the team and commune names stay: "Hà" and
//! "Hạ" are different places. The index key is the HMAC-blinded form
//! ([`TeamKey`]); the admin list's filters compare the same normal forms.

use crate::seal::Sealer;
use hoso_core::validate::regions;
use hoso_wire::VolunteerProfile;
use unicode_normalization::UnicodeNormalization;

/// A team's identity in the store: the blinded normal form of its three
/// parts, so no team, province or commune name is written in clear in a
/// key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TeamKey(String);

impl TeamKey {
    /// The team a volunteer registered with.
    pub(crate) fn of(sealer: &Sealer, profile: &VolunteerProfile) -> TeamKey {
        // A JSON array: the parts cannot run into each other.
        let parts = [
            team(&profile.team),
            province(&profile.province),
            commune(&profile.commune),
        ];
        let joined = format!("team:{}", serde_json::to_string(&parts).unwrap_or_default());
        TeamKey(sealer.blind(&joined))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// NFC, trimmed, whitespace runs as one space, lower case.
fn plain(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A team name's normal form.
pub(crate) fn team(raw: &str) -> String {
    plain(raw)
}

/// A province's normal form: `#` and its 2-digit code when it is one of
/// the 34, else the plain text.
pub(crate) fn province(raw: &str) -> String {
    match regions::province(raw) {
        Ok(p) => format!("#{}", p.code),
        Err(_) => plain(raw),
    }
}

/// A commune's normal form: its canonical spelling when the commune rules
/// accept it, else the plain text.
pub(crate) fn commune(raw: &str) -> String {
    match regions::commune(raw) {
        Ok(c) => plain(&c),
        Err(_) => plain(raw),
    }
}

/// The admin list's team filter: the parts given, in normal form.
#[derive(Debug, Default)]
pub(crate) struct TeamFilter {
    team: Option<String>,
    province: Option<String>,
    commune: Option<String>,
}

impl TeamFilter {
    pub(crate) fn new(
        team_name: Option<&str>,
        province_name: Option<&str>,
        commune_name: Option<&str>,
    ) -> TeamFilter {
        TeamFilter {
            team: team_name.map(team),
            province: province_name.map(province),
            commune: commune_name.map(commune),
        }
    }

    /// Does a volunteer's team match every part given?
    pub(crate) fn matches(&self, profile: &VolunteerProfile) -> bool {
        self.team.as_ref().is_none_or(|t| *t == team(&profile.team))
            && self
                .province
                .as_ref()
                .is_none_or(|p| *p == province(&profile.province))
            && self
                .commune
                .as_ref()
                .is_none_or(|c| *c == commune(&profile.commune))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(team: &str, province: &str, commune: &str) -> VolunteerProfile {
        VolunteerProfile {
            team: team.into(),
            province: province.into(),
            commune: commune.into(),
        }
    }

    #[test]
    fn one_team_however_it_is_typed() {
        let sealer = Sealer::from_key(&[7; 32]).unwrap();
        let key = |t, p, c| TeamKey::of(&sealer, &profile(t, p, c));
        let first = key(
            "Tổ công nghệ số cộng đồng phường Trường Vinh",
            "Nghệ An",
            "Phường Trường Vinh",
        );
        // Case, spacing, "Tỉnh", no diacritics in the province, the unit
        // word abbreviated, decomposed (NFD) letters.
        let nfd: String = "Tổ công nghệ số cộng đồng phường Trường Vinh"
            .nfd()
            .collect();
        for same in [
            key(
                "  TỔ CÔNG NGHỆ SỐ   cộng đồng phường Trường Vinh ",
                "Tỉnh Nghệ An",
                "P. Trường Vinh",
            ),
            key(&nfd, "nghe an", "phường trường vinh"),
        ] {
            assert_eq!(same, first);
        }
        // Another team, province or commune is another team; diacritics
        // of the commune count.
        for other in [
            key(
                "Tổ công nghệ số cộng đồng phường Thành Vinh",
                "Nghệ An",
                "Phường Trường Vinh",
            ),
            key(
                "Tổ công nghệ số cộng đồng phường Trường Vinh",
                "Hà Tĩnh",
                "Phường Trường Vinh",
            ),
            key(
                "Tổ công nghệ số cộng đồng phường Trường Vinh",
                "Nghệ An",
                "Phường Truong Vinh",
            ),
        ] {
            assert_ne!(other, first);
        }
        // The key is blinded: no name in it.
        assert!(!first.as_str().contains("vinh"));
    }

    #[test]
    fn the_filter_compares_normal_forms() {
        let lan = profile("Tổ 1", "Nghệ An", "Phường Trường Vinh");
        assert!(TeamFilter::default().matches(&lan));
        assert!(TeamFilter::new(Some("tổ  1"), None, None).matches(&lan));
        assert!(TeamFilter::new(None, Some("Nghe An"), Some("P. Trường Vinh")).matches(&lan));
        assert!(!TeamFilter::new(Some("Tổ 2"), None, None).matches(&lan));
        assert!(!TeamFilter::new(Some("Tổ 1"), Some("Hà Tĩnh"), None).matches(&lan));
    }
}
