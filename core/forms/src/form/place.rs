//! An address's stored form once its province and commune name a unit of
//! the table together: the official names, and the commune's national code
//! in the address's `code` part. Run after a part changes; a pair that no
//! longer names a unit loses its code, so a stored code always belongs to
//! the names beside it.

use super::resolve::{field_path, AddressPart, ResolvedField};
use crate::validate::regions;
use std::collections::BTreeMap;

/// Settles the address that `changed` (a resolved value path) is part of
/// in `values`: names made official and the code written when province and
/// commune name a unit together, the code removed when they do not.
/// Returns the paths whose values changed. Paths that are not an address's
/// province or commune change nothing.
pub fn settle_place(changed: &ResolvedField, values: &mut BTreeMap<String, String>) -> Vec<String> {
    if !matches!(
        changed.part,
        Some(AddressPart::Province | AddressPart::Commune)
    ) {
        return Vec::new();
    }
    let path = |p| field_path(&changed.group.id, changed.index, &changed.field.id, Some(p));
    let (province, commune, code) = (
        path(AddressPart::Province),
        path(AddressPart::Commune),
        path(AddressPart::Code),
    );
    let found = match (values.get(&province), values.get(&commune)) {
        (Some(p), Some(c)) => regions::place(p, c).ok(),
        _ => None,
    };
    let wanted: Vec<(String, Option<String>)> = match found {
        Some(place) => vec![
            (province, Some(place.province_name)),
            (commune, Some(place.commune_name)),
            (code, Some(place.commune_code)),
        ],
        None => vec![(code, None)],
    };
    let mut changed_paths = Vec::new();
    for (path, value) in wanted {
        let before = values.get(&path).cloned();
        if before == value {
            continue;
        }
        match value {
            Some(v) => values.insert(path.clone(), v),
            None => values.remove(&path),
        };
        changed_paths.push(path);
    }
    changed_paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::generic::applicant_group;
    use crate::form::model::FormSchema;

    fn schema() -> FormSchema {
        FormSchema {
            procedure_code: "test".into(),
            title_vi: String::new(),
            title_en: String::new(),
            builtin: false,
            groups: vec![applicant_group()],
            slots: Vec::new(),
        }
    }

    #[test]
    fn a_pair_that_names_a_unit_is_stored_official_with_its_code() {
        let schema = schema();
        let mut values = BTreeMap::new();
        values.insert(
            "applicant.address.province".into(),
            "Thành phố Hà Nội".into(),
        );
        values.insert("applicant.address.commune".into(), "P. Ba Dinh".into());
        let r = schema.resolve("applicant.address.commune").unwrap();
        let changed = settle_place(&r, &mut values);
        assert_eq!(values["applicant.address.commune"], "Phường Ba Đình");
        assert_eq!(values["applicant.address.code"], "00004");
        assert_eq!(changed.len(), 2);
        // Settled again: nothing to do.
        assert!(settle_place(&r, &mut values).is_empty());
        // Another province: the code goes, the names stay as they are.
        values.insert(
            "applicant.address.province".into(),
            "Thành phố Hồ Chí Minh".into(),
        );
        let r = schema.resolve("applicant.address.province").unwrap();
        assert_eq!(settle_place(&r, &mut values), ["applicant.address.code"]);
        assert!(!values.contains_key("applicant.address.code"));
        assert_eq!(values["applicant.address.commune"], "Phường Ba Đình");
        // The detail is not a place.
        let r = schema.resolve("applicant.address.detail").unwrap();
        assert!(settle_place(&r, &mut values).is_empty());
    }
}
