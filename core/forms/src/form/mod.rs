//! Form schemas per procedure: the fields a dossier asks for and the
//! documents it needs, and checking a draft's values against them.
//!
//! Every catalog procedure gets a schema ([`schema_for`]): a hand-written
//! field set for the most-filed procedures ([`builtin_codes`], JSON in
//! `core/data/forms/`), otherwise a generic applicant block; document slots
//! always come from the procedure's catalog rows. Drafts store raw strings
//! by value path (`child.full_name`, `members[0].full_name`,
//! `applicant.address.province`); [`FormSchema::resolve`] and [`normalize`]
//! turn them into canonical values, and [`check`] says what is missing or
//! wrong before submission.

mod builtin;
mod check;
mod condition;
mod delivered;
mod error;
mod generic;
mod lint;
mod model;
mod normalize;
mod place;
mod prefill;
mod resolve;
mod slots;

pub use builtin::{builtin_codes, builtin_form, builtin_source, BuiltinForm, SlotOverride};
pub use check::{check, CheckMode, CheckReport, FieldIssue};
pub use condition::Answers;
pub use delivered::{
    check_items as check_delivered_forms, form_in_effect, form_in_effect_among,
    item_from_file as form_item_from_file, item_name as form_item_name,
    items_from_dir as form_items_from_dir, read_form, read_item as read_form_item,
    DeliveredFormError, FormFilesError,
};
pub use error::FormError;
pub use generic::{applicant_group, generic_schema, APPLICANT, PERSON_FIELDS};
pub use model::*;
pub use normalize::{normalize, normalize_address_part, normalize_checked, normalize_kind};
pub(crate) use place::settle_address;
pub use place::{settle_place, store_place};
pub use prefill::{choose_source, prefill_paths, prefill_targets};
pub use resolve::{field_path, value_paths, AddressPart, ResolvedField};
pub use slots::{classify as classify_document, derive_slots, slot_id};

use crate::catalog::Procedure;

/// The form for `procedure` as the app was built: its builtin field set
/// when it has one, else the generic one. Document slots are derived from
/// the procedure's rows either way. [`schema_with`] also takes the forms a
/// catalog carries.
pub fn schema_for(procedure: &Procedure) -> FormSchema {
    schema_of(builtin_form(&procedure.code), procedure)
}

/// The form for `procedure` with `catalog`: the form in effect
/// ([`form_in_effect`]: the catalog's when newer than the built-in one),
/// else the generic one.
pub fn schema_with(
    catalog: &crate::catalog::store::CatalogStore,
    procedure: &Procedure,
) -> Result<FormSchema, crate::catalog::store::CatalogError> {
    let form = form_in_effect(catalog, &procedure.code)?;
    Ok(schema_of(form.as_deref(), procedure))
}

/// The form for `procedure` in a catalog whose data items are `items` (a
/// portal serving a bundle): as [`schema_with`].
pub fn schema_among(items: &[crate::catalog::data::DataItem], procedure: &Procedure) -> FormSchema {
    let form = form_in_effect_among(items, &procedure.code);
    schema_of(form.as_deref(), procedure)
}

fn schema_of(form: Option<&BuiltinForm>, procedure: &Procedure) -> FormSchema {
    match form {
        Some(form) => FormSchema {
            procedure_code: procedure.code.clone(),
            slots: form.adjust_slots(derive_slots(procedure)),
            ..form.fields_schema()
        },
        None => generic_schema(procedure),
    }
}

impl FormSchema {
    /// Resolves `path` and also requires the field to be visible with the
    /// current `values` ([`FormError::Hidden`] otherwise) — for setting a value.
    pub fn resolve_visible(
        &self,
        path: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<ResolvedField<'_>, FormError> {
        let r = self.resolve(path)?;
        if Answers::new(self, values).field_visible(r.group, r.index, r.field) {
            Ok(r)
        } else {
            Err(FormError::Hidden { path: r.path })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Document, Procedure};

    fn procedure(code: &str) -> Procedure {
        let doc = |name: &str| Document {
            group: String::new(),
            name: name.into(),
            form: None,
            originals: 1,
            copies: 0,
        };
        Procedure {
            code: code.into(),
            name: "Thủ tục thử".into(),
            documents: vec![doc("Tờ khai"), doc("Giấy tờ khác (nếu có)")],
            online: true,
            ..Default::default()
        }
    }

    #[test]
    fn builtin_codes_get_their_field_set_others_the_generic_one() {
        let generic = schema_for(&procedure("9.000001"));
        assert!(!generic.builtin);
        assert_eq!(generic.title_vi, "Thủ tục thử");
        assert_eq!(generic.groups.len(), 1);
        assert_eq!(generic.slots.len(), 2);
        for code in builtin_codes() {
            let s = schema_for(&procedure(code));
            assert!(s.builtin);
            assert_eq!(&s.procedure_code, code);
            // Slots still come from the procedure's rows.
            assert_eq!(s.slots.len(), 2);
            assert!(s.lint().is_empty(), "{code}: {:?}", s.lint());
        }
    }

    #[test]
    fn resolve_visible_refuses_hidden_fields() {
        let s = schema_for(&procedure("1.001193"));
        let mut values = std::collections::BTreeMap::new();
        values.insert("child.father_known".to_string(), "không".to_string());
        let err = s.resolve_visible("father.full_name", &values).unwrap_err();
        assert_eq!(err.code(), "hidden_field");
        values.insert("child.father_known".to_string(), "có".to_string());
        assert!(s.resolve_visible("father.full_name", &values).is_ok());
    }
}
