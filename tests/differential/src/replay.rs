//! Replaying a case against our verifier: the JWKS documents served on loopback, a verifier
//! configured like aws-jwt-verify's `CognitoJwtVerifier`, and its verdict.
//!
//! Only the surface that stays stable across refactors is used: `CognitoVerifier::builder()`,
//! `issuer_with_jwks`, `token_use`, `client_ids` / `any_client`, `required_scopes`,
//! `required_groups`, `leeway`, `clock`, and `verify(..).await` reduced to `Ok(())` or the
//! `VerifyError`.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cognito_verify::{CognitoVerifier, TokenUse, VerifyError};
use serde_json::Value;

use crate::corpus::{Case, ClientIds};

/// Serve every JWKS document of the corpus at `http://{addr}/jwks/{name}` on `127.0.0.1:0`, in
/// a task of the current Tokio runtime, and return the address.
///
/// # Panics
/// If no loopback port can be bound.
pub async fn serve_jwks(documents: BTreeMap<String, Value>) -> SocketAddr {
    async fn document(
        State(documents): State<BTreeMap<String, Value>>,
        Path(name): Path<String>,
    ) -> Response {
        match documents.get(&name) {
            Some(document) => axum::Json(document.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
    let router = Router::new().route("/jwks/{name}", get(document)).with_state(documents);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|err| panic!("cannot bind a loopback port: {err}"));
    let addr = listener.local_addr().unwrap_or_else(|err| panic!("bound listener without address: {err}"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// Our verifier configured as the case configures aws-jwt-verify, trusting each pool's issuer
/// with its JWKS served by [`serve_jwks`] at `jwks_base`.
///
/// The issuers trusted per pool are the ones `user_pool(id)` derives (both formats, see
/// [`Pool::issuers`](crate::corpus::Pool::issuers)), each with the pool's JWKS document: the
/// replay needs the keys on loopback while the tokens name AWS's hosts.
///
/// Its clock reads `clock`, which [`Verifiers`] sets to each case's frozen `now`.
///
/// # Panics
/// If the configuration is refused: the corpus only holds configurations both libraries accept.
pub fn verifier_for(case: &Case, jwks_base: &str, clock: FrozenClock) -> CognitoVerifier {
    let mut builder = CognitoVerifier::builder().clock(move || clock.read());
    for pool in &case.pools {
        for issuer in pool.issuers() {
            builder = builder.issuer_with_jwks(issuer, format!("{jwks_base}/jwks/{}", pool.jwks));
        }
    }
    builder = builder.token_use(match case.config.token_use.as_deref() {
        Some("access") => TokenUse::Access,
        Some("id") => TokenUse::Id,
        None => TokenUse::Any,
        Some(other) => panic!("case {}: unknown tokenUse {other:?}", case.name),
    });
    builder = match &case.config.client_id {
        ClientIds::Any(()) => builder.any_client(),
        ClientIds::One(id) => builder.client_ids([id.as_str()]),
        ClientIds::List(ids) => builder.client_ids(ids.iter().map(String::as_str)),
    };
    if let Some(scopes) = &case.config.scope {
        builder = builder.required_scopes(scopes.iter().map(String::as_str));
    }
    if let Some(groups) = &case.config.groups {
        builder = builder.required_groups(groups.iter().map(String::as_str));
    }
    if let Some(seconds) = case.config.grace_seconds {
        builder = builder.leeway(Duration::from_secs(seconds));
    }
    builder.build().unwrap_or_else(|err| panic!("case {}: configuration refused: {err}", case.name))
}

/// The clock every replay verifier reads: stopped at the `now` of the case being replayed, as
/// aws-jwt-verify's `Date.now` was when its verdict was recorded. Clones share the reading.
#[derive(Debug, Clone)]
pub struct FrozenClock(Arc<Mutex<SystemTime>>);

impl Default for FrozenClock {
    fn default() -> Self {
        FrozenClock(Arc::new(Mutex::new(UNIX_EPOCH)))
    }
}

impl FrozenClock {
    /// Stop the clock at `unix_secs` seconds since the epoch (fractional, as the corpus records
    /// it).
    ///
    /// # Panics
    /// If `unix_secs` is negative or not finite: the generator writes none such.
    pub fn set(&self, unix_secs: f64) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) =
            UNIX_EPOCH + Duration::from_secs_f64(unix_secs);
    }

    /// The reading.
    pub fn read(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Our verifiers, one per distinct configuration (pools and options), as a service shares one
/// verifier between its requests. Building one costs tens of milliseconds in a debug build (its
/// HTTP client), several hundred cases would make the test slow. Sharing changes no verdict: each
/// case has its own token, the shared clock is set to each case's `now` before its verdict, and
/// a refetch refused by the unknown-kid rate limit ends in the same `UnknownKid` as the refetch
/// itself.
#[derive(Debug)]
pub struct Verifiers {
    jwks_base: String,
    clock: FrozenClock,
    by_config: HashMap<String, CognitoVerifier>,
}

impl Verifiers {
    /// Verifiers whose JWKS documents are served by [`serve_jwks`] at `jwks_base`.
    pub fn new(jwks_base: String) -> Self {
        Verifiers { jwks_base, clock: FrozenClock::default(), by_config: HashMap::new() }
    }

    /// Our verdict on the case's token, with the clock frozen at the case's `now`: `Ok(())` or
    /// the error.
    pub async fn verdict(&mut self, case: &Case) -> Result<(), VerifyError> {
        self.clock.set(case.now);
        let key = format!("{:?} {:?}", case.pools, case.config);
        let verifier = match self.by_config.entry(key) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => entry.insert(verifier_for(case, &self.jwks_base, self.clock.clone())),
        };
        verifier.verify(&case.token).await.map(|_claims| ())
    }
}
