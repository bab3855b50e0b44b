//! Issue 20, item 6: refresh-token rotation. Each refresh answers a new refresh token and the
//! one presented stops working after the grace period; the session keeps the new one, and two
//! replicas sharing one Redis session store do not race each other into `invalid_grant`.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use cognito_login::tower_sessions::SessionStore;
use cognito_testkit::{Fault, TestBrowser, TestIssuer};
use support::{ALICE, App, login_builder, public_client, router};
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{ClientLike, Config, Pool};

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn refresh_keeps_working_across_refresh_token_rotation() {
    let app =
        App::start_with_client(|base| public_client(base).refresh_token_rotation(Duration::ZERO), |b| b)
            .await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    for round in 1..=3 {
        app.issuer.clock().advance(HOUR);
        let page = browser.get(&app.url("/")).await;
        assert_eq!(page.status, 200, "round {round}: {}", page.body);
        assert_eq!(page.body, "hello alice groups=admin");
    }
    let counts = app.issuer.hosted_login_counts();
    // Each refresh used the refresh token the previous one answered: the first is long gone.
    assert_eq!((counts.refreshes, counts.refresh_token_rotations, counts.refused_refreshes), (3, 3, 0));
}

#[tokio::test]
async fn refresh_with_a_grace_period_stores_the_rotated_refresh_token() {
    // With a grace period the old token would still work for a while; the session must hold
    // the new one all the same, so that it keeps working once the grace period is over.
    let app = App::start_with_client(
        |base| public_client(base).refresh_token_rotation(Duration::from_secs(30)),
        |b| b,
    )
    .await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    for round in 1..=2 {
        // An hour later each time: far past the 30 s grace period of the token used before.
        app.issuer.clock().advance(HOUR);
        let page = browser.get(&app.url("/")).await;
        assert_eq!(page.status, 200, "round {round}: {}", page.body);
    }
    let counts = app.issuer.hosted_login_counts();
    assert_eq!((counts.refresh_token_rotations, counts.refused_refreshes), (2, 0));
}

/// A `redis-server` on a free loopback port, killed on drop.
struct Redis(Child, u16);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis() -> Option<Redis> {
    const REQUIRE_ENV: &str = "COGNITO_RS_REQUIRE_SYSTEM_TESTS";
    let path = std::env::var_os("PATH")?;
    let Some(program) = std::env::split_paths(&path)
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
    else {
        let reason = "two_replicas_sharing_redis_do_not_race_into_invalid_grant: redis-server is not installed (apt-get install redis-server)";
        assert!(std::env::var(REQUIRE_ENV).as_deref() != Ok("1"), "{reason} ({REQUIRE_ENV}=1)");
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "SKIPPED: {reason}");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(program)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Some(Redis(child, port))
}

/// One replica of the app on its own port, its own `CognitoLogin` (so no in-process lock is
/// shared), sessions in `store`, callback on `callback`.
async fn replica<S: SessionStore + Clone>(issuer: &TestIssuer, callback: &str, store: S) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let login = login_builder(issuer, callback).build().unwrap();
    let app = router(&login, Arc::new(AtomicU64::new(0)), store);
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_sharing_redis_do_not_race_into_invalid_grant() {
    let Some(redis) = start_redis() else { return };
    let port = redis.1;
    cognito_testkit::eventually(Duration::from_secs(20), || async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
    })
    .await;
    let pool =
        Pool::new(Config::from_url(&format!("redis://127.0.0.1:{port}")).unwrap(), None, None, None, 2)
            .unwrap();
    pool.init().await.unwrap();
    let store = RedisStore::new(pool);

    let issuer = TestIssuer::builder()
        .user(cognito_testkit::TestUser::new(ALICE.0, ALICE.1).groups(["admin"]))
        .start()
        .await;
    // Both replicas share one callback (the first's); the browser signs in through it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let first = format!("http://{}", listener.local_addr().unwrap());
    let callback = format!("{first}/auth/callback");
    // Rotation with no grace period: the second use of a refresh token is refused at once.
    issuer.register_client(public_client(&first).refresh_token_rotation(Duration::ZERO));
    let login = login_builder(&issuer, &callback).build().unwrap();
    let app = router(&login, Arc::new(AtomicU64::new(0)), store.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let second = replica(&issuer, &callback, store).await;

    let browser = TestBrowser::new();
    let form = browser.get(&format!("{first}/")).await;
    let page = browser.sign_in(&form, ALICE.0, ALICE.1).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(browser.get(&format!("{second}/")).await.body, "hello alice groups=admin");

    for round in 1..=3 {
        // Both replicas find the tokens due at once and refresh with the same refresh token;
        // the delay keeps both refreshes in flight together.
        issuer.clock().advance(HOUR);
        issuer.set_token_fault_for(Fault::Delay(Duration::from_millis(300)), 2);
        let (url_one, url_two) = (format!("{first}/"), format!("{second}/"));
        let (one, two) = tokio::join!(browser.get(&url_one), browser.get(&url_two));
        for page in [&one, &two] {
            assert_eq!(
                (page.status.as_u16(), page.body.as_str()),
                (200, "hello alice groups=admin"),
                "round {round}: {}",
                page.url
            );
        }
        // The session survived: a later request is served without a new sign-in.
        let after = browser.get(&format!("{second}/")).await;
        assert_eq!(after.body, "hello alice groups=admin", "round {round}");
    }
    let counts = issuer.hosted_login_counts();
    assert_eq!(counts.sign_ins, 1, "{counts:?}");
    assert!(counts.refreshes >= 3, "{counts:?}");
    // The race happened: a replica's refresh with the rotated-out token was refused.
    assert!(counts.refused_refreshes >= 1, "the replicas never raced: {counts:?}");
}
