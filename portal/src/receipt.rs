//! Issuing signed receipts (phiếu tiếp nhận và hẹn trả kết quả): a fresh
//! random lookup token and the portal's current key's signature over the
//! payload. The format, the key set's JSON and verification are hoso-core's
//! (`hoso_core::receipt`), shared with every client.

use crate::error::ApiError;
use crate::Portal;
use hoso_core::receipt::format::{FormatError, ReceiptPayload, SignedReceipt};
use hoso_core::receipt::json::token_text;
use time::{Date, OffsetDateTime};

/// What the dossier module knows when it issues a receipt.
pub(crate) struct ReceiptFields {
    pub dossier_code: String,
    pub procedure_code: String,
    pub agency_code: String,
    pub issued_at: OffsetDateTime,
    pub appointment_date: Date,
    pub fee_vnd: u64,
}

/// A fresh signed receipt.
pub(crate) struct IssuedReceipt {
    /// The `Receipt` as the API answers it.
    pub receipt: hoso_wire::Receipt,
    /// The lookup token, base64url (as in the receipt), for the public lookup.
    pub lookup_token: String,
}

/// Signs a receipt for `fields` with the key that signs at `issued_at` (the
/// current one), with a fresh random lookup token.
pub(crate) fn issue(portal: &Portal, fields: &ReceiptFields) -> Result<IssuedReceipt, ApiError> {
    let internal = |e: &dyn std::fmt::Display| ApiError::internal(e);
    let lookup_token: [u8; 16] = portal.db.sealer().random().map_err(|e| internal(&e))?;
    let issued_at = u64::try_from(fields.issued_at.unix_timestamp())
        .map_err(|_| internal(&FormatError::Field("issued_at")))?;
    let signer = portal.keys.signer(fields.issued_at.unix_timestamp())?;
    let payload = ReceiptPayload {
        kid: signer.kid.clone(),
        dossier_code: fields.dossier_code.clone(),
        procedure_code: fields.procedure_code.clone(),
        agency_code: fields.agency_code.clone(),
        issued_at,
        appointment_date: fields.appointment_date,
        fee_vnd: fields.fee_vnd,
        lookup_token,
    };
    let message = payload.signed_message().map_err(|e| internal(&e))?;
    let receipt = SignedReceipt {
        signature: signer.sign(&message),
        payload,
    };
    let json = receipt.to_json().map_err(|e| internal(&e))?;
    Ok(IssuedReceipt {
        receipt: serde_json::from_value(json).map_err(|e| internal(&e))?,
        lookup_token: token_text(&lookup_token),
    })
}

/// What the payments module knows when it issues an electronic receipt.
pub(crate) struct PaymentFields {
    pub number: String,
    pub dossier_code: String,
    pub agency_code: String,
    pub reference: String,
    pub amount_vnd: u64,
    pub paid_at: OffsetDateTime,
    pub transaction_id: String,
    pub collected_by: String,
}

/// Signs the electronic receipt (biên lai điện tử) of a paid request with
/// the key that signs at `paid_at` (`hoso_core::receipt::payment`).
pub(crate) fn issue_payment(
    portal: &Portal,
    fields: PaymentFields,
) -> Result<hoso_wire::PaymentReceipt, ApiError> {
    let internal = |e: &dyn std::fmt::Display| ApiError::internal(e);
    let signer = portal.keys.signer(fields.paid_at.unix_timestamp())?;
    let paid_at = crate::clock::rfc3339(
        fields
            .paid_at
            .replace_nanosecond(0)
            .unwrap_or(fields.paid_at),
    );
    let payload = hoso_wire::PaymentReceiptPayload {
        version: hoso_wire::payment::PAYMENT_RECEIPT_VERSION,
        kid: signer.kid.clone(),
        number: fields.number,
        dossier_code: fields.dossier_code,
        agency_code: fields.agency_code,
        reference: fields.reference,
        amount_vnd: fields.amount_vnd,
        paid_at,
        transaction_id: fields.transaction_id,
        collected_by: fields.collected_by,
    };
    let message =
        hoso_core::receipt::payment::signed_message(&payload).map_err(|e| internal(&e))?;
    let signature = signer.sign(&message);
    Ok(hoso_wire::PaymentReceipt {
        payload,
        alg: hoso_wire::Algorithm::EdDsa,
        signature: base64::engine::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            signature,
        ),
    })
}

/// Receipts issued by a running portal, checked the way a client does
/// against `GET /v1/keys` over HTTP, across rotation and revocation.
#[cfg(test)]
mod portal_tests {
    use super::*;
    use crate::{Config, Options};
    use hoso_core::receipt::{verify, KeySet, Verdict};
    use std::sync::Arc;
    use time::macros::date;

    const ADMIN: &str = "receipt-test-admin-token-0123456789abcdef";

    async fn keys(http: &reqwest::Client, base: &str) -> KeySet {
        http.get(format!("{base}/v1/keys"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn admin(http: &reqwest::Client, url: String) -> serde_json::Value {
        let res = http.post(url).bearer_auth(ADMIN).send().await.unwrap();
        assert!(res.status().is_success());
        res.json().await.unwrap()
    }

    fn fields(portal: &Portal, seq: u32) -> ReceiptFields {
        ReceiptFields {
            dossier_code: format!("H40.22-261123-{seq:04}"),
            procedure_code: "1.001193".into(),
            agency_code: "H40.22".into(),
            issued_at: portal.clock.now(),
            appointment_date: date!(2026 - 11 - 24),
            fee_vnd: 8_000,
        }
    }

    #[tokio::test]
    async fn receipts_verify_across_rotation_and_fail_after_revocation() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.bundle");
        hoso_core::catalog::bundle::Bundle::new(1, Vec::new())
            .write_to(&catalog)
            .unwrap();
        let portal = Arc::new(
            Portal::open(Options {
                data_dir: dir.path().join("data"),
                catalog,
                config: Config {
                    admin_token: ADMIN.into(),
                    ..Config::default()
                },
            })
            .unwrap(),
        );
        let (addr, _task) = crate::start(portal.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let base = format!("http://{addr}");
        hoso_core::client::install_crypto_provider();
        let http = reqwest::Client::new();

        let first = issue(&portal, &fields(&portal, 1)).unwrap();
        let json = serde_json::to_value(&first.receipt).unwrap();
        let qr = first.receipt.qr.clone();
        let receipt = SignedReceipt::from_qr_text(&qr).unwrap();
        assert_eq!(SignedReceipt::from_json(&json).unwrap(), receipt);
        assert_eq!(first.receipt.payload.lookup_token, first.lookup_token);
        assert_eq!(first.receipt.payload.fee_vnd, 8_000);
        let n = receipt.to_bytes().unwrap().len();
        assert!((149..=155).contains(&n), "{n} bytes");
        assert!(qr.len() <= 400);
        assert!(qr
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)));
        let Verdict::Valid { kid: old_kid } = verify(&receipt, &keys(&http, &base).await) else {
            panic!("the first receipt does not verify");
        };

        // Rotation: the old receipt still verifies; new ones use the new key.
        let new_key = admin(&http, format!("{base}/v1/admin/keys")).await;
        let second = issue(&portal, &fields(&portal, 2)).unwrap();
        let second =
            SignedReceipt::from_json(&serde_json::to_value(&second.receipt).unwrap()).unwrap();
        assert_eq!(second.payload.kid, new_key["kid"].as_str().unwrap());
        assert_ne!(second.payload.kid, old_kid);
        let set = keys(&http, &base).await;
        assert!(verify(&receipt, &set).is_valid());
        assert!(verify(&second, &set).is_valid());
        // Two receipts never share a lookup token.
        assert_ne!(receipt.payload.lookup_token, second.payload.lookup_token);

        // Revoking the old key invalidates what it signed, not the rest.
        admin(&http, format!("{base}/v1/admin/keys/{old_kid}/revoke")).await;
        let set = keys(&http, &base).await;
        assert_eq!(verify(&receipt, &set), Verdict::RevokedKey { kid: old_kid });
        assert!(verify(&second, &set).is_valid());
    }
}
