//! [`TokenBuilder`]: Cognito-shaped access and ID tokens, any claim or header overridden, signed
//! as compact JWS.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::defaults::{DEFAULT_LIFETIME, DEFAULT_USERNAME};
use crate::keys;
use crate::lock::lock;
use crate::shared::Shared;
use crate::token_shape::{Shape, ShapeRules};

/// The scope of a user access token from a plain sign-in.
pub const USER_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

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
    pub(crate) rules: ShapeRules,
    pub(crate) claims: Map<String, Value>,
    pub(crate) header: Vec<(String, Option<Value>)>,
    pub(crate) kid: Option<String>,
    lifetime: Duration,
    exp_pinned: bool,
}

impl fmt::Debug for TokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenBuilder")
            .field("rules", &self.rules)
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
        let rules = ShapeRules {
            shape,
            trigger: shared.pre_token_generation,
            resource_bound: false,
            unchecked: false,
        };
        TokenBuilder {
            shared,
            rules,
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
        match self.rules.shape {
            Shape::Access => self.set("client_id", id),
            Shape::ClientCredentials => self.set("client_id", id.clone()).set("sub", id),
            Shape::Id => self.set("aud", id),
        }
    }

    /// Sets `aud` to this string. An ID token's `aud` is its app client; Cognito's access tokens
    /// have an `aud` only when resource-bound, so on an access token use
    /// [`resource`](Self::resource) (or [`for_negative_test`](Self::for_negative_test)): signing
    /// an access token with a plain `audience` fails. For an array `aud`, use
    /// [`claim`](Self::claim).
    pub fn audience(self, aud: impl Into<String>) -> Self {
        self.set("aud", Value::String(aud.into()))
    }

    /// A resource-bound access token (RFC 8707 resource binding): the client asked for a token
    /// for `resource` (an absolute URI, e.g. `https://api.example.com`), and Cognito put it in
    /// the token's `aud`. The one way an access token carries `aud` without
    /// [`for_negative_test`](Self::for_negative_test).
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.rules.resource_bound = true;
        self.set("aud", Value::String(resource.into()))
    }

    /// A resource-bound access token whose `aud` lists several resources (an array, as RFC 7519
    /// §4.1.3 allows; see [`resource`](Self::resource) for one).
    pub fn resources<I, S>(self, resources: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let resources = resources.into_iter().map(|resource| Value::String(resource.into())).collect();
        self.bound_to(Value::Array(resources))
    }

    /// A resource-bound access token whose `aud` is `aud` as the token endpoint writes it (a
    /// string, or an array when the client is registered with `aud_as_array`).
    pub(crate) fn bound_to(mut self, aud: Value) -> Self {
        self.rules.resource_bound = true;
        self.set("aud", aud)
    }

    /// Turns off the Cognito-shape check ([`check`](Self::check)) for this token: it may carry
    /// claims Cognito never puts in this kind of token (`aud` or `nbf` in an access token,
    /// padding, unknown claims). For tests of how a verifier treats input Cognito never sends;
    /// an application's tests should not need it.
    pub fn for_negative_test(mut self) -> Self {
        self.rules.unchecked = true;
        self
    }

    /// Sets `sub`.
    // Named after the claim, as the other setters are; it is no subtraction.
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, sub: impl Into<String>) -> Self {
        self.set("sub", Value::String(sub.into()))
    }

    /// Sets the user name: `username` in access tokens, `cognito:username` in ID tokens.
    pub fn username(self, username: impl Into<String>) -> Self {
        let name = if self.rules.shape == Shape::Id { "cognito:username" } else { "username" };
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

    /// Sets `email`: a claim of ID tokens; in an access token only with a
    /// [`PreTokenGeneration`](crate::PreTokenGeneration) trigger that adds it.
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

    /// Sets `nbf`. Cognito sets none, so signing an access token with it needs
    /// [`for_negative_test`](Self::for_negative_test); verifiers should still honour it.
    pub fn not_before(self, nbf: i64) -> Self {
        self.set("nbf", json!(nbf))
    }

    /// Sets `iss` (for wrong-issuer tests).
    pub fn issuer(self, iss: impl Into<String>) -> Self {
        self.set("iss", Value::String(iss.into()))
    }

    /// Sets any claim to any value, e.g. `.claim("exp", json!("soon"))`. A claim Cognito never
    /// puts in this kind of token (a `custom:*` attribute in an access token, say) makes
    /// [`sign`](Self::sign) fail unless the issuer has a [`PreTokenGeneration`](crate::PreTokenGeneration)
    /// trigger that adds it, or the token is [`for_negative_test`](Self::for_negative_test).
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        if name == "exp" {
            self.exp_pinned = true;
        }
        self.claims.insert(name, value);
        self
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if name == "exp" {
            self.exp_pinned = true;
        }
        self.claims.remove(&name);
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
}
