//! Trusting API Gateway's authorizer on AWS Lambda (feature `lambda`): [`TrustApiGateway`], an
//! authenticator that reads the claims a REST API Cognito user pool authorizer or an HTTP API
//! JWT authorizer put in the Lambda event, and [`ApiGatewayLayer`], the layer that uses it.
//!
//! # Trust model
//!
//! The request context of a Lambda event is written by the AWS service that invoked the
//! function, never copied from the client's request: a client cannot put claims there. When
//! API Gateway invokes the function for a route with a Cognito or JWT authorizer, the authorizer
//! has verified the token's signature, issuer, expiry (and audience or scopes as configured)
//! before the function runs. That makes the claims safe to use **only** when every way into the
//! function is such a route:
//!
//! - a route without an authorizer, a Lambda function URL, or any other trigger brings no
//!   authorizer claims: such requests are refused (401, with a `warn` log saying why), never
//!   let through as if authenticated;
//! - anyone allowed to invoke the function directly (`lambda:InvokeFunction`) can write any
//!   event, claims included: keep that permission to API Gateway (the function's resource
//!   policy) and to people you would trust with the user pool's keys;
//! - behind a function URL, verify the token in the function instead, with a
//!   [`CognitoLayer`](crate::CognitoLayer).
//!
//! What API Gateway does not check is checked here, with the configuration of the
//! [`CognitoVerifier`] given: the issuer, `token_use`, the app client, `exp`/`nbf`/`iat` (with
//! the leeway), required scopes and groups, the custom check, and the verifier's
//! [`async_check`](cognito_verify::CognitoVerifierBuilder::async_check) (a revocation list, say),
//! which sees the claims but no header or key: there is no token. See `docs/lambda.md`.

mod java_date;
mod unflatten;

use std::fmt;
use std::sync::Arc;

use cognito_verify::{CognitoClaims, CognitoVerifier, NoCustomClaims};
use http::Extensions;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use serde::de::DeserializeOwned;
use serde_json::Value;

use self::unflatten::{Flattening, unflatten};
use crate::authenticate::{Authenticate, BoxAuthFuture, Credentials};
use crate::error::AuthError;
use crate::layer::AuthLayer;
use crate::scopes_and_groups::ScopesAndGroups;
use crate::token_source::TokenSource;

/// The layer that trusts API Gateway's authorizer claims:
/// `ApiGatewayLayer::new(TrustApiGateway::new(verifier))`.
///
/// An [`AuthLayer`] that puts `Arc<`[`CognitoClaims<C>`]`>` in the request extensions, the same
/// claims type a [`CognitoLayer`](crate::CognitoLayer) produces, so extractors and guards work
/// unchanged. It reads no token.
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_tower::{ApiGatewayLayer, TrustApiGateway};
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The same configuration as for verifying tokens; no key is ever fetched in this mode.
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// let app: Router = Router::new()
///     .route("/me", get(|| async { "hello" }))
///     .layer(ApiGatewayLayer::new(TrustApiGateway::new(verifier)));
/// // lambda_http::run(app).await
/// # Ok(()) }
/// ```
pub type ApiGatewayLayer<C = NoCustomClaims> = AuthLayer<TrustApiGateway<C>>;

/// Authenticates a Lambda event by the claims API Gateway's authorizer put in its request
/// context, checked against a [`CognitoVerifier`]'s configuration with
/// [`CognitoVerifier::check_claims`]. See `docs/lambda.md` (the trust model) for when this is
/// safe.
///
/// Reads `requestContext.authorizer.claims` (REST API Cognito user pool authorizer, or an HTTP
/// API JWT authorizer with payload format 1.0) and `requestContext.authorizer.jwt.claims` with
/// `scopes` (HTTP API JWT authorizer), from the [`RequestContext`] `lambda_http` puts in the
/// request extensions. API Gateway flattens every claim to a string; the values are turned back
/// into the JSON types of a token (numbers for times, an array for `cognito:groups`) before the
/// claims parser reads them, and a value in an unknown format is refused. Custom claims
/// (`C`) see the strings API Gateway passed (`"custom:tier": "2"`).
pub struct TrustApiGateway<C = NoCustomClaims> {
    verifier: CognitoVerifier<C>,
}

impl<C> TrustApiGateway<C> {
    /// Trust API Gateway's authorizer, and check its claims with `verifier`'s configuration.
    pub fn new(verifier: CognitoVerifier<C>) -> Self {
        TrustApiGateway { verifier }
    }

    /// The verifier whose configuration the claims are checked against.
    pub fn verifier(&self) -> &CognitoVerifier<C> {
        &self.verifier
    }
}

impl<C> Clone for TrustApiGateway<C> {
    fn clone(&self) -> Self {
        TrustApiGateway { verifier: self.verifier.clone() }
    }
}

impl<C> fmt::Debug for TrustApiGateway<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustApiGateway").field("verifier", &self.verifier).finish()
    }
}

impl<C> TrustApiGateway<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// The authorizer's claims as the JSON object `check_claims` reads.
    fn claims_json(extensions: &Extensions) -> Result<Vec<u8>, AuthError> {
        let payload = match authorizer_claims(extensions) {
            Ok(payload) => payload,
            Err(reason) => {
                tracing::warn!(target: "cognito_tower", reason, "request refused: no API Gateway authorizer claims");
                return Err(AuthError::MissingToken);
            }
        };
        serde_json::to_vec(&Value::Object(payload))
            .map_err(|_| AuthError::InvalidRequest("authorizer claims cannot be serialised"))
    }
}

impl<C> Authenticate for TrustApiGateway<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Claims = CognitoClaims<C>;
    type Future = BoxAuthFuture<CognitoClaims<C>>;

    fn token_sources(&self) -> Vec<TokenSource> {
        Vec::new()
    }

    /// Every check at once, unless the verifier has an
    /// [`async_check`](cognito_verify::CognitoVerifierBuilder::async_check): then `None`, and
    /// [`authenticate`](Self::authenticate) runs it too.
    fn authenticate_now(
        &self,
        credentials: &Credentials<'_>,
    ) -> Option<Result<Arc<CognitoClaims<C>>, AuthError>> {
        let json = match Self::claims_json(credentials.extensions()) {
            Ok(json) => json,
            Err(err) => return Some(Err(err)),
        };
        self.verifier.check_claims_now(&json).map(|outcome| outcome.map_err(AuthError::from))
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        let json = Self::claims_json(credentials.extensions());
        let verifier = self.verifier.clone();
        Box::pin(async move { Ok(verifier.check_claims(&json?).await?) })
    }

    fn scopes_and_groups(claims: &CognitoClaims<C>) -> Option<&(dyn ScopesAndGroups + 'static)> {
        Some(claims)
    }
}

/// The authorizer's claims as a token payload, or why there are none (for the log).
fn authorizer_claims(extensions: &Extensions) -> Result<serde_json::Map<String, Value>, &'static str> {
    let context = extensions.request_context_ref().ok_or(
        "the request has no Lambda event context: serve the app with lambda_http, or use CognitoLayer",
    )?;
    match context {
        RequestContext::ApiGatewayV1(context) => {
            let fields = &context.authorizer.fields;
            let Some(Value::Object(claims)) = fields.get("claims") else {
                return Err("the REST API route has no Cognito user pool authorizer");
            };
            let scopes = fields.get("scopes").and_then(string_list);
            Ok(unflatten(Flattening::AuthorizerClaims, claims.clone(), scopes))
        }
        RequestContext::ApiGatewayV2(context) => {
            let jwt = context.authorizer.as_ref().and_then(|authorizer| authorizer.jwt.as_ref()).ok_or(
                "the HTTP API route has no JWT authorizer, or the event comes from a function URL \
                 (verify the token with CognitoLayer there)",
            )?;
            let claims = jwt.claims.iter().map(|(name, value)| (name.clone(), Value::from(value.as_str())));
            Ok(unflatten(Flattening::JwtClaims, claims, jwt.scopes.clone()))
        }
        _ => Err("the event does not come from an API Gateway REST or HTTP API"),
    }
}

/// A JSON array of strings.
fn string_list(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|item| item.as_str().map(str::to_owned)).collect()
}
