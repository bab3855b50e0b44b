//! Revocations: a revoked session or user is refused on fresh verifications and cache hits
//! alike, everyone else is accepted, and entries expire on their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_testkit::TestIssuer;
use cognito_verify::{
    CognitoVerifier, MemoryRevocations, RevocationStatus, Revocations, RevokeFuture, RevokedBy, TokenOrigin,
    VerifyError,
};
use serde_json::json;

fn at(unix_secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_secs).unwrap())
}

struct Setup {
    issuer: TestIssuer,
    store: Arc<MemoryRevocations>,
    verifier: CognitoVerifier,
}

async fn setup() -> Setup {
    let issuer = TestIssuer::start().await;
    issuer.clock().freeze();
    let store = Arc::new(MemoryRevocations::new().with_clock(issuer.clock()));
    let verifier = issuer.access_verifier().revocations(store.clone()).build().unwrap();
    Setup { issuer, store, verifier }
}

fn is_revoked(result: Result<impl std::fmt::Debug, VerifyError>, by: RevokedBy) -> bool {
    matches!(result, Err(VerifyError::Revoked { by: found, .. }) if found == by)
}

#[tokio::test]
async fn a_revoked_session_is_refused_on_a_fresh_verification() {
    let Setup { issuer, store, verifier } = setup().await;
    let token = issuer.access_token().claim("origin_jti", json!("session-1")).sign();
    store.revoke_session("session-1").await.unwrap();
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(is_revoked(Err::<(), _>(err.clone()), RevokedBy::Session), "{err:?}");
    assert!(err.to_string().contains("revoked"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(
        err.verified_claims().map(|claims| claims.sub().to_owned()),
        Some(issuer.default_sub().to_owned())
    );
}

#[tokio::test]
async fn a_revoked_session_is_refused_on_a_cache_hit() {
    let Setup { issuer, store, verifier } = setup().await;
    let token = issuer.access_token().claim("origin_jti", json!("session-1")).sign();
    verifier.verify(&token).await.unwrap();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    store.revoke_session("session-1").await.unwrap();
    assert!(is_revoked(verifier.verify(&token).await, RevokedBy::Session));
    assert!(is_revoked(verifier.verify_now(&token).unwrap(), RevokedBy::Session));
}

#[tokio::test]
async fn revoking_a_session_revokes_its_access_and_id_tokens_only() {
    let Setup { issuer, store, .. } = setup().await;
    let ids = issuer.id_verifier().revocations(store.clone()).build().unwrap();
    let access = issuer.access_verifier().revocations(store.clone()).build().unwrap();
    let session = |origin: &str| json!(origin);
    let access_token = issuer.access_token().claim("origin_jti", session("s-1")).sign();
    let id_token = issuer.id_token().claim("origin_jti", session("s-1")).sign();
    let other_session = issuer.access_token().claim("origin_jti", session("s-2")).sign();
    store.revoke_session("s-1").await.unwrap();
    assert!(is_revoked(access.verify(&access_token).await, RevokedBy::Session));
    assert!(is_revoked(ids.verify(&id_token).await, RevokedBy::Session));
    access.verify(&other_session).await.unwrap();
}

#[tokio::test]
async fn revoking_a_user_refuses_tokens_signed_in_before_and_accepts_later_sign_ins() {
    let Setup { issuer, store, verifier } = setup().await;
    let now = issuer.clock().now();
    let before = issuer.access_token().claim("auth_time", json!(now - 10)).sign();
    // Refreshed after the sign-out, from a sign-in before it: still the old session.
    let refreshed = issuer.access_token().claim("auth_time", json!(now - 10)).issued_at(now + 5).sign();
    let after = issuer.access_token().claim("auth_time", json!(now + 1)).sign();
    let other_user = issuer.access_token().sub("someone-else").claim("auth_time", json!(now - 10)).sign();
    verifier.verify(&before).await.unwrap();
    store.revoke_user(issuer.default_sub(), at(now)).await.unwrap();
    issuer.clock().advance(Duration::from_secs(5));
    assert!(is_revoked(verifier.verify(&before).await, RevokedBy::User));
    assert!(is_revoked(verifier.verify(&refreshed).await, RevokedBy::User));
    verifier.verify(&after).await.unwrap();
    verifier.verify(&other_user).await.unwrap();
}

#[tokio::test]
async fn a_user_revocation_covers_the_seconds_before_it_not_the_second_it_falls_in() {
    let Setup { issuer, store, verifier } = setup().await;
    let now = issuer.clock().now();
    let same_second = issuer.access_token().claim("auth_time", json!(now)).sign();
    let second_before = issuer.access_token().claim("auth_time", json!(now - 1)).sign();
    store.revoke_user(issuer.default_sub(), at(now) + Duration::from_millis(900)).await.unwrap();
    verifier.verify(&same_second).await.unwrap();
    assert!(is_revoked(verifier.verify(&second_before).await, RevokedBy::User));
}

#[tokio::test]
async fn a_token_without_auth_time_is_dated_by_iat() {
    let Setup { issuer, store, verifier } = setup().await;
    let now = issuer.clock().now();
    let old = issuer.access_token().without_claim("auth_time").issued_at(now - 10).sign();
    let new = issuer.access_token().without_claim("auth_time").issued_at(now).sign();
    store.revoke_user(issuer.default_sub(), at(now)).await.unwrap();
    assert!(is_revoked(verifier.verify(&old).await, RevokedBy::User));
    verifier.verify(&new).await.unwrap();
}

#[tokio::test]
async fn revocations_are_checked_by_check_claims() {
    let Setup { issuer, store, verifier } = setup().await;
    let claims = issuer.access_token().claim("origin_jti", json!("gw-session")).claims_json();
    let bytes = serde_json::to_vec(&claims).unwrap();
    verifier.check_claims(&bytes).await.unwrap();
    store.revoke_session("gw-session").await.unwrap();
    assert!(is_revoked(verifier.check_claims(&bytes).await, RevokedBy::Session));
}

#[tokio::test]
async fn revocation_entries_expire_after_the_max_token_lifetime() {
    let issuer = TestIssuer::start().await;
    let clock = issuer.clock();
    clock.freeze();
    let store =
        MemoryRevocations::new().with_clock(clock.clone()).with_max_token_lifetime(Duration::from_secs(3600));
    store.revoke_session("s-1").await.unwrap();
    store.revoke_user("user-1", clock.time()).await.unwrap();
    let session = TokenOrigin::new("user-2", Some("s-1"), Some(clock.now() - 10));
    let user = TokenOrigin::new("user-1", None, Some(clock.now() - 10));
    assert_eq!(store.len(), 2);
    // Kept for the lifetime plus the largest leeway (300 s): a covered token may still verify.
    clock.advance(Duration::from_secs(3600 + 299));
    assert_eq!(store.status(&session), RevocationStatus::Revoked(RevokedBy::Session));
    assert_eq!(store.status(&user), RevocationStatus::Revoked(RevokedBy::User));
    clock.advance(Duration::from_secs(1));
    assert_eq!(store.status(&session), RevocationStatus::Valid);
    assert_eq!(store.status(&user), RevocationStatus::Valid);
    assert!(store.is_empty());
    // A write drops them from memory too.
    store.revoke_session("s-3").await.unwrap();
    assert_eq!(store.entries().len(), 1);
}

#[tokio::test]
async fn the_generation_moves_only_when_something_new_is_revoked() {
    let store = MemoryRevocations::new();
    let start = store.generation();
    store.revoke_session("s-1").await.unwrap();
    let once = store.generation();
    assert_ne!(once, start);
    store.revoke_session("s-1").await.unwrap();
    assert_eq!(store.generation(), once, "the same session again revokes nothing new");
    store.replace(store.entries());
    assert_eq!(store.generation(), once, "a resync with the same list revokes nothing new");
}

/// A store that counts how often it is asked, and can be made unavailable.
#[derive(Default)]
struct Counting {
    inner: MemoryRevocations,
    asked: AtomicU64,
    down: AtomicBool,
    outages: AtomicU64,
}

impl Revocations for Counting {
    fn generation(&self) -> u64 {
        self.inner.generation() + self.outages.load(Ordering::Acquire)
    }
    fn status(&self, token: &TokenOrigin<'_>) -> RevocationStatus {
        self.asked.fetch_add(1, Ordering::Relaxed);
        if self.down.load(Ordering::Acquire) {
            return RevocationStatus::Unavailable {
                reason: "down".into(),
                retry_after: Duration::from_secs(2),
            };
        }
        self.inner.status(token)
    }
    fn revoke_session<'a>(&'a self, origin_jti: &'a str) -> RevokeFuture<'a> {
        self.inner.revoke_session(origin_jti)
    }
    fn revoke_user<'a>(&'a self, sub: &'a str, at: SystemTime) -> RevokeFuture<'a> {
        self.inner.revoke_user(sub, at)
    }
}

#[tokio::test]
async fn a_cache_hit_asks_the_store_only_when_its_generation_moved() {
    let issuer = TestIssuer::start().await;
    let store = Arc::new(Counting::default());
    let verifier = issuer.access_verifier().revocations(store.clone()).build().unwrap();
    let token = issuer.access_token().sign();
    for _ in 0..5 {
        verifier.verify(&token).await.unwrap();
    }
    assert_eq!(store.asked.load(Ordering::Relaxed), 1, "asked on the fresh verification only");
    store.revoke_session("unrelated").await.unwrap();
    for _ in 0..5 {
        verifier.verify(&token).await.unwrap();
    }
    assert_eq!(store.asked.load(Ordering::Relaxed), 2, "asked once more after the generation moved");
}

#[tokio::test]
async fn an_unavailable_store_refuses_with_a_retryable_error_until_it_is_back() {
    let issuer = TestIssuer::start().await;
    let store = Arc::new(Counting::default());
    let verifier = issuer.access_verifier().revocations(store.clone()).build().unwrap();
    let token = issuer.access_token().sign();
    verifier.verify(&token).await.unwrap();
    store.down.store(true, Ordering::Release);
    store.outages.fetch_add(1, Ordering::Release);
    for _ in 0..2 {
        let err = verifier.verify(&token).await.unwrap_err();
        assert!(matches!(err, VerifyError::RevocationsUnavailable { .. }), "{err:?}");
        assert!(err.is_retryable());
    }
    store.down.store(false, Ordering::Release);
    verifier.verify(&token).await.unwrap();
}
