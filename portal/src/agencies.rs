//! Receiving agencies. (Stub on main while the keys/catalog branch is built.)

use hoso_core::catalog::{Level, Procedure};

/// A receiving agency.
pub(crate) struct Agency {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
}

static SAMPLE: [Agency; 1] = [Agency {
    code: "H40.22",
    name: "Ủy ban nhân dân phường Trường Vinh",
    level: Level::Commune,
}];

pub(crate) fn find(code: &str) -> Option<&'static Agency> {
    SAMPLE.iter().find(|a| a.code == code)
}

pub(crate) fn receives(agency: &Agency, procedure: &Procedure) -> bool {
    procedure.levels.contains(&agency.level)
}
