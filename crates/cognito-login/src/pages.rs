//! The few HTML pages the login itself answers with: refused (403), sign-in failed, and
//! unavailable. Apps that want their own use the layer's rejection hook.

use http::{HeaderValue, Response, StatusCode, header};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#16191f;margin:0}\
main{max-width:34rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
button,a.button{font:inherit;padding:.45rem 1rem;border-radius:4px;border:1px solid #0972d3;\
background:#0972d3;color:#fff;text-decoration:none;cursor:pointer}";

/// A small page with `title`, a paragraph of (escaped) `message` and trusted `actions` HTML.
pub(crate) fn page(status: StatusCode, title: &str, message: &str, actions: &str) -> Response<String> {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1><p>{message}</p>{actions}</main></body></html>",
        title = escape_html(title),
        message = escape_html(message),
    );
    let mut response = Response::new(html);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
    }
    response
}

/// What a 503 page asks the browser to wait, in seconds.
const RETRY_AFTER_SECS: &str = "5";

/// The page of a request that could not be served because the session store or the identity
/// provider is unavailable (503): says so, and offers to try again.
pub(crate) fn unavailable_page(retry: &str) -> Response<String> {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Temporarily unavailable",
        "Sign-in is temporarily unavailable. Try again in a moment.",
        &format!("<p><a class=\"button\" href=\"{}\">Try again</a></p>", escape_html(retry)),
    )
}

/// A form with one button that posts to the sign-out route.
pub(crate) fn sign_out_button(logout_path: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\"><button type=\"submit\">Sign out</button></form>",
        escape_html(logout_path)
    )
}

/// A link that starts a new sign-in.
pub(crate) fn sign_in_link(login_path: &str) -> String {
    format!("<p><a class=\"button\" href=\"{}\">Sign in</a></p>", escape_html(login_path))
}
