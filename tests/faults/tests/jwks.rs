//! The JWKS endpoint failing, at start-up and while serving 50 concurrent clients through the
//! layer (`examples/api`: `CognitoLayer` + a scope guard), one test per fault × phase:
//!
//! - **at start-up** no key set was ever fetched. Callers get 503 with `Retry-After` (or 401
//!   when the endpoint works but lacks the token's `kid`), fetches are spaced by the backoff,
//!   and once the endpoint heals the same token gets 200.
//! - **while serving** keys were fetched, then the issuer starts signing with a new key that
//!   the failing endpoint can't deliver. Tokens of the known `kid` keep getting 200 from the last
//!   good key set, tokens of the new `kid` get 401 (never 503), refetches stay within the rate
//!   limit and backoff, and once the endpoint heals the new `kid` gets 200.
//!
//! Fetch bounds are derived from the configured intervals and the elapsed time (see
//! [`max_fetches`]). Each test prints its row of the fault table; to see them all:
//! `cargo test -p faults --test jwks -- --nocapture --test-threads 1 | grep '^|'`.
//!
//! Single-request versions of several faults, asserting the `VerifyError` kinds, are in
//! `crates/cognito-verify/tests/jwks.rs`; the layer and gRPC during a 500 outage in
//! `tests/e2e/tests/jwks_outage.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use api::SCOPE_GET;
use cognito_testkit::{Fault, KeyKind, TestIssuer, eventually};
use cognito_verify::JwksOptions;
use faults::{Api, Secs, Tally, WAIT, send};
use tokio::task::JoinHandle;

/// Concurrent HTTP clients during a fault.
const CLIENTS: usize = 50;
/// How long they call the API while the fault lasts.
const LOAD: Duration = Duration::from_millis(800);

const MIN_REFETCH: Duration = Duration::from_millis(500);
const BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_millis(300);
/// Background refresh: out of the way, except for flapping where it keeps fetching.
const REFRESH: Duration = Duration::from_secs(3600);
const FLAPPING_REFRESH: Duration = Duration::from_millis(100);
const MAX_JWKS_BYTES: usize = 64 * 1024;

/// A failure of the JWKS endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JwksFault {
    Status(u16),
    /// Answers only after seven times the fetch timeout.
    Hang,
    CloseConnection,
    Garbage,
    /// A well-formed JWKS document four times the size limit.
    Oversized,
    /// The endpoint works, but the key set lacks the `kid` the tokens are signed with.
    MissingKid,
    /// Every other request fails with 500.
    Flapping,
}

impl JwksFault {
    fn name(self) -> String {
        match self {
            JwksFault::Status(code) => format!("HTTP {code}"),
            JwksFault::Hang => format!("hang > timeout ({} ms)", TIMEOUT.as_millis()),
            JwksFault::CloseConnection => "connection closed".to_owned(),
            JwksFault::Garbage => "garbage body".to_owned(),
            JwksFault::Oversized => {
                format!("oversized ({} KiB > {} KiB)", 4 * MAX_JWKS_BYTES / 1024, MAX_JWKS_BYTES / 1024)
            }
            JwksFault::MissingKid => "key set without the kid".to_owned(),
            JwksFault::Flapping => "flapping 500 / 200".to_owned(),
        }
    }

    fn refresh_interval(self) -> Duration {
        if self == JwksFault::Flapping { FLAPPING_REFRESH } else { REFRESH }
    }

    /// `MIN_REFETCH`, or the refresh interval when shorter (a refresh interval below the minimum
    /// refetch interval is a configuration error).
    fn min_refetch(self) -> Duration {
        MIN_REFETCH.min(self.refresh_interval())
    }

    fn options(self) -> JwksOptions {
        JwksOptions::default()
            .min_refetch_interval(self.min_refetch())
            .backoff(BACKOFF, MAX_BACKOFF)
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .refresh_interval(self.refresh_interval())
            .max_response_bytes(MAX_JWKS_BYTES)
    }
}

/// The most fetches the cache may start in `elapsed` under `fault`:
///
/// - fetches never overlap, and one that fails is followed by at least the initial backoff, so
///   when every fetch fails there are at most `1 + elapsed / backoff`;
/// - when every fetch succeeds but lacks the `kid`: the first fetch (no keys yet), then one
///   refetch per `min_refetch_interval` for the unknown `kid`, plus the background refresh;
/// - flapping mixes both: fetches after a failure (≤ `elapsed / backoff`), refetches for
///   unknown `kid`s (≤ `1 + elapsed / min_refetch`), background refreshes after a success
///   (≤ `1 + elapsed / (0.8 × refresh_interval)`: a refresh is due after a random 80-100 % of
///   the interval), and the first one.
fn max_fetches(fault: JwksFault, elapsed: Duration) -> u64 {
    let per = |interval: Duration| (elapsed.as_secs_f64() / interval.as_secs_f64()).floor() as u64;
    // The earliest a background refresh may come (see JwksOptions: 80-100 % of the interval).
    let refresh = fault.refresh_interval().mul_f64(0.8);
    match fault {
        JwksFault::MissingKid => 2 + per(fault.min_refetch()) + per(refresh),
        JwksFault::Flapping => 3 + per(BACKOFF) + per(fault.min_refetch()) + per(refresh),
        _ => 1 + per(BACKOFF),
    }
}

/// A fault in place, with the key whose tokens need the faulted endpoint.
struct Outage {
    issuer: TestIssuer,
    fault: JwksFault,
    /// A key generated for the outage: published (but out of reach behind the fault), or for
    /// [`JwksFault::MissingKid`] left out of the key set until the endpoint heals.
    new_kid: String,
    flapper: Option<JoinHandle<()>>,
}

impl Outage {
    fn begin(issuer: &TestIssuer, fault: JwksFault) -> Outage {
        let new_kid = issuer.add_key(KeyKind::Rsa2048);
        let testkit_fault = match fault {
            JwksFault::Status(code) => Some(Fault::Status(code)),
            JwksFault::Hang => Some(Fault::Delay(TIMEOUT * 7)),
            JwksFault::CloseConnection => Some(Fault::CloseConnection),
            JwksFault::Garbage => Some(Fault::Garbage),
            JwksFault::Oversized => Some(Fault::Oversized(4 * MAX_JWKS_BYTES)),
            JwksFault::MissingKid | JwksFault::Flapping => None,
        };
        issuer.set_jwks_fault(testkit_fault);
        let mut flapper = None;
        match fault {
            JwksFault::MissingKid => issuer.remove_key(&new_kid),
            JwksFault::Flapping => {
                // The first request fails; armed here so no request can slip in before.
                issuer.set_jwks_fault_for(Fault::Status(500), 1);
                flapper = Some(tokio::spawn(flap(issuer.clone())));
            }
            _ => {}
        }
        Outage { issuer: issuer.clone(), fault, new_kid, flapper }
    }

    fn heal(&mut self) {
        if let Some(flapper) = self.flapper.take() {
            flapper.abort();
        }
        self.issuer.set_jwks_fault(None);
        if self.fault == JwksFault::MissingKid {
            self.issuer.publish_raw_jwk(self.issuer.public_jwk(&self.new_kid).unwrap());
        }
    }

    /// A token the API should accept once the endpoint delivers the new key.
    fn new_kid_token(&self) -> String {
        self.issuer.access_token().scopes([SCOPE_GET]).signed_with_kid(&self.new_kid).sign()
    }
}

/// Makes every other JWKS request fail: one 500, then at least one good answer, and so on.
async fn flap(issuer: TestIssuer) {
    loop {
        let served = issuer.jwks_requests();
        // Polls the counter (the issuer has no notification); the task is aborted on heal.
        while issuer.jwks_requests() < served + 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        issuer.set_jwks_fault_for(Fault::Status(500), 1);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kid {
    /// Signed with a key the verifier fetched before the fault.
    Known,
    /// Signed with the outage's new key.
    New,
}

/// `CLIENTS` clients calling `url` for `LOAD`, alternating known-kid and new-kid tokens (only
/// new-kid ones when `known` is empty).
async fn load(url: &str, known: &[String], new: &[String]) -> Tally<Kid> {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + LOAD;
    let (known, new): (Arc<[String]>, Arc<[String]>) = (known.into(), new.into());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (http, url, known, new) = (http.clone(), url.to_owned(), known.clone(), new.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut accepted = [false; 2];
                let mut i = client;
                while Instant::now() < deadline {
                    let kind = if known.is_empty() || i % 2 == 1 { Kid::New } else { Kid::Known };
                    let pool = if kind == Kid::Known { &known } else { &new };
                    let reply = send(&http, &url, &pool[i % pool.len()]).await;
                    if let Ok(reply) = &reply {
                        let seen = &mut accepted[kind as usize];
                        tally.regressions += u64::from(*seen && reply.status != 200);
                        *seen |= reply.status == 200;
                    }
                    tally.record(kind, reply);
                    i += 1;
                }
                tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for client in clients {
        tally.merge(client.await.unwrap());
    }
    tally
}

/// Heals the outage and waits until a new-kid token gets 200. Returns the time it took and the
/// fetches it cost.
async fn recover(outage: &mut Outage, api: &Api) -> (Duration, u64) {
    let http = reqwest::Client::new();
    let token = outage.new_kid_token();
    let before = outage.issuer.jwks_requests();
    let healed_at = Instant::now();
    outage.heal();
    eventually(WAIT, || async { send(&http, &api.url, &token).await.unwrap().status == 200 }).await;
    let took = healed_at.elapsed();
    let fetches = outage.issuer.jwks_requests() - before;
    // One fetch may have been under way with the fault when it healed; the next one succeeds.
    // With flapping, the background refresh keeps going meanwhile.
    let bound = 2 + (took.as_secs_f64() / (0.8 * outage.fault.refresh_interval().as_secs_f64())) as u64;
    assert!(fetches <= bound, "{fetches} fetches to recover in {took:?}, at most {bound} expected");
    (took, fetches)
}

/// Fetches in the window, checked against [`max_fetches`], as `"3 in 0.85 s (≤ 4)"`.
fn check_fetches(fault: JwksFault, issuer_count: u64, verifier_count: u64, elapsed: Duration) -> String {
    let bound = max_fetches(fault, elapsed);
    assert!(
        issuer_count <= bound,
        "the issuer saw {issuer_count} JWKS requests in {elapsed:?}, at most {bound} allowed"
    );
    assert!(
        verifier_count <= bound,
        "the verifier started {verifier_count} fetches in {elapsed:?}, at most {bound} allowed"
    );
    format!("{issuer_count} in {} (≤ {bound})", Secs(elapsed))
}

fn assert_clean(tally: &Tally<Kid>) {
    assert_eq!(tally.transport_errors, 0, "requests without an answer: {tally:?}");
    assert_eq!(tally.malformed, 0, "answers without the headers their status needs: {tally:?}");
    assert_eq!(tally.regressions, 0, "a client got 200, then a failure for the same kid: {tally:?}");
}

/// No key set was ever fetched when the endpoint starts failing.
async fn at_start_up(fault: JwksFault) {
    let issuer = TestIssuer::start().await;
    let api = Api::start(&issuer, fault.options(), 4096).await;
    let mut outage = Outage::begin(&issuer, fault);
    let new: Vec<String> = (0..8).map(|_| outage.new_kid_token()).collect();

    let started = Instant::now();
    let tally = load(&api.url, &[], &new).await;
    let fetches =
        check_fetches(fault, issuer.jwks_requests(), api.verifier.jwks_fetches(), started.elapsed());

    assert_clean(&tally);
    let expected: &[u16] = match fault {
        JwksFault::MissingKid => &[401],
        JwksFault::Flapping => &[200, 503],
        _ => &[503],
    };
    let got = tally.statuses_of(Kid::New);
    assert!(!got.is_empty() && got.iter().all(|s| expected.contains(s)), "expected {expected:?}: {tally:?}");

    let (took, recovery_fetches) = recover(&mut outage, &api).await;
    println!(
        "| {} | start-up | {} | {fetches} | 200 after {}, {recovery_fetches} fetch(es) |",
        fault.name(),
        tally.describe(Kid::New),
        Secs(took)
    );
}

/// Keys were fetched; then the issuer signs with a key only the failing endpoint could deliver.
async fn while_serving(fault: JwksFault) {
    let issuer = TestIssuer::start().await;
    let api = Api::start(&issuer, fault.options(), 4096).await;
    let known: Vec<String> = (0..8).map(|_| issuer.access_token().scopes([SCOPE_GET]).sign()).collect();
    let http = reqwest::Client::new();
    assert_eq!(send(&http, &api.url, &known[0]).await.unwrap().status, 200);

    let mut outage = Outage::begin(&issuer, fault);
    let new: Vec<String> = (0..8).map(|_| outage.new_kid_token()).collect();
    let (requests_before, fetches_before) = (issuer.jwks_requests(), api.verifier.jwks_fetches());
    let started = Instant::now();
    let tally = load(&api.url, &known, &new).await;
    let fetches = check_fetches(
        fault,
        issuer.jwks_requests() - requests_before,
        api.verifier.jwks_fetches() - fetches_before,
        started.elapsed(),
    );

    assert_clean(&tally);
    assert_eq!(tally.statuses_of(Kid::Known), [200], "known kids keep verifying: {tally:?}");
    let expected: &[u16] = if fault == JwksFault::Flapping { &[200, 401] } else { &[401] };
    let got = tally.statuses_of(Kid::New);
    assert!(!got.is_empty() && got.iter().all(|s| expected.contains(s)), "expected {expected:?}: {tally:?}");

    let (took, recovery_fetches) = recover(&mut outage, &api).await;
    println!(
        "| {} | serving | known kid: {}; new kid: {} | {fetches} | 200 after {}, {recovery_fetches} fetch(es) |",
        fault.name(),
        tally.describe(Kid::Known),
        tally.describe(Kid::New),
        Secs(took)
    );
}

/// One test per fault in each phase, named after the fault.
macro_rules! fault_matrix {
    ($($name:ident => $fault:expr,)*) => {
        mod at_start_up {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    at_start_up($fault).await;
                }
            )*
        }
        mod while_serving {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    while_serving($fault).await;
                }
            )*
        }
    };
}

fault_matrix! {
    http_500 => JwksFault::Status(500),
    http_404 => JwksFault::Status(404),
    http_429 => JwksFault::Status(429),
    hang_past_the_timeout => JwksFault::Hang,
    connection_closed => JwksFault::CloseConnection,
    garbage_body => JwksFault::Garbage,
    oversized_body => JwksFault::Oversized,
    key_set_without_the_kid => JwksFault::MissingKid,
    flapping => JwksFault::Flapping,
}
