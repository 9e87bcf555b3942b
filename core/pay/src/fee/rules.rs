//! Fees written down per procedure (`data/fee_rules.json`), for the pages
//! whose fee lines cannot be read as one amount: each rule gives the base
//! fee per channel (or none: the officer asks for it once the case is
//! known) and the reductions in force, with why and where from. Compiled
//! in and read once; a file that does not read gives no rules (a test
//! holds the shipped one to reading whole).

use super::reduction::Reduction;
use super::{Basis, FeeDue};
use hoso_catalog::catalog::ChannelKind;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use time::Date;

const RULES: &str = include_str!("../../data/fee_rules.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    /// What the file is (for people reading it).
    #[serde(rename = "about")]
    _about: String,
    rules: Vec<Rule>,
}

/// One procedure's fee rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Rule {
    procedure_code: String,
    why: String,
    source: String,
    /// Base fee per channel (`online`, `in_person`, `postal`); `null`: none
    /// asked at filing.
    fees: HashMap<ChannelKind, Option<u64>>,
    reductions: Vec<RuleReduction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleReduction {
    percent: u8,
    /// `YYYY-MM-DD`.
    from: String,
    until: String,
    #[serde(default)]
    online_only: bool,
}

fn all() -> &'static [Rule] {
    static RULE_FILE: OnceLock<Vec<Rule>> = OnceLock::new();
    RULE_FILE.get_or_init(|| {
        serde_json::from_str::<RuleFile>(RULES)
            .map(|f| f.rules)
            .unwrap_or_default()
    })
}

/// The rule written down for `code`, if any.
pub(super) fn for_procedure(code: &str) -> Option<&'static Rule> {
    all().iter().find(|r| r.procedure_code == code)
}

fn day(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

impl Rule {
    /// What the rule says is due for `channel` on `day`.
    pub(super) fn due(&self, channel: ChannelKind, on: Date, text: String) -> FeeDue {
        let Some(base) = self.fees.get(&channel).copied().flatten() else {
            return FeeDue {
                amount_vnd: None,
                base_vnd: None,
                reduction: None,
                basis: Basis::Rule,
                text,
                rule: Some(self.note()),
            };
        };
        let stated = self.reductions.iter().filter_map(|r| {
            let reduction =
                Reduction::new(r.percent, day(&r.from)?, day(&r.until)?, r.online_only)?;
            (!reduction.online_only || channel == ChannelKind::Online).then_some(reduction)
        });
        let reduction = super::reduction::in_force(stated, on);
        FeeDue {
            amount_vnd: Some(reduction.as_ref().map_or(base, |r| r.apply(base))),
            base_vnd: Some(base),
            reduction,
            basis: Basis::Rule,
            text,
            rule: Some(self.note()),
        }
    }

    /// Why the rule is written down, and where its amount comes from.
    fn note(&self) -> String {
        format!("{} ({})", self.why, self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_shipped_rules_read_whole() {
        let file: RuleFile = serde_json::from_str(RULES).unwrap();
        assert_eq!(file.rules.len(), all().len());
        for rule in all() {
            assert!(!rule.why.trim().is_empty() && !rule.source.trim().is_empty());
            for r in &rule.reductions {
                assert!(
                    day(&r.from).is_some() && day(&r.until).is_some(),
                    "{}",
                    rule.procedure_code
                );
            }
        }
        let notary = for_procedure("1.013836").unwrap();
        let due = notary.due(ChannelKind::Online, date!(2026 - 12 - 07), String::new());
        assert_eq!(due.amount_vnd, Some(500_000));
        let card = for_procedure("1.003358").unwrap();
        assert_eq!(
            card.due(ChannelKind::Online, date!(2026 - 12 - 07), String::new())
                .amount_vnd,
            None
        );
    }
}
