//! [`form_body`]: the `client_credentials` request body.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderValue;

use crate::config::{ClientAuth, Config};
use crate::key::TokenKey;
use crate::secret::Secret;

/// `grant_type=client_credentials&scope=…&resource=…`, plus the credentials for
/// `client_secret_post`.
pub(crate) fn form_body(config: &Config, key: &TokenKey, secret: &Secret) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !key.scopes.is_empty() {
        form.append_pair("scope", key.scopes.as_str());
    }
    if let Some(resource) = &key.resource {
        form.append_pair("resource", resource);
    }
    if config.auth == ClientAuth::Post {
        form.append_pair("client_id", &config.client_id);
        form.append_pair("client_secret", secret.expose());
    }
    form.finish()
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, as RFC 6749 §2.3.1 asks (without the
/// encoding, a `:` in the id would split the pair in the wrong place), marked sensitive.
pub(crate) fn basic_authorization(client_id: &str, secret: &Secret) -> HeaderValue {
    let pair = format!("{}:{}", form_urlencode(client_id), form_urlencode(secret.expose()));
    // base64 output is always a valid header value: the fallback is never used.
    let mut value = HeaderValue::try_from(format!("Basic {}", STANDARD.encode(pair)))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::ScopeSet;

    const SECRET: &str = "s&cret=1";

    fn config(auth: ClientAuth) -> Config {
        Config {
            endpoint: "http://127.0.0.1/oauth2/token".parse().unwrap(),
            client_id: "my id".into(),
            secrets: crate::secret::ClientSecrets::new(cognito_http::SecretSource::fixed(SECRET), None)
                .unwrap(),
            auth,
            limits: cognito_http::RequestLimits::new(1024),
            retry: crate::retry::RetryPolicy::default(),
        }
    }

    fn form_body(config: &Config, scopes: &ScopeSet) -> String {
        let key = TokenKey { scopes: scopes.clone(), resource: None };
        super::form_body(config, &key, &Secret::new(SECRET))
    }

    #[test]
    fn a_resource_is_sent_as_the_resource_parameter() {
        let key = TokenKey {
            scopes: ScopeSet::parse(["a/b"]).unwrap(),
            resource: Some("https://api.example.com/mcp".into()),
        };
        assert_eq!(
            super::form_body(&config(ClientAuth::Basic), &key, &Secret::new(SECRET)),
            "grant_type=client_credentials&scope=a%2Fb&resource=https%3A%2F%2Fapi.example.com%2Fmcp"
        );
    }

    #[test]
    fn the_body_has_the_grant_and_the_space_joined_scopes_form_encoded() {
        let scopes = ScopeSet::parse(["c", "a/b"]).unwrap();
        assert_eq!(
            form_body(&config(ClientAuth::Basic), &scopes),
            "grant_type=client_credentials&scope=a%2Fb+c"
        );
        let none = ScopeSet::parse(Vec::<&str>::new()).unwrap();
        assert_eq!(form_body(&config(ClientAuth::Basic), &none), "grant_type=client_credentials");
    }

    #[test]
    fn client_secret_post_puts_the_credentials_in_the_body() {
        let none = ScopeSet::parse(Vec::<&str>::new()).unwrap();
        assert_eq!(
            form_body(&config(ClientAuth::Post), &none),
            "grant_type=client_credentials&client_id=my+id&client_secret=s%26cret%3D1"
        );
    }

    #[test]
    fn basic_credentials_are_form_urlencoded_before_base64() {
        let header = basic_authorization("my client:1", &Secret::new("p@ss:w/rd+ é"));
        let encoded = header.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert_eq!(decoded, "my+client%3A1:p%40ss%3Aw%2Frd%2B+%C3%A9");
        assert!(header.is_sensitive());
    }

    #[test]
    fn plain_credentials_are_unchanged_by_the_encoding() {
        let header = basic_authorization("4a1bexample", &Secret::new("abc123"));
        assert_eq!(header, format!("Basic {}", STANDARD.encode("4a1bexample:abc123")).as_str());
    }
}
