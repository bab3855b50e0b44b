//! Issue 20, item 6: the issuer plays Cognito's resource binding (RFC 8707): `resource` on the
//! authorize and token requests binds the access token's `aud` (a string, or an array when the
//! client is set so); an unknown resource is `invalid_target`.

mod support;

use cognito_testkit::{ClientRegistration, TestIssuer, TestUser};
use serde_json::{Value, json};
use support::code_flow::{exchange, param, refresh, sign_in, token_request};
use support::parts;

const WEB: &str = "webclient";
const CALLBACK: &str = "http://127.0.0.1:9/auth/callback";
const API: &str = "https://api.example.com";
const ALICE: (&str, &str) = ("alice", "alice-pw");

async fn issuer(aud_as_array: bool) -> TestIssuer {
    TestIssuer::builder()
        .client(
            ClientRegistration::public(WEB)
                .callback_urls([CALLBACK])
                .resources([API])
                .aud_as_array(aud_as_array),
        )
        .client(ClientRegistration::new("m2m", "m2m-secret").scopes(["x/y"]).resources([API]))
        .user(TestUser::new(ALICE.0, ALICE.1))
        .start()
        .await
}

fn aud(token: &Value) -> Value {
    parts(token.as_str().unwrap()).1.get("aud").cloned().unwrap_or(Value::Null)
}

async fn client_credentials(issuer: &TestIssuer, resource: Option<&str>) -> (u16, Value) {
    let mut form =
        vec![("grant_type", "client_credentials"), ("client_id", "m2m"), ("client_secret", "m2m-secret")];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    token_request(issuer, &form).await
}

#[tokio::test]
async fn a_client_credentials_resource_binds_the_access_token_aud() {
    let issuer = issuer(false).await;
    let (status, body) = client_credentials(&issuer, Some(API)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(aud(&body["access_token"]), json!(API));
    let (_, unbound) = client_credentials(&issuer, None).await;
    assert_eq!(aud(&unbound["access_token"]), Value::Null, "no resource, no aud");
}

#[tokio::test]
async fn an_unknown_client_credentials_resource_is_invalid_target() {
    let issuer = issuer(false).await;
    let (status, body) = client_credentials(&issuer, Some("https://other.example.com")).await;
    assert_eq!((status, body), (400, json!({ "error": "invalid_target" })));
}

#[tokio::test]
async fn the_authorize_resource_binds_the_access_token_aud_and_survives_refresh() {
    for (as_array, expected) in [(false, json!(API)), (true, json!([API]))] {
        let issuer = issuer(as_array).await;
        let callback = sign_in(&issuer, WEB, CALLBACK, Some(API), ALICE).await;
        let code = param(&callback, "code").unwrap();
        let (status, body) = exchange(&issuer, WEB, CALLBACK, &code, Some(API)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(aud(&body["access_token"]), expected);
        // The ID token's aud is still the client.
        assert_eq!(parts(body["id_token"].as_str().unwrap()).1["aud"], WEB);
        let (status, refreshed) = refresh(&issuer, WEB, body["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{refreshed}");
        assert_eq!(aud(&refreshed["access_token"]), expected);
    }
}

#[tokio::test]
async fn an_unknown_authorize_resource_is_redirected_back_as_invalid_target() {
    let issuer = issuer(false).await;
    let callback = sign_in(&issuer, WEB, CALLBACK, Some("https://other.example.com"), ALICE).await;
    assert_eq!(param(&callback, "error").as_deref(), Some("invalid_target"));
    assert_eq!(param(&callback, "code"), None);
}

#[tokio::test]
async fn a_code_exchange_that_does_not_repeat_the_resource_is_invalid_target() {
    let issuer = issuer(false).await;
    for (authorized, exchanged) in
        [(Some(API), None), (None, Some(API)), (Some(API), Some("https://other.example.com"))]
    {
        let callback = sign_in(&issuer, WEB, CALLBACK, authorized, ALICE).await;
        let code = param(&callback, "code").unwrap();
        let (status, body) = exchange(&issuer, WEB, CALLBACK, &code, exchanged).await;
        assert_eq!(
            (status, body),
            (400, json!({ "error": "invalid_target" })),
            "{authorized:?} {exchanged:?}"
        );
    }
}
