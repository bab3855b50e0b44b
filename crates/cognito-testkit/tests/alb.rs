//! The load balancer double: the PEM key endpoint and the shape of `x-amzn-oidc-data` tokens,
//! checked independently with aws-lc-rs (not cognito-verify).

mod support;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use cognito_testkit::{DEFAULT_ALB_ARN, Fault, TestIssuer};
use serde_json::Value;
use support::http;

async fn get(url: &str) -> reqwest::Response {
    http().get(url).send().await.unwrap()
}

fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

fn segment_json(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE.decode(segment).unwrap()).unwrap()
}

#[tokio::test]
async fn key_endpoint_serves_the_signing_key_as_pem_and_counts() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.alb_signing_kid();
    let response = get(&format!("{}/{kid}", issuer.alb_key_endpoint())).await;
    assert_eq!(response.status(), 200);
    let pem = response.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    assert_eq!(Some(pem), issuer.alb_key_pem(&kid));
    assert_eq!(issuer.alb_key_requests(), 1);
    assert_eq!(issuer.alb_key_endpoint(), format!("{}/alb-keys", issuer.base_url()));
}

#[tokio::test]
async fn unknown_and_removed_keys_are_404() {
    let issuer = TestIssuer::start().await;
    assert_eq!(get(&format!("{}/no-such-kid", issuer.alb_key_endpoint())).await.status(), 404);
    let kid = issuer.rotate_alb_key();
    issuer.remove_alb_key(&kid);
    assert_eq!(get(&format!("{}/{kid}", issuer.alb_key_endpoint())).await.status(), 404);
}

#[tokio::test]
async fn faults_apply_to_the_key_endpoint() {
    let issuer = TestIssuer::start().await;
    issuer.set_alb_key_fault_for(Fault::Status(503), 1);
    let url = format!("{}/{}", issuer.alb_key_endpoint(), issuer.alb_signing_kid());
    assert_eq!(get(&url).await.status(), 503);
    assert_eq!(get(&url).await.status(), 200);
    assert_eq!(issuer.alb_key_requests(), 2);
}

#[tokio::test]
async fn tokens_are_padded_es256_signed_with_the_alb_header() {
    let issuer = TestIssuer::start().await;
    let token = issuer.alb_token().sign();
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 3);
    assert!(segments[2].ends_with("=="), "a 64-byte signature is padded: {}", segments[2]);

    let header = segment_json(segments[0]);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"], issuer.alb_signing_kid());
    assert_eq!(header["signer"], DEFAULT_ALB_ARN);
    assert_eq!(header["client"], issuer.default_client_id());
    assert_eq!(header["iss"], issuer.issuer_url());
    assert!(header["exp"].is_i64());
    let claims = segment_json(segments[1]);
    assert_eq!(claims["sub"], issuer.default_sub());
    assert_eq!(claims["email_verified"], "true");

    let der = der_of(&issuer.alb_key_pem(&issuer.alb_signing_kid()).unwrap());
    let signature = URL_SAFE.decode(segments[2]).unwrap();
    let input = format!("{}.{}", segments[0], segments[1]);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, der).verify(input.as_bytes(), &signature).unwrap();
}

#[tokio::test]
async fn padding_can_be_turned_off() {
    let issuer = TestIssuer::start().await;
    let token = issuer.alb_token().padding(false).sign();
    assert!(!token.contains('='));
    assert!(cognito_testkit::decode_token(&token).is_some());
}
