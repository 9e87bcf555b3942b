//! The draft side of answering an officer's supplement request: a draft
//! linked to the dossier (the requested documents to attach, the filed
//! values to correct), and its readiness narrowed to what was asked. The
//! outbox starts such drafts from a followed dossier's open request and
//! freezes them.

use super::model::{Draft, SupplementLink};
use super::store::{DraftError, Drafts, ValidationReport};
use crate::catalog::store::CatalogError;
use crate::form::FieldIssue;
use std::collections::BTreeMap;

impl Drafts {
    /// A new draft of `procedure_code` answering `link`'s request, carrying
    /// the values as filed; saved.
    pub fn create_supplement(
        &self,
        procedure_code: &str,
        link: SupplementLink,
    ) -> Result<Draft, DraftError> {
        let procedure = self.catalog.procedure(procedure_code)?;
        let schema = crate::form::schema_with(&self.catalog, &procedure)?;
        let info = self.catalog.current()?.ok_or(CatalogError::NoCatalog)?;
        let draft = Draft {
            values: link.filed_values.clone(),
            supplement: Some(link),
            ..self.blank(&procedure, &schema, info.version)?
        };
        self.save_new(&draft, &schema)?;
        Ok(draft)
    }

    /// The drafts answering a supplement request of `dossier_code`.
    pub fn supplement_drafts(&self, dossier_code: &str) -> Result<Vec<Draft>, DraftError> {
        let (drafts, _) = self.all_drafts()?;
        Ok(drafts
            .into_iter()
            .filter(|d| {
                d.supplement
                    .as_ref()
                    .is_some_and(|l| l.dossier_code == dossier_code)
            })
            .collect())
    }

    /// Narrows a complete check to what a supplement needs: a file in every
    /// requested slot, and every value still valid.
    pub(super) fn supplement_report(
        link: &SupplementLink,
        counts: &BTreeMap<String, u32>,
        report: &mut ValidationReport,
    ) {
        report.missing = link
            .slots
            .iter()
            .filter(|slot| counts.get(*slot).copied().unwrap_or(0) == 0)
            .map(|slot| FieldIssue {
                field: format!("documents.{slot}"),
                code: "document_missing".into(),
                message_vi: "Chưa đính kèm giấy tờ được yêu cầu bổ sung".into(),
                message_en: "A document the officer asked for is not attached".into(),
            })
            .collect();
        report.ready = report.missing.is_empty() && report.invalid.is_empty();
    }
}
