//! [`TokenBuilder`]: Cognito-shaped access and ID tokens, any claim or header overridden, signed
//! as compact JWS.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::error::Unspecified;
use aws_lc_rs::hmac;
use serde_json::{Map, Value, json};

use crate::defaults::{DEFAULT_LIFETIME, DEFAULT_USERNAME};
use crate::jws::{b64url, compact, try_compact};
use crate::keys::{self, SigningKey};
use crate::lock::lock;
use crate::shared::Shared;

/// The scope of a user access token from a plain sign-in.
pub const USER_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Access,
    ClientCredentials,
    Id,
}

/// Builds one token. From [`TestIssuer::access_token`](crate::TestIssuer::access_token),
/// [`client_credentials_token`](crate::TestIssuer::client_credentials_token) or
/// [`id_token`](crate::TestIssuer::id_token); every method takes and returns the builder, and
/// one of the `sign*` methods finishes it.
///
/// Claims are set as the methods are called, so a later call wins; [`claim`](Self::claim) and
/// [`without_claim`](Self::without_claim) reach any claim, including with values of the wrong
/// type. The header is `{"kid", "alg"}` of the signing key, then any header overrides in order.
///
/// ```no_run
/// # async fn demo() {
/// use std::time::Duration;
/// use cognito_testkit::TestIssuer;
///
/// let issuer = TestIssuer::start().await;
/// let token = issuer
///     .access_token()
///     .scopes(["transactions/post"])
///     .groups(["admin"])
///     .lifetime(Duration::from_secs(300))
///     .sign();
/// # }
/// ```
pub struct TokenBuilder {
    pub(crate) shared: Arc<Shared>,
    shape: Shape,
    claims: Map<String, Value>,
    header: Vec<(String, Option<Value>)>,
    kid: Option<String>,
    lifetime: Duration,
    exp_pinned: bool,
}

impl fmt::Debug for TokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenBuilder")
            .field("shape", &self.shape)
            .field("claims", &self.claims)
            .field("header", &self.header)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch by the system clock (ALB tokens; Cognito-shaped tokens use the
/// issuer's [`TestClock`](crate::TestClock)).
pub(crate) fn now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl TokenBuilder {
    fn new(shared: Arc<Shared>, shape: Shape, claims: Value) -> TokenBuilder {
        let claims = match claims {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        TokenBuilder {
            shared,
            shape,
            claims,
            header: Vec::new(),
            kid: None,
            lifetime: DEFAULT_LIFETIME,
            exp_pinned: false,
        }
    }

    pub(crate) fn access(shared: Arc<Shared>) -> TokenBuilder {
        let now = shared.clock.now();
        let claims = json!({
            "sub": shared.default_sub,
            "iss": shared.issuer_url,
            "client_id": shared.default_client_id,
            "origin_jti": keys::uuid_v4(),
            "event_id": keys::uuid_v4(),
            "token_use": "access",
            "scope": USER_ADMIN_SCOPE,
            "auth_time": now,
            "iat": now,
            "exp": now + secs(DEFAULT_LIFETIME),
            "jti": keys::uuid_v4(),
            "username": DEFAULT_USERNAME,
            "version": 2,
        });
        TokenBuilder::new(shared, Shape::Access, claims)
    }

    pub(crate) fn client_credentials(shared: Arc<Shared>, client_id: &str) -> TokenBuilder {
        let now = shared.clock.now();
        let mut claims = json!({
            "sub": client_id,
            "iss": shared.issuer_url,
            "client_id": client_id,
            "token_use": "access",
            "auth_time": now,
            "iat": now,
            "exp": now + secs(DEFAULT_LIFETIME),
            "jti": keys::uuid_v4(),
            "version": 2,
        });
        let scopes = lock(&shared.clients).get(client_id).map(|c| c.allowed_scopes().join(" "));
        if let (Some(scope), Value::Object(map)) = (scopes, &mut claims) {
            map.insert("scope".to_owned(), Value::String(scope));
        }
        TokenBuilder::new(shared, Shape::ClientCredentials, claims)
    }

    pub(crate) fn id(shared: Arc<Shared>) -> TokenBuilder {
        let now = shared.clock.now();
        let claims = json!({
            "sub": shared.default_sub,
            "aud": shared.default_client_id,
            "iss": shared.issuer_url,
            "token_use": "id",
            "cognito:username": DEFAULT_USERNAME,
            "auth_time": now,
            "iat": now,
            "exp": now + secs(DEFAULT_LIFETIME),
            "at_hash": keys::random_b64url(16),
            "email": format!("{DEFAULT_USERNAME}@example.com"),
            "email_verified": true,
            "jti": keys::uuid_v4(),
            "origin_jti": keys::uuid_v4(),
            "event_id": keys::uuid_v4(),
        });
        TokenBuilder::new(shared, Shape::Id, claims)
    }

    fn set(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    fn iat(&self) -> i64 {
        self.claims.get("iat").and_then(Value::as_i64).unwrap_or_else(|| self.shared.clock.now())
    }

    /// The app client: `client_id` of access tokens (and `sub` too for client-credentials
    /// tokens, which Cognito keeps equal), `aud` of ID tokens.
    pub fn client_id(self, client_id: impl Into<String>) -> Self {
        let id = Value::String(client_id.into());
        match self.shape {
            Shape::Access => self.set("client_id", id),
            Shape::ClientCredentials => self.set("client_id", id.clone()).set("sub", id),
            Shape::Id => self.set("aud", id),
        }
    }

    /// Sets `aud` to this string, on any kind of token (Cognito access tokens have none). For
    /// an array `aud`, use [`claim`](Self::claim).
    pub fn audience(self, aud: impl Into<String>) -> Self {
        self.set("aud", Value::String(aud.into()))
    }

    /// Binds an access token to `resource` (RFC 8707), as Cognito's resource binding does when
    /// the client asks for it with the `resource` parameter: sets `aud` to it.
    pub fn resource(self, resource: impl Into<String>) -> Self {
        self.audience(resource)
    }

    /// Sets `sub`.
    // Named after the claim, as the other setters are; it is no subtraction.
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, sub: impl Into<String>) -> Self {
        self.set("sub", Value::String(sub.into()))
    }

    /// Sets the user name: `username` in access tokens, `cognito:username` in ID tokens.
    pub fn username(self, username: impl Into<String>) -> Self {
        let name = if self.shape == Shape::Id { "cognito:username" } else { "username" };
        self.set(name, Value::String(username.into()))
    }

    /// Sets `scope` to the scopes joined with spaces (an empty list gives `""`).
    pub fn scopes<I, S>(self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_owned()).collect();
        self.set("scope", Value::String(joined.join(" ")))
    }

    /// Sets `cognito:groups` to this array of group names.
    pub fn groups<I, S>(self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let groups = groups.into_iter().map(|g| Value::String(g.into())).collect();
        self.set("cognito:groups", Value::Array(groups))
    }

    /// Sets `email`.
    pub fn email(self, email: impl Into<String>) -> Self {
        self.set("email", Value::String(email.into()))
    }

    /// Sets `exp` to `iat + lifetime` (and keeps doing so if `iat` changes later).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self.exp_pinned = false;
        let exp = self.iat().saturating_add(secs(lifetime));
        self.set("exp", json!(exp))
    }

    /// Sets `exp` to this Unix time.
    pub fn expires_at(mut self, exp: i64) -> Self {
        self.exp_pinned = true;
        self.set("exp", json!(exp))
    }

    /// Sets `iat` (and `auth_time` if it was later). Unless `exp` was set explicitly, `exp`
    /// moves with it to keep the lifetime, so `issued_at(now - 7200)` makes an expired token.
    pub fn issued_at(mut self, iat: i64) -> Self {
        if let Some(auth_time) = self.claims.get("auth_time").and_then(Value::as_i64)
            && auth_time > iat
        {
            self.claims.insert("auth_time".to_owned(), json!(iat));
        }
        if !self.exp_pinned {
            let exp = iat.saturating_add(secs(self.lifetime));
            self.claims.insert("exp".to_owned(), json!(exp));
        }
        self.set("iat", json!(iat))
    }

    /// Sets `nbf` (Cognito sets none; verifiers should still honour it).
    pub fn not_before(self, nbf: i64) -> Self {
        self.set("nbf", json!(nbf))
    }

    /// Sets `iss` (for wrong-issuer tests).
    pub fn issuer(self, iss: impl Into<String>) -> Self {
        self.set("iss", Value::String(iss.into()))
    }

    /// Sets any claim to any value, e.g. `.claim("exp", json!("soon"))`.
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        if name == "exp" {
            self.exp_pinned = true;
        }
        self.claims.insert(name, value);
        self
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: &str) -> Self {
        if name == "exp" {
            self.exp_pinned = true;
        }
        self.claims.remove(name);
        self
    }

    /// Sets a header field to any value (after the default `kid` and `alg`).
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Self {
        self.header.push((name.into(), Some(value)));
        self
    }

    /// Removes a header field, e.g. `.without_header("kid")`.
    pub fn without_header(mut self, name: impl Into<String>) -> Self {
        self.header.push((name.into(), None));
        self
    }

    /// Sets the header `kid` only; the token is still signed with the signing key.
    pub fn kid(self, kid: impl Into<String>) -> Self {
        self.header("kid", Value::String(kid.into()))
    }

    /// Sets the header `alg` only. The signature still uses the key's algorithm, except that an
    /// RSA key honours `RS384` and `RS512`.
    pub fn alg(self, alg: impl Into<String>) -> Self {
        self.header("alg", Value::String(alg.into()))
    }

    /// Signs with the issuer's key `kid` (published or removed) and puts `kid` in the header.
    pub fn signed_with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The claims as they will be signed.
    pub fn claims_json(&self) -> Value {
        Value::Object(self.claims.clone())
    }

    /// The header as [`sign`](Self::sign) will write it.
    ///
    /// # Panics
    /// As [`sign`](Self::sign).
    pub fn header_json(&self) -> Value {
        Value::Object(self.header_for(&self.key(), None))
    }

    fn key(&self) -> Arc<SigningKey> {
        let ring = lock(&self.shared.keys);
        match &self.kid {
            None => ring.signing(),
            Some(kid) => ring.find(kid).unwrap_or_else(|| panic!("cognito-testkit: no key with kid {kid:?}")),
        }
    }

    fn header_for(&self, key: &SigningKey, forced_alg: Option<&str>) -> Map<String, Value> {
        let mut header = Map::new();
        header.insert("kid".to_owned(), Value::String(key.kid().to_owned()));
        header.insert("alg".to_owned(), Value::String(key.kind().alg().to_owned()));
        for (name, value) in &self.header {
            match value {
                Some(value) => header.insert(name.clone(), value.clone()),
                None => header.remove(name),
            };
        }
        if let Some(alg) = forced_alg {
            header.insert("alg".to_owned(), Value::String(alg.to_owned()));
        }
        header
    }

    fn parts(&self, forced_alg: Option<&str>) -> (Arc<SigningKey>, Vec<u8>, Vec<u8>) {
        let key = self.key();
        let header = to_json(&self.header_for(&key, forced_alg));
        let payload = to_json(&self.claims);
        (key, header, payload)
    }

    /// Signs the token: a compact JWS signed with the signing key (or the
    /// [`signed_with_kid`](Self::signed_with_kid) key).
    ///
    /// # Panics
    /// If `signed_with_kid` names a key this issuer never generated.
    pub fn sign(self) -> String {
        let (key, header, payload) = self.parts(None);
        compact(&key, &header, &payload)
    }

    pub(crate) fn try_sign(self) -> Result<String, Unspecified> {
        let (key, header, payload) = self.parts(None);
        try_compact(&key, &header, &payload)
    }

    /// An unsecured JWS: header `alg: "none"`, empty signature segment (`header.payload.`).
    pub fn sign_unsigned_none(self) -> String {
        let (_, header, payload) = self.parts(Some("none"));
        format!("{}.{}.", b64url(&header), b64url(&payload))
    }

    /// An HS256 JWS (header `alg: "HS256"`) with `secret` as the HMAC key; with
    /// [`rsa_public_key_der`](crate::TestIssuer::rsa_public_key_der) as the secret this is the
    /// key-confusion attack.
    pub fn sign_hs256(self, secret: &[u8]) -> String {
        let (_, header, payload) = self.parts(Some("HS256"));
        let input = format!("{}.{}", b64url(&header), b64url(&payload));
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let tag = hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", b64url(tag.as_ref()))
    }
}

fn to_json(map: &Map<String, Value>) -> Vec<u8> {
    // A map of `Value`s always serialises.
    serde_json::to_vec(map).unwrap_or_default()
}
