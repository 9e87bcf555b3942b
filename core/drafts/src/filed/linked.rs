//! Linked filings followed as one (`LinkedGroup`): the parts a group
//! procedure was filed as (each a followed dossier naming its group), put
//! back together, with the group's state read from its parts' statuses.

use super::TrackedDossier;
use hoso_wire::status::{
    is_final, FEE_REQUESTED, PROCESSED, RESULT_RETURNED, SUPPLEMENT_REQUESTED,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a linked filing is, from its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkedState {
    /// An officer asked something of a part (documents or a fee).
    NeedsAction,
    /// Parts are still being received or processed.
    InProgress,
    /// Every part has its result (processed or returned).
    Done,
    /// Every part is finished, and some were refused or stopped (3, 8).
    Ended,
}

/// One linked filing and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedGroup {
    pub group_id: String,
    /// The group procedure (`2.000986`).
    pub procedure_code: String,
    pub state: LinkedState,
    /// Parts with their result (status 9 or 10).
    pub parts_done: usize,
    /// The parts, in filing order (their codes' order).
    pub parts: Vec<TrackedDossier>,
}

/// The linked filings among `dossiers`, in order of their first part.
pub fn groups(dossiers: &[TrackedDossier]) -> Vec<LinkedGroup> {
    let mut by_group: BTreeMap<&str, Vec<&TrackedDossier>> = BTreeMap::new();
    for d in dossiers {
        if let Some(link) = &d.linked {
            by_group.entry(link.group_id.as_str()).or_default().push(d);
        }
    }
    let mut out: Vec<LinkedGroup> = by_group
        .into_iter()
        .map(|(id, mut parts)| {
            parts.sort_by(|a, b| a.code.cmp(&b.code));
            let procedure_code = parts
                .first()
                .and_then(|d| d.linked.as_ref())
                .map(|l| l.group_procedure_code.clone())
                .unwrap_or_default();
            let statuses: Vec<u8> = parts.iter().map(|d| d.status).collect();
            LinkedGroup {
                group_id: id.to_string(),
                procedure_code,
                state: state_of(&statuses),
                parts_done: statuses
                    .iter()
                    .filter(|s| matches!(**s, PROCESSED | RESULT_RETURNED))
                    .count(),
                parts: parts.into_iter().cloned().collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let first = |g: &LinkedGroup| g.parts.first().map(|d| d.code.clone());
        first(a).cmp(&first(b))
    });
    out
}

/// The group's state from its parts' statuses.
fn state_of(statuses: &[u8]) -> LinkedState {
    if statuses
        .iter()
        .any(|s| matches!(*s, SUPPLEMENT_REQUESTED | FEE_REQUESTED))
    {
        LinkedState::NeedsAction
    } else if statuses
        .iter()
        .all(|s| matches!(*s, PROCESSED | RESULT_RETURNED))
    {
        LinkedState::Done
    } else if statuses.iter().all(|s| is_final(*s) || *s == PROCESSED) {
        LinkedState::Ended
    } else {
        LinkedState::InProgress
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_wire::DossierLink;

    fn part(code: &str, group: &str, status: u8) -> TrackedDossier {
        TrackedDossier {
            code: code.into(),
            procedure_code: "1.001193".into(),
            status,
            appointment_date: String::new(),
            updated_at: String::new(),
            history: Vec::new(),
            supplement_request: None,
            fee_request: None,
            receipt: None,
            checked_at: 0,
            payments: Vec::new(),
            linked: Some(DossierLink {
                group_id: group.into(),
                group_procedure_code: "2.000986".into(),
                part: "birth".into(),
            }),
        }
    }

    #[test]
    fn parts_are_put_back_together_with_the_group_state() {
        let mut alone = part("A-3", "g", 1);
        alone.linked = None;
        let all = vec![
            part("B-2", "g2", 10),
            part("A-2", "g", 5),
            part("A-1", "g", 4),
            alone,
            part("B-1", "g2", 9),
        ];
        let groups = groups(&all);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].group_id, "g");
        assert_eq!(groups[0].state, LinkedState::NeedsAction);
        let codes: Vec<&str> = groups[0].parts.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["A-1", "A-2"]);
        assert_eq!(groups[1].state, LinkedState::Done);
        assert_eq!(groups[1].parts_done, 2);
        assert_eq!(groups[1].procedure_code, "2.000986");
    }

    #[test]
    fn states_from_statuses() {
        assert_eq!(state_of(&[1, 2, 4]), LinkedState::InProgress);
        assert_eq!(state_of(&[9, 10, 6]), LinkedState::NeedsAction);
        assert_eq!(state_of(&[10, 3, 9]), LinkedState::Ended);
        assert_eq!(state_of(&[10, 4]), LinkedState::InProgress);
        assert_eq!(state_of(&[9, 10]), LinkedState::Done);
    }
}
