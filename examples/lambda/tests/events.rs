//! The app on the events of the three front doors, converted by `lambda_http` itself: the same
//! handlers (`Claims`, a scope guard, a group guard) in both setups.

use axum::body::to_bytes;
use axum::http::StatusCode;
use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, TokenUse};
use lambda::events::{Event, Kind};
use lambda::{ADMIN_GROUP, SCOPE_GET, Setup, on_lambda, router};
use serde_json::{Value, json};
use test_support::unix_now as now;
use tower::ServiceExt;

const KINDS: [Kind; 3] = [Kind::RestApi, Kind::HttpApi, Kind::FunctionUrl];
const GATEWAYS: [Kind; 2] = [Kind::RestApi, Kind::HttpApi];

fn verifier(issuer: &TestIssuer) -> CognitoVerifier {
    issuer.verifier().token_use(TokenUse::Access).client_ids([issuer.default_client_id()]).build().unwrap()
}

async fn call(setup: Setup, issuer: &TestIssuer, event: &Event) -> (StatusCode, Value) {
    let request = event.request().expect("lambda_http reads the event");
    let response = on_lambda(router(setup, verifier(issuer))).oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(&body).into_owned())),
    )
}

// ---- the function verifies the token itself (CognitoLayer) ----

#[tokio::test]
async fn verify_setup_answers_a_valid_token_through_every_front_door() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().username("alice").groups(["users"]).scopes([SCOPE_GET]).sign();
    for kind in KINDS {
        let (status, body) = call(Setup::VerifyToken, &issuer, &Event::get(kind, "/me").bearer(&token)).await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {body}");
        assert_eq!(body["username"], "alice", "{kind:?}");
        assert_eq!(body["groups"], json!(["users"]), "{kind:?}");
        assert_eq!(body["scopes"], json!([SCOPE_GET]), "{kind:?}");
    }
}

#[tokio::test]
async fn verify_setup_refuses_a_request_without_token_with_401() {
    let issuer = TestIssuer::start().await;
    for kind in KINDS {
        let (status, _) = call(Setup::VerifyToken, &issuer, &Event::get(kind, "/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}");
    }
}

#[tokio::test]
async fn verify_setup_refuses_an_expired_token_with_401() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().expires_at(now() - 60).sign();
    for kind in KINDS {
        let (status, _) = call(Setup::VerifyToken, &issuer, &Event::get(kind, "/me").bearer(&token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}");
    }
}

#[tokio::test]
async fn verify_setup_applies_the_group_guard_403_then_200() {
    let issuer = TestIssuer::start().await;
    let user = issuer.access_token().username("bob").groups(["users"]).sign();
    let admin = issuer.access_token().username("alice").groups(["users", ADMIN_GROUP]).sign();
    for kind in KINDS {
        let (status, _) = call(Setup::VerifyToken, &issuer, &Event::get(kind, "/admin").bearer(&user)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{kind:?}");
        let (status, body) =
            call(Setup::VerifyToken, &issuer, &Event::get(kind, "/admin").bearer(&admin)).await;
        assert_eq!((status, body), (StatusCode::OK, json!("hello admin alice")), "{kind:?}");
    }
}

// ---- API Gateway verified the token (ApiGatewayLayer) ----

#[tokio::test]
async fn trusted_setup_reads_the_claims_of_both_authorizer_formats() {
    let issuer = TestIssuer::start().await;
    let claims = issuer
        .access_token()
        .username("alice")
        .groups(["users", ADMIN_GROUP])
        .scopes([SCOPE_GET, "openid"])
        .claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/me").authorizer_claims(&claims, None);
        let (status, body) = call(Setup::TrustApiGateway, &issuer, &event).await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {body}");
        assert_eq!(body["username"], "alice", "{kind:?}");
        assert_eq!(body["groups"], json!(["users", ADMIN_GROUP]), "{kind:?}");
        assert_eq!(body["scopes"], json!(["openid", SCOPE_GET]), "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_applies_the_group_guard_403_then_200() {
    let issuer = TestIssuer::start().await;
    let user = issuer.access_token().username("bob").groups(["users"]).claims_json();
    let admin = issuer.access_token().username("alice").groups([ADMIN_GROUP]).claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/admin").authorizer_claims(&user, None);
        assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::FORBIDDEN, "{kind:?}");
        let event = Event::get(kind, "/admin").authorizer_claims(&admin, None);
        let (status, body) = call(Setup::TrustApiGateway, &issuer, &event).await;
        assert_eq!((status, body), (StatusCode::OK, json!("hello admin alice")), "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_takes_scopes_from_the_http_api_scopes_list_when_the_claims_have_none() {
    let issuer = TestIssuer::start().await;
    let claims =
        issuer.client_credentials_token(issuer.default_client_id()).without_claim("scope").claims_json();
    let event = Event::get(Kind::HttpApi, "/transactions").authorizer_claims(&claims, Some(&[SCOPE_GET]));
    assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::OK);
    let event = Event::get(Kind::HttpApi, "/transactions").authorizer_claims(&claims, None);
    assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn trusted_setup_applies_the_scope_guard_to_both_authorizer_formats() {
    let issuer = TestIssuer::start().await;
    let reader = issuer.access_token().scopes([SCOPE_GET]).claims_json();
    let signed_in = issuer.access_token().scopes(["openid"]).claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/transactions").authorizer_claims(&reader, None);
        assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::OK, "{kind:?}");
        let event = Event::get(kind, "/transactions").authorizer_claims(&signed_in, None);
        assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::FORBIDDEN, "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_still_checks_expiry_client_issuer_and_token_use_with_401() {
    let issuer = TestIssuer::start().await;
    let refused = [
        issuer.access_token().expires_at(now() - 60).claims_json(),
        issuer.access_token().client_id("another-app-client").claims_json(),
        issuer
            .access_token()
            .issuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other")
            .claims_json(),
        issuer.id_token().audience(issuer.default_client_id()).claims_json(),
    ];
    for kind in GATEWAYS {
        for claims in &refused {
            let event = Event::get(kind, "/me").authorizer_claims(claims, None);
            assert_eq!(
                call(Setup::TrustApiGateway, &issuer, &event).await.0,
                StatusCode::UNAUTHORIZED,
                "{kind:?} {claims}"
            );
        }
    }
}

#[tokio::test]
async fn trusted_setup_refuses_a_route_without_authorizer_claims_with_401() {
    let issuer = TestIssuer::start().await;
    for kind in KINDS {
        let (status, _) = call(Setup::TrustApiGateway, &issuer, &Event::get(kind, "/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_never_falls_back_to_a_bearer_token() {
    // A function URL (or an API route without authorizer) passes the client's headers along:
    // a valid token there proves nothing to the trusted setup, which reads only the context.
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().groups([ADMIN_GROUP]).sign();
    for kind in KINDS {
        let (status, _) =
            call(Setup::TrustApiGateway, &issuer, &Event::get(kind, "/admin").bearer(&token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_refuses_claims_in_an_unknown_format() {
    let issuer = TestIssuer::start().await;
    let mut event =
        Event::get(Kind::HttpApi, "/me").authorizer_claims(&issuer.access_token().claims_json(), None);
    let mut json: Value = serde_json::from_str(&event.to_json()).unwrap();
    // An HTTP API brackets `cognito:groups` even for one group; a bare name is not its format.
    json["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"] = json!("admin");
    event = Event::from_json(Kind::HttpApi, json);
    assert_eq!(call(Setup::TrustApiGateway, &issuer, &event).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn public_route_answers_in_both_setups_on_every_front_door() {
    let issuer = TestIssuer::start().await;
    for setup in [Setup::VerifyToken, Setup::TrustApiGateway] {
        for kind in KINDS {
            assert_eq!(
                call(setup, &issuer, &Event::get(kind, "/health")).await,
                (StatusCode::OK, json!("ok"))
            );
        }
    }
}

#[test]
fn the_setup_is_chosen_by_its_environment_variable_and_typos_are_refused() {
    assert_eq!(Setup::from_env_value(None), Ok(Setup::VerifyToken));
    assert_eq!(Setup::from_env_value(Some("verify")), Ok(Setup::VerifyToken));
    assert_eq!(Setup::from_env_value(Some("api-gateway")), Ok(Setup::TrustApiGateway));
    assert!(Setup::from_env_value(Some("apigateway")).is_err());
}

#[tokio::test]
async fn trusted_setup_refuses_a_request_that_is_no_lambda_event_with_401() {
    // The app served by `axum::serve` instead of `lambda_http`: no request context at all.
    let issuer = TestIssuer::start().await;
    let request = axum::http::Request::get("/me").body(axum::body::Body::empty()).unwrap();
    let response = router(Setup::TrustApiGateway, verifier(&issuer)).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// Claims of an application with custom attributes.
#[derive(Debug, serde::Deserialize)]
struct Tenant {
    #[serde(rename = "custom:tenant", default)]
    tenant: Option<String>,
}

#[tokio::test]
async fn trusted_setup_guards_need_no_type_parameter_with_custom_claims() {
    use axum::routing::get;
    use cognito_axum::Claims;
    use cognito_tower::{ApiGatewayLayer, TrustApiGateway};
    use lambda::{Admins, GetTransactions};

    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .custom_claims::<Tenant>()
        .build()
        .unwrap();
    // The example's guards, declared without a claims type, behind a layer with custom claims.
    let app = axum::Router::new()
        .route(
            "/admin",
            get(|_: Admins, claims: Claims<cognito_verify::CognitoClaims<Tenant>>| async move {
                format!("{:?}", claims.custom.tenant)
            }),
        )
        .route("/transactions", get(|| async { "[]" }).route_layer(GetTransactions::layer()))
        .layer(ApiGatewayLayer::new(TrustApiGateway::new(verifier)));
    let admin = issuer.access_token().groups([ADMIN_GROUP]).scopes([SCOPE_GET]).claims_json();
    let user = issuer.access_token().groups(["users"]).scopes(["openid"]).claims_json();
    for kind in GATEWAYS {
        for (path, claims, expected) in [
            ("/admin", &admin, StatusCode::OK),
            ("/admin", &user, StatusCode::FORBIDDEN),
            ("/transactions", &admin, StatusCode::OK),
            ("/transactions", &user, StatusCode::FORBIDDEN),
        ] {
            let request = Event::get(kind, path).authorizer_claims(claims, None).request().unwrap();
            let response = on_lambda(app.clone()).oneshot(request).await.unwrap();
            assert_eq!(response.status(), expected, "{kind:?} {path}");
        }
    }
}
