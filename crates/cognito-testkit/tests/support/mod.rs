//! Helpers for the testkit's own tests: an independent JWS check with aws-lc-rs against a
//! published JWK, and small HTTP conveniences. Deliberately not cognito-verify.
#![allow(dead_code)]

pub mod code_flow;

use aws_lc_rs::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::TestIssuer;
use serde_json::Value;

pub fn b64(segment: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(segment).expect("segment is base64url without padding")
}

pub fn b64_str(value: &Value) -> Vec<u8> {
    b64(value.as_str().expect("JWK member is a string"))
}

/// Header and claims of a token.
pub fn parts(token: &str) -> (Value, Value) {
    cognito_testkit::decode_token(token).expect("token has JSON header and payload")
}

/// Checks `token`'s signature with `jwk`, using the header's `alg`.
pub fn signature_valid(jwk: &Value, token: &str) -> bool {
    let (input, sig) = token.rsplit_once('.').expect("token has a signature segment");
    let sig = b64(sig);
    let (header, _) = parts(token);
    let alg = header["alg"].as_str().expect("alg is a string");
    match jwk["kty"].as_str() {
        Some("RSA") => {
            let params = match alg {
                "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
                "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
                "RS512" => &signature::RSA_PKCS1_2048_8192_SHA512,
                other => panic!("unexpected RSA alg {other}"),
            };
            let key = RsaPublicKeyComponents { n: b64_str(&jwk["n"]), e: b64_str(&jwk["e"]) };
            key.verify(params, input.as_bytes(), &sig).is_ok()
        }
        Some("EC") => {
            let alg: &dyn signature::VerificationAlgorithm = match jwk["crv"].as_str() {
                Some("P-256") => &signature::ECDSA_P256_SHA256_FIXED,
                Some("P-384") => &signature::ECDSA_P384_SHA384_FIXED,
                Some("P-521") => &signature::ECDSA_P521_SHA512_FIXED,
                other => panic!("unexpected curve {other:?}"),
            };
            let mut point = vec![4u8];
            point.extend(b64_str(&jwk["x"]));
            point.extend(b64_str(&jwk["y"]));
            UnparsedPublicKey::new(alg, point).verify(input.as_bytes(), &sig).is_ok()
        }
        Some("OKP") => UnparsedPublicKey::new(&signature::ED25519, b64_str(&jwk["x"]))
            .verify(input.as_bytes(), &sig)
            .is_ok(),
        other => panic!("unexpected kty {other:?}"),
    }
}

/// Checks `token` against the JWK the issuer publishes for the `kid` in its header.
pub async fn verifies_against_served_jwks(issuer: &TestIssuer, token: &str) -> bool {
    let (header, _) = parts(token);
    let kid = header["kid"].as_str().expect("kid is a string");
    let jwks = get_json(&issuer.jwks_url()).await;
    let keys = jwks["keys"].as_array().expect("keys is an array");
    keys.iter().filter(|k| k["kid"] == kid).any(|jwk| signature_valid(jwk, token))
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn get_json(url: &str) -> Value {
    let response = http().get(url).send().await.expect("request succeeds");
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.expect("body is JSON")
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs()
        as i64
}
