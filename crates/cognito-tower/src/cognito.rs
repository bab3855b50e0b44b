//! A [`CognitoVerifier`] as an authenticator: Cognito access or ID tokens from
//! `Authorization: Bearer`, and [`CognitoLayer`], the layer that uses it.

use std::sync::Arc;

use cognito_verify::{CognitoClaims, CognitoVerifier, NoCustomClaims};
use serde::de::DeserializeOwned;

use crate::authenticate::{Authenticate, BoxAuthFuture, Credentials, verify_token_now};
use crate::error::AuthError;
use crate::layer::AuthLayer;
use crate::request_span::record_caller;
use crate::scopes_and_groups::ScopesAndGroups;

/// The layer that verifies Cognito tokens: `CognitoLayer::new(verifier)`.
///
/// An [`AuthLayer`] with a [`CognitoVerifier`] as its authenticator: it takes the token from
/// `Authorization: Bearer` (or the configured [`TokenSource`](crate::TokenSource)s) and puts
/// `Arc<`[`CognitoClaims<C>`]`>` in the request extensions.
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_tower::{CognitoLayer, TokenSource};
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// let app: Router = Router::new()
///     .route("/orders", get(|| async { "[]" }))
///     .layer(
///         CognitoLayer::new(verifier)
///             .realm("orders")
///             // Also accept the token from a cookie, after the `Authorization` header.
///             .token_sources([TokenSource::Bearer, TokenSource::cookie("access_token")]),
///     );
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
pub type CognitoLayer<C = NoCustomClaims> = AuthLayer<CognitoVerifier<C>>;

impl<C> Authenticate for CognitoVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Claims = CognitoClaims<C>;
    type Future = BoxAuthFuture<CognitoClaims<C>>;

    fn authenticate_now(
        &self,
        credentials: &Credentials<'_>,
    ) -> Option<Result<Arc<CognitoClaims<C>>, AuthError>> {
        let outcome = verify_token_now(credentials, |token| self.verify_now(token))?;
        Some(outcome.inspect(|claims| record_caller(claims.sub(), claims.client())))
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        let verifier = self.clone();
        let token = credentials.require_token().cloned();
        Box::pin(async move {
            let claims = verifier.verify(token?.as_str()).await?;
            record_caller(claims.sub(), claims.client());
            Ok(claims)
        })
    }

    fn scopes_and_groups(claims: &CognitoClaims<C>) -> Option<&(dyn ScopesAndGroups + 'static)> {
        Some(claims)
    }
}
