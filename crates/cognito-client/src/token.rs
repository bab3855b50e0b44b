//! [`AccessToken`]: a bearer token from the token endpoint, with its expiry.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderValue;

/// An access token obtained with the client-credentials grant.
///
/// Cheap to clone. Read it with [`as_str`](Self::as_str) or put it on a request with
/// [`authorization`](Self::authorization); its `Debug` shows only the expiry, never the token.
///
/// ```no_run
/// # async fn run(tokens: cognito_client::ClientCredentials) -> Result<(), cognito_client::TokenError> {
/// let token = tokens.access_token().await?;
/// println!("valid for {:?} more", token.expires_in());
/// let _header = token.authorization(); // `Bearer …`, marked sensitive
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AccessToken {
    inner: Arc<Inner>,
}

struct Inner {
    token: String,
    /// `Bearer {token}`, marked sensitive so HTTP stacks don't log it either.
    authorization: HeaderValue,
    expires_at: Instant,
}

impl AccessToken {
    /// `None` when the token contains characters not allowed in an HTTP header (anything but
    /// visible ASCII).
    pub(crate) fn new(token: String, expires_at: Instant) -> Option<Self> {
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).ok()?;
        authorization.set_sensitive(true);
        Some(AccessToken { inner: Arc::new(Inner { token, authorization, expires_at }) })
    }

    /// The token, to send as `Authorization: Bearer {token}`.
    pub fn as_str(&self) -> &str {
        &self.inner.token
    }

    /// The `Authorization` header value, `Bearer {token}`, marked
    /// [sensitive](HeaderValue::set_sensitive).
    pub fn authorization(&self) -> HeaderValue {
        self.inner.authorization.clone()
    }

    /// When the token expires, according to the endpoint's `expires_in` (counted from when the
    /// request was sent). The provider stops handing it out a margin before this.
    pub fn expires_at(&self) -> Instant {
        self.inner.expires_at
    }

    /// Time left until [`expires_at`](Self::expires_at) (zero once expired).
    pub fn expires_in(&self) -> Duration {
        self.inner.expires_at.saturating_duration_since(Instant::now())
    }

    /// Whether two values hold the same token string.
    pub(crate) fn same_token(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.token == other.inner.token
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.same_token(other)
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_an_access_token_does_not_show_it() {
        let token = AccessToken::new("eyJ.secret-token.sig".into(), Instant::now()).unwrap();
        let shown = format!("{token:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(format!("{:?}", token.authorization()).contains("Sensitive"));
        assert_eq!(token.as_str(), "eyJ.secret-token.sig");
        assert_eq!(token.authorization(), "Bearer eyJ.secret-token.sig");
    }

    #[test]
    fn tokens_that_cannot_be_a_header_value_are_refused() {
        assert!(AccessToken::new(String::new(), Instant::now()).is_none());
        assert!(AccessToken::new("a b".into(), Instant::now()).is_none());
        assert!(AccessToken::new("a\nb".into(), Instant::now()).is_none());
        assert!(AccessToken::new("tøken".into(), Instant::now()).is_none());
    }
}
