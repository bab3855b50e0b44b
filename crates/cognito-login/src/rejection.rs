//! [`LoginRejection`]: how refused browser requests are answered. A page navigation without a
//! session is sent to the hosted login (and comes back to the same page); a signed-in user who
//! lacks a group gets a 403 page, not another trip to the login; API and XHR requests get the
//! standard RFC 6750 answers.

use std::sync::Arc;

use bytes::Bytes;
use cognito_tower::{AuthError, OnRejection};
use cognito_verify::CognitoClaims;
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode, header};
use url::form_urlencoded;

use crate::authenticator::CROSS_SITE_REQUEST;
use crate::pages::{page, sign_in_link, sign_out_button, unavailable_page};
use crate::return_to::safe_return_path;

/// The rejection hook of [`CognitoLogin::layer`](crate::CognitoLogin::layer); see the module
/// documentation. Use it with any `AuthLayer` whose claims are `CognitoClaims<C>`.
///
/// ```
/// use cognito_login::CognitoLogin;
/// use cognito_tower::AuthLayer;
///
/// # fn layer(login: CognitoLogin) {
/// // `login.layer()` written out (it also sets the realm): the session authenticator, and the hook that sends
/// // page navigations without a session to the hosted login and answers a missing group with a
/// // 403 page.
/// let layer = AuthLayer::new(login.authenticator()).on_rejection(login.rejection());
/// # let _ = layer; }
/// ```
#[derive(Debug, Clone)]
pub struct LoginRejection<C> {
    login_path: Arc<str>,
    logout_path: Arc<str>,
    realm: Option<Arc<str>>,
    claims: std::marker::PhantomData<fn() -> C>,
}

impl<C> LoginRejection<C> {
    pub(crate) fn new(login_path: &str, logout_path: &str, realm: Option<&str>) -> Self {
        LoginRejection {
            login_path: login_path.into(),
            logout_path: logout_path.into(),
            realm: realm.map(Into::into),
            claims: std::marker::PhantomData,
        }
    }
}

/// Whether `request` is a browser navigating to a page (as opposed to a script's `fetch`/XHR or
/// an API client): `Sec-Fetch-Mode: navigate`, or, from browsers that do not send it, a `GET`
/// that accepts HTML and is not marked `X-Requested-With`.
pub fn is_page_navigation(request: &Parts) -> bool {
    let headers = &request.headers;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(mode) = header("sec-fetch-mode") {
        return mode == "navigate";
    }
    let accepts_html = header("accept").is_some_and(|accept| accept.contains("text/html"));
    (request.method == Method::GET || request.method == Method::HEAD)
        && accepts_html
        && header("x-requested-with").is_none()
}

impl<C: Send + Sync + 'static> LoginRejection<C> {
    fn standard(&self, error: &AuthError, request: &Parts) -> Response<Bytes> {
        error.to_response(request, self.realm.as_deref())
    }

    /// `302` to the login route, asking to come back to this page.
    fn to_login(&self, request: &Parts) -> Response<Bytes> {
        let here = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let mut location = self.login_path.to_string();
        if let Some(path) = safe_return_path(here).filter(|path| *path != "/") {
            let query: String =
                form_urlencoded::Serializer::new(String::new()).append_pair("return_to", path).finish();
            location = format!("{location}?{query}");
        }
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::FOUND;
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn forbidden(&self, request: &Parts) -> Response<Bytes> {
        let who = request
            .extensions
            .get::<Arc<CognitoClaims<C>>>()
            .map(|claims| claims.user_name().unwrap_or(claims.sub()).to_owned());
        let message = match who {
            Some(name) => {
                format!("You are signed in as {name}, but this page is for another group of users.")
            }
            None => "This page is for another group of users.".to_owned(),
        };
        let html =
            page(StatusCode::FORBIDDEN, "Access denied", &message, &sign_out_button(&self.logout_path));
        html.map(Bytes::from)
    }
}

impl<C: Send + Sync + 'static> OnRejection for LoginRejection<C> {
    fn on_rejection(&self, error: &AuthError, request: &Parts) -> Response<Bytes> {
        let navigation = is_page_navigation(request);
        match error {
            AuthError::MissingToken | AuthError::InvalidToken(_) if navigation => self.to_login(request),
            AuthError::MissingGroup { .. } | AuthError::InsufficientScope { .. } if navigation => {
                self.forbidden(request)
            }
            // The session store (or the identity provider) is down: say so, not 500, nor a
            // trip to a login that could not start either.
            AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. } if navigation => {
                let here = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
                unavailable_page(safe_return_path(here).unwrap_or("/")).map(Bytes::from)
            }
            AuthError::InvalidRequest(reason) if *reason == CROSS_SITE_REQUEST => {
                let actions = sign_in_link(&self.login_path);
                let refused = page(
                    StatusCode::FORBIDDEN,
                    "Request refused",
                    "The request did not come from this site.",
                    &actions,
                );
                refused.map(Bytes::from)
            }
            _ => self.standard(error, request),
        }
    }
}
