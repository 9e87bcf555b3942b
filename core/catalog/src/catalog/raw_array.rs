//! A JSON array read as raw text items, bounded: up to
//! [`limits::CATALOG_PROCEDURES_MAX`] items are kept borrowed from the input,
//! the rest are only counted, so a huge array of tiny values cannot allocate
//! a slot each. Bundles (their procedures) and deltas (added, changed,
//! removed) read their arrays through it and check the count themselves.

use hoso_store::limits;
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// The items kept, and how many the array held.
pub(crate) struct RawArray<'a> {
    pub raw: Vec<&'a RawValue>,
    pub total: usize,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawArray<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = RawArray<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut raw = Vec::new();
                let mut total = 0usize;
                while total < limits::CATALOG_PROCEDURES_MAX {
                    match seq.next_element::<&'de RawValue>()? {
                        Some(item) => raw.push(item),
                        None => return Ok(RawArray { raw, total }),
                    }
                    total += 1;
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    total = total.saturating_add(1);
                }
                Ok(RawArray { raw, total })
            }
        }
        deserializer.deserialize_seq(Items)
    }
}
