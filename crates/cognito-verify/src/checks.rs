//! The claim checks a [`Config`] demands of a token once its signature verified: issuer,
//! `token_use`, client, times, required scopes and groups, the custom check.

use crate::claims::CognitoClaims;
use crate::config::Config;
use crate::error::VerifyError;
use crate::issuer::Issuer;
use crate::jws::UnixTime;

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

    fn check_client(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let Some(allowed) = &self.client_ids else { return Ok(()) };
        let (claim, value) = match claims.token_use.as_str() {
            "id" => ("aud", claims.aud.as_deref()),
            _ => ("client_id", claims.client_id.as_deref()),
        };
        let value = value.ok_or(VerifyError::MissingClaim(claim))?;
        if allowed.contains(value) {
            Ok(())
        } else {
            Err(VerifyError::ClientMismatch { found: value.to_owned() })
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
            return Err(VerifyError::Expired { exp: claims.exp, now: now.secs() });
        }
        if let Some(nbf) = times.nbf
            && nbf.saturating_sub(leeway) > now
        {
            return Err(VerifyError::NotYetValid { nbf: nbf.secs(), now: now.secs() });
        }
        if let Some(iat) = times.iat
            && iat.saturating_sub(leeway) > now
        {
            return Err(VerifyError::IssuedInFuture { iat: iat.secs(), now: now.secs() });
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
