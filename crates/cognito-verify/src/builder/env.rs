//! Configuration from environment variables: [`CognitoVerifierBuilder::from_env`] (a builder
//! seeded from them, to which every other setting still applies) and
//! [`CognitoVerifier::from_env`] (a verifier from them alone).

use super::CognitoVerifierBuilder;
use crate::error::ConfigError;
use crate::issuer::{user_pool_issuer, user_pool_region};
use crate::token_use::TokenUse;
use crate::validation::{Allowed, check_url};
use crate::verifier::CognitoVerifier;

impl<C> CognitoVerifierBuilder<C> {
    /// Seeds the builder from the environment; everything else (`custom_claims`, `custom_check`,
    /// `async_check`, `required_scopes`, ...) still applies, before or after:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `COGNITO_USER_POOL_ID` | required: the pool, e.g. `eu-west-1_AbCdEf123` |
    /// | `COGNITO_CLIENT_ID` | allowed app client ids, comma separated; required unless [`client_ids`](Self::client_ids) or [`any_client`](Self::any_client) was called before |
    /// | `COGNITO_TOKEN_USE` | `access`, `id` or `any`; required unless [`token_use`](Self::token_use) was called before |
    /// | `COGNITO_ISSUER` | optional: replaces the derived issuer (e.g. an emulator) |
    /// | `COGNITO_JWKS_URI` | optional: replaces `{issuer}/.well-known/jwks.json` |
    /// | `COGNITO_RESOURCE` | optional: this resource server's identifiers, comma separated; access tokens must be bound to one (`aud`, see [`resources`](Self::resources)) |
    /// | `COGNITO_REPLICA_REGIONS` | optional: regions the pool is replicated to, comma separated (see [`replica_regions`](Self::replica_regions)); not with `COGNITO_ISSUER`/`COGNITO_JWKS_URI` |
    ///
    /// A variable that is set wins over a value set on the builder before this call; a setter
    /// called after it wins over the variable. Without `COGNITO_ISSUER`/`COGNITO_JWKS_URI`,
    /// both issuer formats of the pool are trusted (see [`user_pool`](Self::user_pool)).
    ///
    /// Errors ([`ConfigError::MissingEnv`], [`ConfigError::MalformedEnv`]) name the variable.
    /// An application that runs without AWS when no pool is configured checks for
    /// `MissingEnv("COGNITO_USER_POOL_ID")`, or uses `cognito_testkit::local_issuer_unless_configured`
    /// (see "Running locally without AWS" in `docs/configuration.md`).
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Tenant {
    ///     #[serde(rename = "custom:tenant")]
    ///     tenant: String,
    /// }
    ///
    /// # let env = |name: &str| match name {
    /// #     "COGNITO_USER_POOL_ID" => Some("eu-west-1_AbCdEf123".to_owned()),
    /// #     "COGNITO_CLIENT_ID" => Some("4a1bexampleclientid".to_owned()),
    /// #     _ => None,
    /// # };
    /// // In an application: `.from_env()?`; here the variables come from a closure.
    /// let verifier = CognitoVerifier::builder()
    ///     .token_use(TokenUse::Id) // the default when COGNITO_TOKEN_USE is not set
    ///     .from_lookup(env)?
    ///     .custom_claims::<Tenant>()
    ///     .custom_check(|claims| (claims.custom.tenant != "blocked").then_some(()).ok_or_else(|| "blocked".into()))
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn from_env(self) -> Result<Self, ConfigError> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read from `lookup`: for tests, and for
    /// configuration sources other than the process environment.
    pub fn from_lookup(self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let pool = var("COGNITO_USER_POOL_ID").ok_or(ConfigError::MissingEnv("COGNITO_USER_POOL_ID"))?;
        let pool = pool.trim();
        let mut builder = self;
        match var("COGNITO_CLIENT_ID") {
            Some(value) => builder = builder.client_ids(parse_client_ids(&value)?),
            None if matches!(builder.clients, Allowed::Unset) => {
                return Err(ConfigError::MissingEnv("COGNITO_CLIENT_ID"));
            }
            None => {}
        }
        match var("COGNITO_TOKEN_USE") {
            Some(value) => builder = builder.token_use(parse_token_use(&value)?),
            None if builder.token_use.is_none() => return Err(ConfigError::MissingEnv("COGNITO_TOKEN_USE")),
            None => {}
        }
        if let Some(value) = var("COGNITO_RESOURCE") {
            let resources: Vec<&str> = value.split(',').map(str::trim).filter(|r| !r.is_empty()).collect();
            if resources.is_empty() {
                return Err(malformed("COGNITO_RESOURCE", "no resource in the list".into()));
            }
            builder = builder.resources(resources);
        }
        let issuer = var("COGNITO_ISSUER").map(|v| v.trim().to_owned());
        // With an explicit issuer the pool id is informational (emulators use their own shapes).
        if issuer.is_none() && user_pool_region(pool).is_err() {
            return Err(malformed(
                "COGNITO_USER_POOL_ID",
                format!("{pool:?} is not of the form region_id, e.g. eu-west-1_AbCdEf123"),
            ));
        }
        let jwks = var("COGNITO_JWKS_URI").map(|v| v.trim().to_owned());
        let replicas: Vec<String> = lookup("COGNITO_REPLICA_REGIONS")
            .unwrap_or_default()
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        if let Some(region) = replicas.iter().find(|r| !cognito_http::is_region(r)) {
            return Err(malformed(
                "COGNITO_REPLICA_REGIONS",
                format!("{region:?} is not a region, e.g. us-west-2"),
            ));
        }
        Ok(match (issuer, jwks) {
            (None, None) => builder.user_pool(pool).replica_regions(replicas),
            _ if !replicas.is_empty() => {
                return Err(malformed(
                    "COGNITO_REPLICA_REGIONS",
                    "replica regions apply to COGNITO_USER_POOL_ID's issuers; not with COGNITO_ISSUER or COGNITO_JWKS_URI".into(),
                ));
            }
            (issuer, jwks) => {
                let issuer = match issuer {
                    Some(issuer) => issuer,
                    None => user_pool_issuer(pool)?,
                };
                let insecure = builder.allow_insecure_http;
                check_url(&issuer, insecure).map_err(|err| malformed("COGNITO_ISSUER", err.to_string()))?;
                match jwks {
                    Some(jwks) => {
                        check_url(&jwks, insecure)
                            .map_err(|err| malformed("COGNITO_JWKS_URI", err.to_string()))?;
                        builder.issuer_with_jwks(issuer, jwks)
                    }
                    None => builder.issuer(issuer),
                }
            }
        })
    }
}

impl CognitoVerifier {
    /// A verifier from the environment alone: [`CognitoVerifierBuilder::from_env`] (whose table
    /// lists the variables; `COGNITO_USER_POOL_ID`, `COGNITO_CLIENT_ID` and `COGNITO_TOKEN_USE`
    /// are required here), then [`build`](CognitoVerifierBuilder::build). With custom claims or
    /// checks, start from `CognitoVerifier::builder().from_env()?` instead.
    ///
    /// Errors name the missing or malformed variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read from `lookup`; for tests and for
    /// configuration sources other than the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        CognitoVerifier::builder().from_lookup(lookup)?.build()
    }
}

fn malformed(name: &'static str, reason: String) -> ConfigError {
    ConfigError::MalformedEnv { name, reason }
}

fn parse_token_use(value: &str) -> Result<TokenUse, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "access" => Ok(TokenUse::Access),
        "id" => Ok(TokenUse::Id),
        "any" => Ok(TokenUse::Any),
        other => Err(malformed("COGNITO_TOKEN_USE", format!("{other:?} is not one of access, id, any"))),
    }
}

fn parse_client_ids(value: &str) -> Result<Vec<String>, ConfigError> {
    let clients: Vec<String> =
        value.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
    if clients.is_empty() {
        return Err(malformed("COGNITO_CLIENT_ID", "no client id in the list".into()));
    }
    Ok(clients)
}
