//! Issue 20, item 3, for the browser sign-in: the app client secret is rotated without a
//! restart and without a failed sign-in or refresh (two configured secrets, or a file rewritten
//! at run time). The steps of docs/secret-rotation.md.

mod support;

use std::time::Duration;

use cognito_login::SecretSource;
use cognito_testkit::TestBrowser;
use support::{ALICE, App, BOB, CLIENT_ID, confidential_client};

const OLD: &str = "old-login-secret-0123456789abc";
const NEW: &str = "new-login-secret-0123456789abc";

#[tokio::test]
async fn a_login_secret_rotation_with_two_configured_secrets_fails_no_sign_in_or_refresh() {
    let app = App::start_with_client(
        |base| confidential_client(base, OLD),
        |builder| builder.client_secret(OLD).next_client_secret(NEW),
    )
    .await;
    let (browser, page) = app.signed_in(ALICE, "/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.issuer.token_requests(), 1);
    // Step 1: the new secret is added in Cognito; step 3: the old one is removed.
    assert!(app.issuer.add_client_secret(CLIENT_ID, NEW));
    assert!(app.issuer.remove_client_secret(CLIENT_ID, OLD));
    // The refresh is refused once with the old secret and made with the new one.
    app.issuer.clock().advance(Duration::from_secs(3600));
    let page = browser.get(&app.url("/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.issuer.token_requests(), 3);
    // The new secret stays in use: a new sign-in takes one token request.
    let (_, page) = app.signed_in(BOB, "/").await;
    assert_eq!(page.body, "hello bob groups=staff");
    assert_eq!(app.issuer.token_requests(), 4);
}

#[tokio::test]
async fn a_login_secret_file_rewritten_at_run_time_is_used_without_a_restart() {
    let path = std::env::temp_dir().join(format!("cognito-rs-login-{}-secret", std::process::id()));
    std::fs::write(&path, OLD).unwrap();
    let source = SecretSource::file(&path);
    let app = App::start_with_client(
        |base| confidential_client(base, OLD),
        |builder| builder.client_secret_source(source),
    )
    .await;
    let (_, page) = app.signed_in(ALICE, "/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(app.issuer.add_client_secret(CLIENT_ID, NEW));
    let aside = path.with_extension("new");
    std::fs::write(&aside, format!("{NEW}\n")).unwrap();
    std::fs::rename(&aside, &path).unwrap();
    assert!(app.issuer.remove_client_secret(CLIENT_ID, OLD));
    let browser = TestBrowser::new();
    let form = browser.get(&app.url("/")).await;
    let page = browser.sign_in(&form, BOB.0, BOB.1).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.issuer.token_requests(), 3, "one refused exchange, then one with the file's secret");
    let _ = std::fs::remove_file(&path);
}
