//! Fault injection, counters and shutdown.

mod support;

use std::time::{Duration, Instant};

use cognito_testkit::{ClientRegistration, Fault, TestIssuer};
use support::{get_json, http};
use test_support::GARBAGE_BODY;

#[tokio::test]
async fn status_fault_answers_that_status_and_is_counted() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Status(503)));

    for _ in 0..2 {
        let response = http().get(issuer.jwks_url()).send().await.unwrap();
        assert_eq!(response.status(), 503);
    }

    assert_eq!(issuer.jwks_requests(), 2);
}

#[tokio::test]
async fn clearing_a_fault_restores_normal_service() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    assert_eq!(http().get(issuer.jwks_url()).send().await.unwrap().status(), 500);

    issuer.set_jwks_fault(None);

    assert_eq!(get_json(&issuer.jwks_url()).await, issuer.jwks());
}

#[tokio::test]
async fn unrepresentable_status_becomes_500() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Status(1000)));

    assert_eq!(http().get(issuer.jwks_url()).send().await.unwrap().status(), 500);
}

#[tokio::test]
async fn fault_for_n_requests_heals_afterwards() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault_for(Fault::Status(502), 2);

    let statuses = [
        http().get(issuer.jwks_url()).send().await.unwrap().status(),
        http().get(issuer.jwks_url()).send().await.unwrap().status(),
        http().get(issuer.jwks_url()).send().await.unwrap().status(),
    ];

    assert_eq!(statuses.map(|s| s.as_u16()), [502, 502, 200]);
    assert_eq!(issuer.jwks_requests(), 3);
}

#[tokio::test]
async fn delay_fault_delays_then_serves_normally() {
    let issuer = TestIssuer::start().await;
    let delay = Duration::from_millis(200);
    issuer.set_jwks_fault(Some(Fault::Delay(delay)));

    let started = Instant::now();
    let jwks = get_json(&issuer.jwks_url()).await;

    assert!(started.elapsed() >= delay);
    assert_eq!(jwks, issuer.jwks());
}

#[tokio::test]
async fn delay_fault_trips_a_client_timeout() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Delay(Duration::from_secs(30))));

    let result = http().get(issuer.jwks_url()).timeout(Duration::from_millis(100)).send().await;

    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn garbage_fault_answers_200_with_a_non_json_body() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Garbage));

    let response = http().get(issuer.jwks_url()).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.bytes().await.unwrap();
    assert_eq!(&body[..], GARBAGE_BODY.as_bytes());
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
}

#[tokio::test]
async fn oversized_fault_answers_exactly_that_many_bytes() {
    let issuer = TestIssuer::start().await;
    let len = 3 * 1024 * 1024;
    issuer.set_jwks_fault(Some(Fault::Oversized(len)));

    let response = http().get(issuer.jwks_url()).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(len as u64));
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len(), len);
    assert!(body.starts_with(br#"{"keys":[]"#));
}

#[tokio::test]
async fn close_connection_fault_sends_no_response() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault_for(Fault::CloseConnection, 1);
    let client = http();

    let result = client.get(issuer.jwks_url()).send().await;

    let err = result.unwrap_err();
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    assert_eq!(issuer.jwks_requests(), 1);
    let healed = client.get(issuer.jwks_url()).send().await.unwrap();
    assert_eq!(healed.status(), 200);
}

#[tokio::test]
async fn token_endpoint_faults_apply_before_authentication() {
    let issuer =
        TestIssuer::builder().client(ClientRegistration::new("c", "s").scopes(["a/b"])).start().await;
    issuer.set_token_fault_for(Fault::Status(500), 1);
    let request = || {
        http()
            .post(issuer.token_endpoint())
            .basic_auth("c", Some("s"))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };

    assert_eq!(request().await.unwrap().status(), 500);
    assert_eq!(request().await.unwrap().status(), 200);
    assert_eq!(issuer.token_requests(), 2);

    issuer.set_token_fault(Some(Fault::Garbage));
    let body = request().await.unwrap().text().await.unwrap();
    assert_eq!(body, GARBAGE_BODY);
}

#[tokio::test]
async fn discovery_faults_are_independent_of_jwks_faults() {
    let issuer = TestIssuer::start().await;
    issuer.set_discovery_fault(Some(Fault::Status(404)));

    assert_eq!(http().get(issuer.discovery_url()).send().await.unwrap().status(), 404);
    assert_eq!(http().get(issuer.jwks_url()).send().await.unwrap().status(), 200);
    issuer.set_discovery_fault_for(Fault::Garbage, 0);
    assert_eq!(get_json(&issuer.discovery_url()).await["issuer"], issuer.issuer_url().as_str());
    assert_eq!(issuer.discovery_requests(), 2);
}

#[tokio::test]
async fn reset_counters_zeroes_every_counter() {
    let issuer = TestIssuer::start().await;
    get_json(&issuer.jwks_url()).await;
    get_json(&issuer.discovery_url()).await;
    http().post(issuer.token_endpoint()).send().await.unwrap();

    assert_eq!((issuer.jwks_requests(), issuer.discovery_requests(), issuer.token_requests()), (1, 1, 1));
    issuer.reset_counters();
    assert_eq!((issuer.jwks_requests(), issuer.discovery_requests(), issuer.token_requests()), (0, 0, 0));
}

#[tokio::test]
async fn clones_share_one_server() {
    let issuer = TestIssuer::start().await;
    let clone = issuer.clone();

    get_json(&clone.jwks_url()).await;
    clone.set_jwks_fault(Some(Fault::Status(500)));

    assert_eq!(issuer.jwks_requests(), 1);
    assert_eq!(http().get(issuer.jwks_url()).send().await.unwrap().status(), 500);
    drop(clone);
    assert_eq!(http().get(issuer.jwks_url()).send().await.unwrap().status(), 500);
}

/// Waits (by yielding, not sleeping) until requests to `url` fail.
async fn wait_until_refused(client: &reqwest::Client, url: &str) {
    for _ in 0..10_000 {
        if client.get(url).send().await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("{url} still answers");
}

#[tokio::test]
async fn shutdown_stops_serving_even_on_kept_alive_connections() {
    let issuer = TestIssuer::start().await;
    let client = http();
    assert_eq!(client.get(issuer.jwks_url()).send().await.unwrap().status(), 200);

    issuer.shutdown();

    wait_until_refused(&client, &issuer.jwks_url()).await;
    assert!(client.get(issuer.jwks_url()).send().await.is_err());
    assert!(!issuer.access_token().sign().is_empty(), "tokens can still be minted");
}

#[tokio::test]
async fn dropping_the_last_clone_stops_the_server() {
    let issuer = TestIssuer::start().await;
    let url = issuer.jwks_url();
    let client = http();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);

    drop(issuer);

    wait_until_refused(&client, &url).await;
    assert!(client.get(&url).send().await.is_err());
}
