//! [`TestBrowser`]: an HTTP client that behaves like a browser for sign-in flows: it keeps
//! cookies, follows redirects one by one (recording them), sends the headers of a page
//! navigation, and fills in the hosted login's form.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode, Url};

/// The most redirects one navigation follows.
const MAX_REDIRECTS: usize = 20;

/// A cookie-keeping HTTP client for browser-app tests.
///
/// Every request is sent as a page navigation (`Accept: text/html`, `Sec-Fetch-Mode: navigate`)
/// unless made with [`fetch`](Self::fetch). Redirects are followed by the browser itself, so
/// every hop is recorded in [`Page::visited`] and every `Set-Cookie` in
/// [`set_cookie_headers`](Self::set_cookie_headers).
///
/// ```no_run
/// # async fn demo(app: &str, issuer: &cognito_testkit::TestIssuer) {
/// use cognito_testkit::TestBrowser;
///
/// let browser = TestBrowser::new();
/// let login_form = browser.get(&format!("{app}/")).await; // redirected to the hosted login
/// let page = browser.sign_in(&login_form, "alice", "alice-password").await; // back at the app
/// assert_eq!(page.status, 200);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestBrowser {
    http: reqwest::Client,
    jar: Arc<Jar>,
    set_cookies: Arc<std::sync::Mutex<Vec<String>>>,
}

/// Where a navigation ended, and how it got there.
#[derive(Debug, Clone)]
pub struct Page {
    /// The final status.
    pub status: StatusCode,
    /// The final URL.
    pub url: Url,
    /// The final body, as text.
    pub body: String,
    /// The final response headers.
    pub headers: HeaderMap,
    /// Every URL requested, in order, the first and the final one included.
    pub visited: Vec<Url>,
}

impl Default for TestBrowser {
    fn default() -> Self {
        TestBrowser::new()
    }
}

impl TestBrowser {
    /// A browser with an empty cookie jar.
    ///
    /// # Panics
    /// If the HTTP client cannot be built (no TLS backend), which no test can go on without.
    pub fn new() -> TestBrowser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(Policy::none())
            .build()
            .unwrap_or_else(|err| panic!("cognito-testkit: cannot build the browser's HTTP client: {err}"));
        TestBrowser { http, jar, set_cookies: Arc::default() }
    }

    /// Navigates to `url` (`GET`) and follows redirects.
    pub async fn get(&self, url: &str) -> Page {
        self.navigate(Method::GET, parse(url), None, navigation()).await
    }

    /// Submits a form to `url` (`POST`, `application/x-www-form-urlencoded`) with this `Origin`
    /// (what a browser sends; `None` to leave it out), and follows redirects.
    pub async fn post_form(&self, url: &str, form: &[(&str, &str)], origin: Option<&str>) -> Page {
        let mut headers = navigation();
        if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
            headers.insert(header::ORIGIN, origin);
        }
        let body = serde_urlencoded(form);
        self.navigate(Method::POST, parse(url), Some(body), headers).await
    }

    /// A script's `fetch` (no redirects followed, `Accept: application/json`,
    /// `Sec-Fetch-Mode: cors`): the raw response.
    pub async fn fetch(&self, method: Method, url: &str) -> reqwest::Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("sec-fetch-mode", HeaderValue::from_static("cors"));
        match self.http.request(method, parse(url)).headers(headers).send().await {
            Ok(response) => response,
            Err(err) => panic!("cognito-testkit: request to {url} failed: {err}"),
        }
    }

    /// Fills in and submits the hosted login form `form_page` shows (as [`get`](Self::get)
    /// returned it), and follows the redirects back to the app.
    ///
    /// # Panics
    /// If `form_page` holds no login form.
    pub async fn sign_in(&self, form_page: &Page, username: &str, password: &str) -> Page {
        let hidden = hidden_inputs(&form_page.body);
        assert!(
            form_page.body.contains("action=\"/login\""),
            "cognito-testkit: no hosted login form at {}: {}",
            form_page.url,
            form_page.body
        );
        let mut form: Vec<(&str, &str)> = hidden.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        form.push(("username", username));
        form.push(("password", password));
        let action = form_page.url.join("/login").unwrap_or_else(|_| form_page.url.clone());
        let origin = form_page.url.origin().ascii_serialization();
        self.post_form(action.as_str(), &form, Some(&origin)).await
    }

    /// The `Cookie` header this browser would send to `url`.
    pub fn cookies_for(&self, url: &str) -> String {
        self.jar.cookies(&parse(url)).and_then(|v| v.to_str().ok().map(str::to_owned)).unwrap_or_default()
    }

    /// Every `Set-Cookie` header received so far, in order.
    pub fn set_cookie_headers(&self) -> Vec<String> {
        self.set_cookies.lock().map(|v| v.clone()).unwrap_or_default()
    }

    async fn navigate(
        &self,
        method: Method,
        mut url: Url,
        mut body: Option<String>,
        headers: HeaderMap,
    ) -> Page {
        let mut method = method;
        let mut visited = Vec::new();
        for _ in 0..MAX_REDIRECTS {
            visited.push(url.clone());
            let mut request = self.http.request(method.clone(), url.clone()).headers(headers.clone());
            if let Some(body) = &body {
                request = request
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body.clone());
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => panic!("cognito-testkit: request to {url} failed: {err}"),
            };
            if let Ok(mut seen) = self.set_cookies.lock() {
                seen.extend(
                    response
                        .headers()
                        .get_all(header::SET_COOKIE)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .map(str::to_owned),
                );
            }
            let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok());
            match location.filter(|_| response.status().is_redirection()) {
                Some(location) => {
                    url = url.join(location).unwrap_or_else(|err| panic!("bad Location {location:?}: {err}"));
                    // 301/302/303 turn a POST into a GET, as browsers do; 307/308 keep it.
                    if !matches!(response.status().as_u16(), 307 | 308) {
                        method = Method::GET;
                        body = None;
                    }
                }
                None => {
                    let (status, headers) = (response.status(), response.headers().clone());
                    let body = response.text().await.unwrap_or_default();
                    return Page { status, url, body, headers, visited };
                }
            }
        }
        panic!(
            "cognito-testkit: more than {MAX_REDIRECTS} redirects from {}",
            visited.first().map_or("?", Url::as_str)
        )
    }
}

fn parse(url: &str) -> Url {
    Url::parse(url).unwrap_or_else(|err| panic!("cognito-testkit: bad URL {url:?}: {err}"))
}

fn navigation() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("text/html,application/xhtml+xml"));
    headers.insert("sec-fetch-mode", HeaderValue::from_static("navigate"));
    headers
}

fn serde_urlencoded(form: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish()
}

/// `name` and `value` of every `<input type="hidden" ...>` of the hosted login form.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let rest = tag.get(start..)?;
        let end = rest.find('"')?;
        Some(unescape(rest.get(..end)?))
    };
    html.split("<input")
        .skip(1)
        .filter_map(|tag| tag.split('>').next())
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value")?)))
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_inputs_are_read_and_unescaped() {
        let html = r#"<form><input type="hidden" name="state" value="a&amp;b"><input type="text" name="username"><input type="hidden" name="nonce" value="n"></form>"#;
        assert_eq!(
            hidden_inputs(html),
            [("state".to_owned(), "a&b".to_owned()), ("nonce".to_owned(), "n".to_owned())]
        );
    }
}
