//! Multi-core scaling: verifications per second on 1 and 2 threads sharing one verifier, for
//! fresh verifications and for cache hits, to show the shared caches (key set, verified tokens)
//! do not serialise the threads.
//!
//! Run with `cargo bench -p cognito-verify --bench scaling` on a machine with at least two idle
//! cores. Options: `BENCH_SECONDS` (per case and thread count, default 2), `BENCH_ROUNDS`
//! (default 3; the median is reported).

#[path = "support/noise.rs"]
mod noise;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Barrier;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, TokenUse};

const CLIENT: &str = "4a1bexampleclientid0123456";
/// 2 threads should verify at least this many times as much as 1 (issue 23), in every case.
const TARGET: f64 = 1.8;

fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("benchmark future had to wait: keys not cached?"),
    }
}

/// Verifications per second over all `threads`, each verifying its token for `budget`.
fn throughput(verifier: &CognitoVerifier, tokens: &[String], threads: usize, budget: Duration) -> f64 {
    let start = Barrier::new(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|thread| {
                let (start, verifier) = (&start, verifier.clone());
                let token = &tokens[thread % tokens.len()];
                scope.spawn(move || {
                    start.wait();
                    let began = Instant::now();
                    let mut calls = 0u64;
                    while began.elapsed() < budget {
                        for _ in 0..16 {
                            drop(ready(verifier.verify(black_box(token))).unwrap());
                        }
                        calls += 16;
                    }
                    calls as f64 / began.elapsed().as_secs_f64()
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().unwrap()).sum()
    })
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let issuer = runtime.block_on(TestIssuer::start());
    let mint = || {
        issuer
            .access_token()
            .client_id(CLIENT)
            .scopes(["aws.cognito.signin.user.admin", "openid", "transactions/get"])
            .groups(["admin", "finance"])
            .sign()
    };
    let tokens = [mint(), mint()];
    let builder = || {
        issuer.verifier().clock(cognito_verify::SystemClock).token_use(TokenUse::Access).client_ids([CLIENT])
    };
    let uncached = builder().disable_token_cache().build().unwrap();
    let cached = builder().build().unwrap();
    runtime.block_on(async {
        for verifier in [&uncached, &cached] {
            verifier.hydrate().await.unwrap();
            for token in &tokens {
                verifier.verify(token).await.unwrap();
            }
        }
    });
    let budget = Duration::from_secs(env_number("BENCH_SECONDS", 2));
    let rounds = env_number("BENCH_ROUNDS", 3).max(1);
    let cases: [(&str, &CognitoVerifier, &[String]); 3] = [
        ("fresh verify (cache off)", &uncached, &tokens),
        ("cache hit, one token per thread", &cached, &tokens),
        ("cache hit, both threads one token", &cached, &tokens[..1]),
    ];
    println!("verifications per second, threads sharing one verifier (median of {rounds} rounds):");
    println!("{:<36} {:>12} {:>12} {:>8} {:>8} verdict", "case", "1 thread", "2 threads", "2t/1t", "target");
    let (began, load_before) = (noise::CpuTimes::now(), noise::load_average());
    // Other work already filling the cores (measured before our threads start): the second
    // thread would not get a core of its own, and the ratio would say more about the scheduler
    // than about the verifier.
    let cpus = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    let busy = noise::load_1m().filter(|load| *load >= cpus);
    for (name, verifier, tokens) in cases {
        let case_began = noise::CpuTimes::now();
        let mut one = Vec::new();
        let mut two = Vec::new();
        for _ in 0..rounds {
            one.push(throughput(verifier, tokens, 1, budget));
            two.push(throughput(verifier, tokens, 2, budget));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (one, two) = (median(&mut one), median(&mut two));
        let steal = case_began.and_then(noise::CpuTimes::steal_percent_since);
        let verdict = match busy {
            Some(load) => format!("noisy (load {load:.1} on {cpus} CPUs)"),
            None => noise::verdict(two / one >= TARGET, steal),
        };
        println!(
            "{name:<36} {one:>12.0} {two:>12.0} {:>8.2} {:>8} {verdict}",
            two / one,
            format!("≥ {TARGET}")
        );
    }
    let steal = began.and_then(noise::CpuTimes::steal_percent_since);
    println!(
        "host: {} CPUs; load average {load_before} before, {} after; steal {} (no verdict above {} %)",
        std::thread::available_parallelism().map_or(0, usize::from),
        noise::load_average(),
        steal.map_or_else(|| "unknown".to_owned(), |s| format!("{s:.1} %")),
        noise::NOISY_STEAL_PERCENT,
    );
}
