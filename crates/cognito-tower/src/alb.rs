//! An [`AlbVerifier`] as an authenticator: the `x-amzn-oidc-data` header an Application Load
//! Balancer signs after it authenticated the user, and [`AlbLayer`], the layer that uses it.
//!
//! To verify the Cognito access token the load balancer forwards in `x-amzn-oidc-accesstoken`
//! instead (scopes, groups, `token_use`), use a `CognitoLayer` with
//! `.token_source(TokenSource::header(HeaderName::from_static("x-amzn-oidc-accesstoken")))`.

use std::sync::Arc;

use cognito_verify::{AlbClaims, AlbVerifier};
use http::HeaderName;

use crate::authenticate::{Authenticate, BoxAuthFuture, Credentials, verify_token_now};
use crate::error::AuthError;
use crate::layer::AuthLayer;
use crate::scopes_and_groups::ScopesAndGroups;
use crate::token_source::TokenSource;

/// The header an Application Load Balancer puts the signed user claims in.
pub const ALB_DATA_HEADER: HeaderName = HeaderName::from_static("x-amzn-oidc-data");

/// The layer that verifies the load balancer's `x-amzn-oidc-data` header:
/// `AlbLayer::new(verifier)`.
///
/// An [`AuthLayer`] with an [`AlbVerifier`] as its authenticator: it takes the token from
/// [`ALB_DATA_HEADER`] and puts `Arc<`[`AlbClaims`]`>` in the request extensions. Modes, realm,
/// rejections and hook are those of every `AuthLayer`.
///
/// ```
/// use std::sync::Arc;
///
/// use axum::{Extension, Router, routing::get};
/// use cognito_tower::AlbLayer;
/// use cognito_verify::{AlbClaims, AlbVerifier};
///
/// async fn hello(Extension(claims): Extension<Arc<AlbClaims>>) -> String {
///     format!("hello {}", claims.email.as_deref().unwrap_or(&claims.sub))
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = AlbVerifier::builder()
///     .region("eu-west-1")
///     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// let app: Router = Router::new().route("/hello", get(hello)).layer(AlbLayer::new(verifier));
/// # Ok(()) }
/// ```
pub type AlbLayer = AuthLayer<AlbVerifier>;

impl Authenticate for AlbVerifier {
    type Claims = AlbClaims;
    type Future = BoxAuthFuture<AlbClaims>;

    fn token_sources(&self) -> Vec<TokenSource> {
        vec![TokenSource::header(ALB_DATA_HEADER)]
    }

    fn authenticate_now(&self, credentials: &Credentials<'_>) -> Option<Result<Arc<AlbClaims>, AuthError>> {
        verify_token_now(credentials, |token| self.verify_now(token))
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        let verifier = self.clone();
        let token = credentials.require_token().cloned();
        Box::pin(async move { Ok(verifier.verify(token?.as_str()).await?) })
    }
    fn scopes_and_groups(claims: &AlbClaims) -> Option<&(dyn ScopesAndGroups + 'static)> {
        Some(claims)
    }
}
