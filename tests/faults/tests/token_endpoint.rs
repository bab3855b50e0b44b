//! The `/oauth2/token` endpoint failing under `cognito-client`, one test per fault × phase:
//!
//! - **at start-up** no token is cached and 50 callers ask for one at once. They share one
//!   fetch: all get the same answer (the token after retries, or the same typed error), and the
//!   endpoint sees exactly the requests of one fetch: `failures + 1` when it heals by itself,
//!   `max_attempts` (3) for a transient failure that lasts, 1 for a fatal one.
//! - **while serving** a token is cached and due for its background refresh, which meets the
//!   fault. Callers keep getting a valid token and never an error, background attempts are
//!   spaced by the maximum backoff, and only once the cached token is stale do callers see the
//!   failure. When the endpoint heals, a new token comes.
//!
//! The tests run on a current-thread runtime so that 50 spawned callers all join the fetch the
//! first one starts (no caller can run after it finished), which makes request counts exact.
//! Each test prints its row of the fault table (`--nocapture`).
//!
//! Single-caller versions at start-up are in `crates/cognito-client/tests/failures.rs` (500,
//! 429 and a dropped connection retried; 503 / 502 exhausting the retries; timeouts; garbage,
//! oversized and 404 not retried; `invalid_client`, `invalid_scope`, `unauthorized_client`),
//! and a failed background refresh (500) in `crates/cognito-client/tests/caching.rs`.

use std::time::{Duration, Instant};

use cognito_client::{AccessToken, ClientCredentials, OAuthErrorCode, TokenError};
use cognito_testkit::{ClientRegistration, Fault, TestIssuer, eventually};
use faults::{Secs, WAIT};
use reqwest::StatusCode;

const CLIENT_ID: &str = "m2m-client";
const SECRET: &str = "m2m-secret";
const SCOPE: &str = "transactions/post";
const CALLERS: usize = 50;
const MAX_ATTEMPTS: u64 = 3;
const BACKOFF: Duration = Duration::from_millis(20);
const MAX_BACKOFF: Duration = Duration::from_millis(100);
const TIMEOUT: Duration = Duration::from_millis(200);
const MAX_RESPONSE_BYTES: usize = 4096;
/// How long a failed fetch is remembered (callers get its error without a request) in the
/// start-up and serving tests.
const FAILURE_WINDOW: Duration = Duration::from_millis(50);
/// Lifetime of the tokens cached while serving: used for 2 s, refreshed in the background from
/// 1 s (no expiry margin; refresh-ahead capped at half the usable time).
const SHORT_LIFETIME: Duration = Duration::from_secs(2);

type Outcome = Result<AccessToken, TokenError>;

/// A failure of the token endpoint: for the first `n` requests, or (`None`) until healed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenFault {
    Status(u16, Option<u64>),
    /// Answers only after five times the request timeout.
    Hang(Option<u64>),
    CloseConnection(Option<u64>),
    Garbage,
    Oversized,
    /// The app client's secret was changed at the IdP.
    InvalidClient,
}

impl TokenFault {
    fn name(self) -> String {
        let times = |n: Option<u64>| n.map_or("always".to_owned(), |n| format!("×{n} then OK"));
        match self {
            TokenFault::Status(code, n) => format!("HTTP {code} {}", times(n)),
            TokenFault::Hang(n) => format!("hang > timeout {}", times(n)),
            TokenFault::CloseConnection(n) => format!("connection closed {}", times(n)),
            TokenFault::Garbage => "garbage body".to_owned(),
            TokenFault::Oversized => "oversized body".to_owned(),
            TokenFault::InvalidClient => "invalid_client (secret changed)".to_owned(),
        }
    }

    /// Requests one fetch makes, retries included.
    fn requests_per_fetch(self) -> u64 {
        match self {
            TokenFault::Status(_, Some(n))
            | TokenFault::Hang(Some(n))
            | TokenFault::CloseConnection(Some(n)) => n + 1,
            TokenFault::Status(..) | TokenFault::Hang(None) | TokenFault::CloseConnection(None) => {
                MAX_ATTEMPTS
            }
            TokenFault::Garbage | TokenFault::Oversized | TokenFault::InvalidClient => 1,
        }
    }

    /// The endpoint heals by itself within one fetch's retries.
    fn heals_within_retries(self) -> bool {
        matches!(
            self,
            TokenFault::Status(_, Some(_)) | TokenFault::Hang(Some(_)) | TokenFault::CloseConnection(Some(_))
        )
    }

    /// Whether `outcome` is what a caller should get while the fault lasts.
    /// A remembered failure ([`TokenError::RecentFailure`]) counts as the error it remembers.
    fn expected(self, outcome: &Outcome) -> bool {
        let attempts = MAX_ATTEMPTS as u32;
        match (self, outcome.as_ref().map_err(TokenError::cause)) {
            (fault, Ok(_)) => fault.heals_within_retries(),
            (TokenFault::Status(code, None), Err(TokenError::Status { status, attempts: a, .. })) => {
                status.as_u16() == code && *a == attempts
            }
            (TokenFault::Hang(None), Err(err)) => *err == TokenError::Timeout { attempts },
            (TokenFault::CloseConnection(None), Err(TokenError::Unreachable { attempts: a, .. })) => {
                *a == attempts
            }
            (TokenFault::Garbage, Err(err)) => *err == TokenError::MalformedResponse("not JSON".into()),
            (TokenFault::Oversized, Err(err)) => {
                *err == TokenError::ResponseTooLarge { limit: MAX_RESPONSE_BYTES }
            }
            (TokenFault::InvalidClient, Err(err)) => {
                *err == TokenError::OAuth {
                    error: OAuthErrorCode::InvalidClient,
                    description: None,
                    status: StatusCode::UNAUTHORIZED,
                }
            }
            _ => false,
        }
    }

    fn begin(self, issuer: &TestIssuer, lifetime: Duration) {
        let always = |fault: Fault, n: Option<u64>| match n {
            Some(n) => issuer.set_token_fault_for(fault, n),
            None => issuer.set_token_fault(Some(fault)),
        };
        match self {
            TokenFault::Status(code, n) => always(Fault::Status(code), n),
            TokenFault::Hang(n) => always(Fault::Delay(TIMEOUT * 5), n),
            TokenFault::CloseConnection(n) => always(Fault::CloseConnection, n),
            TokenFault::Garbage => issuer.set_token_fault(Some(Fault::Garbage)),
            TokenFault::Oversized => issuer.set_token_fault(Some(Fault::Oversized(25 * MAX_RESPONSE_BYTES))),
            TokenFault::InvalidClient => issuer.register_client(client("rotated-secret", lifetime)),
        }
    }

    fn heal(self, issuer: &TestIssuer, lifetime: Duration) {
        issuer.set_token_fault(None);
        issuer.register_client(client(SECRET, lifetime));
    }
}

fn client(secret: &str, lifetime: Duration) -> ClientRegistration {
    ClientRegistration::new(CLIENT_ID, secret).scopes([SCOPE]).token_lifetime(lifetime)
}

async fn issuer(lifetime: Duration) -> TestIssuer {
    TestIssuer::builder().client(client(SECRET, lifetime)).start().await
}

/// The provider under test, with failures remembered for [`FAILURE_WINDOW`] only, so that the
/// healed endpoint is asked again soon.
fn provider(issuer: &TestIssuer) -> ClientCredentials {
    builder(issuer).failure_backoff(FAILURE_WINDOW, FAILURE_WINDOW).build().unwrap()
}

fn builder(issuer: &TestIssuer) -> cognito_client::ClientCredentialsBuilder {
    ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes([SCOPE])
        .max_attempts(MAX_ATTEMPTS as u32)
        .backoff(BACKOFF, MAX_BACKOFF)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_response_bytes(MAX_RESPONSE_BYTES)
        .expiry_margin(Duration::ZERO)
}

/// `CALLERS` tasks asking for a token at once; their outcomes.
async fn at_once(tokens: &ClientCredentials) -> Vec<Outcome> {
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let tokens = tokens.clone();
            tokio::spawn(async move { tokens.access_token().await })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(CALLERS);
    for caller in callers {
        outcomes.push(caller.await.unwrap());
    }
    outcomes
}

/// The one outcome every caller got.
fn same_for_all(outcomes: Vec<Outcome>) -> Outcome {
    let first = outcomes[0].clone();
    assert!(outcomes.iter().all(|outcome| *outcome == first), "callers got different answers: {outcomes:?}");
    first
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Ok(_) => "Ok(token)".to_owned(),
        Err(TokenError::Unreachable { attempts, .. }) => format!("Unreachable {{ attempts: {attempts} }}"),
        Err(TokenError::Status { status, attempts, .. }) => {
            format!("Status {{ {}, attempts: {attempts} }}", status.as_u16())
        }
        Err(TokenError::OAuth { error, status, .. }) => format!("OAuth {{ {error}, {} }}", status.as_u16()),
        Err(err) => format!("{err:?}"),
    }
}

/// No token is cached: 50 callers at once share one fetch that meets the fault.
async fn at_start_up(fault: TokenFault) {
    let lifetime = Duration::from_secs(3600);
    let issuer = issuer(lifetime).await;
    let tokens = provider(&issuer);
    fault.begin(&issuer, lifetime);

    let started = Instant::now();
    let outcome = same_for_all(at_once(&tokens).await);
    let took = started.elapsed();
    assert!(fault.expected(&outcome), "{fault:?}: unexpected {outcome:?}");
    let requests = issuer.token_requests();
    assert_eq!(requests, fault.requests_per_fetch(), "requests for {CALLERS} callers");
    assert_eq!(tokens.token_requests(), requests);

    fault.heal(&issuer, lifetime);
    // Callers get the remembered failure (no request) until its window ends, then one fetches.
    eventually(WAIT, || async { tokens.access_token().await.is_ok() }).await;
    let after_heal = issuer.token_requests() - requests;
    assert_eq!(after_heal, u64::from(outcome.is_err()), "a token is fetched once, then cached");
    println!(
        "| {} | start-up, {CALLERS} callers | {} after {} | {requests} | healed: Ok, {after_heal} more request(s) |",
        fault.name(),
        describe(&outcome),
        Secs(took),
    );
}

/// What callers got while the cached token was still usable.
#[derive(Debug, Default)]
struct Window {
    calls: u64,
    errors: u64,
    refreshed: u64,
}

/// `CALLERS` callers asking for a token every 10 ms until `until`.
async fn callers_until(tokens: &ClientCredentials, first: &AccessToken, until: Instant) -> Window {
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (tokens, first) = (tokens.clone(), first.clone());
            tokio::spawn(async move {
                let mut window = Window::default();
                while Instant::now() < until {
                    match tokens.access_token().await {
                        Ok(token) => window.refreshed += u64::from(token != first),
                        Err(_) => window.errors += 1,
                    }
                    window.calls += 1;
                    // Paces the load; nothing waits for a state here.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                window
            })
        })
        .collect();
    let mut total = Window::default();
    for caller in callers {
        let window = caller.await.unwrap();
        total.calls += window.calls;
        total.errors += window.errors;
        total.refreshed += window.refreshed;
    }
    total
}

/// A token is cached; its background refresh meets the fault while callers keep calling.
async fn while_serving(fault: TokenFault) {
    let issuer = issuer(SHORT_LIFETIME).await;
    let tokens = provider(&issuer);
    let first = tokens.access_token().await.unwrap();
    fault.begin(&issuer, SHORT_LIFETIME);

    let started = Instant::now();
    let window = callers_until(&tokens, &first, first.expires_at() - Duration::from_millis(200)).await;
    let elapsed = started.elapsed();
    assert_eq!(window.errors, 0, "no caller sees the failure while the cached token is usable: {window:?}");
    let refresh_requests = issuer.token_requests() - 1;
    // Background attempts: one fetch (≤ its requests), then one per maximum backoff after each
    // failed one.
    let fetches = 1 + (elapsed.as_secs_f64() / MAX_BACKOFF.as_secs_f64()).floor() as u64;
    let bound = fault.requests_per_fetch() * fetches;
    assert!(
        refresh_requests <= bound,
        "{refresh_requests} background requests in {elapsed:?}, at most {bound}"
    );

    // Until the instant the provider stops handing out the cached token (no expiry margin): from
    // then on callers wait for a fetch and see its outcome.
    tokio::time::sleep_until(first.expires_at().into()).await;
    let before_stale = issuer.token_requests();
    let outcome = same_for_all(at_once(&tokens).await);
    let stale_requests = issuer.token_requests() - before_stale;
    assert!(fault.expected(&outcome), "{fault:?}: unexpected {outcome:?} once the cached token is stale");
    if let Ok(token) = &outcome {
        assert_ne!(*token, first, "the refreshed token");
    }
    // The fetch may have begun in the background before the token went stale.
    assert!(stale_requests <= fault.requests_per_fetch(), "{stale_requests} requests for the stale callers");
    if fault.heals_within_retries() {
        // The background refresh (done, or joined by the stale callers) was the only fetch.
        assert_eq!(issuer.token_requests(), 1 + fault.requests_per_fetch(), "one background fetch, retried");
    }

    fault.heal(&issuer, SHORT_LIFETIME);
    eventually(WAIT, || async { tokens.access_token().await.is_ok_and(|token| token != first) }).await;
    println!(
        "| {} | serving, {CALLERS} callers | {} calls, {} errors, {} got the refreshed token; once stale: {} | {refresh_requests} in {} (≤ {bound}) + {stale_requests} | healed: Ok |",
        fault.name(),
        window.calls,
        window.errors,
        window.refreshed,
        describe(&outcome),
        Secs(elapsed),
    );
}

/// One test per fault in each phase, named after the fault.
macro_rules! fault_matrix {
    ($($name:ident => $fault:expr,)*) => {
        mod at_start_up {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    at_start_up($fault).await;
                }
            )*
        }
        mod while_serving {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    while_serving($fault).await;
                }
            )*
        }
    };
}

fault_matrix! {
    http_500_twice_is_retried => TokenFault::Status(500, Some(2)),
    http_429_twice_is_retried => TokenFault::Status(429, Some(2)),
    http_503_twice_is_retried => TokenFault::Status(503, Some(2)),
    http_503_always_exhausts_the_retries => TokenFault::Status(503, None),
    hang_once_times_out_and_is_retried => TokenFault::Hang(Some(1)),
    hang_always_times_out => TokenFault::Hang(None),
    connection_closed_once_is_retried => TokenFault::CloseConnection(Some(1)),
    connection_closed_always_is_unreachable => TokenFault::CloseConnection(None),
    garbage_body_is_malformed_and_not_retried => TokenFault::Garbage,
    oversized_body_is_refused_and_not_retried => TokenFault::Oversized,
    invalid_client_is_not_retried => TokenFault::InvalidClient,
}

/// Callers that keep asking during a lasting outage at start-up, `ROUNDS` times each, with the
/// default failure backoff (1 s): the first fetch is shared by all the callers waiting, and its
/// failure is remembered, so every later round gets it without a request. The endpoint sees one
/// fetch's requests however many callers and rounds there are (issue 12: before failures were
/// remembered, one fetch per round).
async fn sustained(fault: TokenFault) {
    const ROUNDS: u64 = 10;
    let lifetime = Duration::from_secs(3600);
    let issuer = issuer(lifetime).await;
    let tokens = builder(&issuer).build().unwrap();
    fault.begin(&issuer, lifetime);
    let started = Instant::now();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let tokens = tokens.clone();
            tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    let outcome = tokens.access_token().await;
                    assert!(fault.expected(&outcome), "{fault:?}: unexpected {outcome:?}");
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    let elapsed = started.elapsed();
    let requests = issuer.token_requests();
    assert!(elapsed < Duration::from_secs(1), "the rounds outlasted the failure window: {elapsed:?}");
    assert_eq!(
        requests,
        fault.requests_per_fetch(),
        "one fetch for all {CALLERS} callers and {ROUNDS} rounds"
    );
    println!(
        "| {} | start-up, {CALLERS} callers × {ROUNDS} calls | every call: {} | {requests} in {} ({:.0} requests/s) | — |",
        fault.name(),
        describe(&tokens.access_token().await),
        Secs(elapsed),
        requests as f64 / elapsed.as_secs_f64(),
    );
}

#[tokio::test]
async fn callers_in_a_loop_during_a_lasting_503_share_one_fetch_and_its_remembered_failure() {
    sustained(TokenFault::Status(503, None)).await;
}

#[tokio::test]
async fn callers_in_a_loop_during_invalid_client_share_one_fetch_and_its_remembered_failure() {
    sustained(TokenFault::InvalidClient).await;
}
