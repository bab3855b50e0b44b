//! The `api` example over real HTTP: a transactions resource server behind `CognitoLayer`,
//! called with reqwest and tokens from the testkit issuer.

use api::{NewTransaction, SCOPE_GET, SCOPE_POST, Transaction};
use cognito_testkit::{
    Challenge, ClientRegistration, Fault, TestApp, TestIssuer, response_header, tamper_signature,
};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;
use test_support::unix_now;

const M2M_CLIENT: &str = "m2m-client";

/// The api router on loopback, trusting the issuer's default app client and an M2M client.
struct Api {
    issuer: TestIssuer,
    http: TestApp,
}

impl Api {
    async fn start() -> Api {
        let issuer =
            TestIssuer::builder().client(ClientRegistration::new(M2M_CLIENT, "s3cret")).start().await;
        let verifier =
            issuer.access_verifier().client_ids([issuer.default_client_id(), M2M_CLIENT]).build().unwrap();
        Api { issuer, http: TestApp::serve(api::router(verifier)).await }
    }

    /// A user access token for alice with these scopes.
    fn token(&self, scopes: &[&str]) -> String {
        self.issuer.access_token().username("alice").scopes(scopes.iter()).sign()
    }

    fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(path)
    }

    fn post(&self, token: &str, amount: i64) -> RequestBuilder {
        let body = NewTransaction { amount, description: "coffee beans".to_owned() };
        self.http.post("/transactions").bearer_auth(token).json(&body)
    }

    fn delete(&self, id: u64, token: &str) -> RequestBuilder {
        self.http.delete(&format!("/transactions/{id}")).bearer_auth(token)
    }

    async fn transactions(&self) -> Vec<Transaction> {
        let response = self.get("/transactions").bearer_auth(self.token(&[SCOPE_GET])).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

async fn error_body(response: Response) -> Value {
    assert_eq!(response_header(&response, "content-type"), "application/json");
    response.json().await.unwrap()
}

#[tokio::test]
async fn health_is_public() {
    let api = Api::start().await;
    let response = api.get("/health").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn unknown_path_is_404_not_401() {
    let api = Api::start().await;
    assert_eq!(api.get("/nope").send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn request_without_a_token_is_401_with_a_bare_bearer_challenge() {
    let api = Api::start().await;
    let response = api.get("/transactions").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), r#"Bearer realm="transactions""#);
    let body = error_body(response).await;
    assert_eq!(body["error"], "missing_token");
}

#[tokio::test]
async fn expired_token_is_401_invalid_token() {
    let api = Api::start().await;
    let token = api.issuer.access_token().scopes([SCOPE_GET]).issued_at(unix_now() - 7200).sign();
    let response = api.get("/transactions").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response_header(&response, "www-authenticate");
    assert!(
        challenge.starts_with(r#"Bearer realm="transactions", error="invalid_token", error_description=""#),
        "{challenge}"
    );
    assert!(challenge.contains("expired"), "{challenge}");
    assert_eq!(error_body(response).await["error"], "invalid_token");
}

#[tokio::test]
async fn token_with_a_tampered_signature_is_401_invalid_token() {
    let api = Api::start().await;
    let token = tamper_signature(&api.token(&[SCOPE_GET]));
    let response = api.get("/transactions").bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
    let body = response.text().await.unwrap();
    assert!(!body.contains(&token), "the token is never echoed");
}

#[tokio::test]
async fn token_signed_by_another_issuers_key_is_401_invalid_token() {
    let api = Api::start().await;
    let impostor = TestIssuer::start().await;
    let forged = impostor
        .access_token()
        .issuer(api.issuer.issuer_url())
        .client_id(api.issuer.default_client_id())
        .scopes([SCOPE_GET])
        .sign();
    let response = api.get("/transactions").bearer_auth(forged).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn id_token_is_refused_by_the_api() {
    let api = Api::start().await;
    let response = api.get("/transactions").bearer_auth(api.issuer.id_token().sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn token_of_another_app_client_is_401_invalid_token() {
    let api = Api::start().await;
    let token = api.issuer.access_token().client_id("someotherclient").scopes([SCOPE_GET]).sign();
    let response = api.get("/transactions").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn malformed_authorization_header_is_400_invalid_request() {
    let api = Api::start().await;
    for value in ["Bearer", "Bearer two tokens"] {
        let response = api.get("/transactions").header("authorization", value).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{value:?}");
        let challenge = response_header(&response, "www-authenticate");
        assert!(challenge.contains(r#"error="invalid_request""#), "{challenge}");
        assert_eq!(error_body(response).await["error"], "invalid_request");
    }
}

#[tokio::test]
async fn bearer_scheme_is_case_insensitive() {
    let api = Api::start().await;
    let value = format!("bEaReR {}", api.token(&[SCOPE_GET]));
    let response = api.get("/transactions").header("authorization", value).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn post_without_the_post_scope_is_403_naming_the_scope_and_creates_nothing() {
    let api = Api::start().await;
    let response = api.post(&api.token(&[SCOPE_GET]), 1250).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate");
    assert!(
        challenge.starts_with(r#"Bearer realm="transactions", error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(challenge.ends_with(r#"scope="transactions/post""#), "{challenge}");
    assert_eq!(error_body(response).await["error"], "insufficient_scope");
    assert!(api.transactions().await.is_empty());
}

#[tokio::test]
async fn post_with_the_post_scope_creates_a_transaction_for_the_caller() {
    let api = Api::start().await;
    let response = api.post(&api.token(&[SCOPE_POST]), 1250).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Transaction = response.json().await.unwrap();
    let expected = Transaction {
        id: 1,
        amount: 1250,
        description: "coffee beans".to_owned(),
        created_by: api.issuer.default_sub().to_owned(),
        client_id: Some(api.issuer.default_client_id().to_owned()),
    };
    assert_eq!(created, expected);
    assert_eq!(api.transactions().await, vec![expected]);
}

#[tokio::test]
async fn machine_to_machine_token_with_the_post_scope_creates_a_transaction() {
    let api = Api::start().await;
    let token = api.issuer.client_credentials_token(M2M_CLIENT).scopes([SCOPE_POST]).sign();
    let response = api.post(&token, 99).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Transaction = response.json().await.unwrap();
    assert_eq!(created.created_by, M2M_CLIENT);
    assert_eq!(created.client_id.as_deref(), Some(M2M_CLIENT));
}

#[tokio::test]
async fn get_without_the_get_scope_is_403_naming_the_scope() {
    let api = Api::start().await;
    let response = api.get("/transactions").bearer_auth(api.token(&[SCOPE_POST])).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response_header(&response, "www-authenticate").ends_with(r#"scope="transactions/get""#));
}

#[tokio::test]
async fn get_accepts_a_token_whose_scopes_include_the_get_scope() {
    let api = Api::start().await;
    let token = api.token(&["aws.cognito.signin.user.admin", "reports/read", SCOPE_GET]);
    let response = api.get("/transactions").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Vec<Transaction>>().await.unwrap(), []);
}

#[tokio::test]
async fn delete_needs_all_of_its_scopes() {
    let api = Api::start().await;
    api.post(&api.token(&[SCOPE_POST]), 1250).send().await.unwrap();
    for partial in [[SCOPE_GET], [SCOPE_POST]] {
        let response = api.delete(1, &api.token(&partial)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{partial:?}");
        let challenge = response_header(&response, "www-authenticate");
        assert!(challenge.ends_with(r#"scope="transactions/get transactions/post""#), "{challenge}");
    }
    assert_eq!(api.transactions().await.len(), 1);
    let both = api.token(&[SCOPE_GET, SCOPE_POST]);
    assert_eq!(api.delete(1, &both).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert!(api.transactions().await.is_empty());
    assert_eq!(api.delete(1, &both).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn token_in_the_access_token_cookie_is_accepted() {
    let api = Api::start().await;
    let cookie = format!("theme=dark; access_token={}", api.token(&[SCOPE_GET]));
    let response = api.get("/transactions").header("cookie", cookie).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn invalid_token_in_the_cookie_is_401_invalid_token() {
    let api = Api::start().await;
    let cookie = format!("access_token={}", tamper_signature(&api.token(&[SCOPE_GET])));
    let response = api.get("/transactions").header("cookie", cookie).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn optional_route_without_a_token_answers_anonymously() {
    let api = Api::start().await;
    let response = api.get("/hello").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().starts_with("hello, anonymous caller"));
}

#[tokio::test]
async fn optional_route_with_a_token_greets_the_caller_by_name() {
    let api = Api::start().await;
    let response = api.get("/hello").bearer_auth(api.token(&[])).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "hello, alice\n");
}

#[tokio::test]
async fn optional_route_still_refuses_an_invalid_token() {
    let api = Api::start().await;
    let token = api.issuer.access_token().issued_at(unix_now() - 7200).sign();
    let response = api.get("/hello").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn unreachable_signing_keys_at_start_are_503_with_retry_after() {
    let api = Api::start().await;
    api.issuer.set_jwks_fault(Some(Fault::Status(500)));
    let response = api.get("/transactions").bearer_auth(api.token(&[SCOPE_GET])).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after: u64 = response_header(&response, "retry-after").parse().unwrap();
    assert!(retry_after >= 1);
    assert_eq!(response_header(&response, "www-authenticate"), "", "503 is not an authentication failure");
    assert_eq!(error_body(response).await["error"], "temporarily_unavailable");
}
