//! Prefilling a new draft from the profile: each person block of the form
//! names who may fill it (the user, their spouse, …, optionally of a given
//! sex); the first profile person that matches fills the block's standard
//! fields, and the draft records where each prefilled value came from.

use crate::form::{prefill_paths, settle_place, FormSchema, PrefillRule, Who};
use crate::profile::{PersonValues, Profile, Relation};
use std::collections::BTreeMap;

fn matches(rule: &PrefillRule, relation: Option<Relation>, person: &PersonValues) -> bool {
    let who_ok = matches!(
        (rule.who, relation),
        (Who::Self_, None)
            | (Who::Spouse, Some(Relation::Spouse))
            | (Who::Father, Some(Relation::Father))
            | (Who::Mother, Some(Relation::Mother))
            | (Who::Child, Some(Relation::Child))
    );
    who_ok && (rule.sex.is_none() || Profile::sex_of(person) == rule.sex)
}

/// The profile person a rule list picks: `(source label, values)`.
fn pick<'p>(rules: &[PrefillRule], profile: &'p Profile) -> Option<(String, &'p PersonValues)> {
    rules.iter().find_map(|rule| {
        if matches(rule, None, &profile.me) {
            return Some(("profile:me".to_string(), &profile.me));
        }
        profile
            .family
            .iter()
            .find(|m| matches(rule, Some(m.relation), &m.values))
            .map(|m| (format!("profile:{}", m.id), &m.values))
    })
}

/// Fills `values` from `profile` following the schema's prefill rules and
/// records each filled path in `prefilled`. Never overwrites a value.
pub fn prefill(
    schema: &FormSchema,
    profile: &Profile,
    values: &mut BTreeMap<String, String>,
    prefilled: &mut BTreeMap<String, String>,
) {
    for group in &schema.groups {
        let Some((source, person)) = pick(&group.prefill, profile) else {
            continue;
        };
        for (from, to) in prefill_paths(group) {
            if let Some(v) = person.get(&from) {
                if !values.contains_key(&to) {
                    values.insert(to.clone(), v.clone());
                    prefilled.insert(to, source.clone());
                }
            }
        }
    }
    // A profile saved before addresses carried codes: its places settle
    // here (official names, the commune's code).
    let communes: Vec<String> = prefilled
        .keys()
        .filter(|p| p.ends_with(".commune"))
        .cloned()
        .collect();
    for path in communes {
        if let Ok(resolved) = schema.resolve(&path) {
            settle_place(&resolved, values);
        }
    }
}
