//! Issue 20, item 3: client secret rotation without a restart and without a failed request.
//! Cognito allows two secrets per app client (30 Jan 2026); the provider holds two, or reads
//! its secret from a file or a closure that change at run time. On `invalid_client` the other
//! secret is tried once, in the same fetch, and the one that works stays in use. These are the
//! steps of the runbook in docs/secret-rotation.md.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use cognito_client::{ClientAuth, ConfigError, OAuthErrorCode, SecretSource, TokenError};
use cognito_testkit::{ClientRegistration, TestIssuer};
use common::{CLIENT_ID, POST, tokens};

const OLD: &str = "old-secret-0123456789abcdefghij";
const NEW: &str = "new-secret-0123456789abcdefghij";

async fn issuer_with(secret: &str) -> TestIssuer {
    TestIssuer::builder()
        .client(
            ClientRegistration::new(CLIENT_ID, secret)
                .scopes([POST])
                .token_lifetime(Duration::from_secs(3600)),
        )
        .start()
        .await
}

/// A fresh token (the cache cleared first), and the token requests it took.
async fn fetch(tokens: &cognito_client::ClientCredentials, issuer: &TestIssuer) -> u64 {
    let before = issuer.token_requests();
    tokens.clear_cache();
    tokens.access_token().await.unwrap();
    issuer.token_requests() - before
}

/// A file in the temporary directory, removed on drop.
struct SecretFile(std::path::PathBuf);

impl SecretFile {
    fn new(name: &str, secret: &str) -> SecretFile {
        let path = std::env::temp_dir().join(format!("cognito-rs-{}-{name}", std::process::id()));
        std::fs::write(&path, format!("{secret}\n")).unwrap();
        SecretFile(path)
    }

    /// Replaces the content as a secret manager does: write aside, then rename over.
    fn rewrite(&self, secret: &str) {
        let aside = self.0.with_extension("new");
        std::fs::write(&aside, format!("{secret}\n")).unwrap();
        std::fs::rename(&aside, &self.0).unwrap();
    }
}

impl Drop for SecretFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn a_rotation_with_two_configured_secrets_loses_no_request() {
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let issuer = issuer_with(OLD).await;
        let tokens =
            tokens(&issuer).auth_method(auth).client_secret(OLD).next_client_secret(NEW).build().unwrap();
        // Before: only the old secret exists in Cognito; the provider uses it.
        assert_eq!(fetch(&tokens, &issuer).await, 1, "{auth:?}");
        // Step 1: the new secret is added in Cognito. Both work; the provider keeps the old.
        assert!(issuer.add_client_secret(CLIENT_ID, NEW));
        assert_eq!(fetch(&tokens, &issuer).await, 1, "{auth:?}");
        // Step 3: the old secret is removed. The next fetch is refused once with it, succeeds
        // with the new one in the same call: the caller sees a token.
        assert!(issuer.remove_client_secret(CLIENT_ID, OLD));
        assert_eq!(fetch(&tokens, &issuer).await, 2, "{auth:?}");
        // From then on the new secret is used first: one request per token.
        assert_eq!(fetch(&tokens, &issuer).await, 1, "{auth:?}");
    }
}

#[tokio::test]
async fn the_next_secret_is_used_when_cognito_has_only_the_new_one_already() {
    let issuer = issuer_with(NEW).await;
    let tokens = tokens(&issuer).client_secret(OLD).next_client_secret(NEW).build().unwrap();
    assert_eq!(fetch(&tokens, &issuer).await, 2);
    assert_eq!(fetch(&tokens, &issuer).await, 1, "the secret that worked stays in use");
}

#[tokio::test]
async fn a_secret_file_rewritten_at_run_time_is_used_without_a_restart() {
    let issuer = issuer_with(OLD).await;
    let file = SecretFile::new("rotation", OLD);
    let tokens = tokens(&issuer).client_secret_source(SecretSource::file(&file.0)).build().unwrap();
    assert_eq!(fetch(&tokens, &issuer).await, 1);
    // Step 1, then step 2: the new secret is added in Cognito, and the secret manager
    // rewrites the file. Nothing fails; the provider keeps the secret that works.
    assert!(issuer.add_client_secret(CLIENT_ID, NEW));
    file.rewrite(NEW);
    assert_eq!(fetch(&tokens, &issuer).await, 1);
    // Step 3: the old secret is removed in Cognito: one refused request, then the file's.
    assert!(issuer.remove_client_secret(CLIENT_ID, OLD));
    assert_eq!(fetch(&tokens, &issuer).await, 2);
    assert_eq!(fetch(&tokens, &issuer).await, 1);
}

#[tokio::test]
async fn a_secret_file_rewritten_before_cognito_has_the_secret_keeps_the_old_one() {
    // The runbook's steps in the wrong order: the file holds a secret Cognito does not know
    // yet. The old secret still works and stays in use; no caller fails.
    let issuer = issuer_with(OLD).await;
    let file = SecretFile::new("early", OLD);
    let tokens = tokens(&issuer).client_secret_source(SecretSource::file(&file.0)).build().unwrap();
    assert_eq!(fetch(&tokens, &issuer).await, 1);
    file.rewrite(NEW);
    assert_eq!(fetch(&tokens, &issuer).await, 1, "the secret in use is tried first, and works");
}

#[tokio::test]
async fn a_secret_closure_is_read_before_each_token_request() {
    let issuer = issuer_with(OLD).await;
    let current = Arc::new(RwLock::new(OLD.to_owned()));
    let source = {
        let current = Arc::clone(&current);
        SecretSource::from_fn(move || current.read().ok().map(|s| s.clone()))
    };
    let tokens = tokens(&issuer).client_secret_source(source).build().unwrap();
    assert_eq!(fetch(&tokens, &issuer).await, 1);
    assert!(issuer.add_client_secret(CLIENT_ID, NEW));
    *current.write().unwrap() = NEW.to_owned();
    assert!(issuer.remove_client_secret(CLIENT_ID, OLD));
    assert_eq!(fetch(&tokens, &issuer).await, 2);
    assert_eq!(fetch(&tokens, &issuer).await, 1);
}

#[tokio::test]
async fn the_other_secret_is_tried_only_on_invalid_client() {
    let issuer = issuer_with(OLD).await;
    let tokens = tokens(&issuer).client_secret(OLD).next_client_secret(NEW).build().unwrap();
    let err = tokens.access_token_for(["unknown/scope"]).await.unwrap_err();
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::InvalidScope, .. }), "{err:?}");
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_both_secrets_wrong_the_failure_memory_still_bounds_the_requests() {
    let issuer = issuer_with(OLD).await;
    let tokens = tokens(&issuer)
        .client_secret("wrong-one-0123456789abcdef")
        .next_client_secret("wrong-two-0123456789abcdef");
    let tokens = tokens.build().unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let callers: Vec<_> = (0..20)
        .map(|_| {
            let (tokens, calls) = (tokens.clone(), Arc::clone(&calls));
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let error = tokens.access_token().await.unwrap_err();
                    assert!(
                        matches!(
                            error.cause(),
                            TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }
                        ),
                        "{error:?}"
                    );
                    calls.fetch_add(1, Ordering::Relaxed);
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    // Two requests per fetch (one per secret); fetches at 0 s, 1 s and by 2.5 s at the latest.
    let requests = issuer.token_requests();
    let calls = calls.load(Ordering::Relaxed);
    assert!(requests <= 8, "{requests} token requests for {calls} calls in 3 s");
    assert!(calls > 1000, "only {calls} calls: the loop was not hot");
}

#[test]
fn an_unreadable_secret_file_is_refused_at_build_without_showing_content() {
    let build = |source| {
        cognito_client::ClientCredentials::builder()
            .token_endpoint("http://127.0.0.1:9/oauth2/token")
            .client_id("id")
            .client_secret_source(source)
            .build()
    };
    match build(SecretSource::file("/nonexistent/cognito-rs/secret")) {
        Err(ConfigError::SecretSource(reason)) => {
            assert!(reason.contains("/nonexistent/cognito-rs/secret"), "{reason}")
        }
        other => panic!("expected SecretSource, got {other:?}"),
    }
    let empty = SecretFile::new("empty", "  ");
    assert!(matches!(build(SecretSource::file(&empty.0)), Err(ConfigError::SecretSource(_))));
    assert!(matches!(build(SecretSource::from_fn(|| None)), Err(ConfigError::SecretSource(_))));
}
