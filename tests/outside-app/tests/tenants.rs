//! The custom-claims admin API: guards without a type parameter work, and the mistyped route
//! answers 500 with a body that names no Rust type while the log line names both types.
//! (Its own test binary: it installs a thread-local subscriber.)

use cognito_testkit::{LogCapture, TestIssuer, serve_router};
use outside_app::tenants::{Tenant, app};

#[tokio::test]
async fn guards_work_and_the_mistyped_route_is_a_500_that_names_no_type_but_logs_both() {
    let log = LogCapture::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().custom_claims::<Tenant>().build().unwrap();
    let addr = serve_router(app(verifier)).await;
    let admin =
        issuer.id_token().sub("ada").groups(["tenant-admin"]).claim("custom:tenant", "acme".into()).sign();
    let member = issuer.id_token().groups(["members"]).claim("custom:tenant", "acme".into()).sign();
    let http = reqwest::Client::new();
    let get = |path: &str, token: &str| http.get(format!("http://{addr}{path}")).bearer_auth(token).send();

    let tenant = get("/tenant", &admin).await.unwrap();
    assert_eq!(tenant.status(), reqwest::StatusCode::OK);
    assert_eq!(tenant.text().await.unwrap(), "ada administers acme");
    assert_eq!(get("/members", &admin).await.unwrap().status(), reqwest::StatusCode::OK);
    assert_eq!(get("/tenant", &member).await.unwrap().status(), reqwest::StatusCode::FORBIDDEN);
    assert_eq!(get("/members", &member).await.unwrap().status(), reqwest::StatusCode::FORBIDDEN);

    let mistyped = get("/mistyped", &admin).await.unwrap();
    assert_eq!(mistyped.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    let body = mistyped.text().await.unwrap();
    for internal in ["::", "Claims", "cognito", "Tenant", "Arc<"] {
        assert!(!body.contains(internal), "the body names {internal}: {body}");
    }
    let logged = log.text();
    let line = logged.lines().find(|line| line.contains("Claims type mismatch")).expect(&logged);
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("CognitoClaims<outside_app::tenants::Tenant>"), "the layer's type: {line}");
    assert!(
        line.contains("asks for `Arc<cognito_verify::claims::CognitoClaims>`"),
        "the route's type: {line}"
    );
}
