//! The verified claims of an ALB `x-amzn-oidc-data` token.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::VerifyError;
use crate::jws::{NumericDate, UnixTime};
use crate::verified_claims::Subject;

/// The user claims the load balancer forwards (the identity provider's user info, plus `exp`
/// and `iss`), with the token header's `signer`, `client` and `kid`.
///
/// The typed fields have been checked by the time you see them; [`claims`](Self::claims) holds
/// every payload claim as sent, typed ones included (e.g. `email_verified`, which Cognito sends
/// as the string `"true"`).
///
/// Verification hands them out as `Arc<AlbClaims>`, cheap to clone; the tower layer puts that
/// in the request extensions.
///
/// ```
/// # fn show(claims: std::sync::Arc<cognito_verify::AlbClaims>) {
/// println!("{} <{:?}> via {}", claims.sub, claims.email, claims.signer);
/// let verified = claims.get("email_verified"); // any claim the identity provider sent
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AlbClaims {
    /// The user's id at the identity provider.
    pub sub: String,
    /// `email`, when the identity provider sent it.
    pub email: Option<String>,
    /// `username`, when the identity provider sent it (Cognito does).
    pub username: Option<String>,
    /// When the token expires: the earlier of the header's and the payload's `exp`, whole
    /// seconds since the Unix epoch (rounded down; the expiry check uses the exact value).
    pub exp: i64,
    /// The payload's `iss`, when present (the header's `iss` is what
    /// [`issuer`](crate::alb::AlbVerifierBuilder::issuer) checks).
    pub iss: Option<String>,
    /// The load balancer that signed the token (header `signer`, an ARN).
    pub signer: String,
    /// The app client the load balancer authenticated with (header `client`).
    pub client: Option<String>,
    /// The id of the load balancer key that signed the token.
    pub kid: String,
    /// Every claim of the payload.
    pub claims: Map<String, Value>,
    /// `exp` with its fraction, which the expiry check compares.
    pub(crate) expires: UnixTime,
}

impl AlbClaims {
    /// The payload claim `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }
}

impl Subject for AlbClaims {
    fn subject(&self) -> &str {
        &self.sub
    }
    fn user_name(&self) -> Option<&str> {
        self.username.as_deref()
    }
    fn client(&self) -> Option<&str> {
        self.client.as_deref()
    }
}

/// Parse a verified payload: a JSON object whose `sub` is a string, `email`, `username` and
/// `iss` strings when present, and `exp` a number when present. Some `exp`, in the header or
/// the payload, is required.
pub(crate) fn parse(
    payload: &[u8],
    kid: String,
    signer: String,
    client: Option<String>,
    header_exp: Option<UnixTime>,
) -> Result<AlbClaims, VerifyError> {
    let claims: Map<String, Value> =
        serde_json::from_slice(payload).map_err(|_| VerifyError::MalformedPayload("not a JSON object"))?;
    let string = |name: &'static str| match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(VerifyError::InvalidClaim { claim: name, expected: "a string" }),
    };
    let sub = string("sub")?.ok_or(VerifyError::MissingClaim("sub"))?;
    let email = string("email")?;
    let username = string("username")?;
    let iss = string("iss")?;
    let payload_exp = match claims.get("exp") {
        None => None,
        Some(exp) => Some(
            NumericDate::deserialize(exp)
                .map_err(|_| VerifyError::InvalidClaim { claim: "exp", expected: "a number" })?
                .into(),
        ),
    };
    let expires = match (header_exp, payload_exp) {
        (Some(a), Some(b)) => a.min(b),
        (Some(exp), None) | (None, Some(exp)) => exp,
        (None, None) => return Err(VerifyError::MissingClaim("exp")),
    };
    Ok(AlbClaims { sub, email, username, exp: expires.secs(), iss, signer, client, kid, claims, expires })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(payload: &str, header_exp: Option<i64>) -> Result<AlbClaims, VerifyError> {
        let header_exp = header_exp.map(UnixTime::from_secs);
        parse(payload.as_bytes(), "kid".into(), "arn".into(), Some("client".into()), header_exp)
    }

    #[test]
    fn typed_claims_and_the_whole_payload_are_kept() {
        let claims = parse_with(
            r#"{"sub":"u1","email":"a@b.c","email_verified":"true","username":"alice","exp":2000000000,"iss":"https://idp"}"#,
            Some(2_000_000_100),
        )
        .unwrap();
        assert_eq!(claims.sub, "u1");
        assert_eq!(claims.email.as_deref(), Some("a@b.c"));
        assert_eq!(claims.username.as_deref(), Some("alice"));
        assert_eq!(claims.iss.as_deref(), Some("https://idp"));
        assert_eq!(claims.exp, 2_000_000_000, "the earlier exp wins");
        assert_eq!(claims.get("email_verified"), Some(&Value::String("true".into())));
    }

    #[test]
    fn claims_of_the_wrong_type_or_missing_are_refused() {
        assert_eq!(parse_with(r#"{"exp":1}"#, None).unwrap_err(), VerifyError::MissingClaim("sub"));
        assert_eq!(parse_with(r#"{"sub":"u"}"#, None).unwrap_err(), VerifyError::MissingClaim("exp"));
        assert_eq!(
            parse_with(r#"{"sub":1,"exp":1}"#, None).unwrap_err(),
            VerifyError::InvalidClaim { claim: "sub", expected: "a string" }
        );
        assert_eq!(
            parse_with(r#"{"sub":"u","exp":"1"}"#, None).unwrap_err(),
            VerifyError::InvalidClaim { claim: "exp", expected: "a number" }
        );
        assert_eq!(
            parse_with(r#"["sub"]"#, Some(1)).unwrap_err(),
            VerifyError::MalformedPayload("not a JSON object")
        );
        assert_eq!(parse_with(r#"{"sub":"u"}"#, Some(5)).unwrap().exp, 5);
    }
}
