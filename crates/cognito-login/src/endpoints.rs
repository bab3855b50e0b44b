//! [`Endpoints`]: where the hosted login lives (`/oauth2/authorize`, `/oauth2/token`,
//! `/oauth2/revoke`, `/logout`), and the rule for URLs this crate talks to or redirects to.

use cognito_http::{UrlRules, check_url, is_region};
use url::Url;

use crate::error::LoginConfigError;

/// The user pool domain's OAuth endpoints. URLs follow the project's one outbound policy:
/// `https`, plain `http` only on loopback (tests, local development).
///
/// ```
/// use cognito_login::Endpoints;
///
/// let cognito = Endpoints::domain("my-prefix", "eu-west-1").unwrap();
/// assert_eq!(cognito.token().as_str(), "https://my-prefix.auth.eu-west-1.amazoncognito.com/oauth2/token");
///
/// let custom = Endpoints::base_url("https://auth.example.com").unwrap();
/// assert_eq!(custom.logout().as_str(), "https://auth.example.com/logout");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    authorize: Url,
    token: Url,
    revoke: Url,
    logout: Url,
}

impl Endpoints {
    /// The Cognito domain `https://{prefix}.auth.{region}.amazoncognito.com`.
    pub fn domain(prefix: &str, region: &str) -> Result<Endpoints, LoginConfigError> {
        let label = !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !label || !is_region(region) {
            return Err(LoginConfigError::BadDomain(format!("{prefix}.auth.{region}")));
        }
        Endpoints::base_url(&format!("https://{prefix}.auth.{region}.amazoncognito.com"))
    }

    /// A custom domain (`https://auth.example.com`), or any server with Cognito's paths under
    /// `base` (the testkit's `TestIssuer::base_url()`, on loopback `http`).
    pub fn base_url(base: &str) -> Result<Endpoints, LoginConfigError> {
        let base = checked_url("domain", base)?;
        let join = |path: &str| {
            base.join(path).map_err(|_| LoginConfigError::BadUrl {
                what: "domain",
                url: base.to_string(),
                reason: "cannot hold the OAuth paths",
            })
        };
        Ok(Endpoints {
            authorize: join("/oauth2/authorize")?,
            token: join("/oauth2/token")?,
            revoke: join("/oauth2/revoke")?,
            logout: join("/logout")?,
        })
    }

    /// `/oauth2/authorize`: the hosted login page.
    pub fn authorize(&self) -> &Url {
        &self.authorize
    }

    /// `/oauth2/token`.
    pub fn token(&self) -> &Url {
        &self.token
    }

    /// `/oauth2/revoke`.
    pub fn revoke(&self) -> &Url {
        &self.revoke
    }

    /// `/logout`: ends the hosted login's own session.
    pub fn logout(&self) -> &Url {
        &self.logout
    }
}

/// `raw` parsed and checked by the project's one URL policy (`cognito-http`): `https`, or
/// `http` on loopback only; a host; no credentials, query or fragment.
pub(crate) fn checked_url(what: &'static str, raw: &str) -> Result<Url, LoginConfigError> {
    check_url(raw, UrlRules::default()).map_err(|err| LoginConfigError::BadUrl {
        what,
        url: raw.to_owned(),
        reason: err.reason(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        assert!(checked_url("x", "http://127.0.0.1:8080/cb").is_ok());
        assert!(checked_url("x", "http://localhost/cb").is_ok());
        assert!(checked_url("x", "http://[::1]:3000/").is_ok());
        assert!(matches!(
            checked_url("x", "http://admin.example.com/cb"),
            Err(LoginConfigError::BadUrl { .. })
        ));
        assert!(matches!(checked_url("x", "https://u:p@example.com/"), Err(LoginConfigError::BadUrl { .. })));
    }

    #[test]
    fn domain_refuses_labels_that_would_change_the_host() {
        assert!(Endpoints::domain("my-prefix", "us-east-1").is_ok());
        for (prefix, region) in
            [("evil.example/", "x"), ("", "eu-west-1"), ("a", "eu-west-1.evil"), ("A", "x")]
        {
            assert!(
                matches!(Endpoints::domain(prefix, region), Err(LoginConfigError::BadDomain(_))),
                "{prefix}"
            );
        }
    }
}
