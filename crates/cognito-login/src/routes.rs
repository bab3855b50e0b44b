//! The login's own routes: start a sign-in, the callback, and sign-out.

use std::sync::Arc;

use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use crate::core::LoginCore;
use crate::error::LoginError;
use crate::pages::{page, sign_in_link};
use crate::return_to::safe_return_path;
use crate::same_origin;

/// The query of the login route.
#[derive(Debug, Deserialize)]
struct LoginQuery {
    return_to: Option<String>,
}

/// The query the hosted login redirects to the callback with.
#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The routes, on the paths of the configuration.
pub(crate) fn routes<C, S>(core: Arc<LoginCore<C>>) -> Router<S>
where
    C: DeserializeOwned + Send + Sync + 'static,
    S: Clone + Send + Sync + 'static,
{
    let config = &core.config;
    let (login, callback, logout) =
        (config.login_path.clone(), config.callback_path().to_owned(), config.logout_path.clone());
    let (for_login, for_callback, for_logout) = (Arc::clone(&core), Arc::clone(&core), core);
    Router::new()
        .route(
            &login,
            get(move |session: Session, Query(query): Query<LoginQuery>| async move {
                start(&for_login, &session, query).await
            }),
        )
        .route(
            &callback,
            get(move |session: Session, Query(query): Query<CallbackQuery>| async move {
                finish(&for_callback, &session, query).await
            }),
        )
        .route(
            &logout,
            post(move |session: Session, method: Method, headers: HeaderMap| async move {
                sign_out(&for_logout, &session, &method, &headers).await
            }),
        )
}

/// `302 Found` (or `303 See Other` after a POST) to `location`, never cached.
fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = status.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn failure<C>(core: &LoginCore<C>, error: &LoginError) -> Response {
    tracing::info!(%error, "sign-in failed");
    let message = match error {
        LoginError::UnknownState => {
            "This sign-in link was already used, has expired, or was not started here."
        }
        LoginError::Refused(_) => "The sign-in was cancelled or refused.",
        LoginError::Unavailable(_) => "The sign-in service is unavailable. Try again in a moment.",
        LoginError::Session(_) => "Sign-in is temporarily unavailable. Try again in a moment.",
        LoginError::TooManySignIns => "Too many sign-ins are in progress. Try again in a moment.",
        _ => "The sign-in could not be completed.",
    };
    page(error.status(), "Sign-in failed", message, &sign_in_link(&core.config.login_path)).into_response()
}

async fn start<C>(core: &LoginCore<C>, session: &Session, query: LoginQuery) -> Response
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let return_to = query.return_to.as_deref().and_then(safe_return_path).unwrap_or("/");
    match core.start_sign_in(session, return_to).await {
        Ok(url) => redirect(StatusCode::FOUND, url.as_str()),
        Err(error) => failure(core, &error),
    }
}

async fn finish<C>(core: &LoginCore<C>, session: &Session, query: CallbackQuery) -> Response
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let outcome = match (query.error, query.code, query.state) {
        (Some(error), _, _) => Err(LoginError::Refused(error)),
        (None, _, None) => Err(LoginError::UnknownState),
        (None, None, Some(_)) => Err(LoginError::MissingCode),
        (None, Some(code), Some(state)) => core.finish_sign_in(session, &code, &state).await,
    };
    match outcome {
        // The stored path was checked when the sign-in started; check again all the same.
        Ok(return_to) => redirect(StatusCode::FOUND, safe_return_path(&return_to).unwrap_or("/")),
        Err(error) => failure(core, &error),
    }
}

async fn sign_out<C>(core: &LoginCore<C>, session: &Session, method: &Method, headers: &HeaderMap) -> Response
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    if !same_origin::is_allowed(method, headers, &core.config.origin) {
        let actions = sign_in_link(&core.config.login_path);
        return page(
            StatusCode::FORBIDDEN,
            "Request refused",
            "The request did not come from this site.",
            &actions,
        )
        .into_response();
    }
    match core.sign_out(session).await {
        Ok(url) => redirect(StatusCode::SEE_OTHER, url.as_str()),
        Err(error) => failure(core, &error),
    }
}
