//! The hosted login: `/oauth2/authorize` and its form, the `authorization_code` (PKCE S256) and
//! `refresh_token` grants, `/oauth2/revoke`, `/logout`, `/oauth2/userInfo`, the faults and the
//! clock, as a browser app sees them.

mod support;

use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::{ClientRegistration, HOSTED_SESSION_COOKIE, TestIssuer, TestUser};
use reqwest::redirect::Policy;
use serde_json::Value;
use support::{parts, verifies_against_served_jwks};

const CLIENT: &str = "webclient";
const CALLBACK: &str = "http://127.0.0.1:9/auth/callback";
const SIGNED_OUT: &str = "http://127.0.0.1:9/signed-out";
const VERIFIER: &str = "a-pkce-code-verifier-that-is-long-enough-0123456789";

async fn issuer() -> TestIssuer {
    TestIssuer::builder()
        .client(ClientRegistration::public(CLIENT).callback_urls([CALLBACK]).logout_urls([SIGNED_OUT]))
        .client(ClientRegistration::new("m2m", "secret").scopes(["x/y"]))
        .user(
            TestUser::new("alice", "alice-pw")
                .groups(["admin", "staff"])
                .email("alice@example.com")
                .attribute("name", "Alice Liddell"),
        )
        .user(TestUser::new("bob", "bob-pw"))
        .start()
        .await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()).as_ref())
}

fn authorize_query(redirect_uri: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", CLIENT.to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("scope", "openid email profile".to_owned()),
        ("state", "state-123".to_owned()),
        ("nonce", "nonce-456".to_owned()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ]
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

/// Posts the login form; returns the response (a redirect on success).
async fn post_login(issuer: &TestIssuer, user: &str, password: &str) -> reqwest::Response {
    let mut form = authorize_query(CALLBACK);
    form.push(("username", user.to_owned()));
    form.push(("password", password.to_owned()));
    browser().post(format!("{}/login", issuer.base_url())).form(&form).send().await.unwrap()
}

/// Signs `user` in through the form and returns the authorization code.
async fn code_for(issuer: &TestIssuer, user: &str, password: &str) -> String {
    let response = post_login(issuer, user, password).await;
    assert_eq!(response.status(), 302);
    query_param(&location(&response), "code").unwrap()
}

async fn token_request(issuer: &TestIssuer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = browser().post(issuer.token_endpoint()).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn exchange(issuer: &TestIssuer, code: &str, verifier: &str) -> (u16, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ];
    token_request(issuer, &form).await
}

async fn refresh(issuer: &TestIssuer, refresh_token: &str) -> (u16, Value) {
    let form = [("grant_type", "refresh_token"), ("client_id", CLIENT), ("refresh_token", refresh_token)];
    token_request(issuer, &form).await
}

async fn tokens_for_alice(issuer: &TestIssuer) -> Value {
    let code = code_for(issuer, "alice", "alice-pw").await;
    let (status, body) = exchange(issuer, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn authorize_shows_a_login_form_that_carries_the_request() {
    let issuer = issuer().await;
    let response =
        browser().get(issuer.authorize_endpoint()).query(&authorize_query(CALLBACK)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<form method="post" action="/login">"#), "{html}");
    assert!(html.contains(r#"name="password""#));
    assert!(html.contains(r#"<input type="hidden" name="nonce" value="nonce-456">"#), "{html}");
    assert_eq!(issuer.hosted_login_counts().authorize, 1);
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_not_a_redirect() {
    let issuer = issuer().await;
    let response = browser()
        .get(issuer.authorize_endpoint())
        .query(&authorize_query("http://evil.example/callback"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("redirect_mismatch"));
}

#[tokio::test]
async fn plain_pkce_method_is_redirected_back_as_invalid_request() {
    let issuer = issuer().await;
    let mut query = authorize_query(CALLBACK);
    query.retain(|(name, _)| *name != "code_challenge_method");
    query.push(("code_challenge_method", "plain".to_owned()));
    let response = browser().get(issuer.authorize_endpoint()).query(&query).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = location(&response);
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("state-123"));
}

#[tokio::test]
async fn sign_in_redirects_to_the_callback_with_a_code_and_the_state() {
    let issuer = issuer().await;
    let response = post_login(&issuer, "alice", "alice-pw").await;
    assert_eq!(response.status(), 302);
    let location = location(&response);
    assert!(location.starts_with(&format!("{CALLBACK}?code=")), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("state-123"));
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with(&format!("{HOSTED_SESSION_COOKIE}=")) && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn wrong_password_shows_the_form_again_with_an_error() {
    let issuer = issuer().await;
    let response = post_login(&issuer, "alice", "not-her-password").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Incorrect username or password."));
    assert_eq!(issuer.hosted_login_counts().failed_sign_ins, 1);
    assert_eq!(issuer.hosted_login_counts().sign_ins, 0);
}

#[tokio::test]
async fn code_exchange_answers_id_access_and_refresh_tokens_for_the_user() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let (id, access) = (body["id_token"].as_str().unwrap(), body["access_token"].as_str().unwrap());
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() > 40));
    assert!(verifies_against_served_jwks(&issuer, id).await);
    assert!(verifies_against_served_jwks(&issuer, access).await);

    let (_, id_claims) = parts(id);
    assert_eq!(id_claims["token_use"], "id");
    assert_eq!(id_claims["aud"], CLIENT);
    assert_eq!(id_claims["nonce"], "nonce-456");
    assert_eq!(id_claims["cognito:username"], "alice");
    assert_eq!(id_claims["cognito:groups"], serde_json::json!(["admin", "staff"]));
    assert_eq!(id_claims["email"], "alice@example.com");
    assert_eq!(id_claims["name"], "Alice Liddell");
    let hash = digest(&SHA256, access.as_bytes());
    assert_eq!(id_claims["at_hash"], URL_SAFE_NO_PAD.encode(&hash.as_ref()[..16]));

    let (_, access_claims) = parts(access);
    assert_eq!(access_claims["token_use"], "access");
    assert_eq!(access_claims["client_id"], CLIENT);
    assert_eq!(access_claims["username"], "alice");
    assert_eq!(access_claims["scope"], "openid email profile");
    assert_eq!(access_claims["sub"], id_claims["sub"]);
    assert_eq!(access_claims["origin_jti"], id_claims["origin_jti"]);
}

#[tokio::test]
async fn a_user_without_groups_gets_tokens_without_the_groups_claim() {
    let issuer = issuer().await;
    let code = code_for(&issuer, "bob", "bob-pw").await;
    let (_, body) = exchange(&issuer, &code, VERIFIER).await;
    let (_, claims) = parts(body["id_token"].as_str().unwrap());
    assert!(claims.get("cognito:groups").is_none());
}

#[tokio::test]
async fn code_exchange_with_the_wrong_pkce_verifier_is_invalid_grant() {
    let issuer = issuer().await;
    let code = code_for(&issuer, "alice", "alice-pw").await;
    let (status, body) = exchange(&issuer, &code, "another-verifier-that-is-long-enough-0123456789").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn code_exchange_without_the_pkce_verifier_is_invalid_request() {
    let issuer = issuer().await;
    let code = code_for(&issuer, "alice", "alice-pw").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT),
        ("code", &code),
        ("redirect_uri", CALLBACK),
    ];
    let (status, body) = token_request(&issuer, &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
}

#[tokio::test]
async fn a_code_is_single_use() {
    let issuer = issuer().await;
    let code = code_for(&issuer, "alice", "alice-pw").await;
    assert_eq!(exchange(&issuer, &code, VERIFIER).await.0, 200);
    let (status, body) = exchange(&issuer, &code, VERIFIER).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn code_reuse_fault_lets_a_code_be_exchanged_twice() {
    let issuer = issuer().await;
    issuer.allow_code_reuse(true);
    let code = code_for(&issuer, "alice", "alice-pw").await;
    assert_eq!(exchange(&issuer, &code, VERIFIER).await.0, 200);
    assert_eq!(exchange(&issuer, &code, VERIFIER).await.0, 200);
}

#[tokio::test]
async fn a_code_expires_five_minutes_after_it_was_issued_by_the_issuer_clock() {
    let issuer = issuer().await;
    issuer.clock().freeze();
    let code = code_for(&issuer, "alice", "alice-pw").await;
    issuer.clock().advance(Duration::from_secs(300));
    let (status, body) = exchange(&issuer, &code, VERIFIER).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri() {
    let issuer = issuer().await;
    let code = code_for(&issuer, "alice", "alice-pw").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT),
        ("code", &code),
        ("redirect_uri", "http://127.0.0.1:9/other"),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token_request(&issuer, &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn tokens_are_minted_by_the_issuer_clock() {
    let issuer = issuer().await;
    issuer.clock().set(1_900_000_000);
    let body = tokens_for_alice(&issuer).await;
    let (_, claims) = parts(body["access_token"].as_str().unwrap());
    assert_eq!((claims["iat"].as_i64(), claims["exp"].as_i64()), (Some(1_900_000_000), Some(1_900_003_600)));
}

#[tokio::test]
async fn refresh_answers_new_id_and_access_tokens_without_a_refresh_token() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    let (status, refreshed) = refresh(&issuer, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{refreshed}");
    assert!(refreshed.get("refresh_token").is_none());
    let (_, id_claims) = parts(refreshed["id_token"].as_str().unwrap());
    assert_eq!(id_claims["cognito:username"], "alice");
    assert!(id_claims.get("nonce").is_none());
    assert_ne!(refreshed["access_token"], body["access_token"]);
    assert_eq!(issuer.hosted_login_counts().refreshes, 1);
}

#[tokio::test]
async fn refresh_refused_fault_answers_invalid_grant() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    issuer.refuse_refresh(true);
    let (status, answer) = refresh(&issuer, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(issuer.hosted_login_counts().refused_refreshes, 1);
}

#[tokio::test]
async fn a_refresh_token_expires_by_the_issuer_clock() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    issuer.clock().advance(Duration::from_secs(30 * 24 * 3600));
    let (status, answer) = refresh(&issuer, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn revoking_the_refresh_token_ends_refresh_and_user_info() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    let refresh_token = body["refresh_token"].as_str().unwrap();
    let form = [("token", refresh_token), ("client_id", CLIENT)];
    let response = browser().post(issuer.revoke_endpoint()).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(issuer.hosted_login_counts().revocations, 1);
    assert_eq!(refresh(&issuer, refresh_token).await.0, 400);
    let access = body["access_token"].as_str().unwrap();
    let response = browser().get(issuer.user_info_endpoint()).bearer_auth(access).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn revoking_another_clients_refresh_token_is_refused() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    let form = [("token", body["refresh_token"].as_str().unwrap())];
    let response = browser()
        .post(issuer.revoke_endpoint())
        .basic_auth("m2m", Some("secret"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(refresh(&issuer, body["refresh_token"].as_str().unwrap()).await.0, 200);
}

#[tokio::test]
async fn user_info_answers_the_users_attributes() {
    let issuer = issuer().await;
    let body = tokens_for_alice(&issuer).await;
    let access = body["access_token"].as_str().unwrap();
    let response = browser().get(issuer.user_info_endpoint()).bearer_auth(access).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["username"], "alice");
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["name"], "Alice Liddell");
}

#[tokio::test]
async fn user_info_refuses_a_token_it_did_not_issue() {
    let issuer = issuer().await;
    let minted = issuer.access_token().scopes(["openid"]).sign();
    let response = browser().get(issuer.user_info_endpoint()).bearer_auth(minted).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_signed_in_browser_gets_a_code_without_the_form_until_logout() {
    let issuer = issuer().await;
    let response = post_login(&issuer, "alice", "alice-pw").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let again = || {
        browser().get(issuer.authorize_endpoint()).query(&authorize_query(CALLBACK)).header("cookie", &cookie)
    };
    let response = again().send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert!(query_param(&location(&response), "code").is_some());

    let logout = browser()
        .get(issuer.logout_endpoint())
        .query(&[("client_id", CLIENT), ("logout_uri", SIGNED_OUT)])
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 302);
    assert_eq!(location(&logout), SIGNED_OUT);
    assert_eq!(issuer.hosted_login_counts().logouts, 1);
    assert_eq!(again().send().await.unwrap().status(), 200, "the form again");
}

#[tokio::test]
async fn logout_to_an_unregistered_sign_out_url_is_an_error_page() {
    let issuer = issuer().await;
    let response = browser()
        .get(issuer.logout_endpoint())
        .query(&[("client_id", CLIENT), ("logout_uri", "http://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert_eq!(issuer.hosted_login_counts().logouts, 0);
}
