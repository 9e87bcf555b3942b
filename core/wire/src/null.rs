//! Optional request fields that may be absent but not `null`: the spec's
//! optional properties are not nullable, and the server refuses an explicit
//! `null` as it refuses any value of the wrong type.

/// Reads an optional field the spec does not let be `null`: absent is
/// `None` (with `#[serde(default)]`), a value is `Some`, and an explicit
/// `null` is an error like any other value of the wrong type.
///
/// Use as
/// `#[serde(default, deserialize_with = "hoso_wire::not_null", skip_serializing_if = "Option::is_none")]`.
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Optional {
        #[serde(default, deserialize_with = "super::not_null")]
        note: Option<String>,
    }

    #[test]
    fn absent_or_a_value_but_never_null() {
        let read = |text: &str| serde_json::from_str::<Optional>(text).map(|o| o.note);
        assert_eq!(read("{}").ok(), Some(None));
        assert_eq!(read(r#"{"note":"x"}"#).ok(), Some(Some("x".to_string())));
        assert!(read(r#"{"note":null}"#).is_err());
    }
}
