//! `GET /metrics` after a known sequence of requests shows exactly the counts those requests
//! cause (see docs/observability.md). One test in its own binary: the recorder is process-wide.

use std::time::{SystemTime, UNIX_EPOCH};

use api::{SCOPE_GET, install_metrics_recorder, router_with_metrics};
use cognito_testkit::{KeyKind, TestIssuer, serve_router};
use reqwest::StatusCode;
use test_support::prometheus_sample as sample;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_the_verifications_and_key_fetches_the_requests_caused() {
    let recorder = install_metrics_recorder().unwrap();
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .verifier()
        .token_use(cognito_verify::TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .build()
        .unwrap();
    let jwks_uri = issuer.jwks_url();
    let base = format!("http://{}", serve_router(router_with_metrics(verifier, recorder)).await);
    let http = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>| {
        let request = http.get(format!("{base}{path}"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };

    // No token: refused by the layer before any verification.
    assert_eq!(get("/transactions", None).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // The same valid token twice: verified (keys fetched), then answered by the token cache.
    let read = issuer.access_token().scopes([SCOPE_GET]).sign();
    assert_eq!(get("/transactions", Some(&read)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/transactions", Some(&read)).await.unwrap().status(), StatusCode::OK);
    // A valid token without the scope: verified, then refused by the guard.
    let sign_in = issuer.access_token().sign();
    assert_eq!(get("/transactions", Some(&sign_in)).await.unwrap().status(), StatusCode::FORBIDDEN);
    // An expired token.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let expired = issuer.access_token().issued_at(now - 7200).expires_at(now - 3600).sign();
    assert_eq!(get("/transactions", Some(&expired)).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // A key published after the first fetch: one refetch for its unknown kid, then valid.
    let new_kid = issuer.add_key(KeyKind::Es256);
    let rotated = issuer.access_token().scopes([SCOPE_GET]).signed_with_kid(&new_kid).sign();
    assert_eq!(get("/transactions", Some(&rotated)).await.unwrap().status(), StatusCode::OK);
    // Another unknown kid right after: the refetch rate limit refuses a second refetch.
    let unknown = issuer.access_token().kid("no-such-key").sign();
    assert_eq!(get("/transactions", Some(&unknown)).await.unwrap().status(), StatusCode::UNAUTHORIZED);

    let page = get("/metrics", None).await.unwrap().text().await.unwrap();
    let verifications = |outcome, error, cache| {
        sample(
            &page,
            "cognito_verify_verifications_total",
            &[("verifier", "cognito"), ("outcome", outcome), ("error", error), ("cache", cache)],
        )
    };
    assert_eq!(verifications("valid", "none", "miss"), Some(3.0), "{page}");
    assert_eq!(verifications("valid", "none", "hit"), Some(1.0), "{page}");
    assert_eq!(verifications("invalid", "expired", "miss"), Some(1.0), "{page}");
    assert_eq!(verifications("invalid", "unknown_kid", "miss"), Some(1.0), "{page}");
    let uri = ("jwks_uri", jwks_uri.as_str());
    let fetches = [uri, ("outcome", "success")];
    assert_eq!(sample(&page, "cognito_verify_jwks_fetches_total", &fetches), Some(2.0), "{page}");
    assert_eq!(issuer.jwks_requests(), 2);
    assert_eq!(sample(&page, "cognito_verify_jwks_fetch_duration_seconds_count", &fetches), Some(2.0));
    assert_eq!(sample(&page, "cognito_verify_jwks_unknown_kid_refetches_total", &[uri]), Some(1.0), "{page}");
    let refused = [uri, ("reason", "rate_limit")];
    assert_eq!(sample(&page, "cognito_verify_jwks_refetches_refused_total", &refused), Some(1.0), "{page}");
    let updated = sample(&page, "cognito_verify_jwks_key_set_updated_timestamp_seconds", &[uri]).unwrap();
    assert!((updated - now as f64).abs() < 60.0, "{updated} is not about now ({now})");
}
