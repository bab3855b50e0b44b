//! [`CognitoVerifier::from_env`]: a verifier configured by environment variables.

use crate::error::ConfigError;
use crate::issuer::{user_pool_issuer, user_pool_region};
use crate::token_use::TokenUse;
use crate::verifier::CognitoVerifier;

impl CognitoVerifier {
    /// Build a verifier from the environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `COGNITO_USER_POOL_ID` | required: the pool, e.g. `eu-west-1_AbCdEf123` |
    /// | `COGNITO_CLIENT_ID` | required: allowed app client ids, comma separated |
    /// | `COGNITO_TOKEN_USE` | required: `access`, `id` or `any` |
    /// | `COGNITO_ISSUER` | optional: replaces the derived issuer (e.g. an emulator) |
    /// | `COGNITO_JWKS_URI` | optional: replaces `{issuer}/.well-known/jwks.json` |
    /// | `COGNITO_RESOURCE` | optional: this resource server's identifiers, comma separated; access tokens must be bound to one (`aud`, see [`resources`](crate::CognitoVerifierBuilder::resources)) |
    /// | `COGNITO_REPLICA_REGIONS` | optional: regions the pool is replicated to, comma separated (see [`replica_regions`](crate::CognitoVerifierBuilder::replica_regions)); not with `COGNITO_ISSUER`/`COGNITO_JWKS_URI` |
    ///
    /// Without `COGNITO_ISSUER`/`COGNITO_JWKS_URI`, both issuer formats of the pool are trusted
    /// (see [`user_pool`](crate::CognitoVerifierBuilder::user_pool)).
    ///
    /// Errors name the missing or malformed variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read from `lookup`; for tests and for
    /// configuration sources other than the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            lookup(name).filter(|v| !v.trim().is_empty()).ok_or(ConfigError::MissingEnv(name))
        };
        let pool = required("COGNITO_USER_POOL_ID")?;
        let clients = required("COGNITO_CLIENT_ID")?;
        let token_use = match required("COGNITO_TOKEN_USE")?.trim().to_ascii_lowercase().as_str() {
            "access" => TokenUse::Access,
            "id" => TokenUse::Id,
            "any" => TokenUse::Any,
            other => {
                return Err(ConfigError::MalformedEnv {
                    name: "COGNITO_TOKEN_USE",
                    reason: format!("{other:?} is not one of access, id, any"),
                });
            }
        };
        let clients: Vec<String> =
            clients.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        if clients.is_empty() {
            return Err(ConfigError::MalformedEnv {
                name: "COGNITO_CLIENT_ID",
                reason: "no client id in the list".into(),
            });
        }
        let issuer = lookup("COGNITO_ISSUER").filter(|v| !v.trim().is_empty());
        // With an explicit issuer the pool id is informational (emulators use their own shapes).
        if issuer.is_none() && user_pool_region(pool.trim()).is_err() {
            return Err(ConfigError::MalformedEnv {
                name: "COGNITO_USER_POOL_ID",
                reason: format!("{pool:?} is not of the form region_id, e.g. eu-west-1_AbCdEf123"),
            });
        }
        let jwks = lookup("COGNITO_JWKS_URI").filter(|v| !v.trim().is_empty());
        let mut builder = CognitoVerifier::builder().token_use(token_use).client_ids(clients);
        if let Some(resources) = lookup("COGNITO_RESOURCE").filter(|v| !v.trim().is_empty()) {
            let resources: Vec<&str> =
                resources.split(',').map(str::trim).filter(|r| !r.is_empty()).collect();
            if resources.is_empty() {
                return Err(ConfigError::MalformedEnv {
                    name: "COGNITO_RESOURCE",
                    reason: "no resource in the list".into(),
                });
            }
            builder = builder.resources(resources);
        }
        let replicas: Vec<String> = lookup("COGNITO_REPLICA_REGIONS")
            .unwrap_or_default()
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        let builder = match (issuer, jwks) {
            (None, None) => builder.user_pool(pool.trim()).replica_regions(replicas.iter()),
            _ if !replicas.is_empty() => {
                return Err(ConfigError::MalformedEnv {
                    name: "COGNITO_REPLICA_REGIONS",
                    reason: "replica regions apply to COGNITO_USER_POOL_ID's issuers; not with COGNITO_ISSUER or COGNITO_JWKS_URI".into(),
                });
            }
            (issuer, jwks) => {
                let issuer = match issuer {
                    Some(issuer) => issuer.trim().to_owned(),
                    None => user_pool_issuer(pool.trim())?,
                };
                match jwks {
                    Some(jwks) => builder.issuer_with_jwks(issuer, jwks.trim()),
                    None => builder.issuer(issuer),
                }
            }
        };
        builder.build().map_err(|err| match err {
            ConfigError::InvalidUrl { .. } | ConfigError::InsecureUrl(_) => ConfigError::MalformedEnv {
                name: if lookup("COGNITO_JWKS_URI").is_some() {
                    "COGNITO_ISSUER or COGNITO_JWKS_URI"
                } else {
                    "COGNITO_ISSUER"
                },
                reason: err.to_string(),
            },
            ConfigError::OutOfRange { option: "resources", reason } => ConfigError::MalformedEnv {
                name: "COGNITO_RESOURCE",
                reason: format!("{reason} (COGNITO_TOKEN_USE)"),
            },
            ConfigError::InvalidRegion(region) => ConfigError::MalformedEnv {
                name: "COGNITO_REPLICA_REGIONS",
                reason: format!("{region:?} is not a region, e.g. us-west-2"),
            },
            other => other,
        })
    }
}
