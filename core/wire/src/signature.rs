//! What the portal's root key signs, and the headers that carry it: the
//! exact bytes of a signed statement for a key set (`GET /v1/keys`) and a
//! catalog (`GET /v1/catalog/bundle`), so the server that signs and the
//! client that verifies build the same bytes. Each statement starts with
//! its own label, so a signature over one kind can never pass for another.

/// Response header: the portal's root public key (Ed25519, 32 bytes,
/// base64url without padding).
pub const ROOT_KEY_HEADER: &str = "hoso-root-key";
/// Response header: the root key's Ed25519 signature (64 bytes, base64url
/// without padding) of the answer's statement.
pub const SIGNATURE_HEADER: &str = "hoso-signature";

const KEY_SET_LABEL: &[u8] = b"hoso-key-set/1\n";
const CATALOG_LABEL: &str = "hoso-catalog/1";

/// The statement signed for a key set: the label, then the exact body of
/// the `GET /v1/keys` answer.
pub fn key_set_statement(body: &[u8]) -> Vec<u8> {
    let mut statement = Vec::with_capacity(KEY_SET_LABEL.len() + body.len());
    statement.extend_from_slice(KEY_SET_LABEL);
    statement.extend_from_slice(body);
    statement
}

/// The statement signed for a catalog: the label, its version and its
/// content hash (the SHA-256 of its procedures, which a bundle is verified
/// against as it is read), a line each.
pub fn catalog_statement(version: u64, content_hash: &str) -> Vec<u8> {
    format!("{CATALOG_LABEL}\n{version}\n{content_hash}\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_labelled_and_exact() {
        assert_eq!(key_set_statement(b"{}"), b"hoso-key-set/1\n{}".to_vec());
        assert_eq!(
            catalog_statement(7, "ab"),
            b"hoso-catalog/1\n7\nab\n".to_vec()
        );
    }
}
