//! A trusted issuer: its `iss` string, where its keys are, and the cache of those keys.

use std::sync::Arc;

use crate::error::ConfigError;
use crate::jwks::{JwksCache, JwksOptions};

/// One trusted issuer and where its keys are, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuerConfig {
    /// The exact `iss` of its tokens.
    pub(crate) issuer: String,
    pub(crate) jwks_uri: String,
}

impl IssuerConfig {
    /// The Cognito user pool `pool_id`: issuer `https://cognito-idp.{region}.amazonaws.com/{pool_id}`,
    /// keys at `{issuer}/.well-known/jwks.json`.
    pub(crate) fn user_pool(pool_id: &str) -> Result<Self, ConfigError> {
        let issuer = user_pool_issuer(pool_id)?;
        Ok(IssuerConfig::with_default_jwks(issuer))
    }

    /// `issuer`, with keys at `{issuer}/.well-known/jwks.json`.
    pub(crate) fn with_default_jwks(issuer: String) -> Self {
        let jwks_uri = format!("{issuer}/.well-known/jwks.json");
        IssuerConfig { issuer, jwks_uri }
    }
}

/// A trusted issuer with the cache of its keys: what a verifier holds per issuer.
pub(crate) struct Issuer {
    pub(crate) config: IssuerConfig,
    pub(crate) keys: Arc<JwksCache>,
}

impl Issuer {
    pub(crate) fn new(config: IssuerConfig, client: reqwest::Client, options: JwksOptions) -> Self {
        let keys = JwksCache::new(config.jwks_uri.clone(), client, options);
        Issuer { config, keys }
    }
}

/// The issuer URL of the user pool `pool_id`, after checking the id's shape.
pub(crate) fn user_pool_issuer(pool_id: &str) -> Result<String, ConfigError> {
    let region = user_pool_region(pool_id)?;
    Ok(format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"))
}

/// The region of a user pool id, after checking the id's shape: `{region}_{alphanumerics}`,
/// where the region is lowercase letters and digits in dash-separated parts ending in a number
/// (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`, and emulators' `local-1`).
pub(crate) fn user_pool_region(pool_id: &str) -> Result<&str, ConfigError> {
    let invalid = || ConfigError::InvalidUserPoolId(pool_id.to_owned());
    let (region, id) = pool_id.split_once('_').ok_or_else(invalid)?;
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if cognito_http::is_region(region) && id_ok { Ok(region) } else { Err(invalid()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pool_ids_of_every_region_shape_are_accepted() {
        for id in
            ["us-east-1_AbCdEf123", "us-gov-west-1_abc", "eusc-de-east-1_X1", "eu-west-1_AbCdEf123456789"]
        {
            assert!(user_pool_region(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn malformed_user_pool_ids_are_refused() {
        for id in [
            "",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "US-EAST-1_abc",
            "us-east-1_ab-c",
            "useast1_abc",
            "us-east-x_abc",
            "us-east-1_ab/c",
        ] {
            assert_eq!(user_pool_region(id), Err(ConfigError::InvalidUserPoolId(id.into())), "{id}");
        }
    }

    #[test]
    fn a_user_pool_gives_the_cognito_issuer_and_its_jwks() {
        let config = IssuerConfig::user_pool("eu-west-1_AbCdEf123").unwrap();
        assert_eq!(config.issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
        assert_eq!(
            config.jwks_uri,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json"
        );
    }
}
