//! Prefilling a new draft from the profile: each person block of the form
//! names who may fill it (the user, their spouse, …, optionally of a given
//! sex); the first profile person that matches fills the block's standard
//! fields, and the draft records where each prefilled value came from.

use crate::form::{FieldKind, FormSchema, PrefillRule, Who};
use crate::profile::{PersonValues, Profile, Relation};
use std::collections::BTreeMap;

const ADDRESS_PARTS: [&str; 3] = ["province", "commune", "detail"];

fn matches(rule: &PrefillRule, relation: Option<Relation>, person: &PersonValues) -> bool {
    let who_ok = match (rule.who, relation) {
        (Who::Self_, None) => true,
        (Who::Spouse, Some(Relation::Spouse))
        | (Who::Father, Some(Relation::Father))
        | (Who::Mother, Some(Relation::Mother))
        | (Who::Child, Some(Relation::Child)) => true,
        _ => false,
    };
    let sex_ok = match rule.sex {
        None => true,
        Some(want) => Profile::sex_of(person) == Some(want),
    };
    who_ok && sex_ok
}

/// The profile person a rule list picks: `(source label, values)`.
fn pick<'p>(rules: &[PrefillRule], profile: &'p Profile) -> Option<(String, &'p PersonValues)> {
    for rule in rules {
        if matches(rule, None, &profile.me) {
            return Some(("profile:me".to_string(), &profile.me));
        }
        for m in &profile.family {
            if matches(rule, Some(m.relation), &m.values) {
                return Some((format!("profile:{}", m.id), &m.values));
            }
        }
    }
    None
}

/// Fills `values` from `profile` following the schema's prefill rules and
/// records each filled path in `prefilled`. Never overwrites a value.
pub(crate) fn prefill(
    schema: &FormSchema,
    profile: &Profile,
    values: &mut BTreeMap<String, String>,
    prefilled: &mut BTreeMap<String, String>,
) {
    for group in &schema.groups {
        if group.repeat.is_some() || group.prefill.is_empty() {
            continue;
        }
        let Some((source, person)) = pick(&group.prefill, profile) else {
            continue;
        };
        for field in &group.fields {
            let mut copy = |from: &str, to: String| {
                if let Some(v) = person.get(from) {
                    if !values.contains_key(&to) {
                        values.insert(to.clone(), v.clone());
                        prefilled.insert(to, source.clone());
                    }
                }
            };
            if matches!(field.kind, FieldKind::Address) {
                if field.id == "address" {
                    for part in ADDRESS_PARTS {
                        copy(
                            &format!("address.{part}"),
                            format!("{}.{}.{part}", group.id, field.id),
                        );
                    }
                }
            } else if crate::profile::is_person_field(&field.id) {
                copy(&field.id, format!("{}.{}", group.id, field.id));
            }
        }
    }
}
