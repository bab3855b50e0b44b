//! Issue 12, item 3 and issue 10, item 2: keys come from the configured URL only. The client
//! the library builds follows no redirect; a client the application passes in
//! (`http_client`) may, and then the answer came from elsewhere: the fetch fails and its keys
//! are not used. A caller's client is held to the same URL rules and per-fetch timeout.

use std::time::Duration;

use cognito_testkit::{DEFAULT_ALB_ARN, Fault, TestIssuer};
use cognito_verify::{AlbKeyOptions, ConfigError, JwksOptions, TokenUse, VerifyError};

/// A client as an application may build one: reqwest's default redirect policy (follows up to
/// 10).
fn following_client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

fn redirect_to(location: String) -> Option<Fault> {
    Some(Fault::Redirect { status: 307, location })
}

fn followed_a_redirect(err: &VerifyError) -> bool {
    matches!(err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("followed a redirect"))
}

#[tokio::test]
async fn a_jwks_fetch_redirected_by_the_callers_client_fails_and_its_keys_are_not_used() {
    let trusted = TestIssuer::start().await;
    let attacker = TestIssuer::start().await;
    trusted.set_jwks_fault(redirect_to(attacker.jwks_url()));
    let verifier = trusted
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([trusted.default_client_id()])
        .http_client(following_client())
        .build()
        .unwrap();
    // Signed with the attacker's key, claiming the trusted issuer: it would verify with the
    // attacker's key set.
    let forged =
        attacker.access_token().issuer(trusted.issuer_url()).client_id(trusted.default_client_id()).sign();
    let err = verifier.verify(&forged).await.unwrap_err();
    assert!(followed_a_redirect(&err), "{err}");
    assert_eq!(attacker.jwks_requests(), 1, "the caller's client did follow the redirect");
}

#[tokio::test]
async fn the_library_client_follows_no_jwks_redirect() {
    let trusted = TestIssuer::start().await;
    let attacker = TestIssuer::start().await;
    trusted.set_jwks_fault(redirect_to(attacker.jwks_url()));
    let verifier = trusted
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([trusted.default_client_id()])
        .build()
        .unwrap();
    let err = verifier.verify(&trusted.access_token().sign()).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("HTTP 307")),
        "{err}"
    );
    assert_eq!(attacker.jwks_requests(), 0);
}

#[tokio::test]
async fn an_alb_key_fetch_redirected_by_the_callers_client_fails_and_its_key_is_not_used() {
    let trusted = TestIssuer::start().await;
    let attacker = TestIssuer::start().await;
    let kid = attacker.alb_signing_kid();
    trusted.set_alb_key_fault(redirect_to(format!("{}/{kid}", attacker.alb_key_endpoint())));
    let verifier = trusted
        .alb_verifier()
        .signer_arns([DEFAULT_ALB_ARN])
        .http_client(following_client())
        .build()
        .unwrap();
    let err = verifier.verify(&attacker.alb_token().sign()).await.unwrap_err();
    assert!(followed_a_redirect(&err), "{err}");
    assert_eq!(attacker.alb_key_requests(), 1, "the caller's client did follow the redirect");
}

#[tokio::test]
async fn the_library_client_follows_no_alb_key_redirect() {
    let trusted = TestIssuer::start().await;
    let attacker = TestIssuer::start().await;
    let kid = attacker.alb_signing_kid();
    trusted.set_alb_key_fault(redirect_to(format!("{}/{kid}", attacker.alb_key_endpoint())));
    let verifier = trusted.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).build().unwrap();
    let err = verifier.verify(&attacker.alb_token().sign()).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("HTTP 307")),
        "{err}"
    );
    assert_eq!(attacker.alb_key_requests(), 0);
}

#[tokio::test]
async fn the_callers_client_verifies_tokens_when_it_follows_no_redirect() {
    let issuer = TestIssuer::start().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .http_client(client.clone())
        .build()
        .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    let alb = issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).http_client(client).build().unwrap();
    alb.verify(&issuer.alb_token().sign()).await.unwrap();
}

#[tokio::test]
async fn the_callers_client_is_held_to_the_fetch_timeout() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Delay(Duration::from_secs(10))));
    issuer.set_alb_key_fault(Some(Fault::Delay(Duration::from_secs(10))));
    let timeout = Duration::from_millis(300);
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .jwks_options(JwksOptions::default().timeout(timeout))
        .http_client(following_client())
        .build()
        .unwrap();
    let timed_out = |err: &VerifyError| matches!(err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("timed out"));
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert!(timed_out(&err), "{err}");
    let alb = issuer
        .alb_verifier()
        .signer_arns([DEFAULT_ALB_ARN])
        .key_options(AlbKeyOptions::default().timeout(timeout))
        .http_client(following_client())
        .build()
        .unwrap();
    let err = alb.verify(&issuer.alb_token().sign()).await.unwrap_err();
    assert!(timed_out(&err), "{err}");
}

#[tokio::test]
async fn the_callers_client_does_not_relax_the_url_rules() {
    let err = cognito_verify::CognitoVerifier::builder()
        .issuer("http://example.com/pool")
        .token_use(TokenUse::Access)
        .any_client()
        .http_client(following_client())
        .build()
        .unwrap_err();
    assert_eq!(err, ConfigError::InsecureUrl("http://example.com/pool".into()));
    let err = cognito_verify::AlbVerifier::builder()
        .key_endpoint("http://example.com/keys")
        .any_signer()
        .http_client(following_client())
        .build()
        .unwrap_err();
    assert_eq!(err, ConfigError::InsecureUrl("http://example.com/keys".into()));
}

#[tokio::test]
async fn a_localhost_jwks_url_is_resolved_to_loopback_and_fetched() {
    let issuer = TestIssuer::start().await;
    let jwks = issuer.jwks_url().replace("127.0.0.1", "localhost");
    let verifier = cognito_verify::CognitoVerifier::builder()
        .issuer_with_jwks(issuer.issuer_url(), jwks)
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .build()
        .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    assert_eq!(issuer.jwks_requests(), 1);
}
