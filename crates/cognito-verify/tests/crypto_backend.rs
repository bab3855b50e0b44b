//! Keys through either crypto backend (`aws-lc-rs`, default, or `ring`): the same keys are
//! usable, an unusable one is refused with its reason when the JWKS arrives, and what only one
//! backend can do says so. Run on ring with `--no-default-features --features ring`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::{KeyKind, TestIssuer};
use cognito_verify::{CognitoVerifier, VerifyError};
use serde_json::Value;

async fn error_for(verifier: &CognitoVerifier, token: &str) -> VerifyError {
    verifier.verify(token).await.map(|_| ()).expect_err("token must be rejected")
}

/// Replace the published JWK of `kid` by `edit` applied to it (the private key still signs).
fn republish(issuer: &TestIssuer, kid: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let mut jwk = issuer.public_jwk(kid).unwrap();
    edit(jwk.as_object_mut().unwrap());
    issuer.remove_key(kid);
    issuer.publish_raw_jwk(jwk);
}

/// A base64url member of a JWK, decoded, changed by `edit`, encoded again.
fn edit_bytes(jwk: &mut serde_json::Map<String, Value>, member: &str, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = URL_SAFE_NO_PAD.decode(jwk[member].as_str().unwrap()).unwrap();
    edit(&mut bytes);
    jwk.insert(member.to_owned(), Value::String(URL_SAFE_NO_PAD.encode(bytes)));
}

/// RFC 7518 §6.3.1.1: `n` and `e` use the minimum number of octets. Both backends refuse a
/// leading zero octet (aws-lc-rs when parsing, ring on each verification): refused when the
/// JWKS arrives on both.
#[tokio::test]
async fn rsa_modulus_or_exponent_with_a_leading_zero_octet_is_unusable_when_the_jwks_arrives() {
    let issuer = TestIssuer::start().await;
    for member in ["n", "e"] {
        let kid = issuer.add_key(KeyKind::Rsa2048);
        republish(&issuer, &kid, |jwk| edit_bytes(jwk, member, |bytes| bytes.insert(0, 0)));
        let verifier = issuer.access_verifier().build().unwrap();
        let token = issuer.access_token().signed_with_kid(&kid).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::UnusableKey { kid, reason: "invalid RSA public key".into() },
            "{member}"
        );
    }
}

#[tokio::test]
async fn rsa_key_with_an_even_modulus_is_unusable_when_the_jwks_arrives() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    republish(&issuer, &kid, |jwk| {
        edit_bytes(jwk, "n", |n| {
            if let Some(low) = n.last_mut() {
                *low &= 0xfe;
            }
        })
    });
    let verifier = issuer.access_verifier().build().unwrap();
    assert_eq!(
        error_for(&verifier, &issuer.access_token().sign()).await,
        VerifyError::UnusableKey { kid, reason: "RSA modulus is even".into() }
    );
}

#[tokio::test]
async fn ec_point_off_its_curve_is_unusable_when_the_jwks_arrives() {
    let issuer = TestIssuer::start().await;
    for kind in [KeyKind::Es256, KeyKind::Es384] {
        let kid = issuer.add_key(kind);
        republish(&issuer, &kid, |jwk| {
            edit_bytes(jwk, "y", |y| {
                if let Some(low) = y.last_mut() {
                    *low ^= 1;
                }
            })
        });
        let verifier = issuer.access_verifier().build().unwrap();
        let token = issuer.access_token().signed_with_kid(&kid).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::UnusableKey { kid, reason: "invalid EC public key".into() },
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn ed25519_key_of_the_wrong_length_is_unusable_when_the_jwks_arrives() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Ed25519);
    republish(&issuer, &kid, |jwk| edit_bytes(jwk, "x", |x| x.push(0)));
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().signed_with_kid(&kid).sign();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::UnusableKey { kid, reason: "invalid Ed25519 public key".into() }
    );
}

#[tokio::test]
async fn a_signature_made_by_another_key_of_each_kind_is_an_invalid_signature() {
    let issuer = TestIssuer::start().await;
    let mut kinds = vec![KeyKind::Rsa2048, KeyKind::Es256, KeyKind::Es384, KeyKind::Ed25519];
    if cfg!(feature = "aws-lc-rs") {
        kinds.push(KeyKind::Es512);
    }
    for kind in kinds {
        // Two keys of one kind; the JWK of the first is published under the second's kid.
        let (signer, other) = (issuer.add_key(kind), issuer.add_key(kind));
        let mut jwk = issuer.public_jwk(&signer).unwrap();
        jwk["kid"] = Value::String(other.clone());
        issuer.remove_key(&other);
        issuer.publish_raw_jwk(jwk);
        let verifier = issuer.access_verifier().build().unwrap();
        let token = issuer.access_token().signed_with_kid(&other).sign();
        assert_eq!(error_for(&verifier, &token).await, VerifyError::InvalidSignature, "{kind:?}");
    }
}

/// ring has no P-521: on the ring backend a P-521 key is unusable from the moment the JWKS
/// arrives, with a reason that says which feature verifies it.
#[cfg(not(feature = "aws-lc-rs"))]
#[tokio::test]
async fn p521_key_is_unusable_on_the_ring_backend_and_names_the_aws_lc_rs_feature() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Es512);
    let token = issuer.access_token().signed_with_kid(&kid).sign();
    let verifier = issuer.access_verifier().build().unwrap();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::UnusableKey {
            kid,
            reason: "P-521 (ES512) keys need cognito-verify's `aws-lc-rs` feature: ring has no P-521".into()
        }
    );
}
