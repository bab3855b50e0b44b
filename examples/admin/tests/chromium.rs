//! A real browser: headless Chromium, driven over WebDriver (chromedriver), signs in through the
//! hosted login form, sees the dashboard, submits the form, signs out; no token ever reaches
//! the page, its cookies or its storage. Debian packages `chromium` and `chromium-driver`.
//!
//! The screenshot of the signed-in dashboard goes to `$CARGO_TARGET_TMPDIR`, and to
//! `docs/img/admin-dashboard.png` when `UPDATE_SCREENSHOT=1`.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use support::{Killed, free_port, installed, serve_local, skip, wait_for_port};

/// What no page text may contain: the start of a JWS header (`{"` in base64url).
const JWS_PREFIX: &str = "eyJ";
const WAIT: Duration = Duration::from_secs(20);

async fn browser(chromium: &str, webdriver_port: u16, profile: &std::path::Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,720",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), json!({ "binary": chromium, "args": args }));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{webdriver_port}"))
        .await
        .unwrap()
}

/// Cookies, storage and page source of the current page, none of which may hold a token.
async fn assert_no_token_visible(client: &Client) {
    let cookie = client.execute("return document.cookie", vec![]).await.unwrap();
    assert_eq!(cookie, Value::String(String::new()), "the session cookie is HttpOnly; there is no other");
    let storage = client
        .execute("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)", vec![])
        .await
        .unwrap();
    assert_eq!(storage, Value::String("{}{}".to_owned()));
    let source = client.source().await.unwrap();
    assert!(!source.contains(JWS_PREFIX), "a token in the page source");
    let url = client.current_url().await.unwrap();
    assert!(url.query().is_none_or(|q| !q.contains("code=")), "{url}");
}

#[tokio::test]
async fn chromium_signs_in_uses_the_dashboard_and_signs_out_without_seeing_a_token() {
    let (Some(chromium), Some(chromedriver)) = (installed("chromium"), installed("chromedriver")) else {
        skip(
            "chromium_signs_in...: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)",
        );
        return;
    };
    let port = free_port();
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _driver = Killed(driver);
    wait_for_port(port).await;
    let profile = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-profile-{port}"));
    let client = browser(&chromium.display().to_string(), port, &profile).await;
    let (url, issuer) = serve_local().await;

    // Signed out: the app sends the browser to the hosted login.
    client.goto(&format!("{url}/")).await.unwrap();
    client.wait().at_most(WAIT).for_element(Locator::Id("password")).await.unwrap();
    assert!(client.current_url().await.unwrap().as_str().starts_with(&issuer.authorize_endpoint()));
    client.find(Locator::Id("username")).await.unwrap().send_keys("alice").await.unwrap();
    client.find(Locator::Id("password")).await.unwrap().send_keys("alice-password").await.unwrap();
    client.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();

    // The dashboard, with the user's name and groups.
    let name = client.wait().at_most(WAIT).for_element(Locator::Id("user-name")).await.unwrap();
    assert_eq!(name.text().await.unwrap(), "alice");
    assert_eq!(client.find(Locator::Id("user-groups")).await.unwrap().text().await.unwrap(), "admin");
    assert_eq!(client.current_url().await.unwrap().as_str(), format!("{url}/"));
    assert_no_token_visible(&client).await;
    let screenshot = client.screenshot().await.unwrap();
    std::fs::write(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("admin-dashboard.png"), &screenshot)
        .unwrap();
    if std::env::var("UPDATE_SCREENSHOT").as_deref() == Ok("1") {
        let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/img/admin-dashboard.png");
        std::fs::write(docs, &screenshot).unwrap();
    }

    // The form changes something, and the page shows it.
    client.find(Locator::Id("username")).await.unwrap().send_keys("dave").await.unwrap();
    client.find(Locator::Id("group")).await.unwrap().select_by_value("staff").await.unwrap();
    client.find(Locator::Id("save")).await.unwrap().click().await.unwrap();
    let users = client.wait().at_most(WAIT).for_element(Locator::XPath("//td[text()='dave']")).await.unwrap();
    assert_eq!(users.text().await.unwrap(), "dave");
    assert_no_token_visible(&client).await;

    // Sign out: through Cognito's /logout to the signed-out page.
    client.find(Locator::Id("sign-out")).await.unwrap().click().await.unwrap();
    client.wait().at_most(WAIT).for_element(Locator::Id("sign-in")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().as_str(), format!("{url}/signed-out"));
    let counts = issuer.hosted_login_counts();
    assert_eq!((counts.sign_ins, counts.revocations, counts.logouts), (1, 1, 1));
    assert_no_token_visible(&client).await;
    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
