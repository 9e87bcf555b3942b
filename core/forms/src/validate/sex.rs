//! [`Sex`]: the two values Vietnamese civil-status records use, parsed from
//! what people type in Vietnamese or English.

use super::problem::Problem;
use crate::text::fold;

/// Sex as recorded on Vietnamese civil-status documents and ID cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Parses "Nam"/"Nữ" (with or without diacritics), "male"/"female",
    /// "m"/"f", "nam giới"/"nữ giới", in any case, spacing or normalization.
    pub fn parse(raw: &str) -> Result<Sex, Problem> {
        let folded = fold(raw);
        let key = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        match key.as_str() {
            "nam" | "nam gioi" | "male" | "m" | "man" => Ok(Sex::Male),
            "nu" | "nu gioi" | "female" | "f" | "woman" => Ok(Sex::Female),
            "" => Err(Problem::empty("giới tính", "sex")),
            _ => Err(Problem::new(
                "sex_invalid",
                "Giới tính phải là “Nam” hoặc “Nữ”.",
                "Sex must be “male” or “female”.",
            )),
        }
    }

    /// The canonical stored value: "male" or "female".
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// The Vietnamese label: "Nam" or "Nữ".
    pub fn label_vi(self) -> &'static str {
        match self {
            Sex::Male => "Nam",
            Sex::Female => "Nữ",
        }
    }

    /// The English label: "Male" or "Female".
    pub fn label_en(self) -> &'static str {
        match self {
            Sex::Male => "Male",
            Sex::Female => "Female",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vietnamese_and_english_in_any_case() {
        for s in [
            "nam",
            "Nam",
            "NAM",
            " nam ",
            "male",
            "Male",
            "m",
            "M",
            "Nam giới",
        ] {
            assert_eq!(Sex::parse(s), Ok(Sex::Male), "{s}");
        }
        for s in [
            "nữ",
            "Nữ",
            "NỮ",
            "nu",
            "Nu",
            "female",
            "FEMALE",
            "f",
            "F",
            "nữ  giới",
        ] {
            assert_eq!(Sex::parse(s), Ok(Sex::Female), "{s}");
        }
        // Decomposed (NFD) "Nữ": N + u + horn + tilde.
        assert_eq!(Sex::parse("Nu\u{31b}\u{303}"), Ok(Sex::Female));
    }

    #[test]
    fn rejects_other_values_with_a_code() {
        assert_eq!(Sex::parse("x").unwrap_err().code, "sex_invalid");
        assert_eq!(Sex::parse("nam nữ").unwrap_err().code, "sex_invalid");
        assert_eq!(Sex::parse("  ").unwrap_err().code, "empty");
    }

    #[test]
    fn labels_and_round_trip() {
        for s in [Sex::Male, Sex::Female] {
            assert_eq!(Sex::parse(s.as_str()), Ok(s));
            assert_eq!(Sex::parse(s.label_vi()), Ok(s));
            assert_eq!(Sex::parse(s.label_en()), Ok(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Sex>(&json).unwrap(), s);
        }
    }
}
