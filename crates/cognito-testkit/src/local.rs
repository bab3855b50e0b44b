//! Running an application locally without AWS: [`local_issuer_unless_configured`], a verifier
//! builder seeded from the environment, or trusting a [`TestIssuer`] started in the process
//! when no user pool is configured.

use cognito_verify::{CognitoVerifierBuilder, ConfigError};

use crate::issuer::TestIssuer;

/// The variable whose absence means "no pool configured: run with a local issuer".
pub const POOL_ID_VARIABLE: &str = "COGNITO_USER_POOL_ID";

/// A verifier builder for an application run on a laptop: seeded from the environment
/// ([`CognitoVerifierBuilder::from_env`]) when `COGNITO_USER_POOL_ID` is set, otherwise
/// trusting a [`TestIssuer`] started here (on a free loopback port) and its
/// [default client](TestIssuer::default_client_id). Either way the builder keeps what was set on
/// it (`token_use`, `custom_claims`, checks, scopes...), so the application is configured once.
///
/// Keep the returned issuer alive as long as the server runs (dropping it stops it), and use it to
/// mint tokens for local requests (log a command line with `issuer.access_token().sign()`, say).
/// A warning is logged when the local issuer is used: tokens it mints are signed by this
/// process, never by Cognito.
///
/// This is test infrastructure in a production binary's dependency graph, so depend on the
/// testkit only through a feature of your own, off by default, and call this only under it:
///
/// ```toml
/// [features]
/// local-issuer = ["dep:cognito-testkit"]
///
/// [dependencies]
/// cognito-testkit = { version = "0.1", optional = true }
/// ```
///
/// ```
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let no_pool = |_: &str| None;
/// let builder = CognitoVerifier::builder().token_use(TokenUse::Access).required_scopes(["orders/read"]);
/// // #[cfg(feature = "local-issuer")]
/// // (`local_issuer_unless_configured(builder)` reads the process environment.)
/// let (builder, local) = cognito_testkit::local_issuer_unless_configured_in(builder, no_pool).await?;
/// // #[cfg(not(feature = "local-issuer"))]
/// // let builder = builder.from_env()?;
/// let verifier = builder.build()?;
///
/// if let Some(issuer) = &local {
///     let token = issuer.access_token().scopes(["orders/read"]).sign();
///     assert!(verifier.verify(&token).await.is_ok());
/// }
/// # Ok(()) }
/// ```
///
/// # Panics
/// If no loopback port can be bound for the local issuer.
pub async fn local_issuer_unless_configured<C>(
    builder: CognitoVerifierBuilder<C>,
) -> Result<(CognitoVerifierBuilder<C>, Option<TestIssuer>), ConfigError> {
    local_issuer_unless_configured_in(builder, |name| std::env::var(name).ok()).await
}

/// [`local_issuer_unless_configured`] with the variables read from `lookup` (for tests, and for
/// configuration sources other than the process environment).
///
/// # Panics
/// If no loopback port can be bound for the local issuer.
pub async fn local_issuer_unless_configured_in<C>(
    builder: CognitoVerifierBuilder<C>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(CognitoVerifierBuilder<C>, Option<TestIssuer>), ConfigError> {
    if lookup(POOL_ID_VARIABLE).is_some_and(|pool| !pool.trim().is_empty()) {
        return Ok((builder.from_lookup(lookup)?, None));
    }
    let issuer = TestIssuer::start().await;
    tracing::warn!(
        issuer = %issuer.issuer_url(),
        "{POOL_ID_VARIABLE} is not set: trusting a local test issuer, whose tokens this process signs itself; \
         set {POOL_ID_VARIABLE} (and COGNITO_CLIENT_ID) to use a real user pool"
    );
    let builder = builder.issuer(issuer.issuer_url()).client_ids([issuer.default_client_id()]);
    Ok((builder, Some(issuer)))
}
