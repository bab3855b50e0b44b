//! Issue 21 §4, the part about the API: a long soak (10 minutes by default; `#[ignore]`d, run by
//! hand, figures in docs/testing.md) of mixed traffic through `examples/api` while the issuer
//! enforces a JWKS quota, rotates its signing key every minute and has one JWKS outage of 30 s.
//!
//! Traffic, from concurrent clients: repeated valid tokens (a pool, so mostly token-cache hits),
//! fresh valid tokens (minted per request with the current key), expired tokens and tokens with
//! forged `kid`s. A rotation publishes a new key and signs with it at once (no waiting for the
//! verifier), so the first requests after it test the unknown-`kid` refetch; a key is removed
//! from the key set two rotations later. The outage answers 503 to every JWKS request for 30 s.
//!
//! Checked: a repeated valid token is always accepted (its key stays cached through the outage);
//! an invalid one never is; every request gets an answer. Reported: requests by kind and status,
//! p50/p99 latency, resident memory at start and end, JWKS requests and quota refusals.
//!
//! ```text
//! cargo test -p faults --release --test long_soak -- --ignored --nocapture
//! SOAK_SECONDS=60 cargo test -p faults --release --test long_soak -- --ignored --nocapture
//! ```
//!
//! Not covered here (see docs/testing.md): sign-ins and sign-outs through `examples/admin`, and a
//! Redis restart.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cognito_testkit::{Fault, JwksQuota, KeyKind, TestIssuer};
use cognito_verify::JwksOptions;
use faults::{Api, send};
use test_support::unix_now;

const CLIENTS: usize = 16;
const ROTATE_EVERY: Duration = Duration::from_secs(60);
const OUTAGE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// One of 64 valid tokens of the first key, sent again and again.
    Repeated,
    /// Minted for this request with the current signing key.
    Fresh,
    Expired,
    ForgedKid,
}

#[derive(Default)]
struct Stats {
    statuses: BTreeMap<(Kind, u16), u64>,
    transport_errors: u64,
    latencies_us: Vec<u32>,
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "10 minutes; run by hand (SOAK_SECONDS to change), figures in docs/testing.md"]
async fn ten_minutes_of_mixed_traffic_with_rotations_a_jwks_outage_and_a_quota() {
    let seconds: u64 = std::env::var("SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(600);
    let length = Duration::from_secs(seconds);
    let issuer = TestIssuer::builder().signing_key_kind(KeyKind::Es256).start().await;
    issuer.set_jwks_quota(Some(JwksQuota::per_second(2.0).burst(5).retry_after(Duration::from_secs(1))));
    let options = JwksOptions::default()
        .refresh_interval(Duration::from_secs(30))
        .min_refetch_interval(Duration::from_secs(5))
        .backoff(Duration::from_secs(1), Duration::from_secs(8));
    let api = Api::start(&issuer, options, 1024).await;
    let repeated: Arc<Vec<String>> =
        Arc::new((0..64).map(|_| issuer.access_token().scopes([api::SCOPE_GET]).sign()).collect());
    let expired = {
        let now = unix_now();
        issuer.access_token().scopes([api::SCOPE_GET]).issued_at(now - 7200).expires_at(now - 3600).sign()
    };
    let rss_start = rss_kib();
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (issuer, url, repeated, expired, stop) =
            (issuer.clone(), api.url.clone(), Arc::clone(&repeated), expired.clone(), Arc::clone(&stop));
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut stats = Stats::default();
            let mut n = c;
            while !stop.load(Ordering::Relaxed) {
                let kind = match n % 10 {
                    0..=5 => Kind::Repeated,
                    6 | 7 => Kind::Fresh,
                    8 => Kind::Expired,
                    _ => Kind::ForgedKid,
                };
                let token = match kind {
                    Kind::Repeated => repeated[n % repeated.len()].clone(),
                    Kind::Fresh => issuer.access_token().scopes([api::SCOPE_GET]).sign(),
                    Kind::Expired => expired.clone(),
                    Kind::ForgedKid => issuer.access_token().kid(format!("forged-{n}")).sign(),
                };
                let sent = Instant::now();
                match send(&http, &url, &token).await {
                    Ok(reply) => *stats.statuses.entry((kind, reply.status)).or_default() += 1,
                    Err(_) => stats.transport_errors += 1,
                }
                stats.latencies_us.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                n += 1;
            }
            stats
        }));
    }

    // The timeline: a rotation every minute, keys removed two rotations later, one outage.
    let outage_at = length.mul_f64(0.42);
    let mut outage_done = false;
    let mut kids = vec![issuer.signing_kid()];
    let mut next_rotation = ROTATE_EVERY;
    let mut rss_peak = rss_start;
    let mut ticks = tokio::time::interval(Duration::from_millis(500));
    while started.elapsed() < length {
        ticks.tick().await;
        rss_peak = rss_peak.max(rss_kib());
        if started.elapsed() >= next_rotation {
            let kid = issuer.add_key(KeyKind::Es256);
            issuer.set_signing_kid(&kid);
            kids.push(kid);
            // Two rotations back, never the first key (the repeated tokens need it).
            if kids.len() > 3 {
                let old = kids.remove(1);
                issuer.remove_key(&old);
            }
            next_rotation += ROTATE_EVERY;
        }
        if !outage_done && started.elapsed() >= outage_at {
            issuer.set_jwks_fault(Some(Fault::Status(503)));
            if started.elapsed() >= outage_at + OUTAGE {
                issuer.set_jwks_fault(None);
                outage_done = true;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut all = Stats::default();
    for client in clients {
        let stats = client.await.unwrap();
        for (key, count) in stats.statuses {
            *all.statuses.entry(key).or_default() += count;
        }
        all.transport_errors += stats.transport_errors;
        all.latencies_us.extend(stats.latencies_us);
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib();
    all.latencies_us.sort_unstable();
    let total: u64 = all.statuses.values().sum();

    println!(
        "long soak: {:.0} s, {CLIENTS} clients, {total} requests ({:.0}/s), {} transport errors",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        all.transport_errors
    );
    for ((kind, status), count) in &all.statuses {
        println!("  {kind:?} {status}: {count}");
    }
    println!(
        "  latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&all.latencies_us, 0.5),
        percentile(&all.latencies_us, 0.99),
        percentile(&all.latencies_us, 1.0)
    );
    println!(
        "  VmRSS start {} MiB, end {} MiB, peak {} MiB; JWKS requests {}, refused by the quota {}; rotations {}",
        rss_start / 1024,
        rss_end / 1024,
        rss_peak.max(rss_end) / 1024,
        issuer.jwks_requests(),
        issuer.jwks_refused(),
        (length.as_secs() / ROTATE_EVERY.as_secs()),
    );

    assert_eq!(all.transport_errors, 0);
    let statuses =
        |kind| all.statuses.keys().filter(|(k, _)| *k == kind).map(|(_, s)| *s).collect::<Vec<_>>();
    assert_eq!(statuses(Kind::Repeated), vec![200], "a cached key's token is always accepted");
    for kind in [Kind::Expired, Kind::ForgedKid] {
        assert!(!statuses(kind).contains(&200), "{kind:?} accepted");
    }
}
