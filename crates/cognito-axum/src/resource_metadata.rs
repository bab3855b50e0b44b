//! [`resource_metadata_router`]: the RFC 9728 metadata document as an axum router.

use axum::Router;
use cognito_tower::ResourceMetadata;

/// A router serving `metadata` (GET/HEAD) at its well-known path
/// ([`ResourceMetadata::path`]), to merge beside the routes of the protected API, outside its
/// auth layer: clients read it before they have a token.
///
/// ```
/// use axum::{Router, routing::post};
/// use cognito_axum::{CognitoLayer, CognitoVerifier, ResourceMetadata, TokenUse, resource_metadata_router};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .resources(["https://api.example.com/mcp"])
///     .build()?;
/// let layer = CognitoLayer::new(verifier);
/// let metadata = ResourceMetadata::for_layer(&layer)?.resource_name("Example MCP server");
/// let app: Router = Router::new()
///     .route("/mcp", post(|| async { "..." }))
///     .layer(layer.resource_metadata(&metadata))
///     .merge(resource_metadata_router(&metadata));
/// # Ok(()) }
/// ```
pub fn resource_metadata_router<S>(metadata: &ResourceMetadata) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route_service(metadata.path(), metadata.service())
}
