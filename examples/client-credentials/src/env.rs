//! [`RemoteTarget`]: a real user pool and a running api example, from environment variables.

use cognito_client::ClientCredentials;

use crate::error::Error;
use crate::flow::POST_SCOPE;

/// Where the api example listens when `API_URL` is not set (its `DEFAULT_ADDR`).
pub const DEFAULT_API_URL: &str = "http://127.0.0.1:3000";

/// A provider for a real user pool's app client, and the URL of a running api example.
#[derive(Debug, Clone)]
pub struct RemoteTarget {
    /// Tokens for [`POST_SCOPE`] from the pool's `/oauth2/token`.
    pub tokens: ClientCredentials,
    /// The api example's base URL.
    pub api_url: String,
}

impl RemoteTarget {
    /// Reads the process environment; see [`from_lookup`](Self::from_lookup).
    pub fn from_env() -> Result<Option<RemoteTarget>, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The target described by these variables, or `None` when none of `COGNITO_DOMAIN`,
    /// `COGNITO_CLIENT_ID`, `COGNITO_CLIENT_SECRET` is set (then the example runs locally):
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `COGNITO_DOMAIN` | the domain prefix (`my-prefix` → `https://my-prefix.auth.{region}.amazoncognito.com`), or a custom domain host such as `auth.example.com` |
    /// | `AWS_REGION` | the pool's region; not needed with a custom domain |
    /// | `COGNITO_CLIENT_ID` | the app client, with a secret and the `client_credentials` flow allowed |
    /// | `COGNITO_CLIENT_SECRET` | its secret |
    /// | `API_URL` | the api example, default `http://127.0.0.1:3000` |
    ///
    /// `AWS_REGION` alone does not select the real pool: it is often set for other tools.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<RemoteTarget>, Error> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let selecting = ["COGNITO_DOMAIN", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET"];
        if selecting.iter().all(|name| var(name).is_none()) {
            return Ok(None);
        }
        let required = |name: &'static str| var(name).ok_or(Error::MissingEnv(name));
        let domain = required("COGNITO_DOMAIN")?;
        let client_id = required("COGNITO_CLIENT_ID")?;
        let client_secret = required("COGNITO_CLIENT_SECRET")?;
        let builder = ClientCredentials::builder();
        let builder = if domain.contains('.') {
            builder.custom_domain(domain)
        } else {
            builder.domain(domain, required("AWS_REGION")?)
        };
        let tokens =
            builder.client_id(client_id).client_secret(client_secret).scopes([POST_SCOPE]).build()?;
        let api_url = var("API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        Ok(Some(RemoteTarget { tokens, api_url }))
    }
}
