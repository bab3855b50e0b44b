//! Revocations shared through a real redis-server on loopback: propagation between replicas,
//! fail-open and fail-closed while Redis is killed, recovery once it is restarted.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use cognito_revocations_redis::{RedisRevocations, WhenRedisIsAway};
use cognito_testkit::{TestIssuer, eventually};
use cognito_verify::{CognitoVerifier, Revocations, RevokedBy, VerifyError};
use serde_json::json;
use support::Redis;

const WAIT: Duration = Duration::from_secs(10);

async fn store(redis: &Redis, when_away: WhenRedisIsAway) -> Arc<RedisRevocations> {
    let store = RedisRevocations::builder(redis.url())
        .resync_interval(Duration::from_secs(60))
        .when_redis_is_away(when_away)
        .connect()
        .await
        .unwrap();
    assert!(store.is_available());
    Arc::new(store)
}

fn verifier(issuer: &TestIssuer, store: &Arc<RedisRevocations>) -> CognitoVerifier {
    issuer.access_verifier().revocations(store.clone()).build().unwrap()
}

fn revoked(result: &Result<impl std::fmt::Debug, VerifyError>) -> bool {
    matches!(result, Err(VerifyError::Revoked { .. }))
}

/// Two api replicas and an admin sharing one Redis (in-process verifiers standing for the
/// processes): the admin signs a user out everywhere; both replicas refuse that user's tokens,
/// cached ones included, within the propagation bound, and keep accepting everyone else's; a
/// new sign-in of that user works. Prints the measured propagation times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signed_out_everywhere_is_refused_by_every_replica_within_the_bound() {
    let test = "a_user_signed_out_everywhere_is_refused_by_every_replica_within_the_bound";
    let Some(redis) = Redis::start(test).await else { return };
    let issuer = TestIssuer::start().await;
    let admin = store(&redis, WhenRedisIsAway::FailOpen).await;
    let (one, two) =
        (store(&redis, WhenRedisIsAway::FailOpen).await, store(&redis, WhenRedisIsAway::FailOpen).await);
    let replicas = [verifier(&issuer, &one), verifier(&issuer, &two)];
    let bob = issuer.access_token().sub("bob").sign();

    let mut times = Vec::new();
    for round in 0..20 {
        let user = format!("alice-{round}");
        let old =
            issuer.access_token().sub(&user).claim("auth_time", json!(test_support::unix_now() - 10)).sign();
        for replica in &replicas {
            replica.verify(&old).await.unwrap();
            replica.verify(&old).await.unwrap(); // cached
        }
        let start = Instant::now();
        admin.revoke_user(&user, SystemTime::now()).await.unwrap();
        // Both replicas, on their cache hits, without sleeping between checks.
        let mut pending = vec![true; replicas.len()];
        while pending.iter().any(|p| *p) {
            assert!(start.elapsed() < WAIT, "not propagated after {WAIT:?}");
            for (replica, pending) in replicas.iter().zip(&mut pending) {
                if *pending && revoked(&replica.verify_now(&old).unwrap()) {
                    *pending = false;
                }
            }
            tokio::task::yield_now().await;
        }
        times.push(start.elapsed());
        for replica in &replicas {
            assert!(matches!(
                replica.verify(&old).await,
                Err(VerifyError::Revoked { by: RevokedBy::User, .. })
            ));
            replica.verify(&bob).await.unwrap();
            let new_sign_in = issuer.access_token().sub(&user).sign();
            replica.verify(&new_sign_in).await.unwrap();
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    eprintln!(
        "propagation admin -> both replicas over {} rounds: median {median:?}, max {max:?}",
        times.len()
    );
}

#[tokio::test]
async fn a_revoked_session_reaches_a_replica_started_later() {
    let Some(redis) = Redis::start("a_revoked_session_reaches_a_replica_started_later").await else { return };
    let issuer = TestIssuer::start().await;
    let admin = store(&redis, WhenRedisIsAway::FailOpen).await;
    admin.revoke_session("session-1").await.unwrap();
    let later = store(&redis, WhenRedisIsAway::FailOpen).await;
    let token = issuer.access_token().claim("origin_jti", json!("session-1")).sign();
    assert!(revoked(&verifier(&issuer, &later).verify(&token).await));
}

#[tokio::test]
async fn fail_open_keeps_the_last_list_while_redis_is_away_and_writes_it_back_after_a_restart() {
    let test = "fail_open_keeps_the_last_list_while_redis_is_away_and_writes_it_back_after_a_restart";
    let Some(mut redis) = Redis::start(test).await else { return };
    let issuer = TestIssuer::start().await;
    let replica = store(&redis, WhenRedisIsAway::FailOpen).await;
    let verifier = verifier(&issuer, &replica);
    let revoked_token = issuer.access_token().claim("origin_jti", json!("session-1")).sign();
    let other = issuer.access_token().sign();
    replica.revoke_session("session-1").await.unwrap();

    redis.kill();
    eventually(WAIT, || async { !replica.is_available() }).await;
    assert!(revoked(&verifier.verify(&revoked_token).await), "the last list is kept");
    verifier.verify(&other).await.unwrap();
    // A revocation while Redis is away fails to reach the others, but holds here.
    assert!(replica.revoke_session("session-2").await.is_err());
    let during = issuer.access_token().claim("origin_jti", json!("session-2")).sign();
    assert!(revoked(&verifier.verify(&during).await));

    // Restarted empty (no persistence): the replica writes its list back.
    redis.restart().await;
    eventually(WAIT, || async { replica.is_available() }).await;
    let fresh = store(&redis, WhenRedisIsAway::FailOpen).await;
    let fresh_verifier = self::verifier(&issuer, &fresh);
    eventually(WAIT, || async {
        revoked(&fresh_verifier.verify(&revoked_token).await)
            && revoked(&fresh_verifier.verify(&during).await)
    })
    .await;
}

#[tokio::test]
async fn fail_closed_refuses_every_token_with_a_retryable_error_while_redis_is_away() {
    let test = "fail_closed_refuses_every_token_with_a_retryable_error_while_redis_is_away";
    let Some(mut redis) = Redis::start(test).await else { return };
    let issuer = TestIssuer::start().await;
    let replica = store(&redis, WhenRedisIsAway::FailClosed).await;
    let verifier = verifier(&issuer, &replica);
    let token = issuer.access_token().sign();
    verifier.verify(&token).await.unwrap();
    verifier.verify(&token).await.unwrap(); // cached

    redis.kill();
    eventually(WAIT, || async { !replica.is_available() }).await;
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::RevocationsUnavailable { .. }), "{err:?}");
    assert!(err.is_retryable());
    let fresh = issuer.access_token().sign();
    assert!(matches!(verifier.verify(&fresh).await, Err(VerifyError::RevocationsUnavailable { .. })));

    redis.restart().await;
    eventually(WAIT, || async { replica.is_available() }).await;
    verifier.verify(&token).await.unwrap();
    verifier.verify(&fresh).await.unwrap();
}

#[tokio::test]
async fn a_store_started_without_redis_is_unavailable_and_connects_when_redis_comes() {
    let test = "a_store_started_without_redis_is_unavailable_and_connects_when_redis_comes";
    let Some(mut redis) = Redis::start(test).await else { return };
    redis.kill();
    let replica = RedisRevocations::builder(redis.url()).connect().await.unwrap();
    assert!(!replica.is_available());
    redis.restart().await;
    eventually(WAIT, || async { replica.is_available() }).await;
}
