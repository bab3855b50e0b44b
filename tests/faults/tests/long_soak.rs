//! Issue 21 §4, the part about the API: a long soak (10 minutes by default; `#[ignore]`d, run by
//! hand, figures in docs/testing.md) of mixed traffic through `examples/api` while the issuer
//! enforces a JWKS quota, rotates its signing key every minute and has one JWKS outage of 30 s.
//! `tests/long_soak_admin/` runs the same with sign-ins through `examples/admin` on Redis.
//!
//! Traffic, from concurrent clients: repeated valid tokens (a pool, so mostly token-cache hits),
//! fresh valid tokens (minted per request with the current key), expired tokens and tokens with
//! forged `kid`s. A rotation publishes a new key and signs with it at once (no waiting for the
//! verifier), so the first requests after it test the unknown-`kid` refetch; a key is removed
//! from the key set two rotations later. The outage answers 503 to every JWKS request for 30 s.
//! (All of it is `faults::long_soak`.)
//!
//! Checked: a repeated valid token is always accepted (its key stays cached through the outage);
//! an invalid one never is; every request gets an answer. Reported: requests by kind and status,
//! p50/p99 latency, resident memory at start and end, JWKS requests and quota refusals.
//!
//! ```text
//! cargo test -p faults --release --test long_soak -- --ignored --nocapture
//! SOAK_SECONDS=60 cargo test -p faults --release --test long_soak -- --ignored --nocapture
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cognito_testkit::TestIssuer;
use faults::Api;
use faults::long_soak::{
    API_CLIENTS, ApiKind, ApiTraffic, Timeline, api_jwks_options, check_api, soak_length, start_issuer,
};
use faults::proc_stats::{CpuTimes, mib, rss_kib};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "10 minutes; run by hand (SOAK_SECONDS to change), figures in docs/testing.md"]
async fn ten_minutes_of_mixed_traffic_with_rotations_a_jwks_outage_and_a_quota() {
    let length = soak_length();
    let issuer = start_issuer(TestIssuer::builder()).await;
    let api = Api::start(&issuer, api_jwks_options(), 1024).await;
    let (rss_start, cpu_start) = (rss_kib(None), CpuTimes::now());
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let traffic = ApiTraffic::start(&issuer, &api.url, &stop);

    let mut timeline = Timeline::new(&issuer, started, length);
    let mut rss_peak = rss_start;
    let mut ticks = tokio::time::interval(Duration::from_millis(500));
    while started.elapsed() < length {
        ticks.tick().await;
        rss_peak = rss_peak.max(rss_kib(None));
        timeline.step(&issuer);
    }
    stop.store(true, Ordering::Relaxed);
    let mut samples = traffic.finish().await;
    let elapsed = started.elapsed();
    let rss_end = rss_kib(None);

    let total = samples.total();
    println!(
        "long soak: {:.0} s, {API_CLIENTS} clients, {total} requests ({:.0}/s), {} transport errors",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        samples.transport_errors
    );
    println!("| kind | requests | statuses | p50 | p99 | max |\n|---|---|---|---|---|---|");
    for row in samples.table_rows(&ApiKind::ALL) {
        println!("{row}");
    }
    println!(
        "VmRSS start {}, end {}, peak {}; JWKS requests {}, refused by the quota {}; rotations {}; steal {:.1} %",
        mib(rss_start),
        mib(rss_end),
        mib(rss_peak.max(rss_end)),
        issuer.jwks_requests(),
        issuer.jwks_refused(),
        timeline.rotations,
        CpuTimes::now().steal_since(cpu_start),
    );
    check_api(&samples);
}
