//! Issue 21 §2: a fleet under Cognito's JWKS quota. 500 in-process verifiers stand for 500
//! replicas behind one user pool (each its own `CognitoVerifier`: its own JWKS cache, refresher
//! and HTTP client) on one testkit issuer that enforces a JWKS quota. They start at once, then a
//! flood of unknown-`kid` tokens is spread over every replica, then the pool's signing key
//! rotates. The issuer's request log gives, per phase, the JWKS requests per second it saw
//! (peak over any one-second window, and mean) and how many the quota refused; and the test
//! measures how long until every replica accepts tokens of the new key.
//!
//! Time is compressed: the intervals are seconds instead of minutes, and the quota is scaled with
//! them, so that the ratios that matter (replicas / quota against the refresh jitter window and
//! the refetch spread) are those of a real fleet. The figures are in docs/security.md and
//! docs/performance.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cognito_testkit::{JwksQuota, KeyKind, TestIssuer, request_rates};
use cognito_verify::{CognitoVerifier, JwksOptions, VerifyError};
use tokio::task::JoinSet;

struct Fleet {
    replicas: usize,
    /// The issuer's quota: requests per second, and its burst.
    quota: f64,
    burst: u32,
    retry_after: Duration,
    refresh: Duration,
    /// `min_refetch_interval`, `unknown_kid_refetch_spread` and `first_fetch_spread`.
    refetch: Duration,
    /// The failure backoff's initial wait (its maximum is 4 times that).
    backoff: Duration,
    /// How long the flood of unknown-kid tokens lasts.
    flood_for: Duration,
}

/// What one phase looked like from the issuer.
#[derive(Debug)]
struct PhaseFigures {
    name: &'static str,
    seconds: f64,
    requests: usize,
    refused: usize,
    peak_per_second: usize,
    mean_per_second: f64,
}

impl Fleet {
    fn options(&self) -> JwksOptions {
        JwksOptions::default()
            .refresh_interval(self.refresh)
            .min_refetch_interval(self.refetch)
            .unknown_kid_refetch_spread(self.refetch)
            .first_fetch_spread(self.refetch)
            .backoff(self.backoff, self.backoff * 4)
    }

    async fn run(&self) -> (Vec<PhaseFigures>, Duration) {
        let issuer = TestIssuer::builder().signing_key_kind(KeyKind::Es256).start().await;
        issuer.set_jwks_quota(Some(
            JwksQuota::per_second(self.quota).burst(self.burst).retry_after(self.retry_after),
        ));
        // One HTTP client for all, built once: building 500 clients (TLS roots and all) would
        // take most of the test's time. Each replica still has its own cache and refresher.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let replicas: Arc<Vec<CognitoVerifier>> = Arc::new(
            (0..self.replicas)
                .map(|_| {
                    let builder = issuer.access_verifier().jwks_options(self.options());
                    builder.http_client(client.clone()).build().unwrap()
                })
                .collect(),
        );
        let token = issuer.access_token().sign();

        // Start-up: every replica gets a request at once, and is retried until it verifies.
        let started = Instant::now();
        every_replica_until_ok(&replicas, &token, Duration::from_secs(60)).await;
        let up = Instant::now();

        // The flood: forged kids, a fresh one per request, spread over every replica.
        let forged: Arc<Vec<String>> =
            Arc::new((0..64).map(|n| issuer.access_token().kid(format!("forged-{n}")).sign()).collect());
        let mut flood = JoinSet::new();
        for (i, _) in replicas.iter().enumerate() {
            let (replicas, forged, flood_for) = (Arc::clone(&replicas), Arc::clone(&forged), self.flood_for);
            flood.spawn(async move {
                let mut ticks = tokio::time::interval(Duration::from_millis(250));
                let until = Instant::now() + flood_for;
                let mut n = i;
                while Instant::now() < until {
                    ticks.tick().await;
                    let token = &forged[n % forged.len()];
                    match replicas[i].verify(token).await {
                        Err(VerifyError::UnknownKid { .. } | VerifyError::KeysUnavailable { .. }) => {}
                        other => panic!("a forged kid got {other:?}"),
                    }
                    n += 1;
                }
            });
        }
        while let Some(done) = flood.join_next().await {
            done.unwrap();
        }
        let flooded = Instant::now();

        // The rotation: a new signing key, published; tokens signed with it from now on.
        let new_kid = issuer.add_key(KeyKind::Es256);
        issuer.set_signing_kid(&new_kid);
        let rotated = issuer.access_token().sign();
        let rotated_at = Instant::now();
        let deadline = self.refresh + self.refetch * 2 + Duration::from_secs(10);
        every_replica_until_ok(&replicas, &rotated, deadline).await;
        let all_rotated = rotated_at.elapsed();
        let done = Instant::now();

        let log = issuer.jwks_request_log();
        let phase = |name, from: Instant, to: Instant| {
            let within: Vec<_> = log.iter().filter(|r| r.at >= from && r.at < to).copied().collect();
            let (peak_per_second, mean_per_second) = request_rates(&within, from, to);
            PhaseFigures {
                name,
                seconds: to.duration_since(from).as_secs_f64(),
                requests: within.len(),
                refused: within.iter().filter(|r| r.refused).count(),
                peak_per_second,
                mean_per_second,
            }
        };
        let figures = vec![
            phase("start-up", started, up),
            phase("flood", up, flooded),
            phase("rotation", flooded, done),
            phase("all", started, done),
        ];
        assert_eq!(figures[3].refused as u64, issuer.jwks_refused());
        (figures, all_rotated)
    }

    fn report(&self, figures: &[PhaseFigures], all_rotated: Duration) {
        eprintln!(
            "fleet: {} replicas, quota {}/s (burst {}, Retry-After {:?}), refresh {:?}, \
             refetch interval and spread {:?}, backoff {:?}",
            self.replicas, self.quota, self.burst, self.retry_after, self.refresh, self.refetch, self.backoff
        );
        for f in figures {
            eprintln!(
                "  {:<9} {:>6.1} s  {:>5} requests  {:>4} refused  peak {:>4}/s  mean {:>6.1}/s",
                f.name, f.seconds, f.requests, f.refused, f.peak_per_second, f.mean_per_second
            );
        }
        eprintln!("  every replica accepted the new key {all_rotated:?} after the rotation");
    }

    /// The goals of issue 21 §2: under the quota in every phase (the quota is a token bucket:
    /// nothing refused means the fleet stayed within its rate and burst), the rotation
    /// everywhere within one refresh interval plus the refetch interval.
    fn check(&self, figures: &[PhaseFigures], all_rotated: Duration) {
        for f in figures {
            assert_eq!(
                f.refused, 0,
                "{}: {} requests refused by the quota (peak {}/s)",
                f.name, f.refused, f.peak_per_second
            );
        }
        assert!(all_rotated <= self.refresh + self.refetch, "{all_rotated:?}");
    }
}

/// Verify `token` on every replica, each retried every 200 ms, until all accept it.
async fn every_replica_until_ok(replicas: &Arc<Vec<CognitoVerifier>>, token: &str, deadline: Duration) {
    let mut tasks = JoinSet::new();
    for i in 0..replicas.len() {
        let (replicas, token) = (Arc::clone(replicas), token.to_owned());
        tasks.spawn(async move {
            let started = Instant::now();
            let mut ticks = tokio::time::interval(Duration::from_millis(200));
            loop {
                ticks.tick().await;
                match replicas[i].verify(&token).await {
                    Ok(_) => return,
                    Err(err) => {
                        assert!(
                            matches!(
                                err,
                                VerifyError::KeysUnavailable { .. } | VerifyError::UnknownKid { .. }
                            ),
                            "{err}"
                        );
                        assert!(
                            started.elapsed() < deadline,
                            "replica {i} still refuses after {deadline:?}: {err}"
                        );
                    }
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

/// The CI variant: 500 replicas, a quota of 200 requests per second, intervals of seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_of_500_replicas_stays_under_the_jwks_quota_and_rotates_within_refresh_plus_refetch() {
    let fleet = Fleet {
        replicas: 500,
        quota: 200.0,
        burst: 200,
        retry_after: Duration::from_secs(1),
        refresh: Duration::from_secs(15),
        refetch: Duration::from_secs(4),
        backoff: Duration::from_millis(2500),
        flood_for: Duration::from_secs(5),
    };
    let (figures, all_rotated) = fleet.run().await;
    fleet.report(&figures, all_rotated);
    fleet.check(&figures, all_rotated);
}

/// The longer variant: a quota of 50 requests per second, so the fleet needs ten times the
/// intervals; about two minutes. `cargo test -p cognito-verify --test fleet -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "about two minutes; run by hand, figures in docs/performance.md"]
async fn a_fleet_of_500_replicas_under_a_quota_of_50_per_second() {
    let fleet = Fleet {
        replicas: 500,
        quota: 50.0,
        burst: 50,
        retry_after: Duration::from_secs(1),
        refresh: Duration::from_secs(60),
        refetch: Duration::from_secs(16),
        backoff: Duration::from_secs(10),
        flood_for: Duration::from_secs(20),
    };
    let (figures, all_rotated) = fleet.run().await;
    fleet.report(&figures, all_rotated);
    fleet.check(&figures, all_rotated);
}
