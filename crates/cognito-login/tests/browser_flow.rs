//! The sign-in as a browser goes through it, with a cookie jar and redirects: the testkit's
//! hosted login, the callback, the pages, refresh, sign-out, and the attacks on each step.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use cognito_testkit::{HOSTED_SESSION_COOKIE, TestBrowser};
use reqwest::Method;
use support::{ALICE, App, BOB, CLIENT_ID};

/// What no browser-visible text may contain: the start of a JWS header (`{"` in base64url).
const JWS_PREFIX: &str = "eyJ";

fn session_cookie(browser: &TestBrowser, app: &App) -> Option<String> {
    browser
        .cookies_for(&app.url("/"))
        .split("; ")
        .find(|c| c.starts_with("cognito-session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn a_page_without_a_session_sends_the_browser_to_the_hosted_login() {
    let app = App::start().await;
    let page = TestBrowser::new().get(&app.url("/reports")).await;
    assert_eq!(page.status, 200);
    assert!(page.url.as_str().starts_with(&app.issuer.authorize_endpoint()), "{}", page.url);
    assert_eq!(page.visited[1].as_str(), app.url("/auth/login?return_to=%2Freports"));
    let query: Vec<(String, String)> = page.url.query_pairs().into_owned().collect();
    let param = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(param("client_id"), Some(CLIENT_ID));
    assert_eq!(param("code_challenge_method"), Some("S256"));
    assert_eq!(param("scope"), Some("openid email profile"));
    assert!(param("state").is_some_and(|s| s.len() >= 43) && param("nonce").is_some_and(|n| n.len() >= 43));
}

#[tokio::test]
async fn an_api_request_without_a_session_gets_401_not_a_redirect() {
    let app = App::start().await;
    let response = TestBrowser::new().fetch(Method::GET, &app.url("/reports")).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="app""#);
}

#[tokio::test]
async fn sign_in_comes_back_to_the_page_asked_for_with_the_users_claims() {
    let app = App::start().await;
    let (_, page) = app.signed_in(ALICE, "/reports?week=12").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.url.as_str(), app.url("/reports?week=12"));
    assert_eq!(page.body, "hello alice groups=admin");
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 1);
}

#[tokio::test]
async fn the_session_cookie_is_httponly_samesite_lax_and_holds_no_token() {
    let app = App::start().await;
    let (browser, page) = app.signed_in(ALICE, "/").await;
    let app_cookies: Vec<String> =
        browser.set_cookie_headers().into_iter().filter(|c| !c.starts_with(HOSTED_SESSION_COOKIE)).collect();
    assert!(!app_cookies.is_empty());
    for cookie in &app_cookies {
        assert!(cookie.starts_with("cognito-session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
            "{cookie}"
        );
        // Loopback http: not Secure (a browser would drop it), see the https case below.
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert!(!cookie.contains(JWS_PREFIX), "{cookie}");
    }
    assert!(!browser.cookies_for(&app.url("/")).contains(JWS_PREFIX));
    assert!(!page.body.contains(JWS_PREFIX));
    // No URL after the callback carries a code or token.
    let callback = page.visited.iter().position(|u| u.path() == "/auth/callback").unwrap();
    for url in &page.visited[callback + 1..] {
        assert!(url.query().is_none_or(|q| !q.contains("code=") && !q.contains(JWS_PREFIX)), "{url}");
    }
}

#[tokio::test]
async fn the_session_id_is_rotated_at_sign_in() {
    let app = App::start().await;
    let browser = TestBrowser::new();
    let form = browser.get(&app.url("/")).await;
    let before = session_cookie(&browser, &app).unwrap();
    browser.sign_in(&form, ALICE.0, ALICE.1).await;
    let after = session_cookie(&browser, &app).unwrap();
    assert_ne!(before, after);
}

#[tokio::test]
async fn a_replayed_callback_is_refused_even_if_the_identity_provider_accepted_the_code() {
    let app = App::start().await;
    app.issuer.allow_code_reuse(true);
    let (browser, page) = app.signed_in(ALICE, "/").await;
    let callback = page.visited.iter().find(|u| u.path() == "/auth/callback").unwrap().clone();
    let replay = browser.get(callback.as_str()).await;
    assert_eq!(replay.status, 400);
    assert!(replay.body.contains("already used"), "{}", replay.body);
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 1, "the code was not exchanged again");
}

#[tokio::test]
async fn a_forged_state_is_refused_and_the_code_is_not_exchanged() {
    let app = App::start().await;
    let browser = TestBrowser::new();
    let form = browser.get(&app.url("/")).await;
    let page = browser.sign_in(&form, ALICE.0, ALICE.1).await;
    assert_eq!(page.status, 200);
    let code_url = |state: &str| app.url(&format!("/auth/callback?code=some-code&state={state}"));
    let forged = browser.get(&code_url("forged-state")).await;
    assert_eq!(forged.status, 400);
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 1);
}

#[tokio::test]
async fn a_callback_started_in_another_browser_is_refused() {
    // Login CSRF: an attacker signs in as bob and lures alice's browser to the callback URL. The
    // code stays usable at the identity provider, so only the app's state check stands between.
    let app = App::start().await;
    app.issuer.allow_code_reuse(true);
    let (_, page) = app.signed_in(BOB, "/").await;
    let callback = page.visited.iter().find(|u| u.path() == "/auth/callback").unwrap().clone();
    let victim = TestBrowser::new();
    let landed = victim.get(callback.as_str()).await;
    assert_eq!(landed.status, 400);
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 1);
    let home = victim.get(&app.url("/")).await;
    assert!(
        home.url.as_str().starts_with(&app.issuer.authorize_endpoint()),
        "the victim is not signed in as bob"
    );
}

#[tokio::test]
async fn an_open_redirect_in_return_to_lands_on_the_home_page() {
    let app = App::start().await;
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example/"] {
        let browser = TestBrowser::new();
        let query =
            url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", target).finish();
        let form = browser.get(&app.url(&format!("/auth/login?{query}"))).await;
        let page = browser.sign_in(&form, ALICE.0, ALICE.1).await;
        assert_eq!(page.url.as_str(), app.url("/"), "{target}");
        assert!(page.visited.iter().all(|u| u.host_str() == Some("127.0.0.1")), "{target}");
    }
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused_and_the_handler_does_not_run() {
    let app = App::start().await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    let evil =
        browser.post_form(&app.url("/settings"), &[("theme", "dark")], Some("https://evil.example")).await;
    assert_eq!(evil.status, 403);
    let no_origin = browser.post_form(&app.url("/settings"), &[("theme", "dark")], None).await;
    assert_eq!(no_origin.status, 403);
    assert_eq!(app.changes.load(Ordering::SeqCst), 0);

    let own = browser.post_form(&app.url("/settings"), &[("theme", "dark")], Some(&app.base)).await;
    assert_eq!((own.status.as_u16(), own.body.as_str()), (200, "changed by alice"));
    assert_eq!(app.changes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_cross_site_sign_out_is_refused() {
    let app = App::start().await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    let page = browser.post_form(&app.url("/auth/logout"), &[], Some("https://evil.example")).await;
    assert_eq!(page.status, 403);
    assert_eq!(browser.get(&app.url("/")).await.body, "hello alice groups=admin");
}

#[tokio::test]
async fn a_signed_in_user_without_the_group_gets_a_403_page_not_a_login_loop() {
    let app = App::start().await;
    let (browser, _) = app.signed_in(BOB, "/").await;
    let page = browser.get(&app.url("/admin")).await;
    assert_eq!(page.status, 403);
    assert_eq!(page.visited.len(), 1, "no redirect");
    assert!(page.body.contains("You are signed in as bob"), "{}", page.body);
    let (alice, _) = app.signed_in(ALICE, "/").await;
    assert_eq!(alice.get(&app.url("/admin")).await.body, "admin page for alice");
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_without_signing_in_again() {
    // One clock drives the issuer, the verifier and the login layer: the tokens issued at
    // sign-in (valid for an hour) expire when it moves an hour on.
    let app = App::start_with(|login| login.refresh_before(Duration::ZERO)).await;
    let clock = app.issuer.clock();
    clock.freeze();
    let (browser, page) = app.signed_in(ALICE, "/").await;
    assert_eq!(page.body, "hello alice groups=admin");
    assert_eq!(app.issuer.hosted_login_counts().refreshes, 0);

    clock.advance(Duration::from_secs(3600));
    let page = browser.get(&app.url("/")).await;
    assert_eq!((page.status.as_u16(), page.body.as_str()), (200, "hello alice groups=admin"));
    assert_eq!(page.visited.len(), 1, "no trip to the hosted login");
    let counts = app.issuer.hosted_login_counts();
    assert_eq!((counts.refreshes, counts.sign_ins), (1, 1));
}

/// Signs alice in with tokens that are due for refresh (within the default 60 s margin),
/// landing on a page outside the login layer so nothing refreshes them yet.
async fn signed_in_with_tokens_due(app: &App) -> TestBrowser {
    app.issuer.clock().set_offset(-(3600 - 30));
    let (browser, page) = app.signed_in(ALICE, "/auth/login?return_to=/public").await;
    assert_eq!(page.body, "public page");
    app.issuer.clock().resume();
    browser
}

#[tokio::test]
async fn concurrent_requests_refresh_a_session_once() {
    let app = App::start().await;
    let browser = signed_in_with_tokens_due(&app).await;
    let url = app.url("/");
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let (browser, url) = (browser.clone(), url.clone());
            tokio::spawn(async move { browser.get(&url).await })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().body, "hello alice groups=admin");
    }
    assert_eq!(app.issuer.hosted_login_counts().refreshes, 1);
}

#[tokio::test]
async fn a_refused_refresh_ends_the_session_and_sends_the_user_to_sign_in() {
    let app = App::start().await;
    let browser = signed_in_with_tokens_due(&app).await;
    app.issuer.refuse_refresh(true);
    let page = browser.get(&app.url("/reports")).await;
    // Back through the hosted login, which still knows this browser and signs it in again
    // without the form (as Cognito's does), to a new session.
    let hops: Vec<&str> = page.visited.iter().map(|u| u.path()).collect();
    assert_eq!(hops, ["/reports", "/auth/login", "/oauth2/authorize", "/auth/callback", "/reports"]);
    let counts = app.issuer.hosted_login_counts();
    assert_eq!((counts.refused_refreshes, counts.code_exchanges, counts.sign_ins), (1, 2, 1));
    assert_eq!(page.body, "hello alice groups=admin");
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_ends_both_sessions() {
    let app = App::start().await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    let page = browser.post_form(&app.url("/auth/logout"), &[], Some(&app.base)).await;
    // Through Cognito's /logout back to the home page, which, signed out here and at the
    // hosted login, asks for the password again.
    let hops: Vec<&str> = page.visited.iter().map(|u| u.path()).collect();
    assert_eq!(hops, ["/auth/logout", "/logout", "/", "/auth/login", "/oauth2/authorize"]);
    let expected = format!("client_id={CLIENT_ID}&logout_uri={}", url_encode(&app.url("/")));
    assert_eq!(page.visited[1].query(), Some(expected.as_str()));
    assert!(page.body.contains("action=\"/login\""), "the login form, not a silent sign-in");
    let counts = app.issuer.hosted_login_counts();
    assert_eq!((counts.revocations, counts.logouts), (1, 1));
    assert_eq!(browser.fetch(Method::GET, &app.url("/")).await.status(), 401);
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
