//! Runs the admin console.
//!
//! - `LISTEN_ADDR`: where to listen (default `127.0.0.1:3001`); `APP_URL`: the URL browsers use
//!   (default `http://{LISTEN_ADDR}`), whose `/auth/callback` and `/signed-out` must be the app
//!   client's callback and sign-out URLs.
//! - Without `COGNITO_USER_POOL_ID`: a local test issuer plays Cognito, hosted login included;
//!   the users and their passwords are printed, with tokens for the API.
//! - With it, a real pool: `COGNITO_CLIENT_ID`, `COGNITO_DOMAIN` (prefix or custom-domain URL),
//!   optional `COGNITO_CLIENT_SECRET`, `COGNITO_ISSUER`, `COGNITO_JWKS_URI`,
//!   `COGNITO_TOKEN_USE` (see `admin::Setup::from_env` and `docs/browser-login.md`).
//! - `REDIS_URL` (e.g. `redis://127.0.0.1:6379`): keep sessions in Redis, shared by every
//!   replica; without it, in memory. The Redis client reconnects (every 500 ms) after Redis
//!   goes away; meanwhile pages answer 503 and the bearer-token API keeps working.
//! - `SESSION_STORE_TIMEOUT_MS` (default 2,000), `SESSION_STORE_CONCURRENCY` (default 256):
//!   how long one session store call may take, and how many may be in flight, before a
//!   request gets a 503.
//! - `REVOCATIONS_REDIS_URL` (e.g. `redis://127.0.0.1:6379`): share the revocation list through
//!   Redis (`cognito-revocations-redis`, fail-open), so that signing out (a session) and "sign
//!   out everywhere" (a user) reach every service reading the same list (the api example with
//!   the same variable); without it, the list is in this process only. See docs/revocation.md.
//! - `RUST_LOG` filters the logs (default `info,cognito_tower=debug`).

use std::process::ExitCode;
use std::sync::Arc;

use admin::{ADMIN_GROUP, DEFAULT_ADDR, LOCAL_USERS, Setup};
use cognito_login::tower_sessions::MemoryStore;
use cognito_testkit::TestIssuer;
use cognito_verify::{MemoryRevocations, Revocations};
use example_support::{BoxError, bind, log_trust, revocations_from_env, run, serve_router, warm_keys};

const BOB_SUB: &str = "8d1f0c4e-5b7a-4e8b-9a51-2f3c6d7e8b90";

#[tokio::main]
async fn main() -> ExitCode {
    run("admin", serve()).await
}

async fn serve() -> Result<(), BoxError> {
    let listener = bind(DEFAULT_ADDR).await?;
    let app_url = match std::env::var("APP_URL") {
        Ok(url) => url.trim_end_matches('/').to_owned(),
        Err(_) => format!("http://{}", listener.local_addr()?),
    };
    let revocations: Arc<dyn Revocations> = match revocations_from_env().await? {
        Some(shared) => shared,
        None => Arc::new(MemoryRevocations::new()),
    };
    let setup = match std::env::var_os("COGNITO_USER_POOL_ID") {
        Some(_) => Setup::from_env(&app_url, |name| std::env::var(name).ok(), revocations),
        None => Setup::local(&app_url, revocations).await,
    }
    .map_err(|err| format!("configuration: {err}"))?;
    log_trust(&setup.verifier);
    warm_keys(&setup.verifier);

    println!("admin console for the `{ADMIN_GROUP}` group: open {app_url}/");
    match &setup.issuer {
        Some(issuer) => print_walkthrough(&app_url, issuer),
        None => println!("signing in with the user pool in COGNITO_USER_POOL_ID\n"),
    }
    let app = match std::env::var("REDIS_URL") {
        Ok(url) => {
            let store = admin::redis_session_store(&url).await?;
            println!("sessions in Redis at {url}");
            admin::app(&setup.login, setup.verifier, setup.revocations, store)
        }
        Err(_) => admin::app(&setup.login, setup.verifier, setup.revocations, MemoryStore::default()),
    };
    println!("Ctrl-C to stop.");
    serve_router(listener, app).await
}

fn print_walkthrough(base: &str, issuer: &TestIssuer) {
    println!(
        "Cognito played by a local test issuer at {} (set COGNITO_USER_POOL_ID for a real pool)",
        issuer.base_url()
    );
    println!("\nSign in at {base}/ as:");
    for user in LOCAL_USERS {
        println!("  user {} password {} (groups: {})", user.username, user.password, user.groups.join(", "));
    }
    println!("\nThe API takes bearer tokens. Tokens for the commands below (valid for one hour):");
    println!("  # alice, in the {ADMIN_GROUP} group: an access token and an ID token");
    let alice_access = issuer.access_token().username("alice").groups([ADMIN_GROUP]);
    let alice_id = issuer.id_token().username("alice").email("alice@example.com").groups([ADMIN_GROUP]);
    // Another user: another `sub` (the issuer's default user is alice).
    let bob = issuer.access_token().sub(BOB_SUB).username("bob").groups(["staff"]);
    println!("  export ADMIN_TOKEN={}", alice_access.sign());
    println!("  export ADMIN_ID_TOKEN={}", alice_id.sign());
    println!("  # bob, in the staff group only");
    println!("  export STAFF_TOKEN={}", bob.sign());
    let bearer = |name: &str| format!("-H \"Authorization: Bearer ${name}\"");
    let steps = [
        ("401 + WWW-Authenticate: Bearer: no token", format!("curl -i {base}/api/me")),
        ("200: bob's claims", format!("curl -i {base}/api/me {}", bearer("STAFF_TOKEN"))),
        (
            "200: alice's claims, from her ID token",
            format!("curl -i {base}/api/me {}", bearer("ADMIN_ID_TOKEN")),
        ),
        (
            "403 insufficient_scope: bob is not an admin",
            format!("curl -i {base}/api/admin/users {}", bearer("STAFF_TOKEN")),
        ),
        ("200: the users", format!("curl -i {base}/api/admin/users {}", bearer("ADMIN_TOKEN"))),
        (
            "200: the same with an ID token",
            format!("curl -i {base}/api/admin/users {}", bearer("ADMIN_ID_TOKEN")),
        ),
        ("200: who listed the users", format!("curl -i {base}/api/admin/audit {}", bearer("ADMIN_TOKEN"))),
    ];
    println!("\nTry:");
    for (outcome, command) in steps {
        println!("  # {outcome}\n  {command}");
    }
    println!();
}
