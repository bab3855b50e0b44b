//! Where the specifications decide (issue 11 item 2): one test per rule, named after it.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::{IssuerFormat, KeyKind, TestIssuer};
use cognito_verify::{Algorithm, CognitoVerifier, VerifyError};
use serde_json::{Value, json};

async fn error_for<C>(verifier: &CognitoVerifier<C>, token: &str) -> VerifyError
where
    C: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    verifier.verify(token).await.map(|_| ()).expect_err("token must be rejected")
}

/// `header` and `payload` (raw JSON, repeats and all) signed by the issuer's RS256 key.
fn signed_raw(issuer: &TestIssuer, payload: &str) -> String {
    let header = json!({"alg": "RS256", "kid": issuer.signing_kid()}).to_string();
    issuer.sign_raw(header.as_bytes(), payload.as_bytes())
}

/// The claims of a default access token as JSON text without its closing brace, to append
/// members to.
fn open_access_claims(issuer: &TestIssuer) -> String {
    let claims = issuer.access_token().claims_json().to_string();
    claims.trim_end_matches('}').to_owned()
}

#[tokio::test]
async fn scope_is_split_on_space_only_rfc6749_3_3() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().claim("scope", json!("openid\ttransactions/post\nadmin  x")).sign();
    let claims = issuer.access_verifier().build().unwrap().verify(&token).await.unwrap();
    assert_eq!(claims.scopes().iter().collect::<Vec<_>>(), ["openid\ttransactions/post\nadmin", "x"]);
    let requiring = issuer.access_verifier().required_scopes(["transactions/post"]).build().unwrap();
    assert_eq!(
        error_for(&requiring, &token).await.without_claims(),
        VerifyError::InsufficientScope { required: vec!["transactions/post".into()], claims: None }
    );
}

#[tokio::test]
async fn id_token_aud_array_matches_when_any_member_is_an_allowed_client_rfc7519_4_1_3() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().build().unwrap();
    let token = issuer.id_token().claim("aud", json!(["other-client", issuer.default_client_id()])).sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.aud(), ["other-client", issuer.default_client_id()]);
}

#[tokio::test]
async fn id_token_aud_array_without_an_allowed_client_is_a_client_mismatch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().build().unwrap();
    let token = issuer.id_token().claim("aud", json!(["a", "b"])).sign();
    assert_eq!(
        error_for(&verifier, &token).await.without_claims(),
        VerifyError::ClientMismatch { found: "a b".into(), claims: None }
    );
    let empty = issuer.id_token().claim("aud", json!([])).sign();
    assert_eq!(error_for(&verifier, &empty).await, VerifyError::MissingClaim("aud"));
    let not_strings = issuer.id_token().claim("aud", json!([issuer.default_client_id(), 1])).sign();
    assert!(matches!(
        error_for(&verifier, &not_strings).await,
        VerifyError::InvalidClaim { claim: "aud", .. }
    ));
}

#[tokio::test]
async fn access_token_client_is_its_client_id_whatever_its_aud() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let with_aud = issuer.access_token().claim("aud", json!(["other-client"])).for_negative_test().sign();
    verifier.verify(&with_aud).await.unwrap();
    let aud_only = issuer
        .access_token()
        .client_id("other-client")
        .claim("aud", json!([issuer.default_client_id()]))
        .for_negative_test()
        .sign();
    assert_eq!(
        error_for(&verifier, &aud_only).await.without_claims(),
        VerifyError::ClientMismatch { found: "other-client".into(), claims: None }
    );
}

#[cfg(feature = "aws-lc-rs")]
#[tokio::test]
async fn es512_on_p521_verifies_rfc7518_3_4() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Es512);
    let token = issuer.access_token().signed_with_kid(&kid).sign();
    issuer.access_verifier().build().unwrap().verify(&token).await.unwrap();
}

#[tokio::test]
async fn es512_header_on_a_p384_key_is_a_key_mismatch() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Es384);
    let token = issuer.access_token().signed_with_kid(&kid).alg("ES512").sign();
    let verifier = issuer.access_verifier().build().unwrap();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::KeyAlgorithmMismatch { kid, alg: Algorithm::ES512 }
    );
}

#[tokio::test]
async fn crit_header_is_refused_rfc7515_4_1_11() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    for crit in [json!(["exp"]), json!(["b64"]), json!([])] {
        let token = issuer.access_token().header("crit", crit.clone()).header("exp", json!(1)).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::MalformedHeader(
                "`crit` names header extensions, and none is supported (RFC 7515 §4.1.11)"
            ),
            "crit {crit}"
        );
    }
}

#[tokio::test]
async fn optional_claims_that_are_null_read_as_absent() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer
        .access_token()
        .claim("cognito:groups", Value::Null)
        .claim("scope", Value::Null)
        .claim("event_id", Value::Null)
        .claim("nbf", Value::Null)
        .for_negative_test()
        .sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert!(claims.groups().is_empty() && claims.scopes().is_empty());
    assert_eq!((claims.event_id(), claims.nbf()), (None, None));
}

#[tokio::test]
async fn null_optional_claims_satisfy_no_requirement() {
    let issuer = TestIssuer::start().await;
    let groups = issuer.access_verifier().required_groups(["admin"]).build().unwrap();
    let token = issuer.access_token().claim("cognito:groups", Value::Null).sign();
    assert!(matches!(error_for(&groups, &token).await, VerifyError::MissingGroup { .. }));
    let scopes = issuer.access_verifier().required_scopes(["openid"]).build().unwrap();
    let token = issuer.access_token().claim("scope", Value::Null).sign();
    assert!(matches!(error_for(&scopes, &token).await, VerifyError::InsufficientScope { .. }));
    let clients = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().claim("client_id", Value::Null).sign();
    assert_eq!(error_for(&clients, &token).await, VerifyError::MissingClaim("client_id"));
}

#[tokio::test]
async fn required_claims_that_are_null_stay_invalid_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    for claim in ["sub", "iss", "token_use", "exp"] {
        let token = issuer.access_token().claim(claim, Value::Null).sign();
        let err = error_for(&verifier, &token).await;
        assert!(matches!(err, VerifyError::InvalidClaim { claim: c, .. } if c == claim), "{claim}: {err:?}");
    }
}

#[tokio::test]
async fn duplicate_members_are_refused_whatever_the_custom_claims_type() {
    let issuer = TestIssuer::start().await;
    let plain = issuer.access_verifier().build().unwrap();
    let map = issuer.access_verifier().custom_claims::<HashMap<String, Value>>().build().unwrap();
    let value = issuer.access_verifier().custom_claims::<Value>().build().unwrap();
    let claims = open_access_claims(&issuer);
    let top = signed_raw(&issuer, &format!(r#"{claims},"custom:tenant":"a","custom:tenant":"b"}}"#));
    let nested = signed_raw(&issuer, &format!(r#"{claims},"custom:org":{{"id":"a","id":"b"}}}}"#));
    assert!(matches!(error_for(&plain, &top).await, VerifyError::MalformedPayload(_)));
    assert!(matches!(error_for(&map, &top).await, VerifyError::MalformedPayload(_)));
    assert!(matches!(error_for(&value, &top).await, VerifyError::MalformedPayload(_)));
    assert!(matches!(error_for(&map, &nested).await, VerifyError::MalformedPayload(_)));
    assert!(matches!(error_for(&value, &nested).await, VerifyError::MalformedPayload(_)));
    let unique = signed_raw(&issuer, &format!(r#"{claims},"custom:org":{{"id":"a","name":"b"}}}}"#));
    assert_eq!(map.verify(&unique).await.unwrap().custom["custom:org"], json!({"id": "a", "name": "b"}));
}

/// The issuer's signing key as a JWK under `kid`, changed by `edit`, published; the verifier
/// trusts the issuer as a Cognito user pool.
async fn cognito_pool_with_jwk(
    edit: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> (TestIssuer, String) {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let mut jwk = issuer.public_jwk(&kid).unwrap();
    edit(jwk.as_object_mut().unwrap());
    issuer.remove_key(&kid);
    issuer.publish_raw_jwk(jwk);
    (issuer, kid)
}

#[tokio::test]
async fn jwk_without_alg_from_a_cognito_issuer_is_for_rs256_only() {
    let (issuer, kid) = cognito_pool_with_jwk(|jwk| {
        jwk.remove("alg");
    })
    .await;
    let verifier =
        issuer.pool_verifier().token_use(cognito_verify::TokenUse::Access).any_client().build().unwrap();
    let rs256 = issuer.access_token().issuer_format(IssuerFormat::Original).sign();
    verifier.verify(&rs256).await.unwrap();
    for alg in [Algorithm::RS384, Algorithm::RS512] {
        let token = issuer.access_token().issuer_format(IssuerFormat::Original).alg(alg.as_str()).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::KeyAlgorithmMismatch { kid: kid.clone(), alg }
        );
    }
}

#[tokio::test]
async fn jwk_without_alg_from_a_cognito_issuer_that_is_not_rsa_is_unusable() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Es256);
    let mut jwk = issuer.public_jwk(&kid).unwrap();
    jwk.as_object_mut().unwrap().remove("alg");
    issuer.remove_key(&kid);
    issuer.publish_raw_jwk(jwk);
    let verifier =
        issuer.pool_verifier().token_use(cognito_verify::TokenUse::Access).any_client().build().unwrap();
    let token = issuer.access_token().issuer_format(IssuerFormat::Original).signed_with_kid(&kid).sign();
    assert!(
        matches!(error_for(&verifier, &token).await, VerifyError::UnusableKey { kid: k, .. } if k == kid)
    );
    // Another issuer's unlabelled EC key is for its curve's algorithm.
    issuer
        .access_verifier()
        .build()
        .unwrap()
        .verify(&issuer.access_token().signed_with_kid(&kid).sign())
        .await
        .unwrap();
}

/// An RSA JWK under a new `kid` whose modulus has `bits` bits (the top one set, odd).
fn rsa_jwk(kid: &str, bits: usize, e: &[u8]) -> Value {
    let mut n = vec![0x5au8; bits.div_ceil(8)];
    if let Some(first) = n.first_mut() {
        *first = 0x80 >> ((8 - bits % 8) % 8);
    }
    if let Some(last) = n.last_mut() {
        *last |= 1;
    }
    json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
           "n": URL_SAFE_NO_PAD.encode(&n), "e": URL_SAFE_NO_PAD.encode(e)})
}

#[tokio::test]
async fn rsa_keys_below_2048_or_above_8192_bits_are_unusable_at_parse_time() {
    let issuer = TestIssuer::start().await;
    let cases = [
        ("rsa-1024", 1024, "RSA modulus is below 2048 bits"),
        ("rsa-8704", 8704, "RSA modulus is above 8192 bits"),
    ];
    for (kid, bits, _) in cases {
        issuer.publish_raw_jwk(rsa_jwk(kid, bits, &[1, 0, 1]));
    }
    let verifier = issuer.access_verifier().build().unwrap();
    for (kid, _, reason) in cases {
        let token = issuer.access_token().kid(kid).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::UnusableKey { kid: kid.into(), reason: reason.into() }
        );
    }
}

#[tokio::test]
async fn rsa_exponents_even_one_or_above_2_pow_32_are_unusable_at_parse_time() {
    let issuer = TestIssuer::start().await;
    let cases: [(&str, &[u8], &str); 3] = [
        ("e-1", &[1], "RSA exponent is 0 or 1"),
        ("e-65536", &[1, 0, 0], "RSA exponent is even"),
        ("e-2^32+15", &[1, 0, 0, 0, 15], "RSA exponent is above 2^32"),
    ];
    for (kid, e, _) in cases {
        issuer.publish_raw_jwk(rsa_jwk(kid, 2048, e));
    }
    let verifier = issuer.access_verifier().build().unwrap();
    for (kid, _, reason) in cases {
        let token = issuer.access_token().kid(kid).sign();
        assert_eq!(
            error_for(&verifier, &token).await,
            VerifyError::UnusableKey { kid: kid.into(), reason: reason.into() }
        );
    }
}
