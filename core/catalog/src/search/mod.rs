//! Offline procedure search, the way people type: without or with any mix of
//! diacritics, `đ`/`d`, kí/ký, any case, words cut off while typing, one typo
//! per word, words run together, procedure codes, and colloquial words and
//! abbreviations from a maintained synonym table.

mod index;
mod persist;
mod query;
mod rank;
mod synonyms;
mod terms;
mod totals;
mod variants;
mod vocab;
mod words;

use crate::catalog::store::{CatalogError, CatalogStore};
use crate::catalog::Level;
pub use crate::catalog::SearchEntry;
pub use persist::Rebuilt;
use serde::Serialize;
use std::sync::Mutex;

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub text: String,
    pub limit: usize,
    /// Only procedures carried out at this level.
    pub level: Option<Level>,
    /// Only procedures whose field (lĩnh vực) contains this text (folded).
    pub field: Option<String>,
    /// Only procedures that can be filed online.
    pub online_only: bool,
}

impl SearchQuery {
    pub fn new(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            limit: 10,
            level: None,
            field: None,
            online_only: false,
        }
    }
}

/// One result, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    pub levels: Vec<Level>,
    pub field: String,
    pub online: bool,
    pub score: f32,
}

/// The searchable catalog. Build once per catalog version; search from any
/// thread.
pub struct SearchIndex {
    index: index::Index,
    synonyms: synonyms::Synonyms,
    words: words::QueryWords,
    scratch: Mutex<Vec<rank::Scratch>>,
    origin: IndexOrigin,
}

/// Where an index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Read from the index saved for this catalog by this engine.
    Saved,
    /// Built from the catalog's procedures (and saved for next time, if
    /// that could be done), because the saved one could not be used.
    Built(Rebuilt),
    /// Built from entries the caller gave ([`SearchIndex::build`]).
    Entries,
}

impl SearchIndex {
    /// The index of the catalog installed in `store`: the one saved for it
    /// when there is a usable one (`persist`), else built from its
    /// procedures and saved.
    pub fn open(store: &CatalogStore) -> Result<SearchIndex, CatalogError> {
        let current = store.current_catalog()?.ok_or(CatalogError::NoCatalog)?;
        let info = current.info()?;
        let path = store.derived_path(info.version, persist::EXT);
        let (index, origin) = match persist::load(&path, &info) {
            Ok(index) => (index, IndexOrigin::Saved),
            Err(why) => {
                let index = index::Index::build(&current.search_entries()?);
                // A cache: when it cannot be saved, the next open builds again.
                let _ = persist::save(&path, &info, &index);
                (index, IndexOrigin::Built(why))
            }
        };
        Ok(SearchIndex::with(index, origin))
    }

    pub fn build(entries: &[SearchEntry]) -> SearchIndex {
        SearchIndex::with(index::Index::build(entries), IndexOrigin::Entries)
    }

    fn with(index: index::Index, origin: IndexOrigin) -> SearchIndex {
        SearchIndex {
            index,
            synonyms: synonyms::Synonyms::built_in(),
            words: words::QueryWords::built_in(),
            scratch: Mutex::new(Vec::new()),
            origin,
        }
    }

    /// Where this index came from.
    pub fn origin(&self) -> IndexOrigin {
        self.origin
    }

    /// How many procedures the index holds.
    pub fn len(&self) -> usize {
        self.index.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.docs.is_empty()
    }

    pub fn search(&self, query: &SearchQuery) -> Vec<SearchHit> {
        if query.limit == 0 || query.text.trim().is_empty() {
            return Vec::new();
        }
        let plan = query::plan(&query.text, &self.index, &self.synonyms, &self.words);
        let mut scratch = self
            .scratch
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(|| rank::Scratch::new(&self.index));
        // Without a filter the best `limit` are all that is taken.
        let unfiltered = query.level.is_none() && !query.online_only && query.field.is_none();
        let keep = unfiltered.then_some(query.limit);
        let found = rank::score(&self.index, &plan, &mut scratch, keep);
        if let Ok(mut pool) = self.scratch.lock() {
            pool.push(scratch);
        }

        let field_filter = query.field.as_deref().map(crate::text::fold);
        let level_bit = query.level.map(index::level_bit);
        let mut hits: Vec<(u32, f32)> = found
            .into_iter()
            .filter(|&(doc, _)| {
                let d = &self.index.docs[doc as usize];
                level_bit.is_none_or(|b| d.levels & b != 0)
                    && (!query.online_only || d.online)
                    && field_filter
                        .as_deref()
                        .is_none_or(|f| d.field_key.contains(f))
            })
            .collect();
        let by_rank = |a: &(u32, f32), b: &(u32, f32)| {
            let (da, db) = (
                &self.index.docs[a.0 as usize],
                &self.index.docs[b.0 as usize],
            );
            b.1.total_cmp(&a.1)
                .then(da.name_terms.len().cmp(&db.name_terms.len()))
                .then(da.code.cmp(&db.code))
        };
        if hits.len() > query.limit {
            hits.select_nth_unstable_by(query.limit, by_rank);
            hits.truncate(query.limit);
        }
        hits.sort_unstable_by(by_rank);
        hits.into_iter()
            .map(|(doc, score)| {
                let d = &self.index.docs[doc as usize];
                SearchHit {
                    code: d.code.to_string(),
                    name: d.name.to_string(),
                    levels: Level::ALL
                        .into_iter()
                        .filter(|l| d.levels & index::level_bit(*l) != 0)
                        .collect(),
                    field: d.field.to_string(),
                    online: d.online,
                    score,
                }
            })
            .collect()
    }
}
