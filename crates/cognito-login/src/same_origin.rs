//! Cross-site request forgery: a state-changing request on a cookie session must come from the
//! app's own pages.
//!
//! The session cookie is `SameSite=Lax`, so browsers do not send it with cross-site `POST`s
//! (nor with cross-site subresource requests). On top of that, every request whose method is
//! not safe (`GET`, `HEAD`, `OPTIONS`, `TRACE`) must carry an `Origin` header equal to the app's
//! origin; a request without `Origin` must carry a `Referer` on that origin instead; a request
//! with neither is refused. This covers browsers without SameSite support and same-site
//! attackers (another app on a sibling sub-domain), which SameSite does not.

use http::{HeaderMap, Method, header};

/// Whether a request with `method` and `headers` may act on the session of the app at
/// `origin` (`scheme://host[:port]`).
pub(crate) fn is_allowed(method: &Method, headers: &HeaderMap, origin: &str) -> bool {
    if method.is_safe() {
        return true;
    }
    let single = |name: header::HeaderName| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (Some(value), None) => value.to_str().ok(),
            _ => None,
        }
    };
    if headers.contains_key(header::ORIGIN) {
        return single(header::ORIGIN) == Some(origin);
    }
    single(header::REFERER).is_some_and(|referer| {
        referer.strip_prefix(origin).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    const APP: &str = "https://admin.example.com";

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn safe_methods_need_no_origin() {
        assert!(is_allowed(&Method::GET, &HeaderMap::new(), APP));
        assert!(is_allowed(&Method::HEAD, &headers(&[(header::ORIGIN, "https://evil.example")]), APP));
    }

    #[test]
    fn unsafe_methods_need_the_apps_origin() {
        assert!(is_allowed(&Method::POST, &headers(&[(header::ORIGIN, APP)]), APP));
        assert!(!is_allowed(&Method::POST, &headers(&[(header::ORIGIN, "https://evil.example")]), APP));
        assert!(!is_allowed(&Method::DELETE, &headers(&[(header::ORIGIN, "null")]), APP));
        assert!(!is_allowed(&Method::POST, &HeaderMap::new(), APP));
        let twice = headers(&[(header::ORIGIN, APP), (header::ORIGIN, "https://evil.example")]);
        assert!(!is_allowed(&Method::POST, &twice, APP));
    }

    #[test]
    fn referer_is_the_fallback_without_origin() {
        assert!(is_allowed(
            &Method::POST,
            &headers(&[(header::REFERER, "https://admin.example.com/users")]),
            APP
        ));
        let lookalike = headers(&[(header::REFERER, "https://admin.example.com.evil.example/")]);
        assert!(!is_allowed(&Method::POST, &lookalike, APP));
        // An Origin that is wrong is not rescued by a Referer that is right.
        let both = headers(&[
            (header::ORIGIN, "https://evil.example"),
            (header::REFERER, "https://admin.example.com/"),
        ]);
        assert!(!is_allowed(&Method::POST, &both, APP));
    }
}
