//! The browser pages: the dashboard (users, and a form that changes them), the audit log, and
//! the signed-out page. Plain server-rendered HTML: no script, no token anywhere in it.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cognito_axum::{Claims, CognitoClaims};
use cognito_login::escape_html;
use cognito_verify::Revocations;
use serde::Deserialize;

use crate::directory::Directory;
use crate::{ADMIN_GROUP, Admins};

/// The pages that need a signed-in admin (behind the login layer).
pub fn admin_pages() -> Router<Directory> {
    Router::new()
        .route("/", get(dashboard).post(put_user))
        .route("/sign-out-everywhere", post(sign_out_everywhere))
        .route("/audit", get(audit))
}

/// The pages anyone may see.
pub fn public_pages() -> Router<Directory> {
    Router::new().route("/signed-out", get(signed_out)).route("/health", get(|| async { "ok" }))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#16191f}\
header{display:flex;align-items:center;gap:1.5rem;background:#232f3e;color:#fff;padding:.8rem 2rem}\
header h1{font-size:1.15rem;margin:0}header nav a{color:#d1d5db;margin-right:1rem;text-decoration:none}\
header nav a.here{color:#fff;font-weight:600}.user{margin-left:auto;text-align:right;font-size:.9rem}\
.user form{display:inline;margin-left:.8rem}.badge{display:inline-block;background:#0972d3;color:#fff;\
border-radius:10px;padding:0 .5rem;margin-left:.3rem;font-size:.8rem}main{padding:1.5rem 2rem;max-width:60rem}\
table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 3px rgba(0,0,0,.12)}\
th,td{text-align:left;padding:.55rem .9rem;border-bottom:1px solid #e9ebed}th{background:#fafafa}\
section{background:#fff;padding:1rem 1.2rem;margin-top:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}\
section h2{font-size:1rem;margin-top:0}input,select{font:inherit;padding:.3rem .5rem;margin-right:.6rem}\
button,a.button{font:inherit;padding:.4rem 1rem;border-radius:4px;border:0;background:#0972d3;\
color:#fff;cursor:pointer;text-decoration:none}header button{background:#414d5c}";

/// The page frame: title bar with navigation, the signed-in user and their groups, a sign-out
/// button; then `body` (trusted HTML).
fn layout(here: &str, claims: &CognitoClaims, body: &str) -> Response {
    let name = escape_html(claims.user_name().unwrap_or(claims.sub()));
    let email = claims.email().map(escape_html).unwrap_or_default();
    let groups: String =
        claims.groups().iter().map(|g| format!("<span class=\"badge\">{}</span>", escape_html(g))).collect();
    let link = |path: &str, label: &str| {
        let class = if path == here { " class=\"here\"" } else { "" };
        format!("<a href=\"{path}\"{class}>{label}</a>")
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Admin console</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>\
         <header><h1>Admin console</h1><nav>{dashboard}{audit}</nav>\
         <div class=\"user\">Signed in as <strong id=\"user-name\">{name}</strong> {email}\
         <span id=\"user-groups\">{groups}</span>\
         <form method=\"post\" action=\"/auth/logout\"><button type=\"submit\" id=\"sign-out\">Sign out</button></form>\
         </div></header><main>{body}</main></body></html>",
        dashboard = link("/", "Users"),
        audit = link("/audit", "Audit log"),
    );
    secured(Html(html).into_response())
}

/// No scripts, no framing, no caching of pages that show who is signed in.
fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn dashboard(_: Admins, admin: Claims, State(directory): State<Directory>) -> Response {
    let caller = admin.user_name().unwrap_or(admin.sub()).to_owned();
    let rows: String = directory
        .list_users(&caller)
        .iter()
        .map(|user| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                escape_html(&user.username),
                escape_html(&user.groups.join(", "))
            )
        })
        .collect();
    let body = format!(
        "<h2>Users</h2><table id=\"users\"><thead><tr><th>User</th><th>Groups</th></tr></thead>\
         <tbody>{rows}</tbody></table>\
         <section><h2>Add a user or change their group</h2><form method=\"post\" action=\"/\" id=\"put-user\">\
         <input name=\"username\" id=\"username\" placeholder=\"user name\" required pattern=\"[a-z0-9._-]{{1,64}}\">\
         <select name=\"group\" id=\"group\"><option value=\"\">no group</option>\
         <option value=\"staff\">staff</option><option value=\"{ADMIN_GROUP}\">{ADMIN_GROUP}</option></select>\
         <button type=\"submit\" id=\"save\">Save</button></form></section>\
         <section><h2>Sign a user out everywhere</h2><p>Every token of this user (their Cognito \
         <code>sub</code>) from a sign-in before now stops working, on every service sharing the \
         revocation store.</p><form method=\"post\" action=\"/sign-out-everywhere\" id=\"revoke-user\">\
         <input name=\"sub\" id=\"sub\" placeholder=\"sub\" required pattern=\"[A-Za-z0-9_-]{{1,128}}\">\
         <button type=\"submit\" id=\"sign-out-everywhere\">Sign out everywhere</button></form></section>"
    );
    layout("/", &admin, &body)
}

/// The dashboard form.
#[derive(Debug, Deserialize)]
struct PutUser {
    username: String,
    group: String,
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

async fn put_user(
    _: Admins,
    admin: Claims,
    State(directory): State<Directory>,
    Form(form): Form<PutUser>,
) -> Response {
    let group = match form.group.as_str() {
        "" => None,
        "staff" => Some("staff"),
        ADMIN_GROUP => Some(ADMIN_GROUP),
        _ => return (StatusCode::BAD_REQUEST, "unknown group").into_response(),
    };
    if !valid_username(&form.username) {
        return (StatusCode::BAD_REQUEST, "a user name is 1-64 of a-z 0-9 . _ -").into_response();
    }
    directory.put_user(admin.user_name().unwrap_or(admin.sub()), &form.username, group);
    // Post/redirect/get: a reload does not submit again.
    Redirect::to("/").into_response()
}

/// The "sign out everywhere" form.
#[derive(Debug, Deserialize)]
struct RevokeUser {
    sub: String,
}

fn valid_sub(sub: &str) -> bool {
    (1..=128).contains(&sub.len())
        && sub.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

async fn sign_out_everywhere(
    _: Admins,
    admin: Claims,
    State(directory): State<Directory>,
    Extension(revocations): Extension<Arc<dyn Revocations>>,
    Form(form): Form<RevokeUser>,
) -> Response {
    if !valid_sub(&form.sub) {
        return (StatusCode::BAD_REQUEST, "a sub is 1-128 of A-Z a-z 0-9 - _").into_response();
    }
    if let Err(err) = revocations.revoke_user(&form.sub, SystemTime::now()).await {
        tracing::warn!(%err, sub = %form.sub, "sign out everywhere failed");
        let message = format!("the user was not signed out everywhere: {err}");
        return (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    }
    directory.record(admin.user_name().unwrap_or(admin.sub()), format!("signed {} out everywhere", form.sub));
    Redirect::to("/audit").into_response()
}

async fn audit(_: Admins, admin: Claims, State(directory): State<Directory>) -> Response {
    let rows: String = directory
        .audit()
        .iter()
        .map(|e| format!("<tr><td>{}</td><td>{}</td></tr>", escape_html(&e.caller), escape_html(&e.action)))
        .collect();
    let body = format!(
        "<h2>Audit log</h2><table id=\"audit\"><thead><tr><th>Who</th><th>What</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    layout("/audit", &admin, &body)
}

async fn signed_out() -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed out</title>\
         <style>{STYLE}</style></head><body><header><h1>Admin console</h1></header><main>\
         <p>You are signed out.</p><p><a class=\"button\" href=\"/auth/login\" id=\"sign-in\">Sign in</a></p>\
         </main></body></html>"
    );
    secured(Html(html).into_response())
}
