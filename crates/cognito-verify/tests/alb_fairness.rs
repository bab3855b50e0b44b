//! Issue 21, finding "a flood of fake ALB kids starves a rotated genuine key". The ALB key-fetch
//! budget (burst 10, then 1/s) is global; a flood of fresh `kid`s used to take every token of
//! it, so a newly rotated genuine key waited as long as the flood ran. Now the budget keeps one
//! token for the `kid` asked for most (a count-min sketch of the requests that needed a fetch),
//! and the global bound is unchanged.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
use cognito_verify::{AlbKeyOptions, DEFAULT_ALB_FETCH_BURST, DEFAULT_ALB_FETCH_RATE, VerifyError};
use serde_json::json;

/// The genuine token is retried every this long, as a client behind the load balancer would.
const RETRY_EVERY: Duration = Duration::from_millis(100);
/// The test fails if the genuine token has not verified after this long (today's code never
/// verifies it while the flood runs).
const GIVE_UP_AFTER: Duration = Duration::from_secs(10);
/// Fresh kids the flood sends at least.
const FLOOD_KIDS: u64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_genuine_key_is_fetched_within_seconds_during_a_flood_of_fresh_kids() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .alb_verifier()
        .signer_arns([DEFAULT_ALB_ARN])
        .key_options(AlbKeyOptions::default())
        .build()
        .unwrap();
    let built = Instant::now();
    verifier.verify(&issuer.alb_token().sign()).await.unwrap();
    let new_kid = issuer.rotate_alb_key();
    let genuine = issuer.alb_token().sign();

    // Flood tokens: the trusted signer's header with a fresh kid, and any payload and signature
    // (every check that needs no key passes, so each one asks for a fetch). Made by swapping the
    // header segment, so the flood runs at the verifier's speed, not at the speed of signing.
    let template = issuer.alb_token().header_json();
    let (_, rest) = genuine.split_once('.').unwrap();
    let rest = rest.to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let flood = tokio::spawn({
        let (verifier, stop, sent) = (verifier.clone(), Arc::clone(&stop), Arc::clone(&sent));
        async move {
            let mut n = 0u64;
            // At least FLOOD_KIDS, and on until the genuine token got through.
            while n < FLOOD_KIDS || !stop.load(Ordering::Relaxed) {
                let mut header = template.clone();
                header["kid"] = json!(format!("flood-{n}"));
                let token = format!("{}.{rest}", URL_SAFE.encode(serde_json::to_vec(&header).unwrap()));
                let err = verifier.verify(&token).await.unwrap_err();
                assert!(
                    matches!(err, VerifyError::KeysUnavailable { .. } | VerifyError::UnknownKid { .. }),
                    "{err}"
                );
                n += 1;
                sent.store(n, Ordering::Relaxed);
                if n.is_multiple_of(32) {
                    tokio::task::yield_now().await;
                }
            }
        }
    });
    // Let the flood spend the burst first.
    cognito_testkit::eventually(Duration::from_secs(5), || async { sent.load(Ordering::Relaxed) >= 1000 })
        .await;

    let started = Instant::now();
    let mut retries = 0u32;
    let mut ticks = tokio::time::interval(RETRY_EVERY);
    let verified_after = loop {
        ticks.tick().await;
        retries += 1;
        match verifier.verify(&genuine).await {
            Ok(claims) => {
                assert_eq!(claims.kid, new_kid);
                break started.elapsed();
            }
            Err(err) => {
                assert!(
                    matches!(&err, VerifyError::KeysUnavailable { .. }) && err.is_retryable(),
                    "a genuine token is only ever refused as retryable: {err}"
                );
                let sent = sent.load(Ordering::Relaxed);
                assert!(
                    started.elapsed() < GIVE_UP_AFTER,
                    "the genuine token was refused {retries} times over {:?} while the flood sent {sent} kids",
                    started.elapsed()
                );
            }
        }
    };
    let flood_kids_then = sent.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    flood.await.unwrap();
    let elapsed = started.elapsed();
    let kids = sent.load(Ordering::Relaxed);
    // The global bound: the burst plus the rate per (started) second since the verifier was
    // built (the first fetch, the old key, is counted too).
    let fetches = verifier.key_fetches();
    let budget = u64::from(DEFAULT_ALB_FETCH_BURST)
        + u64::from(DEFAULT_ALB_FETCH_RATE) * built.elapsed().as_secs_f64().ceil() as u64;
    eprintln!(
        "genuine token verified after {verified_after:?} ({retries} tries) while the flood sent \
         {flood_kids_then} fresh kids; flood total {kids} kids in {elapsed:?}; {fetches} fetches \
         (budget {budget})"
    );
    assert!(kids >= FLOOD_KIDS);
    assert!(fetches <= budget, "{fetches} fetches, budget {budget}");
    assert_eq!(issuer.alb_key_requests(), fetches);
}
