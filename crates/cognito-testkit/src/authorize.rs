//! `GET /oauth2/authorize` and `POST /login`: the hosted login page, which signs a user in and
//! redirects the browser to the app's callback with an authorization code.
//!
//! As Cognito does, an unknown client or a `redirect_uri` that is not exactly one of the
//! client's callback URLs gets an error page, never a redirect; other problems are redirected
//! to the callback as `?error=...&state=...`. A browser that signed in before (the
//! [`HOSTED_SESSION_COOKIE`] cookie) gets a code straight away, without the form.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::client::ClientRegistration;
use crate::keys;
use crate::lock::lock;
use crate::login_page::{CARRIED_PARAMS, error_page, login_form};
use crate::login_state::{AUTHORIZATION_CODE_LIFETIME, AuthorizationCode, HOSTED_SESSION_COOKIE};
use crate::shared::Shared;

/// Scopes every app client may request, beside its own resource-server scopes.
const STANDARD_SCOPES: [&str; 5] = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];
/// What a request without `scope` is granted.
const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// A checked authorization request.
struct AuthorizeRequest {
    client: ClientRegistration,
    redirect_uri: String,
    state: Option<String>,
    scopes: Vec<String>,
    nonce: Option<String>,
    challenge: Option<String>,
    /// The `resource` (RFC 8707) the tokens are bound to.
    resource: Option<String>,
}

/// Why an authorization request is not served, and what the browser gets instead.
enum Refusal {
    /// An error page: the callback URL is unknown, so nothing may be redirected to it.
    Page(&'static str),
    /// A redirect to this location: the (registered) callback with `?error=...`.
    Redirect(String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Page(message) => error_page(message),
            Refusal::Redirect(location) => redirect(&location),
        }
    }
}

/// `GET /oauth2/authorize`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    lock(&shared.hosted).counts.authorize += 1;
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let Some(params) = unique(pairs) else {
        return error_page("A parameter was given more than once.");
    };
    let request = match AuthorizeRequest::check(&shared, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    if let Some(username) = signed_in_user(&shared, &headers) {
        return request.redirect_with_code(&shared, &username, None);
    }
    login_form(&carried(&params), &shared.pool_id, None)
}

/// `POST /login`: the form's user name and password, with the carried request parameters.
pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(params) = unique(pairs) else {
        return error_page("A parameter was given more than once.");
    };
    let request = match AuthorizeRequest::check(&shared, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let username = params.get("username").map(String::as_str).unwrap_or_default();
    let password = params.get("password").map(String::as_str).unwrap_or_default();
    let mut state = lock(&shared.hosted);
    let known = state.users.get(username).is_some_and(|user| user.password() == password);
    if !known {
        state.counts.failed_sign_ins += 1;
        drop(state);
        return login_form(&carried(&params), &shared.pool_id, Some("Incorrect username or password."));
    }
    state.counts.sign_ins += 1;
    let session = keys::random_b64url(32);
    state.sessions.insert(session.clone(), username.to_owned());
    drop(state);
    request.redirect_with_code(&shared, username, Some(&session))
}

impl AuthorizeRequest {
    /// Checks the request, or answers what Cognito would: an error page before the callback URL
    /// is known to be registered, an error redirect to it after.
    fn check(shared: &Shared, params: &HashMap<String, String>) -> Result<AuthorizeRequest, Refusal> {
        let get = |name: &str| params.get(name).filter(|value| !value.is_empty()).cloned();
        let client = get("client_id")
            .and_then(|id| lock(&shared.clients).get(&id).cloned())
            .filter(ClientRegistration::allows_code_flow)
            .ok_or(Refusal::Page("Invalid client: unknown client_id, or no callback URL registered."))?;
        let redirect_uri = get("redirect_uri")
            .filter(|uri| client.is_callback_url(uri))
            .ok_or(Refusal::Page("redirect_mismatch: redirect_uri is not a callback URL of this client."))?;
        let state = get("state");
        let refuse = |error: &str| Refusal::Redirect(error_location(&redirect_uri, error, state.as_deref()));

        if get("response_type").as_deref() != Some("code") {
            return Err(refuse("unsupported_response_type"));
        }
        let scopes: Vec<String> = match get("scope") {
            Some(scope) => scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            None => DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        };
        let allowed = |scope: &String| {
            STANDARD_SCOPES.contains(&scope.as_str()) || client.allowed_scopes().contains(scope)
        };
        if scopes.is_empty() || !scopes.iter().all(allowed) {
            return Err(refuse("invalid_scope"));
        }
        let challenge = get("code_challenge");
        match (&challenge, get("code_challenge_method").as_deref()) {
            (None, None) => {}
            (Some(challenge), Some("S256")) if (43..=128).contains(&challenge.len()) => {}
            _ => return Err(refuse("invalid_request")),
        }
        let resource = get("resource");
        if resource.as_deref().is_some_and(|resource| client.audience(resource).is_none()) {
            return Err(refuse("invalid_target"));
        }
        Ok(AuthorizeRequest { nonce: get("nonce"), challenge, scopes, state, redirect_uri, client, resource })
    }

    /// Issues a code for `username` and redirects to the callback with it; sets the hosted
    /// session cookie when `session` is given.
    fn redirect_with_code(self, shared: &Shared, username: &str, session: Option<&str>) -> Response {
        let code = keys::uuid_v4();
        let now = shared.clock.now();
        let lifetime = i64::try_from(AUTHORIZATION_CODE_LIFETIME.as_secs()).unwrap_or(i64::MAX);
        lock(&shared.hosted).codes.insert(
            code.clone(),
            AuthorizationCode {
                client_id: self.client.client_id().to_owned(),
                redirect_uri: self.redirect_uri.clone(),
                username: username.to_owned(),
                scopes: self.scopes,
                nonce: self.nonce,
                challenge: self.challenge,
                resource: self.resource,
                auth_time: now,
                expires_at: now.saturating_add(lifetime),
                used: false,
            },
        );
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        let mut response = redirect(&with_query(&self.redirect_uri, &pairs));
        if let Some(session) = session
            && let Ok(cookie) = HeaderValue::from_str(&format!(
                "{HOSTED_SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
            ))
        {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        response
    }
}

/// The user signed in to the hosted login by this browser's session cookie, if any.
pub(crate) fn signed_in_user(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let session = session_cookie(headers)?;
    let state = lock(&shared.hosted);
    state.sessions.get(&session).filter(|username| state.users.contains_key(*username)).cloned()
}

/// The value of the hosted session cookie.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == HOSTED_SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// A `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => error_page("The redirect target is not a valid header value."),
    }
}

/// `uri` with `pairs` appended to its query string.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs);
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.finish())
}

fn error_location(redirect_uri: &str, error: &str, state: Option<&str>) -> String {
    let mut pairs = vec![("error", error)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    with_query(redirect_uri, &pairs)
}

fn unique(pairs: Vec<(String, String)>) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    for (name, value) in pairs {
        if params.insert(name, value).is_some() {
            return None;
        }
    }
    Some(params)
}

/// The authorization-request parameters present in `params`, in a fixed order.
fn carried(params: &HashMap<String, String>) -> Vec<(&'static str, &str)> {
    CARRIED_PARAMS.iter().filter_map(|name| params.get(*name).map(|value| (*name, value.as_str()))).collect()
}
