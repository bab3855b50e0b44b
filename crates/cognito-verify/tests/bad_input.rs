//! Every malformed, forged or unacceptable token gets its own, specific error.
//!
//! One test per input from DESIGN.md "Bad input"; each asserts the exact `VerifyError`.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_testkit::{KeyKind, TestIssuer};
use cognito_verify::{Algorithm, CognitoVerifier, TokenUse, VerifyError};
use serde_json::json;
use test_support::unix_now as now;

async fn setup() -> (TestIssuer, CognitoVerifier) {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    (issuer, verifier)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn error_for(verifier: &CognitoVerifier, token: &str) -> VerifyError {
    verifier.verify(token).await.expect_err("token must be rejected")
}

/// The error of a token refused by a claim check after its signature verified: it carries the
/// token's claims, returned stripped for comparison.
async fn refused_after_signature(verifier: &CognitoVerifier, token: &str) -> VerifyError {
    let err = error_for(verifier, token).await;
    let claims = err.verified_claims().unwrap_or_else(|| panic!("no verified claims in {err:?}"));
    assert!(!claims.sub().is_empty());
    err.without_claims()
}

#[tokio::test]
async fn empty_token_is_malformed() {
    let (_issuer, verifier) = setup().await;
    assert!(matches!(error_for(&verifier, "").await, VerifyError::Malformed(_)));
}

#[tokio::test]
async fn two_and_four_part_tokens_are_malformed() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().sign();
    let parts: Vec<&str> = token.split('.').collect();
    let two = format!("{}.{}", parts[0], parts[1]);
    let four = format!("{token}.{}", parts[2]);
    assert_eq!(
        error_for(&verifier, &two).await,
        VerifyError::Malformed("expected three dot-separated segments")
    );
    assert_eq!(
        error_for(&verifier, &four).await,
        VerifyError::Malformed("expected three dot-separated segments")
    );
}

#[tokio::test]
async fn bad_base64_is_malformed() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().sign();
    let (header, rest) = token.split_once('.').unwrap();
    let broken = format!("{header}.!!{rest}");
    assert_eq!(error_for(&verifier, &broken).await, VerifyError::Malformed("payload is not base64url"));
}

#[tokio::test]
async fn standard_alphabet_base64_is_malformed() {
    let (issuer, verifier) = setup().await;
    // A header whose standard-alphabet encoding contains '+' or '/': `?>` encodes to `Pz4`, so
    // pad the JSON until the standard encoding differs from the URL-safe one.
    let header = br#"{"alg":"RS256","kid":"k","x":"??>>"}"#;
    let standard = STANDARD.encode(header).trim_end_matches('=').to_owned();
    assert!(standard.contains('+') || standard.contains('/'));
    let token = issuer.access_token().sign();
    let rest = token.split_once('.').unwrap().1;
    assert_eq!(
        error_for(&verifier, &format!("{standard}.{rest}")).await,
        VerifyError::Malformed("header is not base64url")
    );
}

#[tokio::test]
async fn non_json_header_is_malformed_header() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().sign();
    let rest = token.split_once('.').unwrap().1;
    for header in [&b"not json"[..], b"[\"RS256\"]", b"\"RS256\"", b"{\"alg\":\"RS256\""] {
        let err = error_for(&verifier, &format!("{}.{rest}", b64(header))).await;
        assert_eq!(
            err,
            VerifyError::MalformedHeader("not a valid JSON object"),
            "{:?}",
            String::from_utf8_lossy(header)
        );
    }
}

#[tokio::test]
async fn non_string_alg_is_malformed_header() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().header("alg", json!(256)).sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::MalformedHeader("alg is not a string"));
}

#[tokio::test]
async fn non_string_kid_is_malformed_header() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().header("kid", json!({"k": 1})).sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::MalformedHeader("kid is not a string"));
}

#[tokio::test]
async fn alg_none_is_disallowed() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().sign_unsigned_none();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::DisallowedAlgorithm("none".into()));
    assert_eq!(issuer.jwks_requests(), 0, "a disallowed algorithm must not cause a JWKS fetch");
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_disallowed() {
    let (issuer, verifier) = setup().await;
    let kid = issuer.signing_kid();
    for secret in
        [issuer.rsa_public_key_der(&kid).unwrap(), issuer.public_key_pem(&kid).unwrap().into_bytes()]
    {
        let token = issuer.access_token().sign_hs256(&secret);
        assert_eq!(error_for(&verifier, &token).await, VerifyError::DisallowedAlgorithm("HS256".into()));
    }
}

#[tokio::test]
async fn ps256_is_disallowed() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().alg("PS256").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::DisallowedAlgorithm("PS256".into()));
}

#[tokio::test]
async fn header_alg_not_matching_the_jwk_alg_is_a_key_mismatch() {
    let (issuer, verifier) = setup().await;
    // The JWK says RS256; a token claiming RS384 (and really signed RS384) must not pass.
    let token = issuer.access_token().alg("RS384").sign();
    let kid = issuer.signing_kid();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::KeyAlgorithmMismatch { kid, alg: Algorithm::RS384 }
    );
}

#[tokio::test]
async fn rsa_key_with_an_es256_header_is_a_key_mismatch() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().alg("ES256").sign();
    let kid = issuer.signing_kid();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::KeyAlgorithmMismatch { kid, alg: Algorithm::ES256 }
    );
}

#[tokio::test]
async fn ec_key_with_an_rs256_header_is_a_key_mismatch() {
    let (issuer, verifier) = setup().await;
    let kid = issuer.add_key(KeyKind::Es256);
    let token = issuer.access_token().signed_with_kid(&kid).alg("RS256").sign();
    assert_eq!(
        error_for(&verifier, &token).await,
        VerifyError::KeyAlgorithmMismatch { kid, alg: Algorithm::RS256 }
    );
}

#[tokio::test]
async fn missing_kid_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().without_header("kid").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::MissingKid);
}

#[tokio::test]
async fn unknown_kid_is_rejected_after_one_refetch() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().kid("no-such-kid").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::UnknownKid { kid: "no-such-kid".into() });
    assert_eq!(issuer.jwks_requests(), 1, "the first fetch found no such key");
    // With keys in hand, an unknown kid causes one refetch (the key may be new)...
    let token = issuer.access_token().kid("other-kid").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::UnknownKid { kid: "other-kid".into() });
    assert_eq!(issuer.jwks_requests(), 2);
    // ...and within the refetch interval, further unknown kids fail fast without a fetch.
    let token = issuer.access_token().kid("third-kid").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::UnknownKid { kid: "third-kid".into() });
    assert_eq!(issuer.jwks_requests(), 2);
}

/// With one issuer the key is looked up before the payload and signature are decoded (a flood of
/// unknown `kid`s costs the header only), so a token whose key the set lacks is refused for
/// that, whatever its body. With several issuers the payload's `iss` picks the key set, so the
/// body is decoded first and a malformed one is reported as such.
#[tokio::test]
async fn unknown_kid_is_reported_before_a_malformed_body_with_one_issuer() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().kid("no-such-kid").sign();
    let (header, rest) = token.split_once('.').unwrap();
    let broken = format!("{header}.!!{rest}");
    assert_eq!(error_for(&verifier, &broken).await, VerifyError::UnknownKid { kid: "no-such-kid".into() });
    // A known key, the same broken body: the body is decoded, and found malformed.
    let token = issuer.access_token().sign();
    let (header, rest) = token.split_once('.').unwrap();
    let broken = format!("{header}.{rest}!!");
    assert_eq!(error_for(&verifier, &broken).await, VerifyError::Malformed("signature is not base64url"));

    let two_issuers = issuer.access_verifier().issuer("https://issuer.invalid/other").build().unwrap();
    let token = issuer.access_token().kid("no-such-kid").sign();
    let (header, rest) = token.split_once('.').unwrap();
    let broken = format!("{header}.!!{rest}");
    assert_eq!(error_for(&two_issuers, &broken).await, VerifyError::Malformed("payload is not base64url"));
    assert_eq!(issuer.jwks_requests(), 1, "only the first verifier fetched, once");

    // Nor is the rest of the token searched for its dots: two or four segments, the same answer.
    let unknown = VerifyError::UnknownKid { kid: "no-such-kid".into() };
    let (signed, _) = token.rsplit_once('.').unwrap();
    assert_eq!(error_for(&verifier, signed).await, unknown);
    assert_eq!(error_for(&verifier, &format!("{token}.x")).await, unknown);
    // With two issuers the body is read first, and its shape is what is wrong.
    let three_segments = VerifyError::Malformed("expected three dot-separated segments");
    assert_eq!(error_for(&two_issuers, &format!("{token}.x")).await, three_segments);
}

#[tokio::test]
async fn jwk_with_use_enc_is_unusable() {
    let (issuer, verifier) = setup().await;
    let kid = issuer.signing_kid();
    let mut jwk = issuer.public_jwk(&kid).unwrap();
    jwk["use"] = json!("enc");
    jwk["kid"] = json!("enc-key");
    issuer.publish_raw_jwk(jwk);
    let token = issuer.access_token().kid("enc-key").sign();
    assert!(
        matches!(error_for(&verifier, &token).await, VerifyError::UnusableKey { kid, .. } if kid == "enc-key")
    );
}

#[tokio::test]
async fn jwk_missing_n_or_e_is_unusable_and_other_keys_still_work() {
    let (issuer, verifier) = setup().await;
    let kid = issuer.signing_kid();
    for member in ["n", "e"] {
        let mut jwk = issuer.public_jwk(&kid).unwrap();
        jwk.as_object_mut().unwrap().remove(member);
        jwk["kid"] = json!(format!("no-{member}"));
        issuer.publish_raw_jwk(jwk);
    }
    for bad in ["no-n", "no-e"] {
        let token = issuer.access_token().kid(bad).sign();
        assert!(
            matches!(error_for(&verifier, &token).await, VerifyError::UnusableKey { kid, .. } if kid == bad)
        );
    }
    let good = issuer.access_token().sign();
    verifier.verify(&good).await.expect("the well-formed key in the same set still verifies");
}

#[tokio::test]
async fn tampered_payload_fails_the_signature() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().scopes(["read"]).sign();
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["scope"] = json!("read admin");
    let forged = format!("{}.{}.{}", parts[0], b64(claims.to_string().as_bytes()), parts[2]);
    assert_eq!(error_for(&verifier, &forged).await, VerifyError::InvalidSignature);
}

#[tokio::test]
async fn tampered_signature_fails_the_signature() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().sign();
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[10] ^= 0x01;
    assert_eq!(
        error_for(&verifier, &format!("{signed}.{}", b64(&bytes))).await,
        VerifyError::InvalidSignature
    );
}

#[tokio::test]
async fn signature_by_another_key_fails_the_signature() {
    let (issuer, verifier) = setup().await;
    let other = TestIssuer::start().await;
    // Same kid, same claims, but signed by another issuer's key.
    let forged = other.access_token().issuer(issuer.issuer_url()).kid(issuer.signing_kid()).sign();
    assert_eq!(error_for(&verifier, &forged).await, VerifyError::InvalidSignature);
}

#[tokio::test]
async fn non_json_payload_is_malformed_payload() {
    let (issuer, verifier) = setup().await;
    let header = json!({"alg": "RS256", "kid": issuer.signing_kid()}).to_string();
    for payload in [&b"not json"[..], b"[1,2]", b"null", b"{\"sub\":\"a\""] {
        let token = issuer.sign_raw(header.as_bytes(), payload);
        assert!(
            matches!(error_for(&verifier, &token).await, VerifyError::MalformedPayload(_)),
            "{payload:?}"
        );
    }
}

/// An access token without `claim` is refused as `MissingClaim(claim)`.
async fn refused_as_missing(claim: &'static str) {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().without_claim(claim).sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::MissingClaim(claim));
}

#[tokio::test]
async fn wrong_issuer_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().issuer("https://evil.example.com/pool").sign();
    assert_eq!(
        refused_after_signature(&verifier, &token).await,
        VerifyError::IssuerMismatch { found: "https://evil.example.com/pool".into(), claims: None }
    );
}

#[tokio::test]
async fn token_from_another_pool_is_rejected() {
    let (_issuer, verifier) = setup().await;
    let other = TestIssuer::builder().pool_id("local-1_OtherPool").start().await;
    let token = other.access_token().kid("unrelated").sign();
    // The kid is unknown to this verifier's pool, so the token never reaches the iss check.
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::UnknownKid { .. }));
}

#[tokio::test]
async fn wrong_token_use_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.id_token().sign();
    assert_eq!(
        refused_after_signature(&verifier, &token).await,
        VerifyError::TokenUseMismatch { expected: TokenUse::Access, found: "id".into(), claims: None }
    );
    let token = issuer.access_token().claim("token_use", json!("refresh")).sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::TokenUseMismatch { .. }));
}

#[tokio::test]
async fn wrong_client_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().client_id("client-b").sign();
    assert_eq!(
        refused_after_signature(&verifier, &token).await,
        VerifyError::ClientMismatch { found: "client-b".into(), claims: None }
    );
}

#[tokio::test]
async fn missing_issuer_is_rejected() {
    refused_as_missing("iss").await;
}

#[tokio::test]
async fn missing_token_use_is_rejected() {
    refused_as_missing("token_use").await;
}

#[tokio::test]
async fn access_token_without_client_id_is_rejected() {
    refused_as_missing("client_id").await;
}

#[tokio::test]
async fn expired_token_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().expires_at(now() - 60).sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::Expired { .. }));
}

#[tokio::test]
async fn token_not_yet_valid_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().not_before(now() + 600).for_negative_test().sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::NotYetValid { .. }));
    let token = issuer.access_token().issued_at(now() + 600).sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::IssuedInFuture { .. }));
}

#[tokio::test]
async fn missing_exp_is_rejected() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().without_claim("exp").sign();
    assert_eq!(error_for(&verifier, &token).await, VerifyError::MissingClaim("exp"));
}

#[tokio::test]
async fn exp_as_a_string_is_an_invalid_claim() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().claim("exp", json!((now() + 600).to_string())).sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::InvalidClaim { claim: "exp", .. }));
}

#[tokio::test]
async fn scope_or_groups_of_the_wrong_type_are_invalid_claims() {
    let (issuer, verifier) = setup().await;
    let token = issuer.access_token().claim("scope", json!(["a", "b"])).sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::InvalidClaim { claim: "scope", .. }));
    let token = issuer.access_token().claim("cognito:groups", json!("admin")).sign();
    assert!(matches!(
        error_for(&verifier, &token).await,
        VerifyError::InvalidClaim { claim: "cognito:groups", .. }
    ));
}

#[tokio::test]
async fn missing_required_scope_or_group_names_what_is_required() {
    let issuer = TestIssuer::start().await;
    let scoped = issuer.access_verifier().required_scopes(["transactions/post"]).build().unwrap();
    let token = issuer.access_token().scopes(["transactions/get"]).sign();
    let err = refused_after_signature(&scoped, &token).await;
    assert_eq!(
        err,
        VerifyError::InsufficientScope { required: vec!["transactions/post".into()], claims: None }
    );

    let grouped = issuer.access_verifier().required_groups(["admin"]).build().unwrap();
    let token = issuer.access_token().without_claim("cognito:groups").sign();
    assert_eq!(
        refused_after_signature(&grouped, &token).await,
        VerifyError::MissingGroup { required: vec!["admin".into()], claims: None }
    );
    let token = issuer.access_token().groups(["users"]).sign();
    assert_eq!(
        refused_after_signature(&grouped, &token).await,
        VerifyError::MissingGroup { required: vec!["admin".into()], claims: None }
    );
}

#[tokio::test]
async fn oversized_token_is_rejected_before_any_work() {
    let (issuer, verifier) = setup().await;
    let padding = "x".repeat(64 * 1024);
    let token = issuer.access_token().claim("padding", json!(padding)).for_negative_test().sign();
    assert!(matches!(error_for(&verifier, &token).await, VerifyError::TokenTooLarge { .. }));
    assert_eq!(issuer.jwks_requests(), 0);
}

#[tokio::test]
async fn custom_check_can_reject() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .access_verifier()
        .custom_check(|claims| if claims.sub() == "blocked" { Err("user is blocked".into()) } else { Ok(()) })
        .build()
        .unwrap();
    let token = issuer.access_token().sub("blocked").sign();
    assert_eq!(
        refused_after_signature(&verifier, &token).await,
        VerifyError::Rejected { reason: "user is blocked".into(), forbidden: false, claims: None }
    );
}
