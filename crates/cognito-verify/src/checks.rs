//! The claim checks a [`Config`] demands of a token once its signature verified: issuer,
//! `token_use`, client, times, required scopes and groups, the custom check.

use std::sync::Arc;

use crate::claims::CognitoClaims;
use crate::config::Config;
use crate::error::VerifyError;
use crate::issuer::Issuer;
use crate::jws::UnixTime;
use crate::verified_claims::VerifiedClaims;

impl<C> Config<C> {
    /// The checks that do not change with time: `iss` is `issuer`'s, `token_use` and the client
    /// are accepted.
    pub(crate) fn check_identity(
        &self,
        claims: &CognitoClaims<C>,
        issuer: &Issuer,
    ) -> Result<(), VerifyError> {
        if claims.iss() != issuer.config.issuer {
            return Err(VerifyError::IssuerMismatch { found: claims.iss().to_owned(), claims: None });
        }
        if !self.token_use.accepts(claims.token_use()) {
            return Err(VerifyError::TokenUseMismatch {
                expected: self.token_use,
                found: claims.token_use().to_owned(),
                claims: None,
            });
        }
        self.check_client(claims, issuer)?;
        self.check_resource(claims, issuer)
    }

    /// An access token's `aud` names one of the resources of the issuer's user pool when it has
    /// its own, else of `resources` (RFC 9068 §4); no check when neither is configured, nor on
    /// ID tokens, whose `aud` is the client.
    fn check_resource(&self, claims: &CognitoClaims<C>, issuer: &Issuer) -> Result<(), VerifyError> {
        if claims.token_use() != "access" {
            return Ok(());
        }
        let pool_resources = issuer.config.pool.as_ref().and_then(|pool| self.pool_resources.get(pool));
        let Some(expected) = pool_resources.or(self.resources.as_ref()) else { return Ok(()) };
        if claims.aud().any(|aud| expected.iter().any(|resource| resource == aud)) {
            Ok(())
        } else {
            Err(VerifyError::ResourceMismatch { expected: expected.clone(), claims: None })
        }
    }

    /// The client of an access token is its `client_id`; an ID token's `aud` matches when any of
    /// its audiences is an allowed client (RFC 7519 §4.1.3). The allowed clients are those of the
    /// issuer's user pool when it has its own, else `client_ids`.
    fn check_client(&self, claims: &CognitoClaims<C>, issuer: &Issuer) -> Result<(), VerifyError> {
        let pool_clients = issuer.config.pool.as_ref().and_then(|pool| self.pool_clients.get(pool));
        let Some(allowed) = pool_clients.or(self.client_ids.as_ref()) else { return Ok(()) };
        if claims.token_use() == "id" {
            if claims.aud().any(|aud| allowed.contains(aud)) {
                return Ok(());
            }
            // No audience (absent, `null` or `[]`) is a missing claim.
            if claims.aud().is_empty() {
                return Err(VerifyError::MissingClaim("aud"));
            }
            let audiences: Vec<&str> = claims.aud().collect();
            return Err(VerifyError::ClientMismatch { found: audiences.join(" "), claims: None });
        }
        let client_id = claims.client_id().ok_or_else(|| VerifyError::MissingClaim("client_id"))?;
        if allowed.contains(client_id) {
            Ok(())
        } else {
            Err(VerifyError::ClientMismatch { found: client_id.to_owned(), claims: None })
        }
    }

    /// `exp`, `nbf` and `iat` against the clock, with the leeway. Made on every verification,
    /// cached or not.
    pub(crate) fn check_times(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let leeway = self.limits.leeway;
        // Sub-second precision on both sides: a fractional `exp` is not cut to the second
        // before it (RFC 7519 §2), nor `nbf`/`iat` to the second after.
        let now = UnixTime::now(&self.clock);
        let times = &claims.times;
        if now >= times.exp.saturating_add(leeway) {
            return Err(VerifyError::Expired { exp: claims.exp(), now: now.secs(), claims: None });
        }
        if let Some(nbf) = times.nbf
            && nbf.saturating_sub(leeway) > now
        {
            return Err(VerifyError::NotYetValid { nbf: nbf.secs(), now: now.secs(), claims: None });
        }
        if let Some(iat) = times.iat
            && iat.saturating_sub(leeway) > now
        {
            return Err(VerifyError::IssuedInFuture { iat: iat.secs(), now: now.secs(), claims: None });
        }
        Ok(())
    }

    /// At least one of the required scopes, and of the required groups.
    pub(crate) fn check_requirements(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        if !self.required_scopes.is_empty() && !claims.scopes().contains_any(&self.required_scopes) {
            return Err(VerifyError::InsufficientScope {
                required: self.required_scopes.clone(),
                claims: None,
            });
        }
        if !self.required_groups.is_empty() && !self.required_groups.iter().any(|g| claims.in_group(g)) {
            return Err(VerifyError::MissingGroup { required: self.required_groups.clone(), claims: None });
        }
        Ok(())
    }

    /// Every check of a token whose claims are trusted (its signature verified), in order:
    /// identity, times, requirements, the custom check. A failure carries the claims.
    pub(crate) fn check_verified(
        &self,
        claims: &Arc<CognitoClaims<C>>,
        issuer: &Issuer,
    ) -> Result<(), VerifyError>
    where
        C: Send + Sync + 'static,
    {
        self.check_identity(claims, issuer)
            .and_then(|()| self.check_times(claims))
            .and_then(|()| self.check_requirements(claims))
            .and_then(|()| self.check_custom(claims))
            .map_err(|err| err.with_claims(VerifiedClaims::new(Arc::clone(claims))))
    }

    /// The checks made again on a cached token: times and the custom check. A failure carries
    /// the claims.
    pub(crate) fn check_cached(&self, claims: &Arc<CognitoClaims<C>>) -> Result<(), VerifyError>
    where
        C: Send + Sync + 'static,
    {
        self.check_times(claims)
            .and_then(|()| self.check_custom(claims))
            .map_err(|err| err.with_claims(VerifiedClaims::new(Arc::clone(claims))))
    }

    /// The custom check, if one is configured.
    pub(crate) fn check_custom(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        match &self.custom_check {
            Some(check) => check(claims).map_err(|reason| VerifyError::Rejected {
                reason,
                forbidden: false,
                claims: None,
            }),
            None => Ok(()),
        }
    }
}
