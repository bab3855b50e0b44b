//! [`form_body`]: the `client_credentials` request body.

use crate::config::{ClientAuth, Config};
use crate::scope::ScopeSet;

/// `grant_type=client_credentials&scope=…`, plus the credentials for `client_secret_post`.
pub(crate) fn form_body(config: &Config, scopes: &ScopeSet) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !scopes.is_empty() {
        form.append_pair("scope", scopes.as_str());
    }
    if config.auth == ClientAuth::Post {
        form.append_pair("client_id", &config.client_id);
        form.append_pair("client_secret", config.client_secret.expose());
    }
    form.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(auth: ClientAuth) -> Config {
        Config {
            endpoint: "http://127.0.0.1/oauth2/token".parse().unwrap(),
            client_id: "my id".into(),
            client_secret: crate::secret::Secret::new("s&cret=1".into()),
            auth,
            basic_authorization: None,
            limits: cognito_http::RequestLimits::new(1024),
            retry: crate::retry::RetryPolicy::default(),
        }
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
}
