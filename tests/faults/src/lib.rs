//! Fault-injection and soak tests of cognito-rs. This library is what their files share: the
//! protected API on loopback ([`Api`]), one HTTP call with its status checked against RFC 6750
//! ([`send`]), and counts of statuses by kind of token ([`Tally`]). The tests are in `tests/`:
//!
//! - `tests/jwks.rs`: the JWKS endpoint failing (500, 404, 429, hang, closed connection,
//!   garbage, oversized body, a key set without the needed `kid`, flapping) at start-up and while
//!   serving 50 concurrent clients through `CognitoLayer`: statuses, fetch counts against the
//!   configured rate limit and backoff, recovery.
//! - `tests/token_endpoint.rs`: the `/oauth2/token` endpoint failing under `cognito-client`,
//!   before a token was cached and while one is being refreshed: what `access_token()` returns
//!   and how many requests are made.
//! - `tests/soak.rs`: concurrent clients mixing valid, expired, forged, wrong-scope and
//!   unknown-kid tokens across a key rotation; no wrong answer, bounded memory, no task leak.
//!   `SOAK_SECONDS=60 cargo test -p faults --release --test soak -- --nocapture` for a long run.
//! - `tests/long_soak.rs` and `tests/long_soak_admin/` (`#[ignore]`d, 10 minutes): the API
//!   under rotations, a JWKS outage and a quota ([`long_soak`]), and the same with sign-ins and
//!   sign-outs through `examples/admin` on a Redis that is restarted mid-run. Their figures:
//!   [`Samples`], [`proc_stats`].
//!
//! `docs/testing.md` has the fault table and how to run all of it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod long_soak;
pub mod proc_stats;
mod samples;

pub use samples::{Samples, percentile};

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use cognito_testkit::{Challenge, TestIssuer, response_header};
use cognito_verify::{CognitoVerifier, JwksOptions};

/// How long a condition may take to become true before a test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// `examples/api` (`CognitoLayer` + scope guards) served on loopback, trusting `issuer`.
#[derive(Debug)]
pub struct Api {
    /// The verifier the API runs with (its key cache and counters).
    pub verifier: CognitoVerifier,
    /// `http://127.0.0.1:PORT/transactions`: `GET` needs the scope `transactions/get`.
    pub url: String,
}

impl Api {
    /// Serves the API with `options` and a token cache of `token_cache_capacity` entries.
    pub async fn start(issuer: &TestIssuer, options: JwksOptions, token_cache_capacity: usize) -> Api {
        let verifier = issuer
            .access_verifier()
            .token_cache_capacity(token_cache_capacity)
            .jwks_options(options)
            .build()
            .unwrap();
        let addr = cognito_testkit::serve_router(api::router(verifier.clone())).await;
        Api { verifier, url: format!("http://{addr}/transactions") }
    }
}

/// One answer of the API: its status, and whether its headers are the ones that status needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Whether the headers are the ones the status needs.
    pub well_formed: bool,
}

/// `GET url` with `Authorization: Bearer token`.
pub async fn send(http: &reqwest::Client, url: &str, token: &str) -> Result<Reply, reqwest::Error> {
    let response = http.get(url).bearer_auth(token).send().await?;
    let status = response.status().as_u16();
    let bearer_error = |error: &str| {
        Challenge::parse(response_header(&response, "www-authenticate"))
            .is_some_and(|challenge| challenge.scheme() == "Bearer" && challenge.error() == Some(error))
    };
    let well_formed = match status {
        503 => response_header(&response, "retry-after").parse::<u64>().is_ok_and(|secs| secs >= 1),
        401 => bearer_error("invalid_token"),
        403 => bearer_error("insufficient_scope"),
        _ => true,
    };
    // Read the body so the connection goes back to the pool.
    response.bytes().await?;
    Ok(Reply { status, well_formed })
}

/// Answers counted by the kind of token sent (`K`) and status.
#[derive(Debug, Clone)]
pub struct Tally<K: Ord> {
    /// How many answers each (kind, status) got.
    pub statuses: BTreeMap<(K, u16), u64>,
    /// Answers whose headers don't fit their status (503 without `Retry-After`, 401 without
    /// `error="invalid_token"`, 403 without `error="insufficient_scope"`).
    pub malformed: u64,
    /// Requests that got no HTTP answer at all.
    pub transport_errors: u64,
    /// A client got 200 for a kind of token, then something else for the same kind.
    pub regressions: u64,
}

impl<K: Ord> Default for Tally<K> {
    fn default() -> Self {
        Tally { statuses: BTreeMap::new(), malformed: 0, transport_errors: 0, regressions: 0 }
    }
}

impl<K: Ord + Copy> Tally<K> {
    /// Counts one answer (or transport error) for `kind`.
    pub fn record(&mut self, kind: K, reply: Result<Reply, reqwest::Error>) {
        match reply {
            Ok(reply) => {
                *self.statuses.entry((kind, reply.status)).or_default() += 1;
                self.malformed += u64::from(!reply.well_formed);
            }
            Err(_) => self.transport_errors += 1,
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: Tally<K>) {
        for (key, count) in other.statuses {
            *self.statuses.entry(key).or_default() += count;
        }
        self.malformed += other.malformed;
        self.transport_errors += other.transport_errors;
        self.regressions += other.regressions;
    }

    /// The statuses `kind` got.
    pub fn statuses_of(&self, kind: K) -> Vec<u16> {
        self.statuses.keys().filter(|(k, _)| *k == kind).map(|(_, status)| *status).collect()
    }

    /// How many answers `kind` got with `status`.
    pub fn count(&self, kind: K, status: u16) -> u64 {
        self.statuses.get(&(kind, status)).copied().unwrap_or(0)
    }

    /// Every request counted, answered or not.
    pub fn total(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.transport_errors
    }

    /// `200 ×12, 401 ×30` for `kind`.
    pub fn describe(&self, kind: K) -> String {
        let parts: Vec<String> = self
            .statuses
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, status), count)| format!("{status} ×{count}"))
            .collect();
        if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
    }
}

/// Seconds with two decimals, for the printed tables.
#[derive(Debug)]
pub struct Secs(pub Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} s", self.0.as_secs_f64())
    }
}
