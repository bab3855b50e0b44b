//! OAuth 2.0 Protected Resource Metadata (RFC 9728): the document a protected API serves at
//! `/.well-known/oauth-protected-resource`, built from the verifier configuration, and the
//! service that serves it.

use std::convert::Infallible;
use std::fmt;
use std::future::{Ready, ready};
use std::sync::Arc;
use std::task::{Context, Poll};

use cognito_http::{UrlRules, check_url};
use cognito_verify::CognitoVerifier;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::Service;

use crate::layer::AuthLayer;
use crate::token_source::TokenSource;

/// The well-known path of RFC 9728 §3.
pub const WELL_KNOWN_PATH: &str = "/.well-known/oauth-protected-resource";

/// A protected resource metadata document could not be made from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceMetadataError {
    /// The verifier names no resource: configure
    /// [`resources`](cognito_verify::CognitoVerifierBuilder::resources) (or `COGNITO_RESOURCE`),
    /// which is both the audience check and the metadata's `resource`.
    #[error(
        "the verifier names no resource: call resources([\"https://...\"]) on its builder (or set COGNITO_RESOURCE)"
    )]
    NoResource,
    /// The resource identifier is not an `https` URL without query or fragment (RFC 9728 §1.2;
    /// plain `http` only on loopback, for tests).
    #[error("resource {resource:?} cannot be a protected resource identifier: {reason}")]
    InvalidResource {
        /// The resource as configured.
        resource: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// The RFC 9728 metadata of an API protected by a [`CognitoLayer`](crate::CognitoLayer):
/// `resource` (the verifier's first [resource](CognitoVerifier::resources)),
/// `authorization_servers` (the issuers it trusts), `bearer_methods_supported` (`header` when
/// the layer reads `Authorization: Bearer`), and the `scopes_supported` and `resource_name` you
/// add. Built from the layer, so the document and the checks cannot drift apart.
///
/// Serve it with [`service`](Self::service) at [`path`](Self::path), and name it in the
/// layer's challenges with [`AuthLayer::resource_metadata`]:
///
/// ```
/// use cognito_tower::{CognitoLayer, ResourceMetadata};
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .resources(["https://api.example.com/mcp"])
///     .build()?;
/// let layer = CognitoLayer::new(verifier);
/// let metadata = ResourceMetadata::for_layer(&layer)?
///     .resource_name("Example MCP server")
///     .scopes_supported(["mcp/tools"]);
/// let layer = layer.resource_metadata(&metadata);
///
/// assert_eq!(metadata.path(), "/.well-known/oauth-protected-resource/mcp");
/// assert_eq!(metadata.url(), "https://api.example.com/.well-known/oauth-protected-resource/mcp");
/// let document = metadata.to_json();
/// assert_eq!(document["resource"], "https://api.example.com/mcp");
/// assert_eq!(
///     document["authorization_servers"][0],
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
/// );
/// # let _ = layer;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMetadata {
    document: Document,
    /// Where the document is served, absolute.
    url: String,
    /// Its path.
    path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Document {
    resource: String,
    authorization_servers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes_supported: Vec<String>,
    bearer_methods_supported: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<String>,
}

impl ResourceMetadata {
    /// The metadata of the API behind `layer`: its verifier's first resource, trusted issuers,
    /// and the bearer methods of its token sources.
    pub fn for_layer<C>(layer: &AuthLayer<CognitoVerifier<C>>) -> Result<Self, ResourceMetadataError>
    where
        C: DeserializeOwned + Send + Sync + 'static,
    {
        let verifier = layer.authenticator();
        let resource = verifier.resources().next().ok_or(ResourceMetadataError::NoResource)?;
        let (url, path) = well_known(resource)?;
        let bearer_methods_supported =
            if layer.sources().contains(&TokenSource::Bearer) { vec!["header"] } else { Vec::new() };
        Ok(ResourceMetadata {
            document: Document {
                resource: resource.to_owned(),
                authorization_servers: verifier.issuers().map(str::to_owned).collect(),
                scopes_supported: Vec::new(),
                bearer_methods_supported,
                resource_name: None,
            },
            url,
            path,
        })
    }

    /// Add scopes to `scopes_supported` (duplicates are dropped): a guard's `Name::REQUIRED`
    /// (`require_scopes!`), or scopes listed by hand.
    pub fn scopes_supported<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for scope in scopes {
            let scope = scope.as_ref().to_owned();
            if !self.document.scopes_supported.contains(&scope) {
                self.document.scopes_supported.push(scope);
            }
        }
        self
    }

    /// The human-readable `resource_name`.
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.document.resource_name = Some(name.into());
        self
    }

    /// The `resource` the document names.
    pub fn resource(&self) -> &str {
        &self.document.resource
    }

    /// The absolute URL of the document (RFC 9728 §3.1: the well-known path inserted between the
    /// resource's host and its path): what `resource_metadata` in challenges names.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The path to serve the document at: `/.well-known/oauth-protected-resource` followed by
    /// the resource's path, if any.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The document as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.document).unwrap_or_default()
    }

    /// A service answering `GET` and `HEAD` with the document (`application/json`), `405`
    /// otherwise; mount it at [`path`](Self::path) (`Router::route_service` in axum, or
    /// `cognito_axum::resource_metadata_router`).
    pub fn service(&self) -> ResourceMetadataService {
        let body = serde_json::to_string(&self.document).unwrap_or_default();
        ResourceMetadataService { body: Arc::from(body) }
    }
}

/// The well-known URL and path of `resource` (RFC 9728 §3.1).
fn well_known(resource: &str) -> Result<(String, String), ResourceMetadataError> {
    let invalid = |reason| ResourceMetadataError::InvalidResource { resource: resource.to_owned(), reason };
    let parsed = check_url(resource, UrlRules { allow_insecure_http: false, allow_query: false })
        .map_err(|err| invalid(err.reason()))?;
    // "Any terminating slash following the host component MUST be removed" (§3.1).
    let suffix = match parsed.path() {
        "/" | "" => "",
        path => path,
    };
    let path = format!("{WELL_KNOWN_PATH}{suffix}");
    let url = format!("{}{path}", parsed.origin().ascii_serialization());
    Ok((url, path))
}

/// Serves a [`ResourceMetadata`] document; see [`ResourceMetadata::service`].
#[derive(Clone)]
pub struct ResourceMetadataService {
    body: Arc<str>,
}

impl fmt::Debug for ResourceMetadataService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceMetadataService").finish_non_exhaustive()
    }
}

impl<B> Service<Request<B>> for ResourceMetadataService {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let method = request.method();
        let mut response = if method == Method::GET || method == Method::HEAD {
            let mut response = Response::new(self.body.to_string());
            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            // Changes only with a redeploy; clients may keep it a while.
            response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
            response
        } else {
            let mut response = Response::new(String::new());
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            response
        };
        if method == Method::HEAD {
            response.body_mut().clear();
        }
        ready(Ok(response))
    }
}
