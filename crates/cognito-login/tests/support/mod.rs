//! A small browser app behind the login, on loopback, with the testkit's hosted login.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use cognito_axum::{Claims, require_groups};
use cognito_login::CognitoLogin;
use cognito_login::tower_sessions::{MemoryStore, SessionStore};
use cognito_testkit::{ClientRegistration, TestBrowser, TestIssuer, TestUser};
use cognito_verify::TokenUse;

pub const CLIENT_ID: &str = "browserappclient000000000a";
pub const ALICE: (&str, &str) = ("alice", "alice-password");
pub const BOB: (&str, &str) = ("bob", "bob-password");

require_groups!(pub Admins: "admin");

/// The app and the issuer it signs in with.
pub struct App {
    pub issuer: TestIssuer,
    pub base: String,
    /// How many times the state-changing handler ran.
    pub changes: Arc<AtomicU64>,
}

impl App {
    pub async fn start() -> App {
        App::start_with(|builder| builder).await
    }

    /// Starts the app with the login builder adjusted by `configure`.
    pub async fn start_with(
        configure: impl FnOnce(cognito_login::CognitoLoginBuilder) -> cognito_login::CognitoLoginBuilder,
    ) -> App {
        App::start_full(public_client, configure, MemoryStore::default()).await
    }

    /// Starts the app with the login builder adjusted by `configure`, its sessions in `store`.
    pub async fn start_on<S: SessionStore + Clone>(
        configure: impl FnOnce(cognito_login::CognitoLoginBuilder) -> cognito_login::CognitoLoginBuilder,
        store: S,
    ) -> App {
        App::start_full(public_client, configure, store).await
    }

    /// Starts the app with the app client `register` makes from the app's base URL (see
    /// [`public_client`], [`confidential_client`]) and the login builder adjusted by `configure`.
    pub async fn start_with_client(
        register: impl FnOnce(&str) -> ClientRegistration,
        configure: impl FnOnce(cognito_login::CognitoLoginBuilder) -> cognito_login::CognitoLoginBuilder,
    ) -> App {
        App::start_full(register, configure, MemoryStore::default()).await
    }

    async fn start_full<S: SessionStore + Clone>(
        register: impl FnOnce(&str) -> ClientRegistration,
        configure: impl FnOnce(cognito_login::CognitoLoginBuilder) -> cognito_login::CognitoLoginBuilder,
        store: S,
    ) -> App {
        let issuer = TestIssuer::builder()
            .user(TestUser::new(ALICE.0, ALICE.1).groups(["admin"]).attribute("name", "Alice Liddell"))
            .user(TestUser::new(BOB.0, BOB.1).groups(["staff"]))
            .start()
            .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let callback = format!("{base}/auth/callback");
        issuer.register_client(register(&base));
        let login = configure(login_builder(&issuer, &callback)).build().unwrap();
        let changes = Arc::new(AtomicU64::new(0));
        let app = router(&login, changes.clone(), store);
        tokio::spawn(async move { axum::serve(listener, app).await });
        App { issuer, base, changes }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A fresh browser signed in as `user`, after asking for `path`.
    pub async fn signed_in(&self, user: (&str, &str), path: &str) -> (TestBrowser, cognito_testkit::Page) {
        let browser = TestBrowser::new();
        let form = browser.get(&self.url(path)).await;
        let page = browser.sign_in(&form, user.0, user.1).await;
        (browser, page)
    }
}

/// The public app client of an app at `base`: callback `{base}/auth/callback`.
pub fn public_client(base: &str) -> ClientRegistration {
    ClientRegistration::public(CLIENT_ID)
        .callback_urls([format!("{base}/auth/callback")])
        .logout_urls([format!("{base}/")])
}

/// The same app client with a secret.
pub fn confidential_client(base: &str, secret: &str) -> ClientRegistration {
    ClientRegistration::new(CLIENT_ID, secret)
        .allow_client_credentials(false)
        .callback_urls([format!("{base}/auth/callback")])
        .logout_urls([format!("{base}/")])
}

/// The login builder for `issuer`'s app client [`CLIENT_ID`], with this callback URL.
pub fn login_builder(issuer: &TestIssuer, callback: &str) -> cognito_login::CognitoLoginBuilder {
    let verifier = issuer.verifier().token_use(TokenUse::Any).client_ids([CLIENT_ID]).build().unwrap();
    CognitoLogin::builder()
        .base_url(issuer.base_url())
        .client_id(CLIENT_ID)
        .redirect_uri(callback)
        .verifier(verifier)
}

/// The test app's routes behind `login`, with sessions in `store`.
pub fn router<S: SessionStore + Clone>(login: &CognitoLogin, changes: Arc<AtomicU64>, store: S) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/reports", get(home))
        .route("/admin", get(admin))
        .route("/settings", post(change))
        .layer(login.layer())
        .route("/public", get(|| async { "public page" }))
        .merge(login.routes())
        .layer(login.session_layer(store))
        .with_state(changes)
}

async fn home(claims: Claims) -> String {
    format!(
        "hello {} groups={}",
        claims.user_name().unwrap_or("?"),
        claims.groups().collect::<Vec<_>>().join(",")
    )
}

async fn admin(_: Admins, admin: Claims) -> String {
    format!("admin page for {}", admin.user_name().unwrap_or("?"))
}

async fn change(State(changes): State<Arc<AtomicU64>>, claims: Claims) -> String {
    changes.fetch_add(1, Ordering::SeqCst);
    format!("changed by {}", claims.user_name().unwrap_or("?"))
}
