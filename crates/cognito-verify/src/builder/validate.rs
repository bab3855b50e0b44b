//! [`CognitoVerifierBuilder::build`]: the validation of a builder's configuration, and the
//! issuers it derives from the user pools and explicit issuers.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::CognitoVerifierBuilder;
use crate::config::Config;
use crate::error::ConfigError;
use crate::issuer::{Issuer, IssuerConfig, PoolTrust};
use crate::validation::{TokenLimits, check_url, key_client};
use crate::verifier::CognitoVerifier;

impl<C> CognitoVerifierBuilder<C> {
    /// Validate the configuration and build the verifier. No network call is made.
    pub fn build(self) -> Result<CognitoVerifier<C>, ConfigError>
    where
        C: DeserializeOwned + Send + Sync + 'static,
    {
        if let Some(mistake) = self.mistake {
            return Err(mistake);
        }
        let issuers = self.issuer_configs()?;
        let token_use = self.token_use.ok_or(ConfigError::TokenUseNotSet)?;
        let client_ids = self.clients.required(ConfigError::ClientsNotSet, ConfigError::EmptyClientIds)?;
        let limits = TokenLimits::new(self.leeway, self.max_token_bytes)?;
        self.jwks.validate()?;
        let client = key_client(
            self.http_client,
            &self.jwks.limits,
            issuers.iter().map(|config| config.jwks_uri.as_str()),
        )?;
        let issuers = issuers
            .into_iter()
            .map(|config| Issuer::new(config, client.clone(), self.jwks.clone()))
            .collect();
        Ok(CognitoVerifier::new(Config {
            issuers,
            token_use,
            client_ids,
            required_scopes: self.required_scopes,
            required_groups: self.required_groups,
            limits,
            token_cache_capacity: self.token_cache_capacity,
            custom_check: self.custom_check,
        }))
    }

    /// The configured issuers, checked: at least one, none twice.
    fn issuer_configs(&self) -> Result<Vec<IssuerConfig>, ConfigError> {
        let mut issuers = Vec::new();
        let trust = PoolTrust {
            formats: self.issuer_formats,
            replica_regions: &self.replica_regions,
            endpoints: &self.pool_endpoints,
        };
        for pool in &self.pools {
            for config in IssuerConfig::user_pool(pool, &trust)? {
                check_url(&config.issuer, self.allow_insecure_http)?;
                issuers.push(config);
            }
        }
        for (issuer, jwks_uri) in &self.issuers {
            check_url(issuer, self.allow_insecure_http)?;
            let mut config = IssuerConfig::with_default_jwks(issuer.trim_end_matches('/').to_owned());
            if let Some(jwks_uri) = jwks_uri {
                config.jwks_uri = jwks_uri.clone();
            }
            check_url(&config.jwks_uri, self.allow_insecure_http)?;
            issuers.push(config);
        }
        if issuers.is_empty() {
            return Err(ConfigError::NoIssuer);
        }
        let mut seen = HashSet::new();
        for config in &issuers {
            if !seen.insert(config.issuer.as_str()) {
                return Err(ConfigError::DuplicateIssuer(config.issuer.clone()));
            }
        }
        Ok(issuers)
    }
}
