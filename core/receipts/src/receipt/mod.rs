//! Receipts (phiếu tiếp nhận và hẹn trả kết quả) on the device: the signed
//! payload and its QR text ([`format`], [`json`]), the portal's key set with
//! rotation and revocation ([`keys`]), offline verification to a typed
//! verdict ([`verify`]), reading whatever a scanned QR holds ([`scan`]) into
//! a lookup request ([`request`]), drawing and reading QR pictures
//! ([`image`]), the key set kept ([`store`]), the portals trusted with their
//! root keys ([`trust`]) and root-key signatures ([`signed`]), the sealed
//! followed list ([`followed`]) and the online key refresh and public lookup
//! ([`online`]).
//! `docs/qr-receipt.md` describes the whole.

pub mod followed;
pub mod format;
pub mod image;
pub mod json;
pub mod keys;
pub mod online;
pub mod payment;
pub mod request;
pub mod scan;
pub mod signed;
pub mod store;
pub mod trust;
pub mod verify;

#[cfg(test)]
pub(crate) mod test_support;

pub use followed::{FollowedDossier, PublicStatus};
pub use format::{FormatError, ReceiptPayload, SignedReceipt};
pub use keys::{KeySet, KeySetError, KeysInstalled, PublicKey};
pub use payment::verify_payment;
pub use request::LookupRequest;
pub use signed::{Signed, TrustError};
pub use store::{ReceiptStoreError, Receipts};
pub use trust::{Pinned, PortalTrust};
pub use verify::{verify, verify_text, Verdict};

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's `ReceiptH4022` example and the `portal-2026-11` key of
    /// `KeySetRotated`: the normative vector in `docs/portal-api.yaml`.
    const SPEC_QR: &str = "HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90";
    const SPEC_SIGNATURE: &str =
        "ZPvbJWdKu_WkHeEWBEbyZqnirpTXf-oeVLoc8IfKzVyAQlkhrq0XZ5_CcykGhFGix82SBhJXd0K8IyMAmaoqCQ";
    const SPEC_X: &str = "IgNKtLdKhv5eNH9j1n8i9YzrH5Vjw0LFdT5MZex5H24";
    const SPEC: &str = include_str!("../../../../docs/portal-api.yaml");
    const DOC: &str = include_str!("../../../../docs/qr-receipt.md");

    #[test]
    fn the_spec_example_is_a_real_vector() {
        assert!(SPEC.contains(SPEC_QR) && SPEC.contains(SPEC_SIGNATURE) && SPEC.contains(SPEC_X));
        assert!(
            DOC.contains(SPEC_QR),
            "docs/qr-receipt.md shows the same vector"
        );
        let r = SignedReceipt::from_qr_text(SPEC_QR).unwrap();
        assert_eq!(r.to_bytes().unwrap().len(), 149);
        assert_eq!(SPEC_QR.len(), 228);
        let json = r.to_json().unwrap();
        assert_eq!(json["signature"], SPEC_SIGNATURE);
        assert_eq!(json["qr"], SPEC_QR);
        assert_eq!(json["payload"]["kid"], "portal-2026-11");
        assert_eq!(json["payload"]["dossier_code"], "H40.22-261123-0001");
        assert_eq!(json["payload"]["lookup_token"], "llgG040aGGIJ_z6BCNrX5g");
        assert_eq!(SignedReceipt::from_json(&json).unwrap(), r);
        let mut key = test_support::key_for(&test_support::test_pair(), "portal-2026-11");
        key.x = SPEC_X.into();
        let keys = KeySet {
            key_set_version: 3,
            keys: vec![key],
        };
        assert!(verify(&r, &keys).is_valid());
    }
}
