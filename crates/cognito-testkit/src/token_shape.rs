//! Which claims Cognito puts in which token, so that [`TokenBuilder`](crate::TokenBuilder) refuses
//! to sign an access token no user pool would ever issue: [`PreTokenGeneration`] and the check
//! [`TokenBuilder::check`](crate::TokenBuilder::check) runs.
//!
//! Source: Amazon Cognito developer guide, "Understanding the access token" and "Pre token
//! generation Lambda trigger"
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html>).

use std::error::Error;
use std::fmt;

use serde_json::{Map, Value};

/// The pre-token-generation Lambda trigger of the pool a [`TestIssuer`](crate::TestIssuer)
/// stands in for: which tokens a trigger may add claims to. Set it with
/// [`TestIssuerBuilder::pre_token_generation`](crate::TestIssuerBuilder::pre_token_generation).
///
/// Without a trigger that customizes access tokens, Cognito's access tokens carry only its own
/// claims (`sub`, `iss`, `client_id`, `token_use`, `scope`, `auth_time`, `iat`, `exp`, `jti`,
/// `username`, `version`, `cognito:groups`, `origin_jti`, `event_id`, `device_key`; for client
/// credentials no `username` and no groups): no `custom:*` attribute, no `email`, no `aud`.
/// User attributes are in ID tokens.
///
/// ```
/// use cognito_testkit::{PreTokenGeneration, TestIssuer};
/// use serde_json::json;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // No trigger: Cognito never puts a custom attribute in an access token.
/// let issuer = TestIssuer::start().await;
/// let refused = issuer.access_token().claim("custom:tenant", json!("acme")).check();
/// assert!(refused.unwrap_err().to_string().contains("pre_token_generation"));
///
/// // A V2_0 trigger that adds it: the same token is one Cognito sends.
/// let issuer = TestIssuer::builder().pre_token_generation(PreTokenGeneration::V2).start().await;
/// let token = issuer.access_token().claim("custom:tenant", json!("acme")).sign();
/// # let _ = token; }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PreTokenGeneration {
    /// No trigger (the default): only ID tokens carry user attributes.
    #[default]
    None,
    /// Event version `V1_0` ("Basic features"): customizes ID tokens only.
    V1,
    /// Event version `V2_0` (Essentials or Plus feature plan): customizes ID tokens and the access
    /// tokens of users who signed in.
    V2,
    /// Event version `V3_0` (Essentials or Plus): as `V2`, and also the access tokens of the
    /// client-credentials (machine-to-machine) grant.
    V3,
}

/// The kind of token a [`TokenBuilder`](crate::TokenBuilder) builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Access,
    ClientCredentials,
    Id,
}

impl PreTokenGeneration {
    /// Whether the trigger may add claims to a token of `shape`.
    fn customizes(self, shape: Shape) -> bool {
        match shape {
            Shape::Id => self != PreTokenGeneration::None,
            Shape::Access => matches!(self, PreTokenGeneration::V2 | PreTokenGeneration::V3),
            Shape::ClientCredentials => self == PreTokenGeneration::V3,
        }
    }
}

/// The claims of a user access token without customization.
const USER_ACCESS_CLAIMS: &[&str] = &[
    "sub",
    "iss",
    "client_id",
    "token_use",
    "scope",
    "auth_time",
    "iat",
    "exp",
    "jti",
    "username",
    "version",
    "cognito:groups",
    "origin_jti",
    "event_id",
    "device_key",
];

/// The claims of a client-credentials access token without customization.
const CLIENT_CREDENTIALS_CLAIMS: &[&str] =
    &["sub", "iss", "client_id", "token_use", "scope", "auth_time", "iat", "exp", "jti", "version"];

/// Claims no trigger can put in an access token: `aud` comes only from resource binding, and the
/// others are OIDC claims of ID tokens that Cognito sets itself.
const NEVER_ADDED_TO_ACCESS: &[&str] = &["aud", "nbf", "nonce", "at_hash", "acr", "amr", "azp", "identities"];

/// Why a [`TokenBuilder`](crate::TokenBuilder) refuses to sign: the token has a claim Cognito
/// never puts in this kind of token. The message names the claim, says why, and how to opt in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCognitoShaped {
    claim: String,
    message: String,
}

impl NotCognitoShaped {
    /// The first claim found that Cognito would not send.
    pub fn claim(&self) -> &str {
        &self.claim
    }
}

impl fmt::Display for NotCognitoShaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for NotCognitoShaped {}

/// What a builder knows that decides whether its claims are ones Cognito sends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShapeRules {
    pub(crate) shape: Shape,
    pub(crate) trigger: PreTokenGeneration,
    /// `aud` was set by [`TokenBuilder::resource`](crate::TokenBuilder::resource).
    pub(crate) resource_bound: bool,
    /// [`TokenBuilder::for_negative_test`](crate::TokenBuilder::for_negative_test) was called.
    pub(crate) unchecked: bool,
}

impl ShapeRules {
    /// `Ok` when Cognito could send a token of this shape with these claims.
    pub(crate) fn check(&self, claims: &Map<String, Value>) -> Result<(), NotCognitoShaped> {
        if self.unchecked || self.shape == Shape::Id {
            return Ok(());
        }
        let (own, kind, version) = match self.shape {
            Shape::ClientCredentials => {
                (CLIENT_CREDENTIALS_CLAIMS, "a client-credentials access token", "V3")
            }
            _ => (USER_ACCESS_CLAIMS, "an access token", "V2 (or V3)"),
        };
        let customized = self.trigger.customizes(self.shape);
        for name in claims.keys().map(String::as_str) {
            if own.contains(&name) || (name == "aud" && self.resource_bound) {
                continue;
            }
            if customized && !NEVER_ADDED_TO_ACCESS.contains(&name) {
                continue;
            }
            return Err(NotCognitoShaped {
                claim: name.to_owned(),
                message: explain(name, kind, version, customized),
            });
        }
        Ok(())
    }
}

fn explain(name: &str, kind: &str, version: &str, customized: bool) -> String {
    let escape = "A deliberately malformed token for a negative test: `.for_negative_test()`.";
    if name == "aud" {
        return format!(
            "cognito-testkit: Cognito never puts `aud` in {kind} unless the client asked for a resource \
             (RFC 8707 resource binding): use `.resource(\"https://api.example.com\")` for a \
             resource-bound token, or `.id_token()` for an ID token's `aud`. {escape}"
        );
    }
    if customized || NEVER_ADDED_TO_ACCESS.contains(&name) {
        return format!(
            "cognito-testkit: Cognito never puts `{name}` in {kind}, and no pre-token-generation trigger \
             can add it. {escape}"
        );
    }
    let what = if name.starts_with("custom:") {
        "custom attributes are in ID tokens only"
    } else {
        "it is not one of Cognito's access-token claims (user attributes are in ID tokens)"
    };
    format!(
        "cognito-testkit: Cognito puts `{name}` in {kind} only when a pre-token-generation trigger \
         adds it ({what}). If your pool has a {version} trigger that does, say so: \
         `TestIssuer::builder().pre_token_generation(PreTokenGeneration::{})`; otherwise read the \
         claim from an ID token (`issuer.id_token()`). {escape}",
        if kind.starts_with("a client") { "V3" } else { "V2" },
    )
}
