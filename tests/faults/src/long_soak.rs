//! The long soak's API part (issue 21 §4), shared by `tests/long_soak.rs` (the API alone) and
//! `tests/long_soak_admin/` (the same, plus sign-ins through `examples/admin` on Redis):
//! the issuer with its JWKS quota, the API's traffic, and the timeline of key rotations and
//! the JWKS outage.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cognito_testkit::{Fault, JwksQuota, KeyKind, TestIssuer, TestIssuerBuilder};
use cognito_verify::JwksOptions;
use test_support::unix_now;
use tokio::task::JoinHandle;

use crate::{Samples, send};

/// Concurrent clients of the API.
pub const API_CLIENTS: usize = 16;
/// A new signing key every minute.
pub const ROTATE_EVERY: Duration = Duration::from_secs(60);
/// How long the JWKS endpoint answers 503.
pub const JWKS_OUTAGE: Duration = Duration::from_secs(30);
/// When the JWKS outage starts, as a share of the run.
pub const JWKS_OUTAGE_AT: f64 = 0.42;

/// The soak's length: `SOAK_SECONDS`, 10 minutes by default.
pub fn soak_length() -> Duration {
    let seconds = std::env::var("SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(600);
    Duration::from_secs(seconds)
}

/// Starts `builder`'s issuer with an ES256 signing key and Cognito's JWKS quota played at 2
/// requests per second, burst 5, `Retry-After: 1`.
pub async fn start_issuer(builder: TestIssuerBuilder) -> TestIssuer {
    let issuer = builder.signing_key_kind(KeyKind::Es256).start().await;
    issuer.set_jwks_quota(Some(JwksQuota::per_second(2.0).burst(5).retry_after(Duration::from_secs(1))));
    issuer
}

/// The API's key set options: refresh 30 s, refetch for an unknown `kid` at most every 5 s,
/// backoff 1-8 s after a failed fetch.
pub fn api_jwks_options() -> JwksOptions {
    JwksOptions::default()
        .refresh_interval(Duration::from_secs(30))
        .min_refetch_interval(Duration::from_secs(5))
        .backoff(Duration::from_secs(1), Duration::from_secs(8))
}

/// The kind of token an API request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiKind {
    /// One of 64 valid tokens of the first key, sent again and again.
    Repeated,
    /// Minted for this request with the current signing key.
    Fresh,
    /// Expired an hour ago.
    Expired,
    /// Names a `kid` no key set has.
    ForgedKid,
}

impl ApiKind {
    /// Every kind, in the order of the printed tables.
    pub const ALL: [ApiKind; 4] = [ApiKind::Repeated, ApiKind::Fresh, ApiKind::Expired, ApiKind::ForgedKid];
}

/// [`API_CLIENTS`] clients calling `GET /transactions` without pause until told to stop: 60 %
/// repeated valid tokens, 20 % fresh ones, 10 % expired, 10 % forged `kid`s.
#[derive(Debug)]
pub struct ApiTraffic {
    clients: Vec<JoinHandle<Samples<ApiKind>>>,
}

impl ApiTraffic {
    /// Starts the clients on `url` (the API's `/transactions`), with tokens of `issuer`.
    pub fn start(issuer: &TestIssuer, url: &str, stop: &Arc<AtomicBool>) -> ApiTraffic {
        let repeated: Arc<Vec<String>> =
            Arc::new((0..64).map(|_| issuer.access_token().scopes([api::SCOPE_GET]).sign()).collect());
        let now = unix_now();
        let expired = issuer
            .access_token()
            .scopes([api::SCOPE_GET])
            .issued_at(now - 7200)
            .expires_at(now - 3600)
            .sign();
        let clients = (0..API_CLIENTS)
            .map(|c| {
                let (issuer, url, repeated, expired, stop) = (
                    issuer.clone(),
                    url.to_owned(),
                    Arc::clone(&repeated),
                    expired.clone(),
                    Arc::clone(stop),
                );
                tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    let mut samples = Samples::default();
                    let mut n = c;
                    while !stop.load(Ordering::Relaxed) {
                        let kind = match n % 10 {
                            0..=5 => ApiKind::Repeated,
                            6 | 7 => ApiKind::Fresh,
                            8 => ApiKind::Expired,
                            _ => ApiKind::ForgedKid,
                        };
                        let token = match kind {
                            ApiKind::Repeated => repeated[n % repeated.len()].clone(),
                            ApiKind::Fresh => issuer.access_token().scopes([api::SCOPE_GET]).sign(),
                            ApiKind::Expired => expired.clone(),
                            ApiKind::ForgedKid => issuer.access_token().kid(format!("forged-{n}")).sign(),
                        };
                        let sent = Instant::now();
                        let status = send(&http, &url, &token).await.ok().map(|reply| reply.status);
                        samples.record(kind, status, sent.elapsed());
                        n += 1;
                    }
                    samples
                })
            })
            .collect();
        ApiTraffic { clients }
    }

    /// Waits for the clients (once told to stop) and adds up what they saw.
    ///
    /// # Panics
    /// If a client panicked.
    pub async fn finish(self) -> Samples<ApiKind> {
        let mut all = Samples::default();
        for client in self.clients {
            all.merge(client.await.unwrap());
        }
        all
    }
}

/// The checks of the API's answers: every request answered, a repeated (cached key's) token
/// always accepted, through the outage and every rotation, and an expired or forged one never.
///
/// # Panics
/// When one fails.
pub fn check_api(samples: &Samples<ApiKind>) {
    assert_eq!(samples.transport_errors, 0, "every API request is answered");
    assert_eq!(samples.statuses_of(ApiKind::Repeated), vec![200], "a cached key's token is always accepted");
    for kind in [ApiKind::Expired, ApiKind::ForgedKid] {
        assert!(!samples.statuses_of(kind).contains(&200), "{kind:?} accepted: {}", samples.describe(kind));
    }
    for kind in ApiKind::ALL {
        assert!(!samples.statuses_of(kind).contains(&500), "{kind:?}: {}", samples.describe(kind));
    }
}

/// The issuer's side of the run: a rotation every [`ROTATE_EVERY`] (the new key signs at once,
/// keys are removed two rotations later, never the first, which the repeated tokens need),
/// and [`JWKS_OUTAGE`] of 503s from the JWKS endpoint at [`JWKS_OUTAGE_AT`] of the run.
#[derive(Debug)]
pub struct Timeline {
    started: Instant,
    kids: Vec<String>,
    next_rotation: Duration,
    outage_at: Duration,
    outage: Outage,
    /// Rotations done so far.
    pub rotations: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outage {
    Before,
    During,
    Done,
}

impl Timeline {
    /// A timeline of a run of `length` that started at `started`.
    pub fn new(issuer: &TestIssuer, started: Instant, length: Duration) -> Timeline {
        Timeline {
            started,
            kids: vec![issuer.signing_kid()],
            next_rotation: ROTATE_EVERY,
            outage_at: length.mul_f64(JWKS_OUTAGE_AT),
            outage: Outage::Before,
            rotations: 0,
        }
    }

    /// Does what is due by now (call it every few hundred milliseconds).
    pub fn step(&mut self, issuer: &TestIssuer) {
        let elapsed = self.started.elapsed();
        if elapsed >= self.next_rotation {
            let kid = issuer.add_key(KeyKind::Es256);
            issuer.set_signing_kid(&kid);
            self.kids.push(kid);
            if self.kids.len() > 3 {
                let old = self.kids.remove(1);
                issuer.remove_key(&old);
            }
            self.next_rotation += ROTATE_EVERY;
            self.rotations += 1;
        }
        if self.outage == Outage::Before && elapsed >= self.outage_at {
            issuer.set_jwks_fault(Some(Fault::Status(503)));
            self.outage = Outage::During;
        }
        if self.outage == Outage::During && elapsed >= self.outage_at + JWKS_OUTAGE {
            issuer.set_jwks_fault(None);
            self.outage = Outage::Done;
        }
    }

    /// When the JWKS outage starts and ends, from the start of the run.
    pub fn jwks_outage(&self) -> (Duration, Duration) {
        (self.outage_at, self.outage_at + JWKS_OUTAGE)
    }
}
