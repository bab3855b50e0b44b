//! [`TokenKey`]: what one cached token is for: a scope set and, with resource binding
//! (RFC 8707), a resource.

use std::sync::Arc;

use crate::scope::ScopeSet;

/// The cache key and the varying part of a token request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey {
    pub(crate) scopes: ScopeSet,
    /// The `resource` parameter, if any.
    pub(crate) resource: Option<Arc<str>>,
}

impl TokenKey {
    /// The `resource` value for logs and errors.
    pub(crate) fn resource(&self) -> &str {
        self.resource.as_deref().unwrap_or_default()
    }
}

/// `resource` if it is a resource indicator Cognito accepts (see
/// [`cognito_http::is_resource_indicator`]), else the value for the error (at most 256
/// characters of it).
pub(crate) fn parse_resource(resource: &str) -> Result<Arc<str>, String> {
    if cognito_http::is_resource_indicator(resource) {
        Ok(resource.into())
    } else {
        Err(resource.chars().take(256).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_resource_is_echoed_at_most_256_characters_long() {
        assert_eq!(parse_resource(&"é".repeat(300)).unwrap_err().chars().count(), 256);
        assert_eq!(parse_resource("https://api.example.com").unwrap().as_ref(), "https://api.example.com");
    }
}
