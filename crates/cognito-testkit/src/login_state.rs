//! What the hosted login remembers: users, signed-in browsers, authorization codes, refresh
//! tokens and the access tokens issued from them, with the faults and counters of those
//! endpoints.

use std::collections::HashMap;
use std::time::Duration;

use crate::user::TestUser;

/// How long an authorization code can be exchanged, as in Cognito (5 minutes).
pub const AUTHORIZATION_CODE_LIFETIME: Duration = Duration::from_secs(300);

/// The name of the cookie that keeps a browser signed in to the hosted login (Cognito's own
/// session, which `/logout` ends).
pub const HOSTED_SESSION_COOKIE: &str = "cognito-testkit-session";

/// An authorization code, as issued to a browser by the hosted login.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizationCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) username: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    /// The PKCE `code_challenge` (S256), when the request had one.
    pub(crate) challenge: Option<String>,
    /// The `resource` (RFC 8707) of the authorization request.
    pub(crate) resource: Option<String>,
    pub(crate) auth_time: i64,
    pub(crate) expires_at: i64,
    pub(crate) used: bool,
}

/// A refresh token and what it refreshes.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) username: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) auth_time: i64,
    pub(crate) expires_at: i64,
    /// The `origin_jti` of every token issued from this sign-in; revoking the refresh token
    /// revokes them all.
    pub(crate) origin_jti: String,
    /// The `resource` the sign-in's access tokens are bound to.
    pub(crate) resource: Option<String>,
    /// With refresh-token rotation: when this token was rotated out (issuer clock, seconds);
    /// it stays usable for the client's grace period after that.
    pub(crate) rotated_at: Option<i64>,
}

/// An access token issued by the code or refresh grant, for `/oauth2/userInfo`.
#[derive(Debug, Clone)]
pub(crate) struct IssuedAccess {
    pub(crate) username: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) expires_at: i64,
    pub(crate) origin_jti: String,
}

/// The hosted login's state, behind one lock in the issuer.
#[derive(Debug, Default)]
pub(crate) struct HostedLogin {
    pub(crate) users: HashMap<String, TestUser>,
    /// Hosted-login session cookie value -> user name.
    pub(crate) sessions: HashMap<String, String>,
    pub(crate) codes: HashMap<String, AuthorizationCode>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    /// Access token (the whole compact JWS) -> what it was issued for.
    pub(crate) access_tokens: HashMap<String, IssuedAccess>,
    /// `origin_jti`s whose refresh token was revoked.
    pub(crate) revoked: Vec<String>,
    pub(crate) refresh_refused: bool,
    pub(crate) code_reuse_allowed: bool,
    pub(crate) counts: HostedLoginCounts,
}

impl HostedLogin {
    pub(crate) fn is_revoked(&self, origin_jti: &str) -> bool {
        self.revoked.iter().any(|jti| jti == origin_jti)
    }
}

/// How many requests each hosted-login endpoint answered, from
/// [`TestIssuer::hosted_login_counts`](crate::TestIssuer::hosted_login_counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostedLoginCounts {
    /// `GET /oauth2/authorize` requests.
    pub authorize: u64,
    /// Successful sign-ins through the login form (`POST /login`).
    pub sign_ins: u64,
    /// Failed sign-ins (wrong user name or password).
    pub failed_sign_ins: u64,
    /// `authorization_code` grants answered with tokens.
    pub code_exchanges: u64,
    /// `refresh_token` grants answered with tokens.
    pub refreshes: u64,
    /// `refresh_token` grants refused (revoked, expired, unknown, rotated out past the grace
    /// period, or the fault).
    pub refused_refreshes: u64,
    /// `refresh_token` grants that answered a new refresh token (refresh-token rotation).
    pub refresh_token_rotations: u64,
    /// Refresh tokens revoked through `/oauth2/revoke`.
    pub revocations: u64,
    /// `GET /logout` requests that ended a session and redirected.
    pub logouts: u64,
    /// `GET /oauth2/userInfo` requests answered with the user's attributes.
    pub user_info: u64,
}
