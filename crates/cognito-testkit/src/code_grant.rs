//! The hosted login's grants on `/oauth2/token`: `authorization_code` (with PKCE S256) and
//! `refresh_token`, and the ID, access and refresh tokens they answer with.
//!
//! As in Cognito: a code is single-use, expires after
//! [`AUTHORIZATION_CODE_LIFETIME`](crate::AUTHORIZATION_CODE_LIFETIME), and is bound to the
//! client and the exact `redirect_uri` it was issued for; a refresh grant answers new ID and
//! access tokens and no new refresh token, unless the client has refresh-token rotation (then a
//! new refresh token, the old one usable for the grace period); a revoked or expired refresh
//! token is `invalid_grant`.
//!
//! Resource binding (RFC 8707): the `resource` of the authorization request binds the access
//! tokens' `aud`. The code exchange must repeat it (RFC 8707 §2.2; this issuer is strict about
//! it, so a client that forgets it is caught): another value, or none, is `invalid_target`.
//! Refreshes keep the binding; a refresh that names another resource is `invalid_target`.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lc_rs::digest::{SHA256, digest};
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::client::ClientRegistration;
use crate::jws::b64url;
use crate::keys;
use crate::lock::lock;
use crate::login_state::{IssuedAccess, RefreshGrant};
use crate::oauth_error::{TokenError, no_store};
use crate::shared::Shared;
use crate::token::TokenBuilder;
use crate::user::TestUser;

/// `grant_type=authorization_code`.
pub(crate) fn exchange_code(
    shared: &Arc<Shared>,
    client: &ClientRegistration,
    params: &HashMap<String, String>,
) -> Result<Response, TokenError> {
    if !client.allows_code_flow() {
        return Err(TokenError::UnauthorizedClient);
    }
    let code_value = params.get("code").ok_or(TokenError::InvalidRequest)?;
    let redirect_uri = params.get("redirect_uri").ok_or(TokenError::InvalidRequest)?;
    let now = shared.clock.now();
    let mut state = lock(&shared.hosted);
    let reuse_allowed = state.code_reuse_allowed;
    let code = state.codes.get_mut(code_value).ok_or(TokenError::InvalidGrant)?;
    if code.used && !reuse_allowed {
        tracing::debug!("test issuer refused a reused authorization code");
        return Err(TokenError::InvalidGrant);
    }
    // Any presentation uses the code up, even one refused below (RFC 6749 §4.1.2).
    code.used = true;
    let code = code.clone();
    if code.client_id != client.client_id() || code.redirect_uri != *redirect_uri || now >= code.expires_at {
        return Err(TokenError::InvalidGrant);
    }
    if code.resource.as_ref() != params.get("resource") {
        return Err(TokenError::InvalidTarget);
    }
    if let Some(challenge) = &code.challenge {
        let verifier = params.get("code_verifier").ok_or(TokenError::InvalidRequest)?;
        if !pkce_verifier_is_valid(verifier) || s256(verifier) != *challenge {
            return Err(TokenError::InvalidGrant);
        }
    }
    let user = state.users.get(&code.username).cloned().ok_or(TokenError::InvalidGrant)?;
    let refresh_token = keys::random_b64url(96);
    let origin_jti = keys::uuid_v4();
    let lifetime = i64::try_from(client.refresh_lifetime().as_secs()).unwrap_or(i64::MAX);
    state.refresh_tokens.insert(
        refresh_token.clone(),
        RefreshGrant {
            client_id: client.client_id().to_owned(),
            username: user.username().to_owned(),
            scopes: code.scopes.clone(),
            auth_time: code.auth_time,
            expires_at: now.saturating_add(lifetime),
            origin_jti: origin_jti.clone(),
            resource: code.resource.clone(),
            rotated_at: None,
        },
    );
    state.counts.code_exchanges += 1;
    drop(state);
    let grant = Grant {
        client,
        user: &user,
        scopes: &code.scopes,
        nonce: code.nonce.as_deref(),
        auth_time: code.auth_time,
        origin_jti: &origin_jti,
        resource: code.resource.as_deref(),
    };
    let mut body = grant.issue(shared)?;
    if let Value::Object(map) = &mut body {
        map.insert("refresh_token".to_owned(), Value::String(refresh_token));
    }
    Ok(no_store(Json(body).into_response()))
}

/// `grant_type=refresh_token`.
pub(crate) fn refresh(
    shared: &Arc<Shared>,
    client: &ClientRegistration,
    params: &HashMap<String, String>,
) -> Result<Response, TokenError> {
    let token = params.get("refresh_token").ok_or(TokenError::InvalidRequest)?;
    let now = shared.clock.now();
    let grace = client.refresh_rotation().map(|grace| i64::try_from(grace.as_secs()).unwrap_or(i64::MAX));
    let mut state = lock(&shared.hosted);
    let usable = state.refresh_tokens.get(token).cloned().filter(|grant| {
        grant.client_id == client.client_id()
            && now < grant.expires_at
            && !state.is_revoked(&grant.origin_jti)
            // A rotated-out token works for the grace period only.
            && grant.rotated_at.is_none_or(|at| now < at.saturating_add(grace.unwrap_or(0)))
    });
    let (Some(grant), false) = (usable, state.refresh_refused) else {
        state.counts.refused_refreshes += 1;
        return Err(TokenError::InvalidGrant);
    };
    if params.get("resource").is_some_and(|resource| grant.resource.as_ref() != Some(resource)) {
        return Err(TokenError::InvalidTarget);
    }
    let user = state.users.get(&grant.username).cloned().ok_or(TokenError::InvalidGrant)?;
    state.counts.refreshes += 1;
    let rotated = grace.map(|_| {
        let fresh = keys::random_b64url(96);
        if let Some(old) = state.refresh_tokens.get_mut(token) {
            old.rotated_at.get_or_insert(now);
        }
        state.refresh_tokens.insert(fresh.clone(), RefreshGrant { rotated_at: None, ..grant.clone() });
        state.counts.refresh_token_rotations += 1;
        fresh
    });
    drop(state);
    let issued = Grant {
        client,
        user: &user,
        scopes: &grant.scopes,
        nonce: None,
        auth_time: grant.auth_time,
        origin_jti: &grant.origin_jti,
        resource: grant.resource.as_deref(),
    };
    let mut body = issued.issue(shared)?;
    if let (Some(fresh), Value::Object(map)) = (rotated, &mut body) {
        map.insert("refresh_token".to_owned(), Value::String(fresh));
    }
    Ok(no_store(Json(body).into_response()))
}

/// What one sign-in (or refresh of it) issues tokens for.
struct Grant<'a> {
    client: &'a ClientRegistration,
    user: &'a TestUser,
    scopes: &'a [String],
    nonce: Option<&'a str>,
    auth_time: i64,
    origin_jti: &'a str,
    /// The `aud` of the access token (RFC 8707 resource binding), if any.
    resource: Option<&'a str>,
}

impl Grant<'_> {
    /// Mints the access and ID tokens and remembers the access token for `userInfo`; answers
    /// the token response without a refresh token.
    fn issue(&self, shared: &Arc<Shared>) -> Result<Value, TokenError> {
        let user = self.user;
        let lifetime = self.client.lifetime();
        let mut access = TokenBuilder::access(shared.clone())
            .sub(user.subject())
            .username(user.username())
            .client_id(self.client.client_id())
            .scopes(self.scopes)
            .lifetime(lifetime)
            .claim("auth_time", json!(self.auth_time))
            .claim("origin_jti", json!(self.origin_jti));
        if !user.group_names().is_empty() {
            access = access.groups(user.group_names().iter().cloned());
        }
        if let Some(resource) = self.resource {
            access = access.bound_to(self.client.audience(resource).ok_or(TokenError::InvalidTarget)?);
        }
        let expires_at = access.claims_json().get("exp").and_then(Value::as_i64).unwrap_or_default();
        let access_token = access.try_sign().map_err(|_| TokenError::ServerError)?;

        let mut id = TokenBuilder::id(shared.clone())
            .sub(user.subject())
            .username(user.username())
            .client_id(self.client.client_id())
            .lifetime(lifetime)
            .claim("auth_time", json!(self.auth_time))
            .claim("origin_jti", json!(self.origin_jti))
            .claim("at_hash", json!(at_hash(&access_token)));
        id = match user.email_address() {
            Some(email) => id.email(email),
            None => id.without_claim("email").without_claim("email_verified"),
        };
        if !user.group_names().is_empty() {
            id = id.groups(user.group_names().iter().cloned());
        }
        if let Some(nonce) = self.nonce {
            id = id.claim("nonce", json!(nonce));
        }
        for (name, value) in user.attributes() {
            id = id.claim(name.clone(), value.clone());
        }
        let id_token = id.try_sign().map_err(|_| TokenError::ServerError)?;

        lock(&shared.hosted).access_tokens.insert(
            access_token.clone(),
            IssuedAccess {
                username: user.username().to_owned(),
                scopes: self.scopes.to_vec(),
                expires_at,
                origin_jti: self.origin_jti.to_owned(),
            },
        );
        Ok(json!({
            "id_token": id_token,
            "access_token": access_token,
            "expires_in": lifetime.as_secs(),
            "token_type": "Bearer",
        }))
    }
}

/// `BASE64URL(SHA256(verifier))`, the S256 code challenge (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    b64url(digest(&SHA256, verifier.as_bytes()).as_ref())
}

/// 43 to 128 characters from `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"` (RFC 7636 §4.1).
fn pkce_verifier_is_valid(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The ID token's `at_hash`: the left half of the access token's SHA-256, base64url (OIDC Core
/// §3.1.3.6).
pub(crate) fn at_hash(access_token: &str) -> String {
    let hash = digest(&SHA256, access_token.as_bytes());
    let half = hash.as_ref().get(..16).unwrap_or_default();
    b64url(half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_the_rfc_7636_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn pkce_verifier_length_and_alphabet_are_checked() {
        assert!(pkce_verifier_is_valid(&"a".repeat(43)));
        assert!(!pkce_verifier_is_valid(&"a".repeat(42)));
        assert!(!pkce_verifier_is_valid(&"a".repeat(129)));
        assert!(!pkce_verifier_is_valid(&format!("{}+", "a".repeat(43))));
    }
}
