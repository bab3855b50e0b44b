//! `POST /oauth2/token`: the client-credentials grant and Cognito's errors.

mod support;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_testkit::{ClientRegistration, TestIssuer};
use serde_json::Value;
use support::{http, parts, verifies_against_served_jwks};

const ID: &str = "m2mclient";
const SECRET: &str = "s3cret";

async fn issuer() -> TestIssuer {
    TestIssuer::builder()
        .client(
            ClientRegistration::new(ID, SECRET)
                .scopes(["transactions/get", "transactions/post"])
                .token_lifetime(Duration::from_secs(900)),
        )
        .client(ClientRegistration::new("userclient", "pw").scopes(["x/y"]).allow_client_credentials(false))
        .start()
        .await
}

/// Posts `form` with HTTP Basic `id:secret`; returns status and JSON body.
async fn post_basic(issuer: &TestIssuer, id: &str, secret: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response =
        http().post(issuer.token_endpoint()).basic_auth(id, Some(secret)).form(form).send().await.unwrap();
    status_and_json(response).await
}

async fn post_form(issuer: &TestIssuer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http().post(issuer.token_endpoint()).form(form).send().await.unwrap();
    status_and_json(response).await
}

async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn basic_auth_gets_a_bearer_token_with_the_requested_scope() {
    let issuer = issuer().await;

    let (status, body) = post_basic(
        &issuer,
        ID,
        SECRET,
        &[("grant_type", "client_credentials"), ("scope", "transactions/post")],
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let token = body["access_token"].as_str().unwrap();
    let (_, claims) = parts(token);
    assert_eq!(claims["sub"], ID);
    assert_eq!(claims["client_id"], ID);
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], "transactions/post");
    assert_eq!(claims["iss"], issuer.issuer_url().as_str());
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);
    assert!(claims.get("username").is_none() && claims.get("cognito:groups").is_none());
    assert!(verifies_against_served_jwks(&issuer, token).await);
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn form_post_credentials_are_accepted() {
    let issuer = issuer().await;

    let (status, body) = post_form(
        &issuer,
        &[("grant_type", "client_credentials"), ("client_id", ID), ("client_secret", SECRET)],
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn no_scope_requested_grants_all_allowed_scopes() {
    let issuer = issuer().await;

    let (_, body) = post_basic(&issuer, ID, SECRET, &[("grant_type", "client_credentials")]).await;

    let (_, claims) = parts(body["access_token"].as_str().unwrap());
    assert_eq!(claims["scope"], "transactions/get transactions/post");
}

#[tokio::test]
async fn response_is_not_cacheable() {
    let issuer = issuer().await;

    let response = http()
        .post(issuer.token_endpoint())
        .basic_auth(ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn basic_credentials_are_form_urlencoded_before_base64() {
    let id = "id:with spaces";
    let secret = "p@ss:w/rd+%";
    let issuer =
        TestIssuer::builder().client(ClientRegistration::new(id, secret).scopes(["a/b"])).start().await;
    let encoded = STANDARD.encode("id%3Awith+spaces:p%40ss%3Aw%2Frd%2B%25");

    let response = http()
        .post(issuer.token_endpoint())
        .header("authorization", format!("Basic {encoded}"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn unknown_client_is_invalid_client_401_with_basic() {
    let issuer = issuer().await;

    let response = http()
        .post(issuer.token_endpoint())
        .basic_auth("nobody", Some("x"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(response.json::<Value>().await.unwrap(), serde_json::json!({"error": "invalid_client"}));
}

#[tokio::test]
async fn wrong_secret_is_invalid_client() {
    let issuer = issuer().await;

    let basic = post_basic(&issuer, ID, "wrong", &[("grant_type", "client_credentials")]).await;
    let form = post_form(
        &issuer,
        &[("grant_type", "client_credentials"), ("client_id", ID), ("client_secret", "wrong")],
    )
    .await;

    assert_eq!(basic, (401, serde_json::json!({"error": "invalid_client"})));
    assert_eq!(form, (400, serde_json::json!({"error": "invalid_client"})));
}

#[tokio::test]
async fn missing_client_authentication_is_invalid_client() {
    let issuer = issuer().await;

    let no_auth = post_form(&issuer, &[("grant_type", "client_credentials")]).await;
    let no_secret = post_form(&issuer, &[("grant_type", "client_credentials"), ("client_id", ID)]).await;

    assert_eq!(no_auth.1["error"], "invalid_client");
    assert_eq!(no_secret.1["error"], "invalid_client");
}

#[tokio::test]
async fn malformed_basic_header_is_invalid_client() {
    let issuer = issuer().await;
    for value in ["Basic !!!not-base64", "Basic", "Bearer abc", "Basic bm9jb2xvbg=="] {
        let response = http()
            .post(issuer.token_endpoint())
            .header("authorization", value)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{value}");
    }
}

#[tokio::test]
async fn scope_not_allowed_is_invalid_scope() {
    let issuer = issuer().await;
    for scope in ["transactions/delete", "openid", "transactions/get offline_access"] {
        let (status, body) =
            post_basic(&issuer, ID, SECRET, &[("grant_type", "client_credentials"), ("scope", scope)]).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{scope}");
    }
}

#[tokio::test]
async fn client_without_scopes_is_invalid_scope() {
    let issuer = TestIssuer::builder().client(ClientRegistration::new("bare", "pw")).start().await;

    let (status, body) = post_basic(&issuer, "bare", "pw", &[("grant_type", "client_credentials")]).await;

    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
}

#[tokio::test]
async fn client_not_allowed_client_credentials_is_unauthorized_client() {
    let issuer = issuer().await;

    let (status, body) =
        post_basic(&issuer, "userclient", "pw", &[("grant_type", "client_credentials")]).await;

    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));
}

#[tokio::test]
async fn other_grant_types_are_unsupported_grant_type() {
    let issuer = issuer().await;
    for grant in ["password", "implicit", ""] {
        let (status, body) = post_basic(&issuer, ID, SECRET, &[("grant_type", grant)]).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")), "{grant:?}");
    }
}

#[tokio::test]
async fn authorization_code_for_a_client_without_callback_urls_is_unauthorized_client() {
    let issuer = issuer().await;
    let form = [("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", "http://127.0.0.1:9/")];
    let (status, body) = post_basic(&issuer, ID, SECRET, &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));
}

#[tokio::test]
async fn malformed_requests_are_invalid_request() {
    let issuer = issuer().await;

    let missing_grant = post_basic(&issuer, ID, SECRET, &[("scope", "transactions/get")]).await;
    let duplicate =
        post_basic(&issuer, ID, SECRET, &[("grant_type", "client_credentials"), ("grant_type", "x")]).await;
    let both_methods = post_basic(
        &issuer,
        ID,
        SECRET,
        &[("grant_type", "client_credentials"), ("client_id", ID), ("client_secret", SECRET)],
    )
    .await;
    let json_body = status_and_json(
        http()
            .post(issuer.token_endpoint())
            .basic_auth(ID, Some(SECRET))
            .json(&serde_json::json!({"grant_type": "client_credentials"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let garbage = status_and_json(
        http()
            .post(issuer.token_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![0xff, 0xfe, b'%', b'&', b'='])
            .send()
            .await
            .unwrap(),
    )
    .await;

    for (name, (status, body)) in [
        ("missing grant_type", missing_grant),
        ("duplicate parameter", duplicate),
        ("two authentication methods", both_methods),
        ("JSON body", json_body),
        ("non-UTF-8 body", garbage),
    ] {
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{name}");
    }
}

#[tokio::test]
async fn get_is_not_allowed() {
    let issuer = issuer().await;

    let response = http().get(issuer.token_endpoint()).send().await.unwrap();

    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn clients_registered_after_start_are_accepted() {
    let issuer = TestIssuer::start().await;
    issuer.register_client(ClientRegistration::new("late", "pw").scopes(["r/s"]));

    let (status, _) = post_basic(&issuer, "late", "pw", &[("grant_type", "client_credentials")]).await;

    assert_eq!(status, 200);
}

#[tokio::test]
async fn every_request_is_counted_including_errors() {
    let issuer = issuer().await;

    post_basic(&issuer, ID, SECRET, &[("grant_type", "client_credentials")]).await;
    post_basic(&issuer, ID, "wrong", &[("grant_type", "client_credentials")]).await;
    post_form(&issuer, &[]).await;

    assert_eq!(issuer.token_requests(), 3);
    issuer.reset_counters();
    assert_eq!(issuer.token_requests(), 0);
}
