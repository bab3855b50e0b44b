//! The acceptance test of issue 22: two `api` processes and one `admin` process share a
//! revocation list through one `redis-server` on loopback (started here; the Debian package
//! `redis-server`), all trusting one test issuer. An admin signs a user out everywhere from the
//! console; both api processes then refuse that user's existing token as revoked, still accept
//! another user's, and accept a token of a later sign-in of that user. The time from the
//! admin's action to both api processes refusing is printed.
//!
//! The `api` binary is another package's: it is taken from next to the `admin` binary
//! (`cargo build -p api --bin api` first); missing, the test skips like a missing system program.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cognito_testkit::{ClientRegistration, TestBrowser, TestIssuer, TestUser};
use serde_json::json;
use support::{Killed, Running, skip};
use test_support::RedisServer;

const CLIENT_ID: &str = "revocationclient0000000000";
const X_SUB: &str = "0a6f3c52-9d1e-4b8a-8f27-5c3e1d9b7a40";
const Y_SUB: &str = "4c2e8b1d-7f3a-4e6b-9d05-8a1f2c3b4d5e";
/// The api example's scope for `GET /transactions`.
const SCOPE_GET: &str = "transactions/get";
/// How long the api processes may take to refuse: one pub/sub delivery is expected; the
/// periodic resync (10 s by default) is the bound when a message is lost.
const BOUND: Duration = Duration::from_secs(11);

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Starts the `api` binary at `path` with `env` on a free port; returns it and its URL.
fn start_api(path: &std::path::Path, env: &[(&str, &str)]) -> (Killed, String) {
    let mut command = Command::new(path);
    command.env_remove("COGNITO_TOKEN_USE").env_remove("COGNITO_JWKS_URI");
    command.env("LISTEN_ADDR", "127.0.0.1:0").env("RUST_LOG", "off").stdout(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let running = Killed(child);
    let mut lines = stdout.lines();
    let mut base = None;
    for line in lines.by_ref().map(Result::unwrap) {
        if let Some((_, url)) = line.split_once(" server on ") {
            base = Some(url.to_owned());
        }
        if line.starts_with("Ctrl-C to stop") {
            break;
        }
    }
    // Read on, so that the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    (running, base.expect("the api printed its URL"))
}

/// `GET /transactions` with `token`: the status and the `WWW-Authenticate` header.
async fn transactions(http: &reqwest::Client, base: &str, token: &str) -> (u16, String) {
    let response = http.get(format!("{base}/transactions")).bearer_auth(token).send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), challenge)
}

#[tokio::test]
async fn a_user_signed_out_everywhere_from_the_admin_console_is_refused_by_both_api_processes() {
    let api_binary = std::path::Path::new(env!("CARGO_BIN_EXE_admin")).with_file_name("api");
    if !api_binary.is_file() {
        skip(&format!(
            "revocations_fleet: no api binary at {} (cargo build -p api --bin api)",
            api_binary.display()
        ));
        return;
    }
    let Some(redis) = RedisServer::start("revocations_fleet").await else { return };

    let issuer =
        TestIssuer::builder().user(TestUser::new("alice", "alice-password").groups(["admin"])).start().await;
    let redis_url = redis.url();
    let issuer_url = issuer.issuer_url();
    let domain = issuer.base_url();
    let common = [
        ("COGNITO_USER_POOL_ID", issuer.pool_id()),
        ("COGNITO_ISSUER", issuer_url.as_str()),
        ("COGNITO_CLIENT_ID", CLIENT_ID),
        ("REVOCATIONS_REDIS_URL", redis_url.as_str()),
    ];
    let (_api_one, one) = start_api(&api_binary, &common);
    let (_api_two, two) = start_api(&api_binary, &common);
    let mut admin_env = common.to_vec();
    admin_env.push(("COGNITO_DOMAIN", domain.as_str()));
    let admin = Running::start(&admin_env);
    issuer.register_client(
        ClientRegistration::public(CLIENT_ID)
            .callback_urls([format!("{}/auth/callback", admin.url)])
            .logout_urls([format!("{}/signed-out", admin.url)]),
    );

    let token = |sub: &str, auth_time: i64| {
        issuer
            .access_token()
            .sub(sub)
            .username(sub)
            .client_id(CLIENT_ID)
            .scopes([SCOPE_GET])
            .claim("auth_time", json!(auth_time))
            .sign()
    };
    let (x_old, y) = (token(X_SUB, now() - 60), token(Y_SUB, now() - 60));
    let http = reqwest::Client::new();
    for base in [&one, &two] {
        assert_eq!(transactions(&http, base, &x_old).await.0, 200, "{base}: before the revocation");
    }

    let browser = TestBrowser::new();
    let form = browser.get(&format!("{}/", admin.url)).await;
    let page = browser.sign_in(&form, "alice", "alice-password").await;
    assert_eq!(page.status, 200, "{}", page.body);

    let clicked = Instant::now();
    let done = browser
        .post_form(&format!("{}/sign-out-everywhere", admin.url), &[("sub", X_SUB)], Some(&admin.url))
        .await;
    let answered = clicked.elapsed();
    assert_eq!(done.status, 200, "{}", done.body);
    // Until both refuse, within the bound (polling both, no sleep but the round trips).
    let mut refused = [None, None];
    while refused.iter().any(Option::is_none) {
        assert!(clicked.elapsed() < BOUND, "not refused by both within {BOUND:?}: {refused:?}");
        for (i, base) in [&one, &two].into_iter().enumerate() {
            if refused[i].is_none() {
                let (status, challenge) = transactions(&http, base, &x_old).await;
                if status == 401 {
                    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
                    assert!(challenge.contains("revoked"), "{challenge}");
                    refused[i] = Some(clicked.elapsed());
                } else {
                    assert_eq!(status, 200, "{base}: {challenge}");
                }
            }
        }
    }
    let propagation = refused.iter().flatten().max().copied().unwrap_or_default();
    println!(
        "revocation propagation, admin console action -> both api processes refusing: {propagation:?} \
         (the admin's POST answered after {answered:?}; per api process {refused:?})"
    );
    eprintln!("revocation propagation: {propagation:?}");

    for base in [&one, &two] {
        assert_eq!(transactions(&http, base, &y).await.0, 200, "{base}: another user's token");
        let x_new = token(X_SUB, now() + 2);
        assert_eq!(transactions(&http, base, &x_new).await.0, 200, "{base}: a sign-in after the revocation");
    }
}
