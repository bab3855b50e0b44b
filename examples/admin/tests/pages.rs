//! The admin console in a browser (cookie jar and redirects): the pages, the form, the 403 page
//! and sign-out, with the API beside them still on bearer tokens.

mod support;

use cognito_testkit::TestBrowser;
use support::serve_local;

async fn signed_in(url: &str, user: &str, password: &str) -> (TestBrowser, cognito_testkit::Page) {
    let browser = TestBrowser::new();
    let form = browser.get(&format!("{url}/")).await;
    let page = browser.sign_in(&form, user, password).await;
    (browser, page)
}

#[tokio::test]
async fn the_dashboard_lists_the_users_under_the_admins_name_and_groups() {
    let (url, _issuer) = serve_local().await;
    let (_, page) = signed_in(&url, "alice", "alice-password").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong id=\"user-name\">alice</strong>"));
    assert!(page.body.contains("<span id=\"user-groups\"><span class=\"badge\">admin</span></span>"));
    for row in ["<td>alice</td><td>admin</td>", "<td>bob</td><td>staff</td>", "<td>carol</td><td></td>"] {
        assert!(page.body.contains(row), "{row}");
    }
    assert!(page.body.contains("<form method=\"post\" action=\"/auth/logout\">"));
    assert_eq!(
        page.headers["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn the_form_adds_a_user_and_the_audit_page_says_who_did_it() {
    let (url, _issuer) = serve_local().await;
    let (browser, _) = signed_in(&url, "alice", "alice-password").await;
    let form = [("username", "dave"), ("group", "staff")];
    let page = browser.post_form(&format!("{url}/"), &form, Some(&url)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.url.as_str(), format!("{url}/"), "post/redirect/get");
    assert!(page.body.contains("<td>dave</td><td>staff</td>"));
    let audit = browser.get(&format!("{url}/audit")).await;
    assert!(audit.body.contains("<td>alice</td><td>added dave to staff</td>"), "{}", audit.body);
}

#[tokio::test]
async fn a_cross_site_submission_of_the_form_changes_nothing() {
    let (url, _issuer) = serve_local().await;
    let (browser, _) = signed_in(&url, "alice", "alice-password").await;
    let form = [("username", "mallory"), ("group", "admin")];
    let page = browser.post_form(&format!("{url}/"), &form, Some("https://evil.example")).await;
    assert_eq!(page.status, 403);
    assert!(!browser.get(&format!("{url}/")).await.body.contains("mallory"));
}

#[tokio::test]
async fn a_non_admin_gets_the_403_page_with_a_sign_out_button() {
    let (url, _issuer) = serve_local().await;
    let (_, page) = signed_in(&url, "bob", "bob-password").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("You are signed in as bob"), "{}", page.body);
    assert!(page.body.contains("action=\"/auth/logout\""));
}

#[tokio::test]
async fn sign_out_lands_on_the_signed_out_page() {
    let (url, issuer) = serve_local().await;
    let (browser, _) = signed_in(&url, "alice", "alice-password").await;
    let page = browser.post_form(&format!("{url}/auth/logout"), &[], Some(&url)).await;
    assert_eq!(page.url.as_str(), format!("{url}/signed-out"));
    assert!(page.body.contains("You are signed out."));
    assert_eq!(issuer.hosted_login_counts().revocations, 1);
    let again = browser.get(&format!("{url}/")).await;
    assert!(again.url.as_str().starts_with(&issuer.authorize_endpoint()));
}

#[tokio::test]
async fn the_api_takes_bearer_tokens_and_ignores_the_session() {
    let (url, issuer) = serve_local().await;
    let (browser, _) = signed_in(&url, "alice", "alice-password").await;
    // Signed in, but the API wants a bearer token.
    let api = format!("{url}/api/admin/users");
    assert_eq!(browser.fetch(reqwest::Method::GET, &api).await.status(), 401);
    let token = issuer.access_token().username("alice").groups(["admin"]).sign();
    let response = reqwest::Client::new().get(&api).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let users: Vec<admin::User> = response.json().await.unwrap();
    assert_eq!(users.len(), 3);
}
