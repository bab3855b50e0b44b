//! Issue 20 §6 and issue 21 §2: Cognito's quota on JWKS downloads. A 429 keeps the last good
//! keys and holds fetches back for its `Retry-After` (or `min_refetch_interval` without one),
//! capped by `max_retry_after`; background refreshes are spread over 80-100 % of the refresh
//! interval; unknown-`kid` refetches can be spread over `unknown_kid_refetch_spread`.

use std::time::{Duration, Instant};

use cognito_testkit::{JwksQuota, TestIssuer, eventually};
use cognito_verify::{CognitoVerifier, JwksOptions, VerifyError};

const MS: fn(u64) -> Duration = Duration::from_millis;

/// Spend the quota's burst with one request of our own, so the verifier's next fetch gets 429.
async fn drain_quota(issuer: &TestIssuer) {
    let status = reqwest::get(issuer.jwks_url()).await.unwrap().status();
    assert_eq!(status, 200, "the burst admits the first request");
}

fn verifier(issuer: &TestIssuer, options: JwksOptions) -> CognitoVerifier {
    issuer.access_verifier().jwks_options(options).build().unwrap()
}

/// Fast retries everywhere, so that only the 429 rule holds fetches back.
fn eager() -> JwksOptions {
    JwksOptions::default()
        .refresh_interval(Duration::from_secs(60))
        .min_refetch_interval(MS(100))
        .backoff(MS(100), MS(200))
}

#[tokio::test]
async fn jwks_429_with_retry_after_keeps_last_good_keys_and_waits() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, eager());
    let old_kid = issuer.signing_kid();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    issuer.set_jwks_quota(Some(JwksQuota::per_second(0.001).burst(1).retry_after(Duration::from_secs(2))));
    drain_quota(&issuer).await;
    issuer.reset_counters();

    let new_kid = issuer.rotate_key();
    let rotated = issuer.access_token().sign();
    let throttled_at = Instant::now();
    let err = verifier.verify(&rotated).await.unwrap_err();
    assert_eq!(err, VerifyError::UnknownKid { kid: new_kid.clone() });
    assert_eq!((issuer.jwks_requests(), issuer.jwks_refused()), (1, 1));

    // For the Retry-After: the last good keys keep verifying, and no fetch starts, neither for
    // the unknown kid nor in the background.
    let mut ticks = tokio::time::interval(MS(100));
    while throttled_at.elapsed() < MS(1800) {
        ticks.tick().await;
        let old = issuer.access_token().signed_with_kid(&old_kid).sign();
        verifier.verify(&old).await.unwrap();
        let _ = verifier.verify(&rotated).await;
        assert_eq!(issuer.jwks_requests(), 1, "a fetch started {:?} after the 429", throttled_at.elapsed());
    }

    issuer.set_jwks_quota(None);
    eventually(Duration::from_secs(5), || async { verifier.verify(&rotated).await.is_ok() }).await;
    assert!(throttled_at.elapsed() >= Duration::from_secs(2), "{:?}", throttled_at.elapsed());
    assert_eq!(issuer.jwks_requests(), 2);
}

#[tokio::test]
async fn jwks_429_without_retry_after_keeps_last_good_keys_and_waits_the_refetch_interval() {
    let issuer = TestIssuer::start().await;
    // The refresh is due right away; an ordinary failure would be retried after 100 ms.
    let options = JwksOptions::default()
        .refresh_interval(Duration::from_secs(2))
        .min_refetch_interval(Duration::from_secs(2))
        .backoff(MS(100), MS(200));
    let verifier = verifier(&issuer, options);
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    issuer.set_jwks_quota(Some(JwksQuota::per_second(0.001).burst(1)));
    drain_quota(&issuer).await;
    issuer.reset_counters();

    // The background refresh meets the quota (within 2 s of the first fetch).
    eventually(Duration::from_secs(5), || async { issuer.jwks_refused() == 1 }).await;
    let throttled_at = Instant::now();
    let mut ticks = tokio::time::interval(MS(100));
    while throttled_at.elapsed() < MS(1500) {
        ticks.tick().await;
        verifier.verify(&issuer.access_token().sign()).await.unwrap();
        assert_eq!(issuer.jwks_requests(), 1, "a fetch started {:?} after the 429", throttled_at.elapsed());
    }
    issuer.set_jwks_quota(None);
    eventually(Duration::from_secs(5), || async { issuer.jwks_requests() == 2 }).await;
    assert!(throttled_at.elapsed() >= Duration::from_secs(2) - MS(100), "{:?}", throttled_at.elapsed());
}

#[tokio::test]
async fn jwks_429_retry_after_is_capped_by_max_retry_after() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, eager().max_retry_after(MS(500)));
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    issuer
        .set_jwks_quota(Some(JwksQuota::per_second(0.001).burst(1).retry_after(Duration::from_secs(86_400))));
    drain_quota(&issuer).await;
    let new_kid = issuer.rotate_key();
    let rotated = issuer.access_token().sign();
    assert_eq!(verifier.verify(&rotated).await.unwrap_err(), VerifyError::UnknownKid { kid: new_kid });
    issuer.set_jwks_quota(None);
    // A day asked for, half a second (plus jitter) waited.
    let lifted = Instant::now();
    eventually(Duration::from_secs(5), || async { verifier.verify(&rotated).await.is_ok() }).await;
    assert!(lifted.elapsed() < Duration::from_secs(3), "{:?}", lifted.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_refreshes_of_replicas_started_together_are_spread_over_the_last_fifth_of_the_interval() {
    let issuer = TestIssuer::start().await;
    let interval = Duration::from_secs(2);
    let options = JwksOptions::default().refresh_interval(interval).min_refetch_interval(MS(100));
    let replicas: Vec<CognitoVerifier> = (0..20).map(|_| verifier(&issuer, options.clone())).collect();
    let started = Instant::now();
    futures_hydrate(&replicas).await;
    eventually(Duration::from_secs(5), || async { issuer.jwks_requests() >= 40 }).await;
    let log = issuer.jwks_request_log();
    let refreshes: Vec<Duration> =
        log.iter().skip(20).take(20).map(|r| r.at.duration_since(started)).collect();
    let (first, last) = (refreshes.iter().min().unwrap(), refreshes.iter().max().unwrap());
    eprintln!("20 replicas started together refreshed between {first:?} and {last:?}");
    // Each refresh is due between 80 % and 100 % of the interval after its replica's first fetch.
    assert!(*first >= interval.mul_f64(0.8) - MS(50), "{first:?}");
    assert!(*last <= interval + MS(500), "{last:?}");
    assert!(*last - *first >= MS(200), "refreshes bunched within {:?}", *last - *first);
}

async fn futures_hydrate(replicas: &[CognitoVerifier]) {
    let mut tasks = tokio::task::JoinSet::new();
    for replica in replicas {
        let replica = replica.clone();
        tasks.spawn(async move { replica.hydrate().await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_kid_refetches_of_replicas_are_spread_and_callers_get_a_retryable_503_meanwhile() {
    let issuer = TestIssuer::start().await;
    let spread = Duration::from_secs(1);
    let options = JwksOptions::default()
        .min_refetch_interval(Duration::from_secs(2))
        .unknown_kid_refetch_spread(spread);
    let replicas: Vec<CognitoVerifier> = (0..20).map(|_| verifier(&issuer, options.clone())).collect();
    futures_hydrate(&replicas).await;
    issuer.reset_counters();

    issuer.rotate_key();
    let rotated = issuer.access_token().sign();
    let seen = Instant::now();
    for replica in &replicas {
        match replica.verify(&rotated).await.unwrap_err() {
            VerifyError::KeysUnavailable { retry_after, .. } => {
                assert!(retry_after <= spread, "{retry_after:?}")
            }
            err => panic!("expected a retryable KeysUnavailable, got {err}"),
        }
    }
    assert_eq!(issuer.jwks_requests(), 0, "no replica fetched at once");
    eventually(Duration::from_secs(5), || async { issuer.jwks_requests() == 20 }).await;
    let times: Vec<Duration> = issuer.jwks_request_log().iter().map(|r| r.at.duration_since(seen)).collect();
    let (first, last) = (times.iter().min().unwrap(), times.iter().max().unwrap());
    eprintln!("20 unknown-kid refetches between {first:?} and {last:?}");
    assert!(*last <= spread + MS(500), "{last:?}");
    assert!(*last - *first >= MS(200), "refetches bunched within {:?}", *last - *first);
    for replica in &replicas {
        replica.verify(&rotated).await.unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_fetches_of_replicas_started_together_are_spread_and_callers_get_a_retryable_503_meanwhile() {
    let issuer = TestIssuer::start().await;
    let spread = Duration::from_secs(1);
    let options = JwksOptions::default().first_fetch_spread(spread);
    // One HTTP client, built beforehand, so that the 20 replicas are built within milliseconds.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let built = Instant::now();
    let replicas: Vec<CognitoVerifier> = (0..20)
        .map(|_| {
            let builder = issuer.access_verifier().jwks_options(options.clone());
            builder.http_client(client.clone()).build().unwrap()
        })
        .collect();
    let token = issuer.access_token().sign();
    for replica in &replicas {
        match replica.verify(&token).await {
            // A replica whose delay was (nearly) zero has fetched already.
            Ok(_) => {}
            Err(VerifyError::KeysUnavailable { retry_after, .. }) => {
                assert!(retry_after <= spread, "{retry_after:?}")
            }
            Err(err) => panic!("expected a retryable KeysUnavailable, got {err}"),
        }
    }
    eventually(Duration::from_secs(5), || async { issuer.jwks_requests() == 20 }).await;
    let times: Vec<Duration> = issuer.jwks_request_log().iter().map(|r| r.at.duration_since(built)).collect();
    let (first, last) = (times.iter().min().unwrap(), times.iter().max().unwrap());
    eprintln!("20 first fetches between {first:?} and {last:?}");
    assert!(*last <= spread + MS(500), "{last:?}");
    assert!(*last - *first >= MS(200), "first fetches bunched within {:?}", *last - *first);
    for replica in &replicas {
        replica.verify(&token).await.unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 20);

    // hydrate waits for the replica's turn, then fetches.
    let late = verifier(&issuer, options);
    late.hydrate().await.unwrap();
    late.verify(&issuer.access_token().sign()).await.unwrap();
    assert_eq!(issuer.jwks_requests(), 21);
}

/// Found writing the `retry_after` fuzz target's model: with no practical cap (`max_retry_after` of
/// `Duration::MAX`), a `Retry-After` of 2^64 - 1 seconds made the wait overflow the clock
/// (`Instant + Duration` panics) inside the fetch.
#[tokio::test]
async fn jwks_429_retry_after_past_the_end_of_the_clock_with_no_cap_is_not_a_panic() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, eager().max_retry_after(Duration::MAX));
    let old_kid = issuer.signing_kid();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    issuer.set_jwks_quota(Some(
        JwksQuota::per_second(0.001).burst(1).retry_after(Duration::from_secs(u64::MAX)),
    ));
    drain_quota(&issuer).await;
    let new_kid = issuer.rotate_key();
    let rotated = issuer.access_token().sign();
    assert_eq!(
        verifier.verify(&rotated).await.unwrap_err(),
        VerifyError::UnknownKid { kid: new_kid.clone() }
    );
    assert_eq!(issuer.jwks_refused(), 1);
    // The last good keys keep verifying, and the kid stays unknown: no fetch for "ever".
    for _ in 0..3 {
        verifier.verify(&issuer.access_token().signed_with_kid(&old_kid).sign()).await.unwrap();
        assert_eq!(
            verifier.verify(&rotated).await.unwrap_err(),
            VerifyError::UnknownKid { kid: new_kid.clone() }
        );
    }
    assert_eq!(issuer.jwks_refused(), 1);
}
