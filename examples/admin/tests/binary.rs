//! The `admin` binary as a person runs it: with no Cognito configuration it starts a local
//! issuer and prints users who can sign in, and tokens for the API.

mod support;

use cognito_testkit::TestBrowser;
use support::Running;

#[tokio::test]
async fn binary_prints_tokens_that_open_the_api_to_admins_only() {
    let running = Running::start(&[]);
    let http = reqwest::Client::new();
    let users = |name: &str| {
        http.get(format!("{}/api/admin/users", running.url)).bearer_auth(running.export(name)).send()
    };
    assert_eq!(users("ADMIN_TOKEN").await.unwrap().status(), 200);
    assert_eq!(users("ADMIN_ID_TOKEN").await.unwrap().status(), 200);
    assert_eq!(users("STAFF_TOKEN").await.unwrap().status(), 403);
    assert_eq!(http.get(format!("{}/api/me", running.url)).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn binary_prints_users_who_sign_in_with_a_browser() {
    let running = Running::start(&[]);
    let browser = TestBrowser::new();
    let form = browser.get(&format!("{}/", running.url)).await;
    let page = browser.sign_in(&form, "alice", &running.password("alice")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong id=\"user-name\">alice</strong>"), "{}", page.body);

    let bob = TestBrowser::new();
    let form = bob.get(&format!("{}/", running.url)).await;
    assert_eq!(bob.sign_in(&form, "bob", &running.password("bob")).await.status, 403);
}
