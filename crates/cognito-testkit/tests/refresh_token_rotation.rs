//! Issue 20, item 6: refresh-token rotation. Each refresh answers a new refresh token; the one
//! presented keeps working for the client's grace period by the issuer's clock, then answers
//! `invalid_grant`.

mod support;

use std::time::Duration;

use cognito_testkit::{ClientRegistration, TestIssuer, TestUser};
use serde_json::{Value, json};
use support::code_flow::{exchange, param, refresh, sign_in};

const WEB: &str = "webclient";
const CALLBACK: &str = "http://127.0.0.1:9/auth/callback";

async fn signed_in(grace: Duration) -> (TestIssuer, String) {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::public(WEB).callback_urls([CALLBACK]).refresh_token_rotation(grace))
        .user(TestUser::new("alice", "alice-pw"))
        .start()
        .await;
    issuer.clock().freeze();
    let code = param(&sign_in(&issuer, WEB, CALLBACK, None, ("alice", "alice-pw")).await, "code").unwrap();
    let (status, body) = exchange(&issuer, WEB, CALLBACK, &code, None).await;
    assert_eq!(status, 200, "{body}");
    (issuer, body["refresh_token"].as_str().unwrap().to_owned())
}

fn new_refresh_token(body: &Value) -> String {
    body["refresh_token"].as_str().unwrap_or_else(|| panic!("no new refresh token: {body}")).to_owned()
}

#[tokio::test]
async fn each_refresh_answers_a_new_refresh_token_and_the_old_one_works_within_the_grace_period() {
    let (issuer, first) = signed_in(Duration::from_secs(30)).await;
    let (status, body) = refresh(&issuer, WEB, &first).await;
    assert_eq!(status, 200, "{body}");
    let second = new_refresh_token(&body);
    assert_ne!(second, first);
    // A retry with the old one within 30 s still works (and rotates again).
    issuer.clock().advance(Duration::from_secs(29));
    let (status, retry) = refresh(&issuer, WEB, &first).await;
    assert_eq!(status, 200, "{retry}");
    // Past the grace period: invalid_grant; the new one works.
    issuer.clock().advance(Duration::from_secs(1));
    assert_eq!(refresh(&issuer, WEB, &first).await, (400, json!({ "error": "invalid_grant" })));
    let (status, body) = refresh(&issuer, WEB, &second).await;
    assert_eq!(status, 200, "{body}");
    let counts = issuer.hosted_login_counts();
    assert_eq!((counts.refreshes, counts.refresh_token_rotations, counts.refused_refreshes), (3, 3, 1));
}

#[tokio::test]
async fn with_no_grace_period_a_rotated_out_refresh_token_is_refused_at_once() {
    let (issuer, first) = signed_in(Duration::ZERO).await;
    let (status, body) = refresh(&issuer, WEB, &first).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(refresh(&issuer, WEB, &first).await, (400, json!({ "error": "invalid_grant" })));
    assert_eq!(refresh(&issuer, WEB, &new_refresh_token(&body)).await.0, 200);
}

#[tokio::test]
async fn without_rotation_a_refresh_answers_no_new_refresh_token() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::public(WEB).callback_urls([CALLBACK]))
        .user(TestUser::new("alice", "alice-pw"))
        .start()
        .await;
    let code = param(&sign_in(&issuer, WEB, CALLBACK, None, ("alice", "alice-pw")).await, "code").unwrap();
    let (_, body) = exchange(&issuer, WEB, CALLBACK, &code, None).await;
    let refresh_token = body["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let (status, refreshed) = refresh(&issuer, WEB, refresh_token).await;
        assert_eq!(status, 200);
        assert!(refreshed.get("refresh_token").is_none(), "{refreshed}");
    }
}
