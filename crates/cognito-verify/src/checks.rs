//! The claim checks a [`Config`] demands of a token once its signature verified: issuer,
//! `token_use`, client, times, required scopes and groups, the custom check.

use crate::claims::CognitoClaims;
use crate::config::Config;
use crate::error::VerifyError;
use crate::issuer::Issuer;
use crate::jws::unix_now;

impl<C> Config<C> {
    /// The checks that do not change with time: `iss` is `issuer`'s, `token_use` and the client
    /// are accepted.
    pub(crate) fn check_identity(
        &self,
        claims: &CognitoClaims<C>,
        issuer: &Issuer,
    ) -> Result<(), VerifyError> {
        if claims.iss != issuer.config.issuer {
            return Err(VerifyError::IssuerMismatch { found: claims.iss.clone() });
        }
        if !self.token_use.accepts(&claims.token_use) {
            return Err(VerifyError::TokenUseMismatch {
                expected: self.token_use,
                found: claims.token_use.clone(),
            });
        }
        self.check_client(claims)
    }

    /// The client of an access token is its `client_id`; an ID token's `aud` matches when any of
    /// its audiences is an allowed client (RFC 7519 §4.1.3).
    fn check_client(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let Some(allowed) = &self.client_ids else { return Ok(()) };
        if claims.token_use == "id" {
            if claims.aud.iter().any(|aud| allowed.contains(aud)) {
                return Ok(());
            }
            // No audience (absent, `null` or `[]`) is a missing claim.
            return Err(match claims.aud.as_slice() {
                [] => VerifyError::MissingClaim("aud"),
                audiences => VerifyError::ClientMismatch { found: audiences.join(" ") },
            });
        }
        let client_id = claims.client_id.as_deref().ok_or(VerifyError::MissingClaim("client_id"))?;
        if allowed.contains(client_id) {
            Ok(())
        } else {
            Err(VerifyError::ClientMismatch { found: client_id.to_owned() })
        }
    }

    /// `exp`, `nbf` and `iat` against the clock, with the leeway. Made on every verification,
    /// cached or not.
    pub(crate) fn check_times(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let leeway = self.limits.leeway_secs;
        let now = unix_now();
        if now >= claims.exp.saturating_add(leeway) {
            return Err(VerifyError::Expired { exp: claims.exp, now });
        }
        if let Some(nbf) = claims.nbf
            && nbf.saturating_sub(leeway) > now
        {
            return Err(VerifyError::NotYetValid { nbf, now });
        }
        if let Some(iat) = claims.iat
            && iat.saturating_sub(leeway) > now
        {
            return Err(VerifyError::IssuedInFuture { iat, now });
        }
        Ok(())
    }

    /// At least one of the required scopes, and of the required groups.
    pub(crate) fn check_requirements(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        if !self.required_scopes.is_empty() && !claims.scopes.contains_any(&self.required_scopes) {
            return Err(VerifyError::InsufficientScope { required: self.required_scopes.clone() });
        }
        if !self.required_groups.is_empty() && !self.required_groups.iter().any(|g| claims.in_group(g)) {
            return Err(VerifyError::MissingGroup { required: self.required_groups.clone() });
        }
        Ok(())
    }

    /// The custom check, if one is configured.
    pub(crate) fn check_custom(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        match &self.custom_check {
            Some(check) => check(claims).map_err(VerifyError::Rejected),
            None => Ok(()),
        }
    }
}
