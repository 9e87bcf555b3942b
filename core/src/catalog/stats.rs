//! Parse coverage of a catalog: for each section, how many procedures have it
//! and how many had it parsed into structure.

use super::Procedure;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogStats {
    pub procedures: usize,
}

pub fn compute(procedures: &[Procedure]) -> CatalogStats {
    CatalogStats {
        procedures: procedures.len(),
    }
}
