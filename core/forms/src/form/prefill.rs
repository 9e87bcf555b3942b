//! Profile prefill: which groups of a form may be filled from the user's
//! saved persons (self, spouse, father, mother, child), which person a group
//! takes, and which value paths the standard person fields map to. The draft
//! module does the filling; this module only answers those questions.

use super::generic::PERSON_FIELDS;
use super::model::{FieldKind, FormSchema, Group, PrefillRule, Who};
use super::resolve::{field_path, AddressPart};
use crate::validate::Sex;

/// Groups that have prefill rules, with their rules (in preference order).
pub fn prefill_targets(schema: &FormSchema) -> Vec<(&Group, &[PrefillRule])> {
    schema
        .groups
        .iter()
        .filter(|g| !g.prefill.is_empty())
        .map(|g| (g, g.prefill.as_slice()))
        .collect()
}

/// The first rule's person who is available with a matching sex.
/// `available` lists the profile persons the user has, with their sex when
/// known; a rule that names a sex does not match a person of unknown sex.
pub fn choose_source(rules: &[PrefillRule], available: &[(Who, Option<Sex>)]) -> Option<Who> {
    rules.iter().find_map(|rule| {
        available
            .iter()
            .find(|(who, sex)| *who == rule.who && (rule.sex.is_none() || rule.sex == *sex))
            .map(|(who, _)| *who)
    })
}

/// The person attributes a group can take and the value path each goes to:
/// (`"full_name"`, `"father.full_name"`), (`"address.province"`,
/// `"applicant.address.province"`)… Only standard person field ids
/// ([`PERSON_FIELDS`]) are mapped; repeat groups map nothing.
pub fn prefill_paths(group: &Group) -> Vec<(String, String)> {
    if group.repeat.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for field in &group.fields {
        if !PERSON_FIELDS.contains(&field.id.as_str()) {
            continue;
        }
        if matches!(field.kind, FieldKind::Address) {
            for part in AddressPart::STORED {
                out.push((
                    format!("{}.{}", field.id, part.as_str()),
                    field_path(&group.id, None, &field.id, Some(part)),
                ));
            }
        } else {
            out.push((
                field.id.clone(),
                field_path(&group.id, None, &field.id, None),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::generic::applicant_group;

    #[test]
    fn chooses_by_order_and_sex() {
        let father = [
            PrefillRule {
                who: Who::Self_,
                sex: Some(Sex::Male),
            },
            PrefillRule {
                who: Who::Spouse,
                sex: Some(Sex::Male),
            },
        ];
        let me_woman = [
            (Who::Self_, Some(Sex::Female)),
            (Who::Spouse, Some(Sex::Male)),
        ];
        assert_eq!(choose_source(&father, &me_woman), Some(Who::Spouse));
        let me_man = [
            (Who::Self_, Some(Sex::Male)),
            (Who::Spouse, Some(Sex::Female)),
        ];
        assert_eq!(choose_source(&father, &me_man), Some(Who::Self_));
        assert_eq!(choose_source(&father, &[(Who::Self_, None)]), None);
        let any = [PrefillRule {
            who: Who::Self_,
            sex: None,
        }];
        assert_eq!(choose_source(&any, &[(Who::Self_, None)]), Some(Who::Self_));
    }

    #[test]
    fn applicant_paths_expand_the_address() {
        let paths = prefill_paths(&applicant_group());
        assert!(paths.contains(&("full_name".into(), "applicant.full_name".into())));
        assert!(paths.contains(&("address.commune".into(), "applicant.address.commune".into())));
        // The three typed parts and the commune's code.
        assert!(paths.contains(&("address.code".into(), "applicant.address.code".into())));
        assert_eq!(paths.len(), 6 + 4);
    }
}
