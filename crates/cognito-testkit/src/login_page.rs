//! The hosted login's HTML: the sign-in form and the error page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The parameters of an authorization request, carried through the form as hidden fields.
pub(crate) const CARRIED_PARAMS: [&str; 9] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "resource",
];

/// Escapes text for HTML element content and double-quoted attribute values (`&` first, so
/// the other entities are not escaped twice).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f2f3f3;margin:0}\
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.3rem;margin-top:0}\
label{display:block;margin:.8rem 0 .3rem}input[type=text],input[type=password]{width:100%;\
box-sizing:border-box;padding:.5rem;font-size:1rem}button{margin-top:1.2rem;width:100%;\
padding:.6rem;font-size:1rem;background:#0972d3;color:#fff;border:0;border-radius:4px}\
.error{color:#d91515}.note{color:#5f6b7a;font-size:.85rem}";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // As a real login page would, refuse to be framed.
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

/// The sign-in form, posting the carried parameters with the user name and password to
/// `/login`. `error` is shown above the form after a failed attempt.
pub(crate) fn login_form(params: &[(&str, &str)], pool_id: &str, error: Option<&str>) -> Response {
    let mut hidden = String::new();
    for (name, value) in params {
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        ));
    }
    let error =
        error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Sign in</h1>{error}<form method=\"post\" action=\"/login\">{hidden}\
         <label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\" id=\"sign-in\">Sign in</button></form>\
         <p class=\"note\">cognito-testkit hosted login for user pool {pool}</p>",
        pool = escape(pool_id),
    );
    page(StatusCode::OK, "Sign in", &body)
}

/// An error page: what Cognito shows instead of redirecting when the request names an unknown
/// client or a `redirect_uri` / `logout_uri` that is not registered.
pub(crate) fn error_page(message: &str) -> Response {
    let body = format!("<h1>An error was encountered</h1><p class=\"error\">{}</p>", escape(message));
    page(StatusCode::BAD_REQUEST, "Error", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
