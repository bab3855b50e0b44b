//! The JWKS endpoint and key management.

mod support;

use std::time::Duration;

use cognito_testkit::{KeyKind, TestIssuer};
use serde_json::json;
use support::{b64_str, get_json, http, parts, signature_valid, verifies_against_served_jwks};

#[tokio::test]
async fn jwks_is_served_at_the_pool_well_known_path_and_counted() {
    let issuer = TestIssuer::start().await;
    assert_eq!(issuer.jwks_requests(), 0);

    let jwks = get_json(&issuer.jwks_url()).await;

    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(jwks, issuer.jwks());
    assert_eq!(issuer.jwks_requests(), 1);
    assert_eq!(issuer.jwks_url(), format!("{}/local-1_TestPool1/.well-known/jwks.json", issuer.base_url()));
}

#[tokio::test]
async fn default_key_is_a_cognito_shaped_rsa_2048_jwk() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let jwks = get_json(&issuer.jwks_url()).await;
    let jwk = &jwks["keys"][0];

    assert_eq!(jwk["kid"], kid.as_str());
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["e"], "AQAB");
    let n = b64_str(&jwk["n"]);
    assert_eq!(n.len(), 256, "2048-bit modulus without a leading zero");
    assert_ne!(n[0], 0);
    assert_eq!(issuer.public_jwk(&kid).as_ref(), Some(jwk));
}

#[tokio::test]
async fn kids_are_base64_text_with_special_characters() {
    let issuer = TestIssuer::start().await;
    for kid in [issuer.signing_kid(), issuer.add_key(KeyKind::Es256)] {
        assert!(kid.ends_with('='), "{kid}");
        assert!(kid.contains(['+', '/']), "{kid}");
        assert_eq!(kid.len(), 44);
    }
}

#[tokio::test]
async fn no_cache_control_by_default() {
    let issuer = TestIssuer::start().await;
    let response = http().get(issuer.jwks_url()).send().await.unwrap();
    assert!(response.headers().get("cache-control").is_none());
}

#[tokio::test]
async fn cache_control_max_age_is_sent_when_configured() {
    let issuer = TestIssuer::builder().jwks_max_age(Some(Duration::from_secs(300))).start().await;
    let response = http().get(issuer.jwks_url()).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "max-age=300");

    issuer.set_jwks_max_age(None);
    let response = http().get(issuer.jwks_url()).send().await.unwrap();
    assert!(response.headers().get("cache-control").is_none());
}

#[tokio::test]
async fn rotation_publishes_the_new_key_signs_with_it_and_keeps_the_old_one() {
    let issuer = TestIssuer::start().await;
    let old = issuer.signing_kid();
    let old_token = issuer.access_token().sign();

    let new = issuer.rotate_key();

    assert_ne!(old, new);
    assert_eq!(issuer.signing_kid(), new);
    assert_eq!(issuer.published_kids(), vec![old.clone(), new.clone()]);
    let new_token = issuer.access_token().sign();
    assert_eq!(parts(&new_token).0["kid"], new.as_str());
    assert!(verifies_against_served_jwks(&issuer, &new_token).await);
    assert!(verifies_against_served_jwks(&issuer, &old_token).await);
}

#[tokio::test]
async fn added_key_is_published_but_does_not_sign_until_chosen() {
    let issuer = TestIssuer::start().await;
    let first = issuer.signing_kid();

    let added = issuer.add_key(KeyKind::Rsa2048);

    assert_eq!(issuer.signing_kid(), first);
    assert!(issuer.published_kids().contains(&added));
    issuer.set_signing_kid(&added);
    assert_eq!(issuer.signing_kid(), added);
}

#[tokio::test]
async fn retired_key_stays_published_and_another_key_signs() {
    let issuer = TestIssuer::start().await;
    let first = issuer.signing_kid();
    let second = issuer.add_key(KeyKind::Rsa2048);

    issuer.retire_key(&first);

    assert_eq!(issuer.signing_kid(), second);
    assert_eq!(issuer.published_kids(), vec![first, second]);
}

#[tokio::test]
async fn retiring_the_only_key_generates_a_new_signing_key() {
    let issuer = TestIssuer::start().await;
    let first = issuer.signing_kid();

    issuer.retire_key(&first);

    let signing = issuer.signing_kid();
    assert_ne!(signing, first);
    assert_eq!(issuer.published_kids(), vec![first, signing]);
}

#[tokio::test]
async fn removed_key_leaves_the_jwks_but_can_still_sign() {
    let issuer = TestIssuer::start().await;
    let first = issuer.signing_kid();
    let second = issuer.rotate_key();

    issuer.remove_key(&first);

    assert_eq!(issuer.published_kids(), vec![second]);
    let token = issuer.access_token().signed_with_kid(&first).sign();
    assert_eq!(parts(&token).0["kid"], first.as_str());
    assert!(!verifies_against_served_jwks(&issuer, &token).await);
    let jwk = issuer.public_jwk(&first).expect("removed keys keep their JWK");
    assert!(signature_valid(&jwk, &token));
}

#[tokio::test]
async fn raw_jwks_are_published_as_given_and_removable_by_kid() {
    let issuer = TestIssuer::start().await;
    let raw = json!({"kty": "RSA", "kid": "broken=", "use": "enc", "e": "AQAB"});

    issuer.publish_raw_jwk(raw.clone());
    issuer.publish_raw_jwk(json!("not even an object"));

    let jwks = get_json(&issuer.jwks_url()).await;
    assert_eq!(jwks["keys"][1], raw);
    assert_eq!(jwks["keys"][2], "not even an object");
    assert_eq!(issuer.public_jwk("broken="), Some(raw));
    issuer.remove_key("broken=");
    assert_eq!(issuer.jwks()["keys"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn ec_and_ed25519_keys_are_published_with_their_curves() {
    let issuer = TestIssuer::start().await;
    let cases = [
        (KeyKind::Es256, "EC", Some("P-256"), "ES256", 32),
        (KeyKind::Es384, "EC", Some("P-384"), "ES384", 48),
        (KeyKind::Es512, "EC", Some("P-521"), "ES512", 66),
        (KeyKind::Ed25519, "OKP", Some("Ed25519"), "EdDSA", 32),
    ];
    for (kind, kty, crv, alg, coordinate_len) in cases {
        let kid = issuer.add_key(kind);
        let jwk = issuer.public_jwk(&kid).unwrap();
        assert_eq!(jwk["kty"], kty, "{kind:?}");
        assert_eq!(jwk["crv"].as_str(), crv, "{kind:?}");
        assert_eq!(jwk["alg"], alg, "{kind:?}");
        assert_eq!(jwk["use"], "sig", "{kind:?}");
        assert_eq!(b64_str(&jwk["x"]).len(), coordinate_len, "{kind:?}");
        if kty == "EC" {
            assert_eq!(b64_str(&jwk["y"]).len(), coordinate_len, "{kind:?}");
        }
    }
}

#[tokio::test]
async fn rsa_public_key_der_parses_as_the_published_key() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let der = issuer.rsa_public_key_der(&kid).expect("RSA key");

    let key = aws_lc_rs::rsa::PublicKey::from_der(&der).expect("PKCS#1 DER");
    let jwk = issuer.public_jwk(&kid).unwrap();
    let n = b64_str(&jwk["n"]);
    assert_eq!(key.modulus_len(), n.len());
    assert!(issuer.rsa_public_key_der(&issuer.add_key(KeyKind::Es256)).is_none());
    assert!(issuer.rsa_public_key_der("unknown").is_none());
    let pem = issuer.public_key_pem(&kid).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
}

#[tokio::test]
async fn other_pools_and_unknown_paths_are_not_found_and_not_counted() {
    let issuer = TestIssuer::start().await;
    let base = issuer.base_url();
    for path in [
        "/local-1_OtherPool/.well-known/jwks.json",
        "/local-1_TestPool1/.well-known/other.json",
        "/local-1_TestPool1/jwks.json",
        "/",
        "/oauth2/unknown",
    ] {
        let response = http().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    assert_eq!(issuer.jwks_requests(), 0);
}

#[tokio::test]
async fn builder_sets_the_pool_id_and_signing_key_kind() {
    let issuer =
        TestIssuer::builder().pool_id("eu-west-1_AbCdEf123").signing_key_kind(KeyKind::Es256).start().await;

    assert_eq!(issuer.pool_id(), "eu-west-1_AbCdEf123");
    assert_eq!(issuer.region(), "eu-west-1");
    assert_eq!(issuer.issuer_url(), format!("http://{}/eu-west-1_AbCdEf123", issuer.addr()));
    let token = issuer.access_token().sign();
    assert_eq!(parts(&token).0["alg"], "ES256");
    assert!(verifies_against_served_jwks(&issuer, &token).await);
}
