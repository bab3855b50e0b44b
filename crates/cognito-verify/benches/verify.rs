//! Verification cost, as ratios to one raw aws-lc-rs RS256 signature check of the same token.
//!
//! Run with `cargo bench -p cognito-verify`. Criterion reports each case; at the end a table of
//! ratios to the baseline, measured in the same run, is printed (see docs/performance.md). With
//! `--features ring`, the same raw checks on ring are measured too (the library itself still
//! runs on aws-lc-rs, the default, when both features are on).

#[path = "support/noise.rs"]
mod noise;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::{KeyKind, TestIssuer};
use cognito_verify::{CognitoVerifier, JwksOptions, MemoryRevocations, SystemClock, TokenUse};
use criterion::{Criterion, criterion_group};
use serde_json::json;

const CLIENT: &str = "4a1bexampleclientid0123456";

/// Poll a future that completes without waiting (keys already cached) to its result, without
/// a runtime's scheduling cost in the measurement.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("benchmark future had to wait: keys not cached?"),
    }
}

struct Setup {
    _runtime: tokio::runtime::Runtime,
    _issuer: TestIssuer,
    /// A realistic Cognito user access token (about 1.1 KB).
    access: String,
    id: String,
    es256: String,
    unknown_kid: String,
    raw_key: ParsedPublicKey,
    /// The RSA key's modulus and exponent, for ring (which parses them on each check).
    #[cfg_attr(not(feature = "ring"), allow(dead_code))]
    rsa_components: (Vec<u8>, Vec<u8>),
    /// The ES256 key's uncompressed point, and that key parsed once by aws-lc-rs.
    #[cfg_attr(not(feature = "ring"), allow(dead_code))]
    es256_point: Vec<u8>,
    raw_es256_key: ParsedPublicKey,
    uncached: CognitoVerifier,
    cached: CognitoVerifier,
    /// `cached` with a revocation list of 1,000 other sessions and users.
    revoking: CognitoVerifier,
    id_verifier: CognitoVerifier,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let issuer = runtime.block_on(TestIssuer::start());
    let access = issuer
        .access_token()
        .client_id(CLIENT)
        .username("8f3c1d2e-0a4b-4c5d-9e6f-7a8b9c0d1e2f")
        .scopes([
            "aws.cognito.signin.user.admin",
            "openid",
            "profile",
            "transactions/get",
            "transactions/post",
        ])
        .groups(["admin", "eu-west-1_AbCdEf123_Google", "finance", "support"])
        .claim("device_key", json!("eu-west-1_0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a"))
        .sign();
    let id = issuer.id_token().audience(CLIENT).email("alice@example.com").groups(["admin"]).sign();
    let es_kid = issuer.add_key(KeyKind::Es256);
    let es256 = issuer.access_token().client_id(CLIENT).signed_with_kid(&es_kid).sign();
    let unknown_kid = issuer.access_token().client_id(CLIENT).kid("not-in-the-jwks").sign();

    let jwk = issuer.public_jwk(&issuer.signing_kid()).unwrap();
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let raw_key = RsaPublicKeyComponents { n: &n[..], e: &e[..] }
        .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
        .unwrap();
    let es_jwk = issuer.public_jwk(&es_kid).unwrap();
    let mut es256_point = vec![0x04];
    for coordinate in ["x", "y"] {
        es256_point.extend(URL_SAFE_NO_PAD.decode(es_jwk[coordinate].as_str().unwrap()).unwrap());
    }
    let raw_es256_key = ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &es256_point).unwrap();

    // The testkit's presets run on its test clock; a service runs on the default system clock,
    // which is what is measured here.
    let builder = || {
        issuer.verifier().clock(SystemClock).token_use(TokenUse::Access).client_ids([CLIENT]).jwks_options(
            JwksOptions::default()
                .refresh_interval(Duration::from_secs(3600))
                .min_refetch_interval(Duration::from_secs(3600)),
        )
    };
    let uncached = builder().disable_token_cache().build().unwrap();
    let cached = builder().build().unwrap();
    let revocations = MemoryRevocations::new();
    for n in 0..500 {
        revocations.apply(revocations.session_entry(&format!("other-session-{n}")));
        revocations.apply(revocations.user_entry(&format!("other-user-{n}"), SystemTime::now()));
    }
    let revoking = builder().revocations(Arc::new(revocations)).build().unwrap();
    let id_verifier = issuer
        .verifier()
        .clock(SystemClock)
        .token_use(TokenUse::Id)
        .client_ids([CLIENT])
        .disable_token_cache()
        .build()
        .unwrap();
    runtime.block_on(async {
        for verifier in [&uncached, &cached, &revoking, &id_verifier] {
            verifier.hydrate().await.unwrap();
        }
        // Spend the refetch allowance, so the unknown kid below is refused without waiting.
        assert!(uncached.verify(&unknown_kid).await.is_err());
        assert!(cached.verify(&access).await.is_ok());
        assert!(revoking.verify(&access).await.is_ok());
    });
    Setup {
        _runtime: runtime,
        _issuer: issuer,
        access,
        id,
        es256,
        unknown_kid,
        raw_key,
        rsa_components: (n, e),
        es256_point,
        raw_es256_key,
        uncached,
        cached,
        revoking,
        id_verifier,
    }
}

/// The baseline: the signature check alone, on bytes already decoded, key parsed once.
fn raw_check(setup: &Setup) -> impl Fn() + '_ {
    let (signing_input, signature) = setup.access.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    move || setup.raw_key.verify_sig(black_box(signing_input.as_bytes()), black_box(&signature)).unwrap()
}

/// A token's signing input and decoded signature.
fn signed_parts(token: &str) -> (&[u8], Vec<u8>) {
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    (signing_input.as_bytes(), URL_SAFE_NO_PAD.decode(signature).unwrap())
}

/// The ES256 signature check alone, key parsed once by aws-lc-rs.
fn raw_es256_check(setup: &Setup) -> impl Fn() + '_ {
    let (signing_input, signature) = signed_parts(&setup.es256);
    move || setup.raw_es256_key.verify_sig(black_box(signing_input), black_box(&signature)).unwrap()
}

/// The RS256 check on ring: its public API parses the key on each call (it keeps no parsed
/// public key), which is what the `ring` backend of cognito-verify pays per token.
#[cfg(feature = "ring")]
fn raw_ring_check(setup: &Setup) -> impl Fn() + '_ {
    let (signing_input, signature) = signed_parts(&setup.access);
    let (n, e) = &setup.rsa_components;
    let key = ring::signature::RsaPublicKeyComponents { n: &n[..], e: &e[..] };
    move || {
        key.verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            black_box(signing_input),
            black_box(&signature),
        )
        .unwrap()
    }
}

/// The ES256 check on ring, point parsed on each call.
#[cfg(feature = "ring")]
fn raw_ring_es256_check(setup: &Setup) -> impl Fn() + '_ {
    let (signing_input, signature) = signed_parts(&setup.es256);
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        &setup.es256_point,
    );
    move || key.verify(black_box(signing_input), black_box(&signature)).unwrap()
}

type Case<'a> = (&'static str, Box<dyn Fn() + 'a>, Option<f64>);

fn cases(setup: &Setup) -> Vec<Case<'_>> {
    #[cfg_attr(not(feature = "ring"), allow(unused_mut))]
    let mut cases: Vec<Case<'_>> = vec![
        ("raw aws-lc-rs RS256 check (baseline)", Box::new(raw_check(setup)), None),
        (
            "fresh verify, cache off",
            Box::new(|| drop(ready(setup.uncached.verify(black_box(&setup.access))).unwrap())),
            Some(1.10),
        ),
        (
            "cache hit",
            Box::new(|| drop(ready(setup.cached.verify(black_box(&setup.access))).unwrap())),
            Some(0.010),
        ),
        (
            "cache hit, revocations on",
            Box::new(|| drop(ready(setup.revoking.verify(black_box(&setup.access))).unwrap())),
            Some(0.012),
        ),
        (
            "unknown kid, refetch rate-limited",
            Box::new(|| drop(ready(setup.uncached.verify(black_box(&setup.unknown_kid))).unwrap_err())),
            Some(0.02),
        ),
        (
            "ID token, cache off",
            Box::new(|| drop(ready(setup.id_verifier.verify(black_box(&setup.id))).unwrap())),
            None,
        ),
        (
            "ES256 access token, cache off",
            Box::new(|| drop(ready(setup.uncached.verify(black_box(&setup.es256))).unwrap())),
            None,
        ),
        ("raw aws-lc-rs ES256 check", Box::new(raw_es256_check(setup)), None),
    ];
    // The crypto backends side by side (docs/performance.md, "The floor: aws-lc-rs and ring").
    #[cfg(feature = "ring")]
    {
        cases.push(("raw ring RS256 check", Box::new(raw_ring_check(setup)), None));
        cases.push(("raw ring ES256 check", Box::new(raw_ring_es256_check(setup)), None));
    }
    cases
}

fn criterion_cases(c: &mut Criterion) {
    let setup = setup();
    let mut group = c.benchmark_group("verify");
    for (name, run, _) in cases(&setup) {
        group.bench_function(name, |b| b.iter(&run));
    }
    group.finish();
}

/// Mean time per call over `budget` of wall-clock time.
fn per_call(run: &dyn Fn(), budget: Duration) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < budget {
        for _ in 0..16 {
            run();
        }
        calls += 16;
    }
    start.elapsed().as_secs_f64() / calls as f64
}

/// The case's cost relative to the baseline: short rounds of baseline then case, alternating,
/// so that whatever else the machine does weighs on both alike; the median ratio of the rounds.
fn ratio(baseline: &dyn Fn(), case: &dyn Fn()) -> (f64, f64) {
    let round = Duration::from_millis(40);
    let mut ratios = Vec::new();
    let mut case_times = Vec::new();
    for _ in 0..31 {
        let base = per_call(baseline, round);
        let t = per_call(case, round);
        ratios.push(t / base);
        case_times.push(t);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut case_times), median(&mut ratios))
}

fn print_ratios() {
    let setup = setup();
    let cases = cases(&setup);
    let baseline = &*cases[0].1;
    let (began, load_before) = (noise::CpuTimes::now(), noise::load_average());
    println!("\nverification cost relative to one raw RS256 check, measured in the same run");
    println!("(median of 31 alternating rounds of baseline and case):");
    println!("{:<40} {:>10} {:>8} {:>10} verdict", "case", "µs/call", "ratio", "target");
    for (name, run, target) in &cases {
        let case_began = noise::CpuTimes::now();
        let (t, ratio) = ratio(baseline, &**run);
        let steal = case_began.and_then(noise::CpuTimes::steal_percent_since);
        let (target, verdict) = match target {
            Some(target) => {
                let digits = if *target >= 0.1 { 2 } else { 3 };
                (format!("≤ {target:.digits$}"), noise::verdict(ratio <= *target, steal))
            }
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!("{name:<40} {:>10.3} {ratio:>8.3} {target:>10} {verdict}", t * 1e6);
    }
    // The revocation check on the hot path, against the same hit without it.
    let (hit, revoking) = (&*cases[2].1, &*cases[3].1);
    let pair_began = noise::CpuTimes::now();
    let (_, ratio) = ratio(hit, revoking);
    let steal = pair_began.and_then(noise::CpuTimes::steal_percent_since);
    println!(
        "{:<40} {:>10} {ratio:>8.3} {:>10} {}",
        "cache hit, revocations on / off",
        "-",
        "≤ 1.10",
        noise::verdict(ratio <= 1.10, steal)
    );
    let steal = began.and_then(noise::CpuTimes::steal_percent_since);
    println!(
        "host: load average {load_before} before, {} after; steal {} over the run \
         (no verdict above {} %)",
        noise::load_average(),
        steal.map_or_else(|| "unknown".to_owned(), |s| format!("{s:.1} %")),
        noise::NOISY_STEAL_PERCENT,
    );
}

criterion_group!(benches, criterion_cases);

/// `--profile <case> <calls>`: run only the case whose name contains `<case>`, `<calls>` times,
/// for a profiler (`valgrind --tool=callgrind --toggle-collect='*attempt*'` counts instructions
/// where `perf` is unavailable).
fn profile(args: &[String]) -> bool {
    let Some(at) = args.iter().position(|arg| arg == "--profile") else { return false };
    let case = args.get(at + 1).map_or("fresh", String::as_str);
    let calls: u64 = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let setup = setup();
    for (name, run, _) in cases(&setup).iter().filter(|(name, ..)| name.contains(case)) {
        for _ in 0..calls {
            run();
        }
        println!("ran {name:?} {calls} times");
    }
    true
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if profile(&args) {
        return;
    }
    let quick = args.iter().any(|arg| arg == "--ratios-only");
    if !quick {
        benches();
        criterion::Criterion::default().configure_from_args().final_summary();
    }
    print_ratios();
}
