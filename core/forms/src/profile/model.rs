//! The citizen profile's data model: the user's own person record and their
//! family members, each a map of standard person fields (the same field ids
//! the form schemas use, so prefilling is a copy by id), and the table of
//! those fields with how each value is checked and normalised.

use crate::validate::{self, regions, Checked, Problem, Sex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One person's saved values, keyed by standard field id (`full_name`,
/// `date_of_birth`, `address.province`, …), each already normalised.
pub type PersonValues = BTreeMap<String, String>;

/// The citizen's profile: saved once, prefilled into every new draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The user's own data.
    #[serde(default)]
    pub me: PersonValues,
    #[serde(default)]
    pub family: Vec<FamilyMember>,
    /// Unix seconds of the last change; 0 when never saved.
    #[serde(default)]
    pub updated_at: i64,
}

/// A family member kept in the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// Short stable id within the profile, e.g. `m1`.
    pub id: String,
    pub relation: Relation,
    #[serde(default)]
    pub values: PersonValues,
}

/// How a family member relates to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Spouse,
    Father,
    Mother,
    Child,
    Sibling,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 6] = [
        Relation::Spouse,
        Relation::Father,
        Relation::Mother,
        Relation::Child,
        Relation::Sibling,
        Relation::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Spouse => "spouse",
            Relation::Father => "father",
            Relation::Mother => "mother",
            Relation::Child => "child",
            Relation::Sibling => "sibling",
            Relation::Other => "other",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Relation::Spouse => "vợ/chồng",
            Relation::Father => "cha",
            Relation::Mother => "mẹ",
            Relation::Child => "con",
            Relation::Sibling => "anh/chị/em",
            Relation::Other => "khác",
        }
    }

    /// Accepts the English id or the Vietnamese word, with or without
    /// diacritics ("vo", "chồng", "con", "bo", "me" …).
    pub fn parse(raw: &str) -> Option<Relation> {
        let folded = crate::text::fold(raw.trim());
        Some(match folded.as_str() {
            "spouse" | "wife" | "husband" | "vo" | "chong" | "vo/chong" | "vo chong" => {
                Relation::Spouse
            }
            "father" | "cha" | "bo" | "ba" | "bo de" | "cha de" => Relation::Father,
            "mother" | "me" | "ma" | "me de" => Relation::Mother,
            "child" | "con" | "con trai" | "con gai" | "son" | "daughter" => Relation::Child,
            "sibling" | "anh" | "chi" | "em" | "anh/chi/em" | "anh chi em" => Relation::Sibling,
            "other" | "khac" => Relation::Other,
            _ => return None,
        })
    }
}

/// How a person field's value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Date,
    Sex,
    IdNumber,
    Phone,
    Email,
    Province,
    Commune,
    /// Written by the core when province and commune name a unit together.
    CommuneCode,
    Text,
}

/// The standard person fields a profile keeps: id, check, Vietnamese and
/// English label.
const PERSON_FIELDS: &[(&str, Kind, &str, &str)] = &[
    ("full_name", Kind::Name, "Họ, chữ đệm và tên", "Full name"),
    (
        "date_of_birth",
        Kind::Date,
        "Ngày, tháng, năm sinh",
        "Date of birth",
    ),
    ("sex", Kind::Sex, "Giới tính", "Sex"),
    (
        "id_number",
        Kind::IdNumber,
        "Số định danh cá nhân",
        "Personal ID number",
    ),
    ("phone", Kind::Phone, "Số điện thoại", "Phone number"),
    ("email", Kind::Email, "Thư điện tử", "Email"),
    ("nationality", Kind::Text, "Quốc tịch", "Nationality"),
    ("ethnicity", Kind::Text, "Dân tộc", "Ethnicity"),
    (
        "address.province",
        Kind::Province,
        "Tỉnh/thành phố thường trú",
        "Province of permanent residence",
    ),
    (
        "address.commune",
        Kind::Commune,
        "Xã/phường thường trú",
        "Commune/ward of permanent residence",
    ),
    (
        "address.code",
        Kind::CommuneCode,
        "Mã xã/phường (tự điền)",
        "Commune code (filled in)",
    ),
    (
        "address.detail",
        Kind::Text,
        "Số nhà, đường, thôn/tổ dân phố",
        "House number, street, village",
    ),
];

/// The field ids a profile person accepts, with their labels.
pub fn person_fields() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    PERSON_FIELDS.iter().map(|(id, _, vi, en)| (*id, *vi, *en))
}

/// Is `id` a standard person field?
pub(crate) fn is_person_field(id: &str) -> bool {
    PERSON_FIELDS.iter().any(|(f, ..)| *f == id)
}

/// Checks `raw` for the person field `id` and returns its normalised form,
/// with a warning when it is accepted but doubtful (a mobile prefix not yet
/// allocated). `None` means `id` is not a person field.
pub(crate) fn normalize_person_value(
    id: &str,
    raw: &str,
    today: validate::Date,
) -> Option<Result<Checked, Problem>> {
    let (_, kind, ..) = PERSON_FIELDS.iter().find(|(f, ..)| *f == id)?;
    let plain = match kind {
        Kind::Name => validate::person_name(raw),
        Kind::Date => validate::date(raw).and_then(|d| {
            match validate::birth_date(d, today).into_iter().next() {
                Some(p) => Err(p),
                None => Ok(validate::format_date(d)),
            }
        }),
        Kind::Sex => Sex::parse(raw).map(|s| s.as_str().to_string()),
        Kind::IdNumber => validate::id_number(raw).map(|id| id.digits),
        Kind::Phone => return Some(validate::phone(raw)),
        Kind::Email => validate::email(raw),
        Kind::Province => regions::province(raw).map(|p| p.name.to_string()),
        Kind::Commune => regions::commune(raw),
        Kind::CommuneCode => regions::commune_code(raw),
        Kind::Text => validate::text(raw, 200),
    };
    Some(plain.map(Checked::plain))
}

/// After `changed` was set or cleared: a person's province and commune
/// naming a unit together are kept by their official names with the
/// commune's code; a pair that does not loses the code and says why.
pub(crate) fn settle_person_place(changed: &str, values: &mut PersonValues) -> Option<Problem> {
    if !matches!(changed, "address.province" | "address.commune") {
        return None;
    }
    crate::form::settle_address("address", values).1
}

/// Cross-field problems within one person (an ID number that contradicts
/// the date of birth or sex).
pub(crate) fn person_consistency(values: &PersonValues) -> Vec<Problem> {
    let Some(id) = values
        .get("id_number")
        .and_then(|v| validate::id_number(v).ok())
    else {
        return Vec::new();
    };
    let birth = values
        .get("date_of_birth")
        .and_then(|v| validate::date(v).ok());
    let sex = values.get("sex").and_then(|v| Sex::parse(v).ok());
    validate::id_matches_person(&id, birth, sex)
}

impl Profile {
    /// The person values of `member` (`None` = the user).
    pub fn person(&self, member: Option<&str>) -> Option<&PersonValues> {
        match member {
            None => Some(&self.me),
            Some(id) => self.family.iter().find(|m| m.id == id).map(|m| &m.values),
        }
    }

    pub(crate) fn person_mut(&mut self, member: Option<&str>) -> Option<&mut PersonValues> {
        match member {
            None => Some(&mut self.me),
            Some(id) => self
                .family
                .iter_mut()
                .find(|m| m.id == id)
                .map(|m| &mut m.values),
        }
    }

    /// The next unused member id (`m1`, `m2`, …).
    pub(crate) fn next_member_id(&self) -> String {
        let max = self
            .family
            .iter()
            .filter_map(|m| m.id.strip_prefix('m')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("m{}", max + 1)
    }

    /// The sex recorded for a person, if any.
    pub fn sex_of(values: &PersonValues) -> Option<Sex> {
        values.get("sex").and_then(|s| Sex::parse(s).ok())
    }
}
