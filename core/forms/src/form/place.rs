//! An address's stored form once its province and commune name a unit of
//! the table together: the official names, and the commune's national code
//! in the address's `code` part. Run after a part changes; a pair that no
//! longer names a unit loses its code, so a stored code always belongs to
//! the names beside it.

use super::resolve::{field_path, AddressPart, ResolvedField};
use crate::validate::regions::{self, Place};
use crate::validate::Problem;
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
    let address = field_path(&changed.group.id, changed.index, &changed.field.id, None);
    settle_address(&address, values).0
}

/// [`settle_place`] for the address whose parts are `address.province`,
/// `address.commune` and `address.code` in `values` (a draft's field path,
/// or the profile's `address`): the paths that changed, and why the pair
/// names no unit when both parts are there but do not.
pub(crate) fn settle_address(
    address: &str,
    values: &mut BTreeMap<String, String>,
) -> (Vec<String>, Option<Problem>) {
    let path = |p: AddressPart| format!("{address}.{}", p.as_str());
    let found = match (
        values.get(&path(AddressPart::Province)),
        values.get(&path(AddressPart::Commune)),
    ) {
        (Some(p), Some(c)) => Some(regions::place(p, c)),
        _ => None,
    };
    match found {
        Some(Ok(place)) => (store_place(address, &place, values), None),
        found => {
            let code = path(AddressPart::Code);
            let changed = values.remove(&code).map(|_| code).into_iter().collect();
            (changed, found.and_then(|f| f.err()).map(|e| e.problem))
        }
    }
}

/// Writes `place` as the address `address` in `values`: official names
/// and the commune's code. Returns the paths whose values changed.
pub fn store_place(
    address: &str,
    place: &Place,
    values: &mut BTreeMap<String, String>,
) -> Vec<String> {
    let mut changed = Vec::new();
    for (part, value) in [
        (AddressPart::Province, &place.province_name),
        (AddressPart::Commune, &place.commune_name),
        (AddressPart::Code, &place.commune_code),
    ] {
        let path = format!("{address}.{}", part.as_str());
        if values.get(&path) != Some(value) {
            values.insert(path.clone(), value.clone());
            changed.push(path);
        }
    }
    changed
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
            version: 1,
            renamed: Vec::new(),
            parts: Vec::new(),
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
