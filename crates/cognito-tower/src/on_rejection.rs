//! Customising the response to a refused request.

use bytes::Bytes;
use http::Response;
use http::request::Parts;

use crate::error::AuthError;

/// Builds the response for a refused request.
///
/// By default a rejection is answered with [`AuthError::to_response`]: RFC 6750 for HTTP, a
/// gRPC status for gRPC. A hook set with [`AuthLayer::on_rejection`](crate::AuthLayer::on_rejection)
/// replaces that, for the layer and for every extractor or guard that runs behind it.
///
/// Implemented for closures `Fn(&AuthError, &Parts) -> Response<B>` where `B: Into<Bytes>`
/// (`String`, `&'static str`, `Vec<u8>`, [`Bytes`], ...). `request` is the refused request
/// without its body. A hook's response gets `Cache-Control: no-store` unless it sets its own
/// `Cache-Control`.
///
/// ```
/// use bytes::Bytes;
/// use cognito_tower::{AuthError, CognitoLayer};
/// use http::{request::Parts, Response};
///
/// # fn layer(verifier: cognito_verify::CognitoVerifier) -> CognitoLayer {
/// CognitoLayer::new(verifier).on_rejection(|error: &AuthError, request: &Parts| {
///     // Keep the standard status and headers, add one of our own.
///     let mut response: Response<Bytes> = error.to_response(request, None);
///     response.headers_mut().insert("x-auth-failed", http::HeaderValue::from_static("1"));
///     response
/// })
/// # }
/// ```
pub trait OnRejection: Send + Sync + 'static {
    /// The response to send instead of calling the service.
    fn on_rejection(&self, error: &AuthError, request: &Parts) -> Response<Bytes>;
}

impl<F, B> OnRejection for F
where
    F: Fn(&AuthError, &Parts) -> Response<B> + Send + Sync + 'static,
    B: Into<Bytes>,
{
    fn on_rejection(&self, error: &AuthError, request: &Parts) -> Response<Bytes> {
        self(error, request).map(Into::into)
    }
}
