//! Minted tokens: shapes, overrides and signatures, checked with aws-lc-rs directly.

mod support;

use std::time::Duration;

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::{ClientRegistration, KeyKind, TestIssuer, USER_ADMIN_SCOPE};
use serde_json::{Value, json};
use support::{b64, now, parts, signature_valid, verifies_against_served_jwks};

fn keys(claims: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = claims.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn is_uuid(value: &Value) -> bool {
    let s = value.as_str().unwrap_or_default();
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn access_token_has_the_cognito_user_access_shape() {
    let issuer = TestIssuer::start().await;
    let before = now();

    let (header, claims) = parts(&issuer.access_token().sign());

    assert_eq!(header, json!({"alg": "RS256", "kid": issuer.signing_kid()}));
    assert_eq!(
        keys(&claims),
        [
            "auth_time",
            "client_id",
            "event_id",
            "exp",
            "iat",
            "iss",
            "jti",
            "origin_jti",
            "scope",
            "sub",
            "token_use",
            "username",
            "version"
        ]
    );
    assert!(claims.get("aud").is_none());
    assert_eq!(claims["iss"], issuer.issuer_url().as_str());
    assert_eq!(claims["client_id"], issuer.default_client_id());
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], USER_ADMIN_SCOPE);
    assert_eq!(claims["version"], 2);
    assert_eq!(claims["sub"], issuer.default_sub());
    assert!(is_uuid(&claims["sub"]) && is_uuid(&claims["jti"]) && is_uuid(&claims["event_id"]));
    let iat = claims["iat"].as_i64().unwrap();
    assert!(iat >= before && iat <= now());
    assert_eq!(claims["exp"].as_i64(), Some(iat + 3600));
    assert_eq!(claims["auth_time"].as_i64(), Some(iat));
}

#[tokio::test]
async fn client_credentials_token_has_the_m2m_shape() {
    let issuer = TestIssuer::start().await;

    let (_, claims) = parts(&issuer.client_credentials_token("m2m").scopes(["transactions/post"]).sign());

    assert_eq!(
        keys(&claims),
        ["auth_time", "client_id", "exp", "iat", "iss", "jti", "scope", "sub", "token_use", "version"]
    );
    assert_eq!(claims["sub"], "m2m");
    assert_eq!(claims["client_id"], "m2m");
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], "transactions/post");
}

#[tokio::test]
async fn client_credentials_token_of_a_registered_client_carries_its_scopes() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new("m2m", "secret").scopes(["a/read", "a/write"]))
        .start()
        .await;

    let (_, claims) = parts(&issuer.client_credentials_token("m2m").sign());
    let (_, unknown) = parts(&issuer.client_credentials_token("unregistered").sign());

    assert_eq!(claims["scope"], "a/read a/write");
    assert!(unknown.get("scope").is_none());
}

#[tokio::test]
async fn client_id_keeps_sub_equal_on_m2m_tokens() {
    let issuer = TestIssuer::start().await;

    let (_, claims) = parts(&issuer.client_credentials_token("a").client_id("b").sign());

    assert_eq!(claims["sub"], "b");
    assert_eq!(claims["client_id"], "b");
}

#[tokio::test]
async fn id_token_has_the_cognito_id_shape() {
    let issuer = TestIssuer::start().await;

    let (_, claims) = parts(&issuer.id_token().sign());

    assert_eq!(
        keys(&claims),
        [
            "at_hash",
            "aud",
            "auth_time",
            "cognito:username",
            "email",
            "email_verified",
            "event_id",
            "exp",
            "iat",
            "iss",
            "jti",
            "origin_jti",
            "sub",
            "token_use"
        ]
    );
    assert_eq!(claims["aud"], issuer.default_client_id());
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["sub"], issuer.default_sub());
}

#[tokio::test]
async fn builder_methods_set_the_named_claims() {
    let issuer = TestIssuer::start().await;

    let access = issuer
        .access_token()
        .client_id("app")
        .sub("user-1")
        .username("alice")
        .scopes(["openid", "transactions/post"])
        .groups(["admin", "ops"])
        .email("alice@example.com")
        .audience("aud-1")
        .issuer("https://elsewhere")
        .not_before(1_700_000_000)
        .claims_json();
    let id = issuer.id_token().client_id("app").username("alice").claims_json();

    assert_eq!(access["client_id"], "app");
    assert_eq!(access["sub"], "user-1");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["scope"], "openid transactions/post");
    assert_eq!(access["cognito:groups"], json!(["admin", "ops"]));
    assert_eq!(access["email"], "alice@example.com");
    assert_eq!(access["aud"], "aud-1");
    assert_eq!(access["iss"], "https://elsewhere");
    assert_eq!(access["nbf"], 1_700_000_000);
    assert_eq!(id["aud"], "app");
    assert_eq!(id["cognito:username"], "alice");
}

#[tokio::test]
async fn claim_and_without_claim_reach_any_claim() {
    let issuer = TestIssuer::start().await;

    let claims = issuer
        .access_token()
        .claim("exp", json!("soon"))
        .claim("custom:tenant", json!({"id": 7}))
        .without_claim("token_use")
        .issued_at(1_000)
        .claims_json();

    assert_eq!(claims["exp"], "soon", "an explicit exp is not moved by issued_at");
    assert_eq!(claims["custom:tenant"], json!({"id": 7}));
    assert!(claims.get("token_use").is_none());
}

#[tokio::test]
async fn lifetime_and_issued_at_move_exp_together() {
    let issuer = TestIssuer::start().await;
    let t = now() - 7200;

    let claims = issuer.access_token().lifetime(Duration::from_secs(300)).issued_at(t).claims_json();
    assert_eq!(claims["iat"], t);
    assert_eq!(claims["exp"], t + 300);
    assert_eq!(claims["auth_time"], t);

    let claims = issuer.access_token().issued_at(t).expires_at(t + 5).claims_json();
    assert_eq!(claims["exp"], t + 5);

    let claims = issuer.access_token().expires_at(42).issued_at(t).claims_json();
    assert_eq!(claims["exp"], 42);

    let claims = issuer.access_token().without_claim("exp").issued_at(t).claims_json();
    assert!(claims.get("exp").is_none());
}

#[tokio::test]
async fn signed_tokens_verify_against_the_served_jwks() {
    let issuer = TestIssuer::start().await;
    for token in [
        issuer.access_token().sign(),
        issuer.id_token().sign(),
        issuer.client_credentials_token("c").scopes(["x/y"]).sign(),
    ] {
        assert!(verifies_against_served_jwks(&issuer, &token).await);
        assert!(!token.contains('='), "segments carry no padding");
    }
}

#[tokio::test]
async fn tampered_tokens_do_not_verify() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().sign();
    let jwk = issuer.public_jwk(&issuer.signing_kid()).unwrap();

    let tampered = cognito_testkit::tamper_payload(&token);
    assert_eq!(parts(&tampered).1["sub"], "tampered");
    assert!(!signature_valid(&jwk, &tampered));
    assert!(!signature_valid(&jwk, &cognito_testkit::tamper_signature(&token)));
    assert!(signature_valid(&jwk, &token));
}

#[tokio::test]
async fn header_overrides_change_the_header_only() {
    let issuer = TestIssuer::start().await;
    let jwk = issuer.public_jwk(&issuer.signing_kid()).unwrap();

    let token = issuer.access_token().kid("other-kid").header("typ", json!("JWT")).sign();
    let (header, _) = parts(&token);
    assert_eq!(header, json!({"alg": "RS256", "kid": "other-kid", "typ": "JWT"}));
    assert!(signature_valid(&jwk, &token));

    let (header, _) = parts(&issuer.access_token().without_header("kid").alg("PS256").sign());
    assert_eq!(header, json!({"alg": "PS256"}));

    let header = issuer.access_token().header("kid", json!(42)).header_json();
    assert_eq!(header["kid"], 42);
}

#[tokio::test]
async fn rsa_keys_sign_rs384_and_rs512_when_the_header_says_so() {
    let issuer = TestIssuer::start().await;
    let jwk = issuer.public_jwk(&issuer.signing_kid()).unwrap();
    for alg in ["RS384", "RS512"] {
        let token = issuer.access_token().alg(alg).sign();
        assert_eq!(parts(&token).0["alg"], alg);
        assert!(signature_valid(&jwk, &token), "{alg}");
    }
}

#[tokio::test]
async fn ec_and_ed25519_keys_sign_with_their_algorithms() {
    let issuer = TestIssuer::start().await;
    for (kind, alg, sig_len) in [
        (KeyKind::Es256, "ES256", 64),
        (KeyKind::Es384, "ES384", 96),
        (KeyKind::Es512, "ES512", 132),
        (KeyKind::Ed25519, "EdDSA", 64),
    ] {
        let kid = issuer.add_key(kind);
        let token = issuer.access_token().signed_with_kid(&kid).sign();
        let (header, _) = parts(&token);
        assert_eq!(header, json!({"alg": alg, "kid": kid}));
        assert_eq!(b64(token.rsplit('.').next().unwrap()).len(), sig_len, "{alg} signatures are fixed-width");
        assert!(verifies_against_served_jwks(&issuer, &token).await, "{alg}");
    }
}

#[tokio::test]
async fn rsa_4096_keys_sign_rs256() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.add_key(KeyKind::Rsa4096);

    let token = issuer.access_token().signed_with_kid(&kid).sign();

    assert_eq!(b64(token.rsplit('.').next().unwrap()).len(), 512);
    assert!(verifies_against_served_jwks(&issuer, &token).await);
}

#[tokio::test]
async fn a_token_signed_by_another_key_does_not_verify_with_the_published_one() {
    let issuer = TestIssuer::start().await;
    let other = issuer.add_key(KeyKind::Rsa2048);
    let jwk = issuer.public_jwk(&issuer.signing_kid()).unwrap();

    let token = issuer.access_token().signed_with_kid(&other).kid(issuer.signing_kid()).sign();

    assert!(!signature_valid(&jwk, &token));
}

#[tokio::test]
async fn unsigned_none_token_has_an_empty_signature() {
    let issuer = TestIssuer::start().await;

    let token = issuer.access_token().sign_unsigned_none();

    assert!(token.ends_with('.'));
    assert_eq!(token.split('.').count(), 3);
    assert_eq!(parts(&token).0["alg"], "none");
    assert_eq!(parts(&token).0["kid"], issuer.signing_kid().as_str());
}

#[tokio::test]
async fn hs256_token_is_an_hmac_with_the_given_secret() {
    let issuer = TestIssuer::start().await;
    let secret = issuer.rsa_public_key_der(&issuer.signing_kid()).unwrap();

    let token = issuer.access_token().sign_hs256(&secret);

    let (input, sig) = token.rsplit_once('.').unwrap();
    assert_eq!(parts(&token).0["alg"], "HS256");
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
    assert!(hmac::verify(&key, input.as_bytes(), &b64(sig)).is_ok());
}

#[tokio::test]
async fn sign_raw_signs_arbitrary_bytes_with_the_signing_key() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let header = format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#);

    let token = issuer.sign_raw(header.as_bytes(), b"not json at all");

    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(b64(segments[0]), header.as_bytes());
    assert_eq!(b64(segments[1]), b"not json at all");
    let jwk = issuer.public_jwk(&kid).unwrap();
    let key = aws_lc_rs::signature::RsaPublicKeyComponents {
        n: URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap(),
        e: URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap(),
    };
    let input = format!("{}.{}", segments[0], segments[1]);
    assert!(
        key.verify(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &b64(segments[2]))
            .is_ok()
    );
}

#[tokio::test]
async fn decode_token_rejects_what_is_not_a_three_part_jws() {
    for token in ["", "a.b", "a.b.c.d", "!!.e30.x", "e30.bm90IGpzb24.x"] {
        assert!(cognito_testkit::decode_token(token).is_none(), "{token}");
    }
    assert_eq!(cognito_testkit::decode_token("e30.e30."), Some((json!({}), json!({}))));
}

#[tokio::test]
async fn verifier_builder_trusts_this_issuer() {
    let issuer = TestIssuer::start().await;

    let builder = issuer.verifier();

    assert!(format!("{builder:?}").contains(&issuer.issuer_url()));
}

#[tokio::test]
async fn builder_setters_take_owned_and_borrowed_strings() {
    let issuer = TestIssuer::start().await;
    let name = String::from("jti");
    let claims = issuer
        .access_token()
        .without_claim(name.clone())
        .replica_region(String::from("eu-west-2"))
        .claims_json();
    assert!(claims.get("jti").is_none());
    assert!(claims["iss"].as_str().unwrap().contains("eu-west-2"));
    let alb = issuer.alb_token().without_claim(name).without_header(String::from("signer")).claims_json();
    assert!(alb.get("jti").is_none());
}
