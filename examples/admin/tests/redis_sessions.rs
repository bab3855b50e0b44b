//! A fleet: two `admin` processes keep their sessions in one Redis (a `redis-server` on
//! loopback, started here; the Debian package `redis-server`). Signed in through one, the
//! browser is signed in on the other; signed out through one, on both.

mod support;

use cognito_testkit::{ClientRegistration, TestBrowser, TestIssuer, TestUser};
use support::Running;
use test_support::RedisServer;

const CLIENT_ID: &str = "fleetclient000000000000000";

#[tokio::test]
async fn two_admin_processes_sharing_redis_serve_the_same_session() {
    let Some(redis) = RedisServer::start("two_admin_processes_sharing_redis_serve_the_same_session").await
    else {
        return;
    };

    let issuer =
        TestIssuer::builder().user(TestUser::new("alice", "alice-password").groups(["admin"])).start().await;
    let redis_url = redis.url();
    let issuer_url = issuer.issuer_url();
    let domain = issuer.base_url();
    let env = [
        ("COGNITO_USER_POOL_ID", issuer.pool_id()),
        ("COGNITO_ISSUER", &issuer_url),
        ("COGNITO_CLIENT_ID", CLIENT_ID),
        ("COGNITO_DOMAIN", &domain),
        ("REDIS_URL", &redis_url),
    ];
    let (one, two) = (Running::start(&env), Running::start(&env));
    assert!(one.lines.iter().any(|l| l.contains("sessions in Redis")), "{:#?}", one.lines);
    issuer.register_client(
        ClientRegistration::public(CLIENT_ID)
            .callback_urls([format!("{}/auth/callback", one.url), format!("{}/auth/callback", two.url)])
            .logout_urls([format!("{}/signed-out", one.url), format!("{}/signed-out", two.url)]),
    );

    let browser = TestBrowser::new();
    let form = browser.get(&format!("{}/", one.url)).await;
    let page = browser.sign_in(&form, "alice", "alice-password").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.url.as_str(), format!("{}/", one.url));

    // The other process, which never saw this browser, knows the session from Redis.
    let there = browser.get(&format!("{}/audit", two.url)).await;
    assert_eq!((there.status.as_u16(), there.url.as_str()), (200, format!("{}/audit", two.url).as_str()));
    assert!(there.body.contains("<strong id=\"user-name\">alice</strong>"));
    assert_eq!(issuer.hosted_login_counts().code_exchanges, 1);

    // Signed out through the second, the session is gone from the first too.
    let out = browser.post_form(&format!("{}/auth/logout", two.url), &[], Some(&two.url)).await;
    assert_eq!(out.url.as_str(), format!("{}/signed-out", two.url));
    let back = browser.get(&format!("{}/", one.url)).await;
    assert!(back.url.as_str().starts_with(&issuer.authorize_endpoint()), "{}", back.url);
}
