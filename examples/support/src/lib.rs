//! What the example binaries (`api`, `admin`, `grpc`) share, so each `main.rs` shows only what
//! is particular to its pattern: logging to stderr, graceful shutdown, and the choice between a
//! real user pool (from the environment) and a local test issuer.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, ConfigError, TokenUse};

/// Logs to stderr; `RUST_LOG` filters, by default `info` plus every rejection of the layer and
/// the extractors (with its reason, never the token).
pub fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,cognito_tower=debug,cognito_axum=debug"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).init();
}

/// A local test issuer, unless `COGNITO_USER_POOL_ID` points the example at a real pool.
pub async fn local_issuer_unless_configured() -> Option<TestIssuer> {
    match std::env::var_os("COGNITO_USER_POOL_ID") {
        Some(_) => None,
        None => Some(TestIssuer::start().await),
    }
}

/// The verifier an example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// ([`CognitoVerifier::from_lookup`] over the process environment, `COGNITO_TOKEN_USE`
/// defaulting to `token_use`), otherwise one that trusts `issuer` and its default app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(
    issuer: Option<&TestIssuer>,
    token_use: TokenUse,
) -> Result<CognitoVerifier, ConfigError> {
    match issuer {
        Some(issuer) if std::env::var_os("COGNITO_USER_POOL_ID").is_none() => {
            issuer.verifier().token_use(token_use).client_ids([issuer.default_client_id()]).build()
        }
        _ => CognitoVerifier::from_lookup(|name| {
            let value = std::env::var(name).ok();
            let default = match token_use {
                TokenUse::Access => "access",
                TokenUse::Id => "id",
                TokenUse::Any => "any",
            };
            if name == "COGNITO_TOKEN_USE" { value.or_else(|| Some(default.to_owned())) } else { value }
        }),
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
