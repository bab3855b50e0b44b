//! Issue 12, item 2: the outbound traffic budget of the ALB key endpoint. Whatever `kid`s an
//! allowed signer's tokens carry, an `AlbVerifier` starts at most `fetch_burst` fetches plus
//! `fetch_rate` per second, at most `max_fetches_in_flight` at once (the rest are refused at
//! once, without a socket), and never refetches a `kid` whose fetch failed within
//! `min_refetch_interval`. The figures are those of `docs/security.md`'s budget table.

use std::time::{Duration, Instant};

use cognito_testkit::{DEFAULT_ALB_ARN, Fault, TestIssuer, eventually};
use cognito_verify::{
    AlbKeyOptions, AlbVerifier, DEFAULT_ALB_FETCH_BURST, DEFAULT_ALB_FETCH_RATE,
    DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT, VerifyError,
};
use serde_json::json;

fn verifier(issuer: &TestIssuer, options: AlbKeyOptions) -> AlbVerifier {
    issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).key_options(options).build().unwrap()
}

/// A token of the trusted load balancer naming `kid`, which its key endpoint does not have.
fn unknown_kid_token(issuer: &TestIssuer, kid: &str) -> String {
    issuer.alb_token().header("kid", json!(kid)).sign()
}

fn is_rate_limited(err: &VerifyError) -> bool {
    matches!(err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("rate limited"))
}

#[tokio::test]
async fn five_hundred_distinct_kids_cause_at_most_the_burst_plus_the_rate_per_second() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, AlbKeyOptions::default());
    let started = Instant::now();
    let mut refused = 0;
    for n in 0..500 {
        let kid = format!("unknown-{n}");
        match verifier.verify(&unknown_kid_token(&issuer, &kid)).await.unwrap_err() {
            VerifyError::UnknownKid { kid: found } => assert_eq!(found, kid),
            err if is_rate_limited(&err) && err.is_retryable() => refused += 1,
            err => panic!("unexpected error {err}"),
        }
    }
    let budget =
        u64::from(DEFAULT_ALB_FETCH_BURST) + u64::from(DEFAULT_ALB_FETCH_RATE) * started.elapsed().as_secs();
    let requests = issuer.alb_key_requests();
    // Every kid here is asked for once: the burst less its reserve (1 token, kept for a kid asked
    // for repeatedly, see alb_fairness.rs) is usable.
    let usable = u64::from(DEFAULT_ALB_FETCH_BURST) - 1;
    assert!(requests >= usable, "{requests} requests: the burst less the reserve is usable");
    assert!(requests <= budget, "{requests} requests, budget {budget}");
    assert_eq!(refused, 500 - requests);
    assert_eq!(verifier.key_fetches(), requests);
}

#[tokio::test]
async fn two_hundred_recent_unknown_kids_sent_again_cause_no_fetch() {
    let issuer = TestIssuer::start().await;
    // A burst that lets every first sighting be fetched (200, and the reserve), so that all 200
    // are known unknowns.
    let verifier = verifier(&issuer, AlbKeyOptions::default().fetch_burst(201));
    let kids: Vec<String> = (0..200).map(|n| format!("gone-{n}")).collect();
    for kid in &kids {
        let err = verifier.verify(&unknown_kid_token(&issuer, kid)).await.unwrap_err();
        assert_eq!(err, VerifyError::UnknownKid { kid: kid.clone() });
    }
    assert_eq!(issuer.alb_key_requests(), 200);
    // Again, in the reverse order and then in the original one: every kid is still remembered.
    for kid in kids.iter().rev().chain(&kids) {
        assert_eq!(
            verifier.verify_now(&unknown_kid_token(&issuer, kid)),
            Some(Err(VerifyError::UnknownKid { kid: kid.clone() }))
        );
        let err = verifier.verify(&unknown_kid_token(&issuer, kid)).await.unwrap_err();
        assert_eq!(err, VerifyError::UnknownKid { kid: kid.clone() });
    }
    assert_eq!(issuer.alb_key_requests(), 200, "no fetch for a kid refused within the interval");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_distinct_kids_hold_at_most_the_in_flight_cap() {
    let issuer = TestIssuer::start().await;
    // The rate limit out of the way (a burst of 1,000), so that only the in-flight cap acts.
    let options = AlbKeyOptions::default().fetch_burst(1000);
    let verifier = verifier(&issuer, options);
    // Every fetch hangs at the endpoint: fetches in flight stay in flight.
    issuer.set_alb_key_fault(Some(Fault::Delay(Duration::from_secs(60))));
    let (done, mut results) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..1000 {
        let (verifier, done) = (verifier.clone(), done.clone());
        let token = unknown_kid_token(&issuer, &format!("flood-{n}"));
        tasks.spawn(async move {
            let _ = done.send(verifier.verify(&token).await);
        });
    }
    // One place in flight is kept for a kid asked for repeatedly (alb_fairness.rs): kids asked
    // for once get the others.
    let cap = DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT - 1;
    // Every caller beyond the cap is answered while the fetches in flight still hang.
    for _ in 0..1000 - cap {
        let err = results.recv().await.unwrap().unwrap_err();
        assert!(
            matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("in flight")),
            "{err}"
        );
        assert!(err.is_retryable());
    }
    eventually(Duration::from_secs(5), || async { issuer.alb_key_requests() == cap as u64 }).await;
    assert_eq!(verifier.key_fetches(), cap as u64);
    assert!(results.try_recv().is_err(), "the fetches in flight are still hanging");
    // A kid asked for twice takes the reserved place, and then the cap is reached.
    let repeated = unknown_kid_token(&issuer, "asked-twice");
    let err = verifier.verify(&repeated).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("in flight")),
        "{err}"
    );
    tasks.spawn({
        let verifier = verifier.clone();
        async move {
            let _ = verifier.verify(&repeated).await;
        }
    });
    let all = DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT as u64;
    eventually(Duration::from_secs(5), || async { issuer.alb_key_requests() == all }).await;
    let err = verifier.verify(&unknown_kid_token(&issuer, "asked-once")).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("in flight")),
        "{err}"
    );
    assert_eq!(verifier.key_fetches(), all);
    tasks.abort_all();
}

#[tokio::test]
async fn a_kid_refused_by_the_budget_is_not_remembered_and_is_fetched_once_the_budget_allows() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, AlbKeyOptions::default().fetch_burst(1));
    let first = unknown_kid_token(&issuer, "first");
    assert_eq!(verifier.verify(&first).await.unwrap_err(), VerifyError::UnknownKid { kid: "first".into() });
    let second = unknown_kid_token(&issuer, "second");
    match verifier.verify(&second).await.unwrap_err() {
        VerifyError::KeysUnavailable { reason, retry_after } => {
            assert!(reason.contains("rate limited"), "{reason}");
            assert!(retry_after <= Duration::from_secs(1), "{retry_after:?}");
        }
        err => panic!("expected a rate-limit refusal, got {err}"),
    }
    assert_eq!(issuer.alb_key_requests(), 1);
    // Within a second the bucket holds a token again, and the second kid is fetched.
    eventually(Duration::from_secs(3), || async {
        verifier.verify(&second).await == Err(VerifyError::UnknownKid { kid: "second".into() })
    })
    .await;
    assert_eq!(issuer.alb_key_requests(), 2);
}

#[tokio::test]
async fn a_cached_key_keeps_verifying_during_a_flood_of_unknown_kids() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, AlbKeyOptions::default());
    let good = issuer.alb_token().sign();
    verifier.verify(&good).await.unwrap();
    for n in 0..300 {
        let _ = verifier.verify(&unknown_kid_token(&issuer, &format!("flood-{n}"))).await;
    }
    assert!(matches!(verifier.verify_now(&good), Some(Ok(_))));
}
