//! [`CognitoVerifierBuilder::build`]: the validation of a builder's configuration, and the
//! issuers it derives from the user pools and explicit issuers.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::CognitoVerifierBuilder;
use crate::config::Config;
use crate::error::ConfigError;
use crate::issuer::{Issuer, IssuerConfig, PoolTrust};
use crate::keys::KeySet;
use crate::validation::{Allowed, AllowedSet, ByPool, TokenLimits, check_url, key_client};
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
        let pool_clients = self.pool_clients()?;
        let (resources, pool_resources) = self.validated_resources(token_use)?;
        // When every issuer is a pool with its own clients, the general choice is never used.
        let all_pools_have_clients =
            self.issuers.is_empty() && self.pools.iter().all(|pool| pool_clients.contains_key(pool));
        let client_ids = match self.clients {
            Allowed::Unset if all_pools_have_clients => Some(AllowedSet::default()),
            clients => clients.required(ConfigError::ClientsNotSet, ConfigError::EmptyClientIds)?,
        };
        let limits = TokenLimits::new(self.leeway, self.max_token_bytes)?;
        self.jwks.validate()?;
        let client = key_client(
            self.http_client,
            &self.jwks.limits,
            issuers.iter().map(|config| config.jwks_uri.as_str()),
        )?;
        let issuers: Vec<Issuer> = issuers
            .into_iter()
            .map(|config| Issuer::new(config, client.clone(), self.jwks.clone()))
            .collect();
        preload_documents(&issuers, &self.jwks_documents, self.jwks.fetch_from_url)?;
        Ok(CognitoVerifier::new(Config {
            issuers,
            token_use,
            client_ids,
            pool_clients,
            resources,
            pool_resources,
            required_scopes: self.required_scopes,
            required_groups: self.required_groups,
            limits,
            token_cache_capacity: self.token_cache_capacity,
            custom_check: self.custom_check,
            async_check: self.async_check,
            revocations: self.revocations,
            clock: self.clock,
        }))
    }

    /// The clients of each pool given them, by pool id: each list not empty and without an
    /// empty id.
    fn pool_clients(&self) -> Result<ByPool<AllowedSet>, ConfigError> {
        let mut by_pool: ByPool<AllowedSet> = ByPool::default();
        for (pool, ids) in &self.pool_clients {
            if ids.is_empty() || ids.iter().any(String::is_empty) {
                return Err(ConfigError::EmptyClientIds);
            }
            by_pool.entry(pool.clone()).or_default().extend(ids.iter().cloned());
        }
        Ok(by_pool)
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

/// Start the key caches of `issuers` with the configured JWKS `documents`, each checked: for a
/// trusted issuer, once, parsing, with a usable key. With fetching off, some document is needed,
/// or no token could ever verify.
fn preload_documents(
    issuers: &[Issuer],
    documents: &[(String, String)],
    fetch: bool,
) -> Result<(), ConfigError> {
    let mut seen = HashSet::new();
    for (issuer, document) in documents {
        let invalid = |reason| ConfigError::InvalidJwks { issuer: issuer.clone(), reason };
        let trimmed = issuer.trim_end_matches('/');
        let target = issuers
            .iter()
            .find(|candidate| candidate.config.issuer == trimmed)
            .ok_or_else(|| invalid("not an issuer this verifier trusts"))?;
        if !seen.insert(trimmed) {
            return Err(invalid("given twice"));
        }
        let set = KeySet::parse(document.as_bytes(), target.config.kind()).map_err(invalid)?;
        if set.usable() == 0 {
            return Err(invalid("holds no usable key"));
        }
        target.keys.preload(set);
    }
    if !fetch && documents.is_empty() {
        return Err(ConfigError::OutOfRange {
            option: "fetch_from_url",
            reason: "false needs a jwks_document: without one no key could ever be found",
        });
    }
    Ok(())
}
