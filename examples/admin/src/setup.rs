//! Where the example's configuration comes from: a real user pool (environment variables) or
//! the testkit's local issuer with its hosted login and two users.

use cognito_axum::{CognitoVerifier, TokenUse};
use std::sync::Arc;
use std::time::Duration;

use cognito_login::{CognitoLogin, CognitoLoginBuilder, LoginConfigError};
use cognito_testkit::{ClientRegistration, TestIssuer, TestUser};
use cognito_verify::{ConfigError, Revocations};

/// A user of the local issuer's hosted login.
#[derive(Debug, Clone, Copy)]
pub struct LocalUser {
    /// The user name.
    pub username: &'static str,
    /// The password.
    pub password: &'static str,
    /// The groups.
    pub groups: &'static [&'static str],
}

/// The users `cargo run -p admin` can sign in as: an admin and someone who is not.
pub const LOCAL_USERS: [LocalUser; 2] = [
    LocalUser { username: "alice", password: "alice-password", groups: &["admin"] },
    LocalUser { username: "bob", password: "bob-password", groups: &["staff"] },
];

/// What the console asks the hosted login for: the user's identity and e-mail address.
pub const SCOPES: [&str; 2] = ["openid", "email"];

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A verifier setting.
    #[error(transparent)]
    Verifier(#[from] ConfigError),
    /// A login setting.
    #[error(transparent)]
    Login(#[from] LoginConfigError),
    /// A missing or malformed environment variable.
    #[error("{0}")]
    Env(String),
}

/// What the app runs with.
pub struct Setup {
    /// The browser sign-in.
    pub login: CognitoLogin,
    /// The verifier of the API's bearer tokens.
    pub verifier: CognitoVerifier,
    /// The local issuer, when no real pool is configured.
    pub issuer: Option<TestIssuer>,
    /// The revocation store the verifiers read, sign-out writes to (the session's
    /// `origin_jti`) and "sign out everywhere" writes to (the user's `sub`).
    pub revocations: Arc<dyn Revocations>,
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("login", &self.login)
            .field("verifier", &self.verifier)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// The API verifier: from the environment when `COGNITO_USER_POOL_ID` is set (with
/// `COGNITO_TOKEN_USE` defaulting to `any`), otherwise one that accepts ID and access tokens of
/// `issuer`'s default app client.
pub fn verifier_from_env_or(
    issuer: Option<&TestIssuer>,
    revocations: Arc<dyn Revocations>,
) -> Result<CognitoVerifier, ConfigError> {
    example_support::verifier_from_env_or_with(issuer, TokenUse::Any, |builder| {
        builder.revocations(revocations)
    })
}

impl Setup {
    /// A local issuer with [`LOCAL_USERS`], whose default app client is registered as a public
    /// client with `{app_url}/auth/callback` and `{app_url}/signed-out`; tokens are checked
    /// against `revocations`, and signing out revokes there.
    pub async fn local(app_url: &str, revocations: Arc<dyn Revocations>) -> Result<Setup, SetupError> {
        let mut builder = TestIssuer::builder();
        for user in LOCAL_USERS {
            builder =
                builder.user(TestUser::new(user.username, user.password).groups(user.groups.iter().copied()));
        }
        Setup::with_issuer(builder.start().await, app_url, revocations)
    }

    /// [`local`](Self::local) with a test issuer of the caller's (its users, keys and faults):
    /// its default app client is registered as a public client with `{app_url}/auth/callback`
    /// and `{app_url}/signed-out`, and the app trusts it.
    pub fn with_issuer(
        issuer: TestIssuer,
        app_url: &str,
        revocations: Arc<dyn Revocations>,
    ) -> Result<Setup, SetupError> {
        let client = issuer.default_client_id().to_owned();
        issuer.register_client(
            ClientRegistration::public(client.clone())
                .callback_urls([format!("{app_url}/auth/callback")])
                .logout_urls([format!("{app_url}/signed-out")]),
        );
        let verifier = verifier_from_env_or(Some(&issuer), Arc::clone(&revocations))?;
        let login = CognitoLogin::builder()
            .base_url(issuer.base_url())
            .client_id(client)
            .redirect_uri(format!("{app_url}/auth/callback"))
            .logout_uri(format!("{app_url}/signed-out"))
            .scopes(SCOPES)
            .realm(crate::REALM)
            .verifier(verifier.clone())
            .revocations(Arc::clone(&revocations));
        let login = store_limits(login, |name| std::env::var(name).ok())?.build()?;
        Ok(Setup { login, verifier, issuer: Some(issuer), revocations })
    }

    /// A real user pool, from `lookup` (the process environment in `main`):
    ///
    /// - `COGNITO_USER_POOL_ID`, `COGNITO_CLIENT_ID` (the app client of the hosted login first;
    ///   the API accepts every one listed), optional `COGNITO_ISSUER`, `COGNITO_JWKS_URI`,
    ///   `COGNITO_TOKEN_USE` (API only; default `any`);
    /// - `COGNITO_DOMAIN`: the domain prefix (`my-prefix`, in the pool's region) or the URL of
    ///   a custom domain (`https://auth.example.com`);
    /// - optional `COGNITO_CLIENT_SECRET` for a confidential app client;
    /// - optional `SESSION_STORE_TIMEOUT_MS`, `SESSION_STORE_CONCURRENCY` (also read by
    ///   [`local`](Self::local)): the session store limits.
    ///
    /// Tokens are checked against `revocations`, and signing out revokes there.
    pub fn from_env(
        app_url: &str,
        lookup: impl Fn(&str) -> Option<String>,
        revocations: Arc<dyn Revocations>,
    ) -> Result<Setup, SetupError> {
        let required = |name: &str| {
            lookup(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| SetupError::Env(format!("{name} is not set")))
        };
        let pool = required("COGNITO_USER_POOL_ID")?;
        let domain = required("COGNITO_DOMAIN")?;
        let client = required("COGNITO_CLIENT_ID")?.split(',').next().unwrap_or_default().trim().to_owned();
        let verifier = CognitoVerifier::builder()
            .token_use(TokenUse::Any)
            .from_lookup(&lookup)?
            .revocations(Arc::clone(&revocations))
            .build()?;
        let session_verifier = CognitoVerifier::builder()
            .from_lookup(|name| match name {
                "COGNITO_TOKEN_USE" => Some("any".to_owned()),
                "COGNITO_CLIENT_ID" => Some(client.clone()),
                _ => lookup(name),
            })?
            .revocations(Arc::clone(&revocations))
            .build()?;
        let mut login = CognitoLogin::builder();
        login = if domain.contains("://") {
            login.base_url(&domain)
        } else {
            let region = pool.split_once('_').map(|(region, _)| region).unwrap_or_default();
            login.domain(&domain, region)
        };
        if let Some(secret) = lookup("COGNITO_CLIENT_SECRET").filter(|s| !s.is_empty()) {
            login = login.client_secret(secret);
        }
        let login = login
            .client_id(client)
            .redirect_uri(format!("{app_url}/auth/callback"))
            .logout_uri(format!("{app_url}/signed-out"))
            .scopes(SCOPES)
            .realm(crate::REALM)
            .verifier(session_verifier)
            .revocations(Arc::clone(&revocations));
        let login = store_limits(login, &lookup)?.build()?;
        Ok(Setup { login, verifier, issuer: None, revocations })
    }
}

/// The session store limits from `lookup`: `SESSION_STORE_TIMEOUT_MS` (one store call; default
/// 2,000) and `SESSION_STORE_CONCURRENCY` (store calls in flight; default 256).
fn store_limits(
    mut login: CognitoLoginBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<CognitoLoginBuilder, SetupError> {
    let number = |name: &str| -> Result<Option<u64>, SetupError> {
        match lookup(name).filter(|value| !value.trim().is_empty()) {
            None => Ok(None),
            Some(value) => value
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| SetupError::Env(format!("{name}={value:?}: expected a whole number"))),
        }
    };
    if let Some(ms) = number("SESSION_STORE_TIMEOUT_MS")? {
        login = login.session_store_timeout(Duration::from_millis(ms));
    }
    if let Some(calls) = number("SESSION_STORE_CONCURRENCY")? {
        login = login.session_store_concurrency(usize::try_from(calls).unwrap_or(usize::MAX));
    }
    Ok(login)
}
