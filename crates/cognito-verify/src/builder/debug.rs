//! The `Debug` output of a [`CognitoVerifierBuilder`]: every setting, checks and clients shown
//! only as set or not, JWKS documents by issuer.

use std::fmt;

use super::CognitoVerifierBuilder;

impl<C> fmt::Debug for CognitoVerifierBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoVerifierBuilder")
            .field("pools", &self.pools)
            .field("issuer_formats", &self.issuer_formats)
            .field("replica_regions", &self.replica_regions)
            .field("pool_endpoints", &self.pool_endpoints)
            .field("issuers", &self.issuers)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("token_use", &self.token_use)
            .field("clients", &self.clients)
            .field("required_scopes", &self.required_scopes)
            .field("required_groups", &self.required_groups)
            .field("leeway", &self.leeway)
            .field("max_token_bytes", &self.max_token_bytes)
            .field("token_cache_capacity", &self.token_cache_capacity)
            .field("jwks", &self.jwks)
            .field("custom_check", &self.custom_check.is_some())
            .field("async_check", &self.async_check.is_some())
            .field("clock", &self.clock)
            .field("pool_clients", &self.pool_clients)
            .field(
                "jwks_documents",
                &self.jwks_documents.iter().map(|(issuer, _)| issuer).collect::<Vec<_>>(),
            )
            .field("http_client", &self.http_client.is_some())
            .field("mistake", &self.mistake)
            .finish()
    }
}
