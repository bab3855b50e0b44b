//! RFC 9728 Protected Resource Metadata: the document built from the layer's verifier, where it
//! is served, and `resource_metadata` in the layer's challenges (HTTP only). An axum app behind
//! `CognitoLayer` on loopback, called with reqwest, tokens from the testkit issuer.

use axum::Router;
use axum::routing::get;
use cognito_testkit::TestIssuer;
use cognito_tower::{CognitoLayer, ResourceMetadata, ResourceMetadataError, TokenSource};
use cognito_verify::TokenUse;
use reqwest::StatusCode;
use serde_json::{Value, json};

const RESOURCE: &str = "https://api.example.com/mcp";

fn layer(issuer: &TestIssuer, resources: &[&str]) -> CognitoLayer {
    let mut builder = issuer.verifier().token_use(TokenUse::Access).client_ids([issuer.default_client_id()]);
    if !resources.is_empty() {
        builder = builder.resources(resources.iter().copied());
    }
    CognitoLayer::new(builder.build().unwrap())
}

/// The app: `/tools` behind the layer, the metadata document beside it (not behind it).
async fn serve(issuer: &TestIssuer) -> (String, ResourceMetadata) {
    let layer = layer(issuer, &[RESOURCE]).realm("mcp");
    let metadata = ResourceMetadata::for_layer(&layer).unwrap().scopes_supported(["mcp/tools"]);
    let app = Router::new()
        .route("/tools", get(|| async { "tools" }))
        .layer(layer.resource_metadata(&metadata))
        .route_service(metadata.path(), metadata.service());
    (format!("http://{}", cognito_testkit::serve_router(app).await), metadata)
}

#[tokio::test]
async fn metadata_document_names_the_resource_the_trusted_issuers_and_the_bearer_header() {
    let issuer = TestIssuer::start().await;
    let metadata = ResourceMetadata::for_layer(&layer(&issuer, &[RESOURCE, "https://other.example.com"]))
        .unwrap()
        .scopes_supported(["mcp/tools", "mcp/admin"])
        .scopes_supported(["mcp/tools"])
        .resource_name("Example MCP server");
    assert_eq!(
        metadata.to_json(),
        json!({
            "resource": RESOURCE,
            "authorization_servers": [issuer.issuer_url()],
            "scopes_supported": ["mcp/tools", "mcp/admin"],
            "bearer_methods_supported": ["header"],
            "resource_name": "Example MCP server",
        })
    );
    // A layer reading a cookie only offers no RFC 6750 bearer method.
    let cookie_only = layer(&issuer, &[RESOURCE]).token_source(TokenSource::cookie("at"));
    let metadata = ResourceMetadata::for_layer(&cookie_only).unwrap();
    assert_eq!(metadata.to_json()["bearer_methods_supported"], json!([]));
    assert!(metadata.to_json().get("scopes_supported").is_none());
}

#[tokio::test]
async fn well_known_url_inserts_the_path_after_the_host_rfc9728_3_1() {
    let issuer = TestIssuer::start().await;
    let at = |resource: &str| {
        let metadata = ResourceMetadata::for_layer(&layer(&issuer, &[resource])).unwrap();
        (metadata.url().to_owned(), metadata.path().to_owned())
    };
    assert_eq!(
        at("https://api.example.com/mcp"),
        (
            "https://api.example.com/.well-known/oauth-protected-resource/mcp".to_owned(),
            "/.well-known/oauth-protected-resource/mcp".to_owned()
        )
    );
    // The terminating slash after the host is removed.
    for resource in ["https://api.example.com", "https://api.example.com/"] {
        assert_eq!(at(resource).0, "https://api.example.com/.well-known/oauth-protected-resource");
    }
    assert_eq!(
        at("https://api.example.com:8443/a/b").0,
        "https://api.example.com:8443/.well-known/oauth-protected-resource/a/b"
    );
}

#[tokio::test]
async fn metadata_needs_an_https_resource_on_the_verifier() {
    let issuer = TestIssuer::start().await;
    assert_eq!(
        ResourceMetadata::for_layer(&layer(&issuer, &[])).unwrap_err(),
        ResourceMetadataError::NoResource
    );
    for resource in ["http://api.example.com/mcp", "https://api.example.com/mcp?tenant=a", "api"] {
        let err = ResourceMetadata::for_layer(&layer(&issuer, &[resource])).unwrap_err();
        assert!(matches!(err, ResourceMetadataError::InvalidResource { .. }), "{resource}: {err:?}");
    }
}

#[tokio::test]
async fn metadata_is_served_at_its_well_known_path_outside_the_layer() {
    let issuer = TestIssuer::start().await;
    let (base, metadata) = serve(&issuer).await;
    let http = reqwest::Client::new();
    let response = http.get(format!("{base}{}", metadata.path())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(document, metadata.to_json());
    let response = http.post(format!("{base}{}", metadata.path())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn unauthenticated_request_is_challenged_with_resource_metadata_rfc9728_5_1() {
    let issuer = TestIssuer::start().await;
    let (base, metadata) = serve(&issuer).await;
    let http = reqwest::Client::new();
    let response = http.get(format!("{base}/tools")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        format!(r#"Bearer realm="mcp", resource_metadata="{}""#, metadata.url()).as_str()
    );
    // An invalid token: the same URL after the error.
    let token = issuer.access_token().resource("https://other.example.com").sign();
    let response = http.get(format!("{base}/tools")).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(challenge.contains(RESOURCE), "names the expected resource: {challenge}");
    assert!(challenge.ends_with(&format!(r#"resource_metadata="{}""#, metadata.url())), "{challenge}");
    let response = http
        .get(format!("{base}/tools"))
        .bearer_auth(issuer.access_token().resource(RESOURCE).sign())
        .send()
        .await;
    assert_eq!(response.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn grpc_rejections_carry_no_resource_metadata() {
    let issuer = TestIssuer::start().await;
    let (base, _metadata) = serve(&issuer).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/tools"))
        .header("content-type", "application/grpc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["grpc-status"], "16");
    assert!(response.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn without_resource_metadata_the_challenge_is_unchanged() {
    let issuer = TestIssuer::start().await;
    let app = Router::new().route("/tools", get(|| async { "tools" })).layer(layer(&issuer, &[RESOURCE]));
    let base = format!("http://{}", cognito_testkit::serve_router(app).await);
    let response = reqwest::get(format!("{base}/tools")).await.unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}
