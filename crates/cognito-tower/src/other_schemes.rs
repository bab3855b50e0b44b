//! [`OtherSchemes`]: what an optional layer does with an `Authorization` header that carries no
//! Bearer token.

/// What an [`optional`](crate::AuthLayer::optional) layer whose token sources include
/// [`TokenSource::Bearer`](crate::TokenSource::Bearer) does with an `Authorization` header that
/// holds no Bearer token: another scheme (`Basic ...`, `Digest ...`), or `Bearer` glued to its
/// token with something other than a space (`Bearer<TAB>token`, `Bearertoken`).
///
/// Required mode is not affected: such a request has no token and gets 401 with a bare
/// `WWW-Authenticate: Bearer` challenge (RFC 6750 §3.1).
///
/// ```
/// use cognito_tower::{CognitoLayer, OtherSchemes};
///
/// # fn layer(verifier: cognito_verify::CognitoVerifier) -> CognitoLayer {
/// // A public page that also accepts HTTP Basic from an older client, handled further in.
/// CognitoLayer::new(verifier).optional().other_schemes(OtherSchemes::Anonymous)
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OtherSchemes {
    /// 400 `invalid_request` (the default): the client sent credentials that this layer cannot
    /// read, and letting the request through as anonymous would hide that mistake (or let a
    /// handler further in mistake the request for one the layer vetted).
    #[default]
    Refuse,
    /// Let the request through without claims, as if it had no `Authorization` header; a
    /// handler further in may read the header itself.
    Anonymous,
}
