//! The fee a dossier owes for its channel on the day it is filed: the
//! catalog's fee line for that channel, with the time-limited reductions
//! its text states applied (`reduction`), or — where the text cannot be
//! read reliably — the rule written down for the procedure (`rules`,
//! `data/fee_rules.json`). Shared by the portal (which asks for payment)
//! and the device (which shows what will be asked, offline).

mod reduction;
mod rules;

use hoso_catalog::catalog::{ChannelKind, Procedure};
use serde::Serialize;
use time::Date;

pub use reduction::Reduction;

/// How the amount was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The channel's one fee line in the catalog.
    CatalogLine,
    /// The rule written down for the procedure (`data/fee_rules.json`).
    Rule,
    /// The channel is free ("Miễn phí") or states no fee.
    Free,
    /// The fee is in another currency (USD for some immigration
    /// procedures): not payable by a VietQR transfer in đồng, so asked for
    /// by the officer.
    ForeignCurrency,
    /// The channel's fee lines cannot be read as one amount (several
    /// amounts) and no rule says which.
    Unreadable,
}

/// What a dossier owes for its channel on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeDue {
    /// What to pay, in đồng (`None` when [`Basis::Unreadable`]).
    pub amount_vnd: Option<u64>,
    /// The amount before any reduction.
    pub base_vnd: Option<u64>,
    /// The reduction applied, when one is in force that day.
    pub reduction: Option<Reduction>,
    pub basis: Basis,
    /// The fee as the page prints it (the channel's lines, joined).
    pub text: String,
    /// With [`Basis::Rule`]: why the rule is written down and its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// The fee of `procedure` filed through `channel` on `day`.
pub fn fee_due(procedure: &Procedure, channel: ChannelKind, day: Date) -> FeeDue {
    let Some(row) = procedure.channels.iter().find(|c| c.channel == channel) else {
        return FeeDue::free(String::new());
    };
    let text = row
        .fees
        .iter()
        .map(|f| f.text.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(rule) = rules::for_procedure(&procedure.code) {
        return rule.due(channel, day, text);
    }
    let foreign = row.fees.iter().any(|f| f.amount_foreign.is_some());
    let amounts: Vec<u64> = row
        .fees
        .iter()
        .filter_map(|f| f.amount_vnd)
        .filter(|a| *a > 0)
        .collect();
    match amounts.as_slice() {
        [] if !foreign => FeeDue::free(text),
        [base] if !foreign => {
            let reductions = row
                .fees
                .iter()
                .flat_map(|f| reduction::stated(&f.text, channel));
            let reduction = reduction::in_force(reductions, day);
            FeeDue {
                amount_vnd: Some(reduction.as_ref().map_or(*base, |r| r.apply(*base))),
                base_vnd: Some(*base),
                reduction,
                basis: Basis::CatalogLine,
                text,
                rule: None,
            }
        }
        _ => FeeDue {
            amount_vnd: None,
            base_vnd: None,
            reduction: None,
            basis: if foreign {
                Basis::ForeignCurrency
            } else {
                Basis::Unreadable
            },
            text,
            rule: None,
        },
    }
}

impl FeeDue {
    fn free(text: String) -> FeeDue {
        FeeDue {
            amount_vnd: Some(0),
            base_vnd: Some(0),
            reduction: None,
            basis: Basis::Free,
            text,
            rule: None,
        }
    }

    /// Whether the dossier must pay before (or while) it is processed.
    pub fn payable(&self) -> bool {
        self.amount_vnd.is_some_and(|a| a > 0)
    }
}
