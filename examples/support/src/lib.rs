//! What the example binaries (`api`, `admin`, `grpc`) share, so each `main.rs` shows only what
//! is particular to its pattern: [`run`] (logging to stderr, an error as a message and exit
//! code), [`bind`] (`LISTEN_ADDR`), [`verifier`] (a real user pool from the environment or a
//! local test issuer, keys fetched in the background) and [`serve_router`] (graceful shutdown).
//!
//! ```no_run
//! use example_support::{BoxError, bind, run, serve_router, verifier};
//!
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     run("hello", async {
//!         let (_local_issuer, verifier) = verifier(cognito_verify::TokenUse::Access).await?;
//!         let listener = bind("127.0.0.1:3000").await?;
//!         let app = axum::Router::new().layer(cognito_tower::CognitoLayer::new(verifier));
//!         serve_router(listener, app).await
//!     })
//!     .await
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::error::Error;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use cognito_revocations_redis::RedisRevocations;
use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, CognitoVerifierBuilder, ConfigError, TokenUse};
use tokio::net::TcpListener;

/// The error an example's body ends with: printed as `{name}: {error}`.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Runs an example binary's body: logs to stderr ([`init_logs`]), then awaits `body`; an error
/// is printed to stderr as `{name}: {error}` and exits with status 1.
pub async fn run(name: &str, body: impl Future<Output = Result<(), BoxError>>) -> ExitCode {
    init_logs();
    match body.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{name}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Listens on `LISTEN_ADDR`, by default `default_addr`.
pub async fn bind(default_addr: &str) -> Result<TcpListener, BoxError> {
    let listen = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| default_addr.to_owned());
    TcpListener::bind(&listen)
        .await
        .map_err(|err| format!("cannot listen on {listen:?} (LISTEN_ADDR): {err}").into())
}

/// The verifier an example serves with, and the local test issuer it trusts when
/// `COGNITO_USER_POOL_ID` is not set: the supported way to run without AWS,
/// [`cognito_testkit::local_issuer_unless_configured`] (see "Running locally without AWS" in
/// docs/configuration.md). Its keys are fetched in the background ([`warm_keys`]). A
/// configuration error reads `configuration: ...`.
pub async fn verifier(token_use: TokenUse) -> Result<(Option<TestIssuer>, CognitoVerifier), BoxError> {
    verifier_with(token_use, |builder| builder).await
}

/// [`verifier`], with `configure` applied to the builder before it is built (e.g.
/// [`with_revocations`]).
pub async fn verifier_with(
    token_use: TokenUse,
    configure: impl FnOnce(CognitoVerifierBuilder) -> CognitoVerifierBuilder,
) -> Result<(Option<TestIssuer>, CognitoVerifier), BoxError> {
    let builder = configure(CognitoVerifier::builder().token_use(token_use)); // unless COGNITO_TOKEN_USE says otherwise
    let configuration = |err: ConfigError| format!("configuration: {err}");
    let (builder, issuer) =
        cognito_testkit::local_issuer_unless_configured(builder).await.map_err(configuration)?;
    let verifier = builder.build().map_err(configuration)?;
    log_trust(&verifier);
    warm_keys(&verifier);
    Ok((issuer, verifier))
}

/// The revocation store shared through Redis when `REVOCATIONS_REDIS_URL` is set (e.g.
/// `redis://127.0.0.1:6379`), with the defaults of
/// [`RedisRevocations::builder`](cognito_revocations_redis::RedisRevocations::builder)
/// (fail-open, resync every 10 s); `None` without it. See docs/revocation.md.
pub async fn revocations_from_env() -> Result<Option<Arc<RedisRevocations>>, BoxError> {
    let Ok(url) = std::env::var("REVOCATIONS_REDIS_URL") else { return Ok(None) };
    let store = RedisRevocations::builder(url.clone())
        .connect()
        .await
        .map_err(|err| format!("REVOCATIONS_REDIS_URL {url:?}: {err}"))?;
    tracing::info!(%url, available = store.is_available(), "revocations shared through Redis");
    Ok(Some(Arc::new(store)))
}

/// `builder` with `store` as its revocation store, if any (a hook for [`verifier_with`] and
/// [`verifier_from_env_or_with`]).
pub fn with_revocations(
    builder: CognitoVerifierBuilder,
    store: Option<Arc<RedisRevocations>>,
) -> CognitoVerifierBuilder {
    match store {
        Some(store) => builder.revocations(store),
        None => builder,
    }
}

/// Logs, at start, every issuer `verifier` trusts and the URL its keys come from, so an
/// operator sees at a glance which pool (or local issuer) a server accepts tokens from.
pub fn log_trust(verifier: &CognitoVerifier) {
    for (issuer, jwks_url) in verifier.jwks_urls() {
        tracing::info!(token_use = ?verifier.token_use(), %issuer, %jwks_url, "trusting issuer");
    }
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM ([`shutdown_signal`]), finishing the
/// requests in flight.
pub async fn serve_router(listener: TcpListener, router: axum::Router) -> Result<(), BoxError> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

/// Logs to stderr; `RUST_LOG` filters, by default `info` plus every rejection of the layer and
/// the extractors (with its reason, never the token).
pub fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,cognito_tower=debug,cognito_axum=debug"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).init();
}

/// The verifier an example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// (`CognitoVerifier::builder().token_use(token_use).from_env()`, so `COGNITO_TOKEN_USE`
/// defaults to `token_use`), otherwise one that trusts `issuer` and its default app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(
    issuer: Option<&TestIssuer>,
    token_use: TokenUse,
) -> Result<CognitoVerifier, ConfigError> {
    verifier_from_env_or_with(issuer, token_use, |builder| builder)
}

/// [`verifier_from_env_or`], with `configure` applied to the builder before it is built.
pub fn verifier_from_env_or_with(
    issuer: Option<&TestIssuer>,
    token_use: TokenUse,
    configure: impl FnOnce(CognitoVerifierBuilder) -> CognitoVerifierBuilder,
) -> Result<CognitoVerifier, ConfigError> {
    match issuer {
        Some(issuer) if std::env::var_os("COGNITO_USER_POOL_ID").is_none() => {
            configure(issuer.verifier_for(token_use)).build()
        }
        _ => configure(CognitoVerifier::builder().token_use(token_use).from_env()?).build(),
    }
}

/// Fetch the signing keys in the background. Serving does not wait for it, and a failure is only
/// logged: requests get 503 + `Retry-After` until the keys can be fetched.
pub fn warm_keys(verifier: &CognitoVerifier) {
    let verifier = verifier.clone();
    tokio::spawn(async move {
        if let Err(err) = verifier.hydrate().await {
            tracing::warn!(%err, "could not fetch the signing keys yet; retrying in the background");
        }
    });
}

/// Completes on Ctrl-C (or SIGTERM on Unix), so the server finishes the requests in flight.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
