//! Forms delivered with the catalog (issue #22, ADR 0023): a catalog may
//! carry `forms/<code>.json` items in the format of `core/data/forms`, each
//! with its version. The form in effect for a procedure is the catalog's
//! when its version is newer than the built-in one's, else the built-in one
//! — so a corrected form reaches phones with `catalog update`, and an old
//! catalog never replaces a newer form the app was built with. A delivered
//! form is read as outside input: bounded, parsed with unknown keys
//! refused, its code the item's, its fields linted; one that fails refuses
//! the catalog carrying it before it is installed ([`check_items`]), and
//! is left out if it fails later (a built-in or generic form answers).

use super::builtin::{builtin_form, BuiltinForm};
use super::model::FormSchema;
use crate::catalog::data::DataItem;
use crate::catalog::store::{CatalogError, CatalogStore};
use hoso_store::error::{Classified, ErrorKind};
use std::sync::Arc;

/// Where a catalog keeps a procedure's form.
const PREFIX: &str = "forms/";
const SUFFIX: &str = ".json";

/// A form file is a few KB; the largest built-in is 14 KB.
const FORM_BYTES_MAX: usize = 256 * 1024;

/// The catalog data item name of `code`'s form.
pub fn item_name(code: &str) -> String {
    format!("{PREFIX}{code}{SUFFIX}")
}

/// The procedure code an item name is the form of, if it is one.
fn code_of(name: &str) -> Option<&str> {
    name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)
}

/// Why a delivered form cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DeliveredFormError {
    #[error("biểu mẫu {name} lớn hơn {max} byte / form {name} is larger than {max} bytes")]
    TooLarge { name: String, max: usize },
    #[error("biểu mẫu {name} không đọc được: {reason} / form {name} cannot be read: {reason}")]
    Unreadable { name: String, reason: String },
    #[error("biểu mẫu {name} là của thủ tục {code} / form {name} is for procedure {code}")]
    WrongProcedure { name: String, code: String },
    #[error("biểu mẫu {name} không có phiên bản (từ 1) / form {name} has no version (from 1)")]
    NoVersion { name: String },
    #[error("biểu mẫu {name} sai: {problems} / form {name} is wrong: {problems}")]
    Lint { name: String, problems: String },
}

impl Classified for DeliveredFormError {
    fn kind(&self) -> ErrorKind {
        match self {
            DeliveredFormError::TooLarge { .. }
            | DeliveredFormError::Unreadable { .. }
            | DeliveredFormError::WrongProcedure { .. }
            | DeliveredFormError::NoVersion { .. }
            | DeliveredFormError::Lint { .. } => ErrorKind::InvalidInput,
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            DeliveredFormError::TooLarge { .. } => "too_large",
            DeliveredFormError::Unreadable { .. }
            | DeliveredFormError::WrongProcedure { .. }
            | DeliveredFormError::NoVersion { .. }
            | DeliveredFormError::Lint { .. } => "bad_form",
        }
    }
}

/// Reads and checks the form an item carries. `Ok(None)` when the item is
/// not a form.
pub fn read_item(item: &DataItem) -> Result<Option<BuiltinForm>, DeliveredFormError> {
    let Some(code) = code_of(&item.name) else {
        return Ok(None);
    };
    read_form(code, &item.bytes).map(Some)
}

/// Reads and checks the form file bytes of procedure `code`. Errors name
/// the form by its code (shown only when it looks like one).
pub fn read_form(code: &str, bytes: &[u8]) -> Result<BuiltinForm, DeliveredFormError> {
    let name = crate::text::shown_if_identifier(code);
    if bytes.len() > FORM_BYTES_MAX {
        return Err(DeliveredFormError::TooLarge {
            name,
            max: FORM_BYTES_MAX,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| DeliveredFormError::Unreadable {
        name: name.clone(),
        reason: "not UTF-8".into(),
    })?;
    let form = BuiltinForm::from_json(text).map_err(|e| DeliveredFormError::Unreadable {
        name: name.clone(),
        reason: crate::storage::json_error_reason(&e),
    })?;
    if form.procedure_code != code {
        return Err(DeliveredFormError::WrongProcedure {
            code: crate::text::shown_if_identifier(&form.procedure_code),
            name,
        });
    }
    if form.version == 0 {
        return Err(DeliveredFormError::NoVersion { name });
    }
    let problems = form.fields_schema().lint();
    if !problems.is_empty() {
        return Err(DeliveredFormError::Lint {
            name,
            problems: problems.join("; "),
        });
    }
    Ok(form)
}

/// At most this many form files in a directory packed into a catalog.
const FORM_FILES_MAX: usize = 4000;

/// Why a directory of form files could not be packed.
#[derive(Debug, thiserror::Error)]
pub enum FormFilesError {
    #[error(
        "không đọc được thư mục biểu mẫu {path} / cannot read the forms directory {path}: {reason}"
    )]
    Unreadable { path: String, reason: String },
    #[error("thư mục biểu mẫu có hơn {max} tệp / the forms directory holds more than {max} files")]
    TooMany { max: usize },
    #[error(transparent)]
    Form(#[from] DeliveredFormError),
}

impl Classified for FormFilesError {
    fn kind(&self) -> ErrorKind {
        match self {
            FormFilesError::Unreadable { .. } | FormFilesError::TooMany { .. } => {
                ErrorKind::InvalidInput
            }
            FormFilesError::Form(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            FormFilesError::Unreadable { .. } => "bad_request",
            FormFilesError::TooMany { .. } => "too_large",
            FormFilesError::Form(e) => e.error_code(),
        }
    }
}

/// The form files of `dir` (`<code>.json`, as in `core/data/forms`) as
/// catalog data items (`forms/<code>.json`), each read bounded and checked
/// as a device will check it ([`item_from_file`]); sorted by name. Other
/// files are skipped.
pub fn items_from_dir(dir: &std::path::Path) -> Result<Vec<DataItem>, FormFilesError> {
    let unreadable = |e: &dyn std::fmt::Display| FormFilesError::Unreadable {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut items = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| unreadable(&e))? {
        let path = entry.map_err(|e| unreadable(&e))?.path();
        if !path.to_string_lossy().ends_with(SUFFIX) {
            continue;
        }
        if items.len() == FORM_FILES_MAX {
            return Err(FormFilesError::TooMany {
                max: FORM_FILES_MAX,
            });
        }
        items.push(item_from_file(&path)?.0);
    }
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(items)
}

/// The form file at `path`, named `<code>.json`, as the catalog data item
/// it becomes (`forms/<code>.json`) and the form it holds: read bounded,
/// checked as a device will check it (what `hoso form lint` runs).
pub fn item_from_file(path: &std::path::Path) -> Result<(DataItem, BuiltinForm), FormFilesError> {
    let unreadable = |e: &dyn std::fmt::Display| FormFilesError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let Some(code) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(SUFFIX))
    else {
        return Err(unreadable(&"not named <code>.json"));
    };
    let name = item_name(code);
    let file = hoso_store::limits::open_regular(path, FORM_FILE).map_err(|e| unreadable(&e))?;
    let bytes = hoso_store::limits::read_bounded(file, FORM_BYTES_MAX as u64 + 1, FORM_FILE)
        .map_err(|e| unreadable(&e))?;
    let form = read_form(code, &bytes)?;
    Ok((DataItem::new(&name, bytes), form))
}

/// How a form file is named in limit errors.
const FORM_FILE: hoso_store::limits::What = hoso_store::limits::What {
    vi: "tệp biểu mẫu",
    en: "form file",
};

/// Checks every form a catalog's data carries (before the catalog is
/// installed: a form that would not be used refuses its catalog, like a
/// units table that does not read).
pub fn check_items(items: &[DataItem]) -> Result<(), DeliveredFormError> {
    for item in items {
        read_item(item)?;
    }
    Ok(())
}

/// The form in effect for `code` with `catalog`: the catalog's when it
/// carries one whose version is newer than the built-in form's (or there
/// is no built-in one), else the built-in form, else none (the generic
/// form answers). A delivered form that fails its checks now is left out.
pub fn form_in_effect(
    catalog: &CatalogStore,
    code: &str,
) -> Result<Option<Arc<BuiltinForm>>, CatalogError> {
    Ok(in_effect(
        catalog.data_item(&item_name(code))?.as_ref(),
        code,
    ))
}

/// [`form_in_effect`] for a catalog in hand (its data items, as a portal
/// serving it holds them).
pub fn form_in_effect_among(items: &[DataItem], code: &str) -> Option<Arc<BuiltinForm>> {
    let name = item_name(code);
    in_effect(items.iter().find(|item| item.name == name), code)
}

/// The rule both apply: a delivered form replaces the built-in one only
/// from a newer version on, so a form that changes always changes version
/// and drafts see it (an equal version is the same form).
fn in_effect(delivered: Option<&DataItem>, code: &str) -> Option<Arc<BuiltinForm>> {
    let built_in = builtin_form(code);
    let delivered = delivered.and_then(|item| read_item(item).ok().flatten());
    match (delivered, built_in) {
        (Some(d), Some(b)) if d.version <= b.version => Some(Arc::new(b.clone())),
        (Some(d), _) => Some(Arc::new(d)),
        (None, b) => b.map(|b| Arc::new(b.clone())),
    }
}

impl BuiltinForm {
    /// The form's own fields as a schema without document slots: what the
    /// linter checks of a form file, and what `schema_for` completes with
    /// the procedure's slots.
    pub(crate) fn fields_schema(&self) -> FormSchema {
        FormSchema {
            procedure_code: self.procedure_code.clone(),
            title_vi: self.title_vi.clone(),
            title_en: self.title_en.clone(),
            builtin: true,
            version: self.version,
            groups: self.groups.clone(),
            renamed: self.renamed.clone(),
            parts: self.parts.clone(),
            slots: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundle::Bundle;
    use crate::form::builtin_source;

    const CODE: &str = "1.001193";

    fn form_bytes(edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
        let mut form: serde_json::Value =
            serde_json::from_str(builtin_source(CODE).unwrap()).unwrap();
        edit(&mut form);
        serde_json::to_vec(&form).unwrap()
    }

    fn item(edit: impl Fn(&mut serde_json::Value)) -> DataItem {
        DataItem::new(&item_name(CODE), form_bytes(edit))
    }

    #[test]
    fn a_delivered_form_is_checked_like_outside_input() {
        assert!(read_item(&item(|_| {})).unwrap().is_some());
        assert!(read_item(&DataItem::new("units", &b"x"[..]))
            .unwrap()
            .is_none());
        let e = read_item(&item(|f| f["procedure_code"] = "1.000894".into())).unwrap_err();
        assert!(
            matches!(e, DeliveredFormError::WrongProcedure { .. }),
            "{e}"
        );
        let e = read_item(&item(|f| f["version"] = 0.into())).unwrap_err();
        assert!(matches!(e, DeliveredFormError::NoVersion { .. }), "{e}");
        let e = read_item(&item(|f| f["surprise"] = true.into())).unwrap_err();
        assert!(matches!(e, DeliveredFormError::Unreadable { .. }), "{e}");
        let e = read_item(&item(|f| {
            let group = f["groups"][0].clone();
            f["groups"].as_array_mut().unwrap().push(group);
        }))
        .unwrap_err();
        assert!(matches!(e, DeliveredFormError::Lint { .. }), "{e}");
        assert_eq!(e.error_code(), "bad_form");
        let big = DataItem::new(&item_name(CODE), vec![b' '; FORM_BYTES_MAX + 1]);
        assert!(matches!(
            read_item(&big),
            Err(DeliveredFormError::TooLarge { .. })
        ));
    }

    fn catalog_with(items: Vec<DataItem>) -> (tempfile::TempDir, CatalogStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = CatalogStore::open(dir.path()).unwrap();
        store
            .install(&Bundle::new(1, Vec::new()).with_data(items).unwrap())
            .unwrap();
        (dir, store)
    }

    #[test]
    fn the_catalogs_form_is_in_effect_from_the_built_in_version_on() {
        let newer = item(|f| {
            f["version"] = 2.into();
            f["title_vi"] = "Mẫu mới".into();
        });
        let (_dir, store) = catalog_with(vec![newer]);
        let form = form_in_effect(&store, CODE).unwrap().unwrap();
        assert_eq!((form.version, form.title_vi.as_str()), (2, "Mẫu mới"));
        // Others keep the built-in form; a code without one has none.
        assert_eq!(
            form_in_effect(&store, "1.000894").unwrap().unwrap().version,
            1
        );
        assert!(form_in_effect(&store, "9.999999").unwrap().is_none());

        // The same version is the same form: the built-in one stays.
        let same = item(|f| f["title_vi"] = "Cùng phiên bản".into());
        let (_dir, store) = catalog_with(vec![same.clone()]);
        let form = form_in_effect(&store, CODE).unwrap().unwrap();
        assert_eq!(form.title_vi, builtin_form(CODE).unwrap().title_vi);
        let among = form_in_effect_among(&[same], CODE).unwrap();
        assert_eq!(among.title_vi, form.title_vi);
    }

    #[test]
    fn a_form_that_fails_later_is_left_out() {
        // Stored whole but not a form (as if checked by an older build).
        let broken = DataItem::new(&item_name(CODE), &b"{}"[..]);
        let (_dir, store) = catalog_with(vec![broken]);
        let form = form_in_effect(&store, CODE).unwrap().unwrap();
        assert_eq!(form.title_vi, builtin_form(CODE).unwrap().title_vi);
        assert!(check_items(&store.data_items().unwrap()).is_err());
    }
}
