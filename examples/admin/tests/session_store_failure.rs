//! The session store fails: a real `redis-server` on loopback (started here; the Debian package
//! `redis-server`) is killed mid-traffic and started again, or slowed down by a proxy. Pages
//! answer a 503 page (never a 500, no token in the body or the logs), the bearer-token API keeps
//! working, and after Redis returns new sign-ins work without anything crossing between
//! sessions. A slow store gives 503s within the session store timeout, and the calls queued on
//! it stay within the configured concurrency.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cognito_testkit::{ClientRegistration, TestBrowser, TestIssuer, TestUser, eventually};
use support::Running;
use test_support::RedisServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CLIENT_ID: &str = "storefailclient00000000000";
const TIMEOUT_MS: u64 = 500;

/// The issuer with two admins, and the admin binary on `redis_url` with a 500 ms store timeout.
async fn start_app(redis_url: &str, extra: &[(&str, &str)]) -> (TestIssuer, Running) {
    let issuer = TestIssuer::builder()
        .user(TestUser::new("alice", "alice-password").groups(["admin"]))
        .user(TestUser::new("carol", "carol-password").groups(["admin"]))
        .start()
        .await;
    let (issuer_url, domain, timeout) = (issuer.issuer_url(), issuer.base_url(), TIMEOUT_MS.to_string());
    let mut env = vec![
        ("COGNITO_USER_POOL_ID", issuer.pool_id()),
        ("COGNITO_ISSUER", &issuer_url),
        ("COGNITO_CLIENT_ID", CLIENT_ID),
        ("COGNITO_DOMAIN", &domain),
        ("REDIS_URL", redis_url),
        ("SESSION_STORE_TIMEOUT_MS", &timeout),
        ("RUST_LOG", "debug,fred=info,hyper=info,reqwest=info"),
    ];
    env.extend_from_slice(extra);
    let app = Running::start_capturing(&env);
    issuer.register_client(
        ClientRegistration::public(CLIENT_ID)
            .callback_urls([format!("{}/auth/callback", app.url)])
            .logout_urls([format!("{}/signed-out", app.url)]),
    );
    (issuer, app)
}

/// A browser signed in as `user` (whose password is `{user}-password`), on the home page.
async fn signed_in(app: &Running, user: &str) -> TestBrowser {
    let browser = TestBrowser::new();
    let form = browser.get(&format!("{}/", app.url)).await;
    assert_eq!(form.status, 200, "the hosted login form: {}", form.body);
    let page = browser.sign_in(&form, user, &format!("{user}-password")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("<strong id=\"user-name\">{user}</strong>")), "{}", page.body);
    browser
}

/// An API caller with alice's bearer token.
fn api_request(issuer: &TestIssuer, app: &Running, path: &str) -> reqwest::RequestBuilder {
    let token = issuer.access_token().client_id(CLIENT_ID).username("alice").groups(["admin"]).sign();
    reqwest::Client::new().get(format!("{}{path}", app.url)).bearer_auth(token)
}

/// Every page and log line the app produced holds no token (a JWS starts `eyJ`), no panic.
fn assert_no_token_and_no_panic(app: &Running, bodies: &[String]) {
    for body in bodies {
        assert!(!body.contains("eyJ"), "a token in a page: {body}");
    }
    let output = app.output.lock().unwrap();
    assert!(!output.is_empty(), "the app's logs were captured");
    for line in output.iter() {
        assert!(!line.contains("eyJ"), "a token in the logs: {line}");
        assert!(!line.contains("panicked"), "a panic: {line}");
    }
}

/// The `steal` jiffies of `/proc/stat` (time the hypervisor gave to others), for the figures.
fn steal() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines()
        .next()
        .and_then(|cpu| cpu.split_whitespace().nth(8))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_traffic_pages_get_503_the_api_keeps_working_and_sign_ins_resume() {
    let Some(mut redis) = RedisServer::start("redis_killed_mid_traffic_...").await else { return };
    let (issuer, app) = start_app(&redis.url(), &[]).await;
    let alice = signed_in(&app, "alice").await;

    // API traffic all along: bearer tokens need no session store.
    let (stop, served, failed) =
        (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let traffic = {
        let (stop, served, failed) = (Arc::clone(&stop), Arc::clone(&served), Arc::clone(&failed));
        let request = api_request(&issuer, &app, "/api/admin/users");
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let status = request.try_clone().unwrap().send().await.map(|r| r.status().as_u16());
                let counter = if status.as_ref().ok() == Some(&200) { &served } else { &failed };
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
    };

    // Redis dies.
    redis.kill();
    let mut bodies = Vec::new();
    let started = Instant::now();
    let page = alice.get(&format!("{}/audit", app.url)).await;
    let time_to_503 = started.elapsed();
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("Temporarily unavailable"), "{}", page.body);
    assert!(page.headers.contains_key("retry-after"));
    bodies.push(page.body);
    // A newcomer is sent to the sign-in, which cannot start either: a 503 page, not a 500.
    let newcomer = TestBrowser::new().get(&format!("{}/", app.url)).await;
    assert_eq!(newcomer.status, 503, "{}", newcomer.body);
    assert!(newcomer.body.contains("Sign-in is temporarily unavailable"), "{}", newcomer.body);
    bodies.push(newcomer.body);
    let me = api_request(&issuer, &app, "/api/me").send().await.unwrap();
    assert_eq!(me.status(), 200);

    // Redis returns, empty: the client reconnects by itself.
    redis.restart().await;
    let outage_served = served.load(Ordering::SeqCst);
    // Both connections of the pool are back once several requests in a row get no 503.
    eventually(Duration::from_secs(20), || async {
        for _ in 0..4 {
            if TestBrowser::new().get(&format!("{}/", app.url)).await.status != 200 {
                return false;
            }
        }
        true
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    traffic.await.unwrap();
    assert_eq!(failed.load(Ordering::SeqCst), 0, "every API request was served");
    assert!(outage_served > 0, "API requests ran during the outage");

    // Alice's session died with Redis: her browser goes through the hosted login again (whose
    // own session signs her in at once) and a new code exchange, and is alice.
    let exchanges = issuer.hosted_login_counts().code_exchanges;
    let back = alice.get(&format!("{}/audit", app.url)).await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(back.body.contains("<strong id=\"user-name\">alice</strong>"), "{}", back.body);
    assert!(
        back.visited.iter().any(|url| url.as_str().starts_with(&issuer.authorize_endpoint())),
        "{:?}",
        back.visited
    );
    assert_eq!(issuer.hosted_login_counts().code_exchanges, exchanges + 1);
    let carol = signed_in(&app, "carol").await;
    for (browser, name) in [(&alice, "alice"), (&carol, "carol"), (&alice, "alice")] {
        let page = browser.get(&format!("{}/audit", app.url)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("<strong id=\"user-name\">{name}</strong>")), "{}", page.body);
        bodies.push(page.body);
    }
    assert_no_token_and_no_panic(&app, &bodies);
    eprintln!(
        "redis outage: first page 503 after {time_to_503:?} (store timeout {TIMEOUT_MS} ms); \
         {} API requests served, {} during the outage and reconnection, 0 failed",
        served.load(Ordering::SeqCst),
        outage_served
    );
}

/// A loopback proxy to `127.0.0.1:target` that holds every answer from Redis for `delay_ms`
/// and counts the `GET` commands sent to it.
async fn slow_proxy(target: u16, delay_ms: Arc<AtomicU64>, gets: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await else { continue };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let gets = Arc::clone(&gets);
            tokio::spawn(async move {
                let mut buffer = vec![0; 16 * 1024];
                while let Ok(n @ 1..) = client_read.read(&mut buffer).await {
                    let chunk = &buffer[..n];
                    gets.fetch_add(
                        chunk.windows(7).filter(|w| w == b"\r\nGET\r\n").count(),
                        Ordering::SeqCst,
                    );
                    if server_write.write_all(chunk).await.is_err() {
                        break;
                    }
                }
            });
            let delay_ms = Arc::clone(&delay_ms);
            tokio::spawn(async move {
                let mut buffer = vec![0; 16 * 1024];
                while let Ok(n @ 1..) = server_read.read(&mut buffer).await {
                    let delay = delay_ms.load(Ordering::SeqCst);
                    if delay > 0 {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                    }
                    if client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_session_store_gives_503_pages_within_the_timeout_and_bounded_queued_calls() {
    let Some(redis) = RedisServer::start("a_slow_session_store_...").await else { return };
    let (delay_ms, gets) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicUsize::new(0)));
    let proxy = slow_proxy(redis.port(), Arc::clone(&delay_ms), Arc::clone(&gets)).await;
    const CONCURRENCY: usize = 4;
    let (issuer, app) =
        start_app(&format!("redis://127.0.0.1:{proxy}"), &[("SESSION_STORE_CONCURRENCY", "4")]).await;
    let alice = Arc::new(signed_in(&app, "alice").await);

    // Redis now answers after 3 s: 40 page requests at once.
    const DELAY: Duration = Duration::from_secs(3);
    delay_ms.store(DELAY.as_millis() as u64, Ordering::SeqCst);
    let (steal_before, gets_before) = (steal(), gets.load(Ordering::SeqCst));
    let started = Instant::now();
    let requests = (0..40).map(|_| {
        let (alice, url) = (Arc::clone(&alice), format!("{}/audit", app.url));
        tokio::spawn(async move {
            let started = Instant::now();
            let page = alice.get(&url).await;
            (page.status.as_u16(), started.elapsed(), page.body)
        })
    });
    let mut outcomes = Vec::new();
    for request in requests.collect::<Vec<_>>() {
        outcomes.push(request.await.unwrap());
    }
    let all_done = started.elapsed();
    let gets_sent = gets.load(Ordering::SeqCst) - gets_before;
    let slowest = outcomes.iter().map(|(_, elapsed, _)| *elapsed).max().unwrap();
    for (status, _, body) in &outcomes {
        assert_eq!(*status, 503, "{body}");
        assert!(body.contains("Temporarily unavailable"), "{body}");
    }
    // Every request gave up before the store answered: none waited for it.
    assert!(slowest < DELAY, "slowest 503 after {slowest:?}");
    // The calls sent to the slow store: at most the concurrency, each holding its place until
    // the store answers (3 s, after every request got its 503).
    assert!(gets_sent <= CONCURRENCY, "{gets_sent} GETs sent in {all_done:?}");
    // The API does not touch the store.
    let api_started = Instant::now();
    assert_eq!(api_request(&issuer, &app, "/api/me").send().await.unwrap().status(), 200);
    let api_time = api_started.elapsed();

    // The store is fast again: the session is there.
    delay_ms.store(0, Ordering::SeqCst);
    eventually(Duration::from_secs(20), || {
        let (alice, url) = (Arc::clone(&alice), format!("{}/audit", app.url));
        async move { alice.get(&url).await.status == 200 }
    })
    .await;
    let page = alice.get(&format!("{}/audit", app.url)).await;
    assert!(page.body.contains("<strong id=\"user-name\">alice</strong>"), "{}", page.body);
    let bodies: Vec<String> = outcomes.into_iter().map(|(_, _, body)| body).collect();
    assert_no_token_and_no_panic(&app, &bodies);
    eprintln!(
        "slow store ({DELAY:?} per answer, timeout {TIMEOUT_MS} ms, concurrency {CONCURRENCY}): \
         40 concurrent pages all 503, slowest after {slowest:?}, all done in {all_done:?}; \
         {gets_sent} GETs reached the store; API answered in {api_time:?}; steal {} jiffies",
        steal() - steal_before
    );
}
