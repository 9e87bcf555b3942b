//! The spec's shared scalars: the string and integer schemas other shapes
//! name (`Sha256Hex`, `ProcedureCode`, `DossierCode`, `Phone`, …), as
//! aliases that keep those names in field types, and the two vocabularies
//! several modules use, [`MediaType`] and [`ChannelKind`]. Patterns and
//! lengths are the server's checks; the aliases say which rule applies.

/// `Sha256Hex`: lower-case hex SHA-256, 64 characters.
pub type Sha256Hex = String;

/// `ProcedureCode`: a national procedure code (mã thủ tục), e.g. `1.001193`.
pub type ProcedureCode = String;

/// `CatalogDataName`: the name of a data item a catalog carries, e.g.
/// `units`.
pub type CatalogDataName = String;

/// `AgencyCode`: a receiving agency's code, e.g. `H40.22`.
pub type AgencyCode = String;

/// `DossierCode`: `{agency code}-{yyMMdd}-{NNNN}`, e.g. `H40.22-261123-0001`.
pub type DossierCode = String;

/// `CatalogVersion`: the monotonic catalog version.
pub type CatalogVersion = u64;

/// `KeyId`: a signing key's id (ASCII, at most 32 characters).
pub type KeyId = String;

/// `LookupToken`: 16 random bytes, base64url without padding (22 characters).
pub type LookupToken = String;

/// `Cursor`: an opaque position in a feed or list (a letter, `_`, 16 hex
/// digits); passed back as given.
pub type Cursor = String;

/// `Phone`: a Vietnamese mobile number, as `hoso_core::validate::phone`
/// reads it; accounts answer it normalised (`0xxxxxxxxx`).
pub type Phone = String;

/// `PersonName`: a full name as on civil-status papers, as
/// `hoso_core::validate::person_name` reads it.
pub type PersonName = String;

/// `Password`: 8–128 characters, sent only (never answered).
pub type Password = String;

string_enum! {
    /// `MediaType`: a document's type, as sniffed from its content (never
    /// from the file name).
    pub enum MediaType {
        Pdf = "application/pdf",
        Jpeg = "image/jpeg",
        Png = "image/png",
        Heic = "image/heic",
        Webp = "image/webp",
    }
}

string_enum! {
    /// `ChannelKind`: how a dossier is filed.
    pub enum ChannelKind {
        /// Trực tuyến.
        Online = "online",
        /// Trực tiếp: the result is collected in person.
        InPerson = "in_person",
        /// Dịch vụ bưu chính công ích.
        Postal = "postal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_read_and_write_their_wire_text() {
        for m in MediaType::ALL {
            assert_eq!(MediaType::from_wire(m.as_str()), Some(*m));
            let text = serde_json::to_string(m).ok();
            assert_eq!(text, Some(format!("\"{m}\"")));
        }
        assert_eq!(MediaType::from_wire("application/zip"), None);
        assert_eq!(ChannelKind::InPerson.as_str(), "in_person");
    }
}
