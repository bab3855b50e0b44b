//! The OIDC discovery document.

mod support;

use cognito_testkit::{ClientRegistration, TestIssuer};
use support::{get_json, http};

#[tokio::test]
async fn discovery_document_points_at_this_issuer() {
    let issuer = TestIssuer::start().await;
    let base = issuer.base_url();

    let doc = get_json(&issuer.discovery_url()).await;

    assert_eq!(doc["issuer"], issuer.issuer_url().as_str());
    assert_eq!(doc["jwks_uri"], issuer.jwks_url().as_str());
    assert_eq!(doc["token_endpoint"], issuer.token_endpoint().as_str());
    assert_eq!(doc["authorization_endpoint"], format!("{base}/oauth2/authorize").as_str());
    assert_eq!(doc["userinfo_endpoint"], format!("{base}/oauth2/userInfo").as_str());
    assert_eq!(doc["id_token_signing_alg_values_supported"], serde_json::json!(["RS256"]));
    assert_eq!(doc["subject_types_supported"], serde_json::json!(["public"]));
    assert!(doc["response_types_supported"].as_array().is_some_and(|r| r.contains(&"code".into())));
    assert!(doc["scopes_supported"].as_array().is_some_and(|s| s.contains(&"openid".into())));
}

#[tokio::test]
async fn discovery_lists_registered_resource_server_scopes() {
    let issuer = TestIssuer::start().await;
    issuer.register_client(ClientRegistration::new("c", "s").scopes(["transactions/post"]));

    let doc = get_json(&issuer.discovery_url()).await;

    assert!(doc["scopes_supported"].as_array().unwrap().contains(&"transactions/post".into()));
}

#[tokio::test]
async fn discovery_requests_are_counted_separately() {
    let issuer = TestIssuer::start().await;

    get_json(&issuer.discovery_url()).await;
    get_json(&issuer.discovery_url()).await;

    assert_eq!(issuer.discovery_requests(), 2);
    assert_eq!(issuer.jwks_requests(), 0);
    assert_eq!(issuer.token_requests(), 0);
}

#[tokio::test]
async fn discovery_for_another_pool_is_not_found() {
    let issuer = TestIssuer::start().await;
    let url = format!("{}/local-1_Other/.well-known/openid-configuration", issuer.base_url());

    let response = http().get(url).send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(issuer.discovery_requests(), 0);
}
