//! Caching per scope set, expiry margin, single flight and refresh ahead, read from the test
//! issuer's request counter.

mod common;

use std::time::Duration;

use cognito_testkit::{Fault, TestIssuer, eventually};
use common::{GET, POST, WAIT, client, issuer, scope_claim, tokens};

async fn issuer_with_lifetime(lifetime: Duration) -> TestIssuer {
    TestIssuer::builder().client(client(lifetime)).start().await
}

#[tokio::test]
async fn first_call_requests_a_token_for_the_configured_scopes() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    assert_eq!(tokens.token_requests(), 0, "build makes no request");

    let token = tokens.access_token().await.unwrap();
    assert_eq!(scope_claim(token.as_str()), POST);
    assert_eq!(issuer.token_requests(), 1);
    assert!(token.expires_in() > Duration::from_secs(3590));
}

#[tokio::test]
async fn second_call_within_lifetime_uses_the_cached_token() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();

    let first = tokens.access_token().await.unwrap();
    let second = tokens.access_token().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(issuer.token_requests(), 1);
    assert_eq!(tokens.token_requests(), 1);
}

#[tokio::test]
async fn each_scope_set_has_its_own_cached_token() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();

    let post = tokens.access_token().await.unwrap();
    let get = tokens.access_token_for([GET]).await.unwrap();
    let both = tokens.access_token_for([POST, GET]).await.unwrap();
    assert_eq!(issuer.token_requests(), 3);
    assert_eq!(scope_claim(get.as_str()), GET);
    assert_ne!(post, get);
    assert_ne!(get, both);

    // The same sets again, in another order and with duplicates: all cached.
    assert_eq!(tokens.access_token_for([POST]).await.unwrap(), post);
    assert_eq!(tokens.access_token_for([GET, POST, GET]).await.unwrap(), both);
    assert_eq!(tokens.access_token_for(&[GET]).await.unwrap(), get);
    assert_eq!(issuer.token_requests(), 3);
}

#[tokio::test]
async fn providers_made_with_with_scopes_share_the_cache() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let get_tokens = tokens.with_scopes([GET]).unwrap();

    let via_view = get_tokens.access_token().await.unwrap();
    let direct = tokens.access_token_for([GET]).await.unwrap();
    assert_eq!(via_view, direct);
    assert_eq!(get_tokens.scopes().collect::<Vec<_>>(), [GET]);
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn short_lived_token_is_still_cached_because_the_margin_is_capped() {
    // The default 60 s margin is more than this token lives: it is capped at half the lifetime.
    let issuer = issuer_with_lifetime(Duration::from_secs(30)).await;
    let tokens = tokens(&issuer).build().unwrap();

    let first = tokens.access_token().await.unwrap();
    assert_eq!(tokens.access_token().await.unwrap(), first);
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn token_past_its_expiry_margin_is_fetched_again() {
    // A 2 s token with a 1 s margin is handed out for 1 s, then replaced (refresh ahead off).
    let issuer = issuer_with_lifetime(Duration::from_secs(2)).await;
    let tokens =
        tokens(&issuer).expiry_margin(Duration::from_secs(1)).refresh_ahead(Duration::ZERO).build().unwrap();

    let first = tokens.access_token().await.unwrap();
    assert_eq!(tokens.access_token().await.unwrap(), first);
    assert_eq!(issuer.token_requests(), 1);
    eventually(WAIT, || async { tokens.access_token().await.unwrap() != first }).await;
    assert_eq!(issuer.token_requests(), 2);
    // The token was replaced before it expired.
    assert!(first.expires_in() > Duration::ZERO);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_for_100_concurrent_callers() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    // Slow enough that every caller arrives while the request is in flight.
    issuer.set_token_fault_for(Fault::Delay(Duration::from_millis(300)), 1);

    let callers: Vec<_> = (0..100)
        .map(|_| {
            let tokens = tokens.clone();
            tokio::spawn(async move { tokens.access_token().await })
        })
        .collect();
    let mut results = Vec::new();
    for caller in callers {
        results.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(issuer.token_requests(), 1);
    assert!(results.iter().all(|token| *token == results[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_of_different_scope_sets_get_one_request_each() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault(Some(Fault::Delay(Duration::from_millis(200))));

    let callers: Vec<_> = (0..40)
        .map(|i| {
            let tokens = tokens.clone();
            tokio::spawn(async move { tokens.access_token_for([if i % 2 == 0 { GET } else { POST }]).await })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(issuer.token_requests(), 2);
}

#[tokio::test]
async fn a_cancelled_caller_does_not_cancel_the_request_for_others() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault_for(Fault::Delay(Duration::from_millis(300)), 1);

    let cancelled = tokio::time::timeout(Duration::from_millis(50), tokens.access_token()).await;
    assert!(cancelled.is_err(), "the first caller gave up");
    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 1, "the second caller joined the request in flight");
}

#[tokio::test]
async fn token_due_for_refresh_is_returned_at_once_and_refreshed_once_in_the_background() {
    // A 3 s token, no margin: handed out for 3 s, refreshed in the background from 1.5 s.
    let issuer = issuer_with_lifetime(Duration::from_secs(3)).await;
    let tokens = tokens(&issuer).expiry_margin(Duration::ZERO).build().unwrap();
    let first = tokens.access_token().await.unwrap();
    // The refresh is slow, so callers that waited for it would see the new token.
    issuer.set_token_fault(Some(Fault::Delay(Duration::from_millis(500))));

    eventually(WAIT, || async {
        assert_eq!(tokens.access_token().await.unwrap(), first, "callers never wait for the refresh");
        issuer.token_requests() == 2
    })
    .await;
    // More callers while the refresh is in flight: the cached token, no more requests.
    let callers: Vec<_> = (0..20).map(|_| tokens.access_token()).collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap(), first);
    }

    eventually(WAIT, || async { tokens.access_token().await.unwrap() != first }).await;
    let refreshed = tokens.access_token().await.unwrap();
    assert!(refreshed.expires_at() > first.expires_at());
    assert_eq!(issuer.token_requests(), 2, "exactly one background request");
    assert_eq!(tokens.token_requests(), 2);
}

#[tokio::test]
async fn failed_background_refresh_keeps_serving_the_cached_token() {
    let issuer = issuer_with_lifetime(Duration::from_secs(3)).await;
    let tokens = tokens(&issuer).expiry_margin(Duration::ZERO).max_attempts(1).build().unwrap();
    let first = tokens.access_token().await.unwrap();
    issuer.set_token_fault(Some(Fault::Status(500)));

    // Two failed refreshes (the second after a pause), while callers still get the token.
    eventually(WAIT, || async {
        assert_eq!(tokens.access_token().await.unwrap(), first);
        issuer.token_requests() >= 3
    })
    .await;
}

#[tokio::test]
async fn clear_cache_makes_the_next_call_request_a_new_token() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    tokens.access_token().await.unwrap();

    tokens.clear_cache();
    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 2);
}
