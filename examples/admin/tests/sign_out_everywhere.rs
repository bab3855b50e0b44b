//! "Sign out everywhere" from the console, in-process: an admin revokes a user's tokens in the
//! revocation store the app's verifiers read; sign-out revokes the session's `origin_jti`.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use cognito_testkit::{TestBrowser, TestIssuer};
use cognito_verify::{RevocationEntry, Revocations as _};
use serde_json::json;
use support::serve_local_with_revocations;

const X_SUB: &str = "0a6f3c52-9d1e-4b8a-8f27-5c3e1d9b7a40";
const Y_SUB: &str = "4c2e8b1d-7f3a-4e6b-9d05-8a1f2c3b4d5e";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// An access token of `sub` from a sign-in at `auth_time`.
fn token(issuer: &TestIssuer, sub: &str, auth_time: i64) -> String {
    issuer.access_token().sub(sub).username(sub).claim("auth_time", json!(auth_time)).sign()
}

/// `GET /api/me` with `token`: the status and the `WWW-Authenticate` header.
async fn me(url: &str, token: &str) -> (u16, String) {
    let response =
        reqwest::Client::new().get(format!("{url}/api/me")).bearer_auth(token).send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), challenge)
}

async fn signed_in(url: &str, user: &str, password: &str) -> TestBrowser {
    let browser = TestBrowser::new();
    let form = browser.get(&format!("{url}/")).await;
    browser.sign_in(&form, user, password).await;
    browser
}

#[tokio::test]
async fn an_admin_signs_a_user_out_everywhere_and_their_earlier_tokens_are_refused_as_revoked() {
    let (url, issuer, _revocations) = serve_local_with_revocations().await;
    let x_old = token(&issuer, X_SUB, now() - 60);
    let y = token(&issuer, Y_SUB, now() - 60);
    assert_eq!(me(&url, &x_old).await.0, 200);

    let browser = signed_in(&url, "alice", "alice-password").await;
    assert!(browser.get(&format!("{url}/")).await.body.contains("action=\"/sign-out-everywhere\""));
    let page = browser.post_form(&format!("{url}/sign-out-everywhere"), &[("sub", X_SUB)], Some(&url)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.url.as_str(), format!("{url}/audit"));
    assert!(
        page.body.contains(&format!("<td>alice</td><td>signed {X_SUB} out everywhere</td>")),
        "{}",
        page.body
    );

    let (status, challenge) = me(&url, &x_old).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(challenge.contains("revoked"), "{challenge}");
    assert_eq!(me(&url, &y).await.0, 200, "another user's token still works");
    // A new sign-in of X, after the revocation (auth_time to the second, so a later second).
    let x_new = token(&issuer, X_SUB, now() + 2);
    assert_eq!(me(&url, &x_new).await.0, 200, "a sign-in after the revocation works");
}

#[tokio::test]
async fn a_cross_site_sign_out_everywhere_revokes_nothing() {
    let (url, issuer, revocations) = serve_local_with_revocations().await;
    let x = token(&issuer, X_SUB, now() - 60);
    let browser = signed_in(&url, "alice", "alice-password").await;
    let page = browser
        .post_form(&format!("{url}/sign-out-everywhere"), &[("sub", X_SUB)], Some("https://evil.example"))
        .await;
    assert_eq!(page.status, 403);
    assert!(revocations.entries().is_empty());
    assert_eq!(me(&url, &x).await.0, 200);
}

#[tokio::test]
async fn a_non_admin_cannot_sign_a_user_out_everywhere() {
    let (url, issuer, revocations) = serve_local_with_revocations().await;
    let x = token(&issuer, X_SUB, now() - 60);
    let browser = signed_in(&url, "bob", "bob-password").await;
    let page = browser.post_form(&format!("{url}/sign-out-everywhere"), &[("sub", X_SUB)], Some(&url)).await;
    assert_eq!(page.status, 403);
    assert!(revocations.entries().is_empty());
    assert_eq!(me(&url, &x).await.0, 200);
}

#[tokio::test]
async fn sign_out_everywhere_refuses_a_malformed_sub_with_400() {
    let (url, _issuer, revocations) = serve_local_with_revocations().await;
    let browser = signed_in(&url, "alice", "alice-password").await;
    let page = browser.post_form(&format!("{url}/sign-out-everywhere"), &[("sub", "a b")], Some(&url)).await;
    assert_eq!(page.status, 400);
    assert!(revocations.entries().is_empty());
}

#[tokio::test]
async fn signing_out_of_the_console_revokes_the_sessions_origin_jti() {
    let (url, _issuer, revocations) = serve_local_with_revocations().await;
    let browser = signed_in(&url, "alice", "alice-password").await;
    assert!(revocations.entries().is_empty());
    let page = browser.post_form(&format!("{url}/auth/logout"), &[], Some(&url)).await;
    assert_eq!(page.url.as_str(), format!("{url}/signed-out"));
    let entries = revocations.entries();
    assert!(
        matches!(entries.as_slice(), [RevocationEntry::Session { .. }]),
        "one session revoked: {entries:?}"
    );
    // The store is the same one "sign out everywhere" writes to.
    revocations.revoke_user(X_SUB, SystemTime::now()).await.unwrap();
    assert_eq!(revocations.entries().len(), 2);
}
