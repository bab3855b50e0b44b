//! A bounded soak: concurrent clients on loopback call `examples/api` (`CognitoLayer` + a scope
//! guard) with a mix of valid, expired, forged, wrong-scope and unknown-kid tokens while the
//! issuer rotates its key, and the test checks that
//!
//! - no valid request is refused and no invalid one accepted, each kind getting exactly its
//!   status (200, 401 `invalid_token`, 403 `insufficient_scope`), every request answered;
//! - memory stays bounded: the verified-token cache never holds more than its capacity (the
//!   valid tokens outnumber it, so it evicts all along), and the resident set at the end is
//!   within a generous bound of the one at the start;
//! - no task leaks: once the clients are gone, the runtime is back to the tasks it had before;
//! - JWKS fetches stay within what the refresh interval and the refetch rate limit allow.
//!
//! The rotation, on a timeline of the run: key A signs; at 30 % key B is published and, once
//! the verifier has picked it up in its background refresh, clients use B-signed tokens
//! alongside their A-signed ones; at 60 % clients stop using A, then A is removed from the key
//! set, and once the verifier has dropped it, A-signed tokens are sent as *retired* (401).
//!
//! `SOAK_SECONDS` (default 10) sets the length and `SOAK_CLIENTS` (default 50) the clients:
//!
//! ```text
//! SOAK_SECONDS=60 cargo test -p faults --release --test soak -- --nocapture
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use api::{SCOPE_GET, SCOPE_POST};
use cognito_testkit::{KeyKind, TestIssuer, eventually, tamper_payload, tamper_signature};
use cognito_verify::{CognitoVerifier, JwksOptions};
use faults::{Api, Secs, Tally, WAIT, send};
use test_support::unix_now;
use tokio::runtime::Handle;

/// The verified-token cache is kept small so that the valid tokens outnumber it.
const TOKEN_CACHE_CAPACITY: usize = 256;
/// Distinct valid tokens per key.
const VALID_PER_KEY: usize = 400;
/// Distinct tokens of each other kind per key.
const OTHERS_PER_KEY: usize = 16;
const REFRESH: Duration = Duration::from_secs(1);
// Not above REFRESH: a refresh interval below the minimum refetch interval is a configuration error.
const MIN_REFETCH: Duration = Duration::from_secs(1);
/// Resident set growth allowed between the start and the end of the run (connections, buffers
/// and caches filling up on the way to a steady state).
const RSS_GROWTH_LIMIT_KIB: u64 = 64 * 1024;
/// Growth allowed once in the steady state: from the end of the first quarter to the end.
const RSS_STEADY_GROWTH_LIMIT_KIB: u64 = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Valid,
    Expired,
    TamperedSignature,
    TamperedPayload,
    /// Names the current key's `kid` but is signed by another key.
    OtherKey,
    /// Valid, but without the scope the route needs.
    WrongScope,
    /// Signed by a key that was never published.
    UnknownKid,
    /// Signed by a key the issuer has removed from its key set.
    Retired,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Valid,
        Kind::Expired,
        Kind::TamperedSignature,
        Kind::TamperedPayload,
        Kind::OtherKey,
        Kind::WrongScope,
        Kind::UnknownKid,
        Kind::Retired,
    ];

    fn expected(self) -> u16 {
        match self {
            Kind::Valid => 200,
            Kind::WrongScope => 403,
            _ => 401,
        }
    }

    /// Out of 20 requests: half valid, the rest spread over the invalid kinds.
    fn pick(roll: u64) -> Kind {
        match roll % 20 {
            0..10 => Kind::Valid,
            10 | 11 => Kind::Expired,
            12 => Kind::TamperedSignature,
            13 => Kind::TamperedPayload,
            14 => Kind::OtherKey,
            15 | 16 => Kind::WrongScope,
            17 | 18 => Kind::UnknownKid,
            _ => Kind::Retired,
        }
    }
}

/// Where the rotation is; clients choose tokens by it.
mod phase {
    /// Key A signs and is the only key published.
    pub const A: u8 = 1;
    /// Key B is published and known to the verifier: clients use both.
    pub const A_AND_B: u8 = 2;
    /// Clients stop using A; A is still published.
    pub const B_DRAINING_A: u8 = 3;
    /// A is removed and dropped by the verifier: A-signed tokens are retired.
    pub const B: u8 = 4;
}

/// Tokens signed (or claiming to be signed) by one key.
struct KeyTokens {
    valid: Vec<String>,
    expired: Vec<String>,
    other_key: Vec<String>,
    wrong_scope: Vec<String>,
}

impl KeyTokens {
    fn mint(issuer: &TestIssuer, kid: &str, forger_kid: &str, lifetime: Duration) -> KeyTokens {
        let token = || issuer.access_token().scopes([SCOPE_GET]).signed_with_kid(kid).lifetime(lifetime);
        KeyTokens {
            valid: (0..VALID_PER_KEY).map(|_| token().sign()).collect(),
            expired: (0..OTHERS_PER_KEY).map(|_| token().expires_at(unix_now() - 60).sign()).collect(),
            other_key: (0..OTHERS_PER_KEY)
                .map(|_| token().signed_with_kid(forger_kid).kid(kid).sign())
                .collect(),
            wrong_scope: (0..OTHERS_PER_KEY)
                .map(|_| {
                    issuer.access_token().scopes([SCOPE_POST]).signed_with_kid(kid).lifetime(lifetime).sign()
                })
                .collect(),
        }
    }
}

struct Tokens {
    a: KeyTokens,
    b: KeyTokens,
    unknown_kid: Vec<String>,
}

impl Tokens {
    /// The token a client sends for `kind` in `phase`, or `None` when the phase has no such
    /// token (retired ones before A is gone).
    fn choose(&self, kind: Kind, phase: u8, roll: usize) -> Option<&str> {
        let current = if phase == phase::A { &self.a } else { &self.b };
        fn pick(pool: &[String], roll: usize) -> &str {
            &pool[roll % pool.len()]
        }
        Some(match kind {
            Kind::Valid => match phase {
                phase::A => pick(&self.a.valid, roll),
                phase::A_AND_B if roll.is_multiple_of(2) => pick(&self.a.valid, roll),
                _ => pick(&self.b.valid, roll),
            },
            Kind::Expired => pick(&current.expired, roll),
            Kind::TamperedSignature | Kind::TamperedPayload => pick(&current.valid, roll),
            Kind::OtherKey => pick(&current.other_key, roll),
            Kind::WrongScope => pick(&current.wrong_scope, roll),
            Kind::UnknownKid => pick(&self.unknown_kid, roll),
            Kind::Retired if phase == phase::B => pick(&self.a.valid, roll),
            Kind::Retired => return None,
        })
    }
}

/// What the clients and the controller share.
struct Shared {
    phase: AtomicU8,
    stop: AtomicBool,
    /// The phase each client saw when it started its current request.
    seen: Vec<AtomicU8>,
}

/// The resident set of this process, from `/proc/self/status` (0 where there is none).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// A small deterministic generator per client: the same run sends the same sequence.
fn next_roll(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

async fn client(
    id: usize,
    url: String,
    tokens: Arc<Tokens>,
    shared: Arc<Shared>,
    http: reqwest::Client,
) -> Tally<Kind> {
    let mut tally = Tally::default();
    let mut state = 0x9e37_79b9_7f4a_7c15 ^ (id as u64 + 1);
    while !shared.stop.load(Ordering::SeqCst) {
        let phase = shared.phase.load(Ordering::SeqCst);
        shared.seen[id].store(phase, Ordering::SeqCst);
        let roll = next_roll(&mut state);
        let kind = Kind::pick(roll);
        let Some(token) = tokens.choose(kind, phase, (roll >> 8) as usize) else { continue };
        let token = match kind {
            Kind::TamperedSignature => tamper_signature(token),
            Kind::TamperedPayload => tamper_payload(token),
            _ => token.to_owned(),
        };
        tally.record(kind, send(&http, &url, &token).await);
    }
    tally
}

/// What the sampler saw during the run.
#[derive(Debug, Default)]
struct Samples {
    max_cached_tokens: usize,
    max_alive_tasks: usize,
    rss_kib: Vec<u64>,
}

async fn sample(verifier: CognitoVerifier, shared: Arc<Shared>) -> Samples {
    let mut samples = Samples::default();
    let metrics = Handle::current().metrics();
    let mut every = tokio::time::interval(Duration::from_millis(100));
    while !shared.stop.load(Ordering::SeqCst) {
        every.tick().await;
        let cached = verifier.cached_tokens();
        assert!(cached <= TOKEN_CACHE_CAPACITY, "{cached} cached tokens, capacity {TOKEN_CACHE_CAPACITY}");
        samples.max_cached_tokens = samples.max_cached_tokens.max(cached);
        samples.max_alive_tasks = samples.max_alive_tasks.max(metrics.num_alive_tasks());
        samples.rss_kib.push(rss_kib());
    }
    samples
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_with_key_rotation_rejects_no_valid_token_and_accepts_no_invalid_one() {
    let duration = Duration::from_secs(env_or("SOAK_SECONDS", 10));
    let clients = env_or("SOAK_CLIENTS", 50) as usize;
    let lifetime = duration + Duration::from_secs(600);

    let issuer = TestIssuer::start().await;
    let kid_a = issuer.signing_kid();
    // B is generated now so its tokens can be minted up front, and published at 30 %.
    let kid_b = issuer.add_key(KeyKind::Rsa2048);
    issuer.remove_key(&kid_b);
    let never_published = issuer.add_key(KeyKind::Rsa2048);
    issuer.remove_key(&never_published);
    let tokens = Arc::new(Tokens {
        a: KeyTokens::mint(&issuer, &kid_a, &never_published, lifetime),
        b: KeyTokens::mint(&issuer, &kid_b, &never_published, lifetime),
        unknown_kid: (0..OTHERS_PER_KEY)
            .map(|_| issuer.access_token().scopes([SCOPE_GET]).signed_with_kid(&never_published).sign())
            .collect(),
    });
    let options = JwksOptions::default().refresh_interval(REFRESH).min_refetch_interval(MIN_REFETCH);
    let api = Api::start(&issuer, options, TOKEN_CACHE_CAPACITY).await;
    api.verifier.hydrate().await.unwrap();

    let metrics = Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    let rss_start = rss_kib();
    let shared = Arc::new(Shared {
        phase: AtomicU8::new(phase::A),
        stop: AtomicBool::new(false),
        seen: (0..clients).map(|_| AtomicU8::new(0)).collect(),
    });
    let started = Instant::now();
    let http = reqwest::Client::new();
    let running: Vec<_> = (0..clients)
        .map(|id| tokio::spawn(client(id, api.url.clone(), tokens.clone(), shared.clone(), http.clone())))
        .collect();
    drop(http);
    let sampler = tokio::spawn(sample(api.verifier.clone(), shared.clone()));

    // 30 %: publish B; clients use it once the verifier has it (its background refresh).
    tokio::time::sleep_until((started + duration * 3 / 10).into()).await;
    issuer.publish_raw_jwk(issuer.public_jwk(&kid_b).unwrap());
    let probe_b = &tokens.b.valid[0];
    eventually(WAIT, || async { matches!(api.verifier.verify_now(probe_b), Some(Ok(_))) }).await;
    shared.phase.store(phase::A_AND_B, Ordering::SeqCst);
    let b_in_use = started.elapsed();

    // 60 %: clients stop using A; once none has an A request in flight, A is removed, and once
    // the verifier has dropped it, A-signed tokens are sent as retired.
    tokio::time::sleep_until((started + duration * 6 / 10).into()).await;
    shared.phase.store(phase::B_DRAINING_A, Ordering::SeqCst);
    eventually(WAIT, || async {
        shared.seen.iter().all(|seen| seen.load(Ordering::SeqCst) >= phase::B_DRAINING_A)
    })
    .await;
    issuer.remove_key(&kid_a);
    let probe_a = &tokens.a.valid[0];
    eventually(WAIT, || async { api.verifier.verify_now(probe_a).is_none() }).await;
    shared.phase.store(phase::B, Ordering::SeqCst);
    let a_retired = started.elapsed();

    tokio::time::sleep_until((started + duration).into()).await;
    shared.stop.store(true, Ordering::SeqCst);
    let mut tally = Tally::default();
    for client in running {
        tally.merge(client.await.unwrap());
    }
    let elapsed = started.elapsed();
    let samples = sampler.await.unwrap();
    let rss_end = rss_kib();
    let cached_end = api.verifier.cached_tokens();
    // The clients' connections close with their last handle; the server's tasks follow.
    eventually(WAIT, || async { metrics.num_alive_tasks() <= tasks_before }).await;
    let tasks_after = metrics.num_alive_tasks();

    // The figures, then the checks.
    let total = tally.total();
    println!(
        "soak: {} with {clients} clients, {total} requests ({:.0}/s); B in use at {}, A retired at {}",
        Secs(elapsed),
        total as f64 / elapsed.as_secs_f64(),
        Secs(b_in_use),
        Secs(a_retired),
    );
    println!("| kind | requests | statuses | expected |");
    println!("|---|---|---|---|");
    for kind in Kind::ALL {
        let count: u64 = tally.statuses.iter().filter(|((k, _), _)| *k == kind).map(|(_, n)| n).sum();
        println!("| {kind:?} | {count} | {} | {} |", tally.describe(kind), kind.expected());
    }
    println!("transport errors: {}, answers with wrong headers: {}", tally.transport_errors, tally.malformed);
    let fetches = issuer.jwks_requests();
    // Hydrate, the background refresh (due after 80-100 % of its interval), and refetches for
    // unknown kids, each in its interval.
    let per = |interval: Duration| (elapsed.as_secs_f64() / interval.as_secs_f64()).floor() as u64;
    let max_fetches = 3 + per(REFRESH.mul_f64(0.8)) + per(MIN_REFETCH);
    println!("JWKS fetches: {fetches} (≤ {max_fetches})");
    println!(
        "verified-token cache: at most {} entries (capacity {TOKEN_CACHE_CAPACITY}), {cached_end} at the end",
        samples.max_cached_tokens
    );
    let rss_peak = samples.rss_kib.iter().copied().max().unwrap_or(rss_end).max(rss_end);
    let quarter = |q: usize| samples.rss_kib.get((samples.rss_kib.len() * q / 4).saturating_sub(1)).copied();
    let quartiles: Vec<String> = (1..=4).filter_map(quarter).map(mib).collect();
    let rss_first_quarter = quarter(1).unwrap_or(rss_start);
    println!(
        "memory (VmRSS): start {}, end {}, peak {}; at each quarter: {}",
        mib(rss_start),
        mib(rss_end),
        mib(rss_peak),
        quartiles.join(", ")
    );
    println!(
        "tasks alive: {tasks_before} before, at most {} during, {tasks_after} after",
        samples.max_alive_tasks
    );

    assert_eq!(tally.transport_errors, 0, "every request is answered");
    assert_eq!(tally.malformed, 0, "every refusal carries the headers of its status");
    for kind in Kind::ALL {
        let statuses: BTreeSet<u16> = tally.statuses_of(kind).into_iter().collect();
        let expected = BTreeSet::from([kind.expected()]);
        assert_eq!(statuses, expected, "{kind:?} got {}", tally.describe(kind));
    }
    assert!(fetches <= max_fetches, "{fetches} JWKS fetches in {elapsed:?}, at most {max_fetches}");
    assert!(cached_end <= TOKEN_CACHE_CAPACITY);
    assert!(
        samples.max_cached_tokens > TOKEN_CACHE_CAPACITY / 2,
        "the cache was exercised: {} entries at most",
        samples.max_cached_tokens
    );
    assert!(
        rss_end <= rss_start + RSS_GROWTH_LIMIT_KIB,
        "resident set grew from {} to {}",
        mib(rss_start),
        mib(rss_end)
    );
    assert!(
        rss_end <= rss_first_quarter + RSS_STEADY_GROWTH_LIMIT_KIB,
        "resident set grew from {} after the first quarter to {}",
        mib(rss_first_quarter),
        mib(rss_end)
    );
    assert!(tasks_after <= tasks_before);
}
