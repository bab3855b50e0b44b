//! A transactions resource server protected by Amazon Cognito access tokens.
//!
//! | route | needs |
//! |---|---|
//! | `GET /health` | nothing (public) |
//! | `GET /hello` | nothing, but greets the caller by name when a valid token is sent (optional mode) |
//! | `GET /transactions` | scope `transactions/get` |
//! | `POST /transactions` | scope `transactions/post`; body `{"amount": 1250, "description": "..."}` |
//! | `DELETE /transactions/{id}` | both scopes (an all-of requirement) |
//! | `GET /metrics` | nothing: Prometheus text format ([`router_with_metrics`] only) |
//!
//! The token is read from `Authorization: Bearer`, or from the `access_token` cookie for
//! browsers. Scopes are required by guard types declared once with [`require_scopes!`] and named
//! in the handler signatures; the [`CognitoLayer`] in front of the routes has already verified the
//! token (signature, issuer, `token_use`, client, expiry) by the time a handler runs.
//!
//! [`router`] is the whole app; `main.rs` only chooses a verifier and serves it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::routing::{delete, get};
use axum::{Json, Router};
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, TokenSource, TokenUse, require_scopes};
use cognito_testkit::TestIssuer;
use cognito_verify::ConfigError;
use metrics_exporter_prometheus::{BuildError, PrometheusBuilder, PrometheusHandle};
use serde::{Deserialize, Serialize};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, TraceLayer};

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// The scope that lists transactions.
pub const SCOPE_GET: &str = "transactions/get";
/// The scope that creates transactions.
pub const SCOPE_POST: &str = "transactions/post";
/// The cookie a browser may carry the access token in, instead of `Authorization`.
pub const TOKEN_COOKIE: &str = "access_token";
/// The realm named in `WWW-Authenticate` challenges.
pub const REALM: &str = "transactions";

require_scopes!(
    /// Listing transactions.
    pub GetTransactions: "transactions/get"
);
require_scopes!(
    /// Creating transactions.
    pub PostTransactions: "transactions/post"
);
require_scopes!(
    /// Deleting a transaction: reading and writing.
    pub DeleteTransactions: all["transactions/get", "transactions/post"]
);

/// The body of `POST /transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTransaction {
    /// The amount in cents.
    pub amount: i64,
    /// What it was for.
    pub description: String,
}

/// A stored transaction, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// Assigned by the server, from 1.
    pub id: u64,
    /// The amount in cents.
    pub amount: i64,
    /// What it was for.
    pub description: String,
    /// The `sub` of the token that created it (a user, or the app client for M2M tokens).
    pub created_by: String,
    /// The app client the token was issued to.
    pub client_id: Option<String>,
}

/// The app: public `/health`, optional-auth `/hello`, and the scope-protected transactions
/// routes behind a [`CognitoLayer`] built from `verifier` (which should accept access tokens),
/// with the HTTP layers of [`http_layers`].
pub fn router(verifier: CognitoVerifier) -> Router {
    http_layers(routes(verifier))
}

/// [`router`] plus `GET /metrics`: the metrics recorded so far (by `cognito-verify` and anything
/// else using the `metrics` facade) in the Prometheus text format, from `metrics`, the handle of
/// the installed recorder (see [`install_metrics_recorder`]).
///
/// The example serves it unauthenticated on the same port; a real service would put it on an
/// internal port or behind its own access rule.
pub fn router_with_metrics(verifier: CognitoVerifier, metrics: PrometheusHandle) -> Router {
    let scrape = get(move || {
        let metrics = metrics.clone();
        async move {
            // Histograms are drained into their buckets here, rather than by a background task.
            metrics.run_upkeep();
            metrics.render()
        }
    });
    http_layers(routes(verifier).route("/metrics", scrape))
}

/// Installs the process-wide Prometheus recorder that [`router_with_metrics`] renders. Call it
/// once, before building verifiers: metrics recorded before it are lost.
pub fn install_metrics_recorder() -> Result<PrometheusHandle, BuildError> {
    PrometheusBuilder::new().install_recorder()
}

/// What an application puts in front of its routes whatever the authentication: a
/// [`TraceLayer`] (a span per request, with its headers) and, outside it,
/// [`SetSensitiveRequestHeadersLayer`] for `Authorization` and `Cookie`, so the tokens they carry
/// are shown as `Sensitive` in those spans rather than logged.
pub fn http_layers(routes: Router) -> Router {
    routes
        .layer(TraceLayer::new_for_http().make_span_with(DefaultMakeSpan::new().include_headers(true)))
        .layer(SetSensitiveRequestHeadersLayer::new([AUTHORIZATION, COOKIE]))
}

fn routes(verifier: CognitoVerifier) -> Router {
    let layer = CognitoLayer::new(verifier)
        .token_sources([TokenSource::Bearer, TokenSource::cookie(TOKEN_COOKIE)])
        .realm(REALM);
    // `route_layer`: only matched routes are protected, so unknown paths stay 404.
    let transactions = Router::new()
        .route("/transactions", get(list_transactions).post(create_transaction))
        .route("/transactions/{id}", delete(delete_transaction))
        .route_layer(layer.clone());
    let greeting = Router::new().route("/hello", get(hello)).route_layer(layer.optional());
    Router::new()
        .route("/health", get(health))
        .merge(transactions)
        .merge(greeting)
        .with_state(Ledger::default())
}

/// The verifier the example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// (`CognitoVerifier::builder().from_env()`, with `COGNITO_TOKEN_USE`
/// defaulting to `access`), otherwise one that trusts `issuer` and its default app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(issuer: Option<&TestIssuer>) -> Result<CognitoVerifier, ConfigError> {
    example_support::verifier_from_env_or(issuer, TokenUse::Access)
}

async fn health() -> &'static str {
    "ok"
}

async fn hello(claims: Option<Claims>) -> String {
    match claims {
        Some(claims) => format!("hello, {}\n", claims.user_name().unwrap_or(claims.sub())),
        None => "hello, anonymous caller (send a token to be greeted by name)\n".to_owned(),
    }
}

async fn list_transactions(_: GetTransactions, State(ledger): State<Ledger>) -> Json<Vec<Transaction>> {
    Json(ledger.lock().transactions.clone())
}

// The guard comes before `Json`: a caller without the scope is refused before the body is read.
async fn create_transaction(
    _: PostTransactions,
    caller: Claims,
    State(ledger): State<Ledger>,
    Json(new): Json<NewTransaction>,
) -> (StatusCode, Json<Transaction>) {
    let mut ledger = ledger.lock();
    ledger.last_id += 1;
    let transaction = Transaction {
        id: ledger.last_id,
        amount: new.amount,
        description: new.description,
        created_by: caller.sub().to_owned(),
        client_id: caller.client().map(str::to_owned),
    };
    ledger.transactions.push(transaction.clone());
    (StatusCode::CREATED, Json(transaction))
}

async fn delete_transaction(
    _: DeleteTransactions,
    State(ledger): State<Ledger>,
    Path(id): Path<u64>,
) -> StatusCode {
    let mut ledger = ledger.lock();
    let before = ledger.transactions.len();
    ledger.transactions.retain(|transaction| transaction.id != id);
    if ledger.transactions.len() < before { StatusCode::NO_CONTENT } else { StatusCode::NOT_FOUND }
}

/// The in-memory store.
#[derive(Clone, Default)]
struct Ledger(Arc<Mutex<LedgerInner>>);

#[derive(Default)]
struct LedgerInner {
    last_id: u64,
    transactions: Vec<Transaction>,
}

impl Ledger {
    fn lock(&self) -> MutexGuard<'_, LedgerInner> {
        // Every update is a single push or retain: a panic cannot leave the data half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
