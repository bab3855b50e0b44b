//! API Gateway hands an authorizer's claims to the function with every value flattened to a
//! string. This module turns them back into the JSON types of a token payload, so the claims
//! parser of `cognito-verify` reads them with its usual typing rules. A value in no known
//! format is left as it is, and the parser refuses it (fail closed).
//!
//! | claim | REST API (`authorizer.claims`) | HTTP API (`authorizer.jwt.claims`) |
//! |---|---|---|
//! | `exp`, `iat` | `Mon Apr 17 23:12:49 UTC 2017` | `1492470769` |
//! | `auth_time` | `1492467169` | `1492467169` |
//! | `cognito:groups` | `admin,users` | `[admin users]` |
//! | `scope` | `openid profile` (as in the token) | `openid profile` (as in the token) |
//! | `version` | `2` | `2` |
//!
//! An HTTP API integration with payload format 1.0 puts the claims where a REST API does, in
//! the HTTP API's formats; both are read there.

use serde_json::{Map, Number, Value};

use super::java_date;

/// Which API Gateway flattened the claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flattening {
    /// `requestContext.authorizer.claims`: a REST API's Cognito user pool authorizer, or an
    /// HTTP API's JWT authorizer with payload format 1.0.
    AuthorizerClaims,
    /// `requestContext.authorizer.jwt.claims`: an HTTP API's JWT authorizer, payload 2.0.
    JwtClaims,
}

/// The claims as a token payload would have them. `scopes` is the authorizer's list of scopes
/// (HTTP APIs), used for `scope` when the claims have none.
pub(super) fn unflatten(
    flattening: Flattening,
    claims: impl IntoIterator<Item = (String, Value)>,
    scopes: Option<Vec<String>>,
) -> Map<String, Value> {
    let mut payload: Map<String, Value> = claims
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => typed(flattening, &name, text),
                other => other,
            };
            (name, value)
        })
        .collect();
    if let Some(scopes) = scopes.filter(|scopes| !scopes.is_empty())
        && !payload.contains_key("scope")
    {
        payload.insert("scope".to_owned(), Value::String(scopes.join(" ")));
    }
    payload
}

/// The JSON value a token would carry for claim `name`, from its flattened text.
fn typed(flattening: Flattening, name: &str, text: String) -> Value {
    let converted = match name {
        "exp" | "iat" | "nbf" | "auth_time" => numeric_date(&text),
        "version" => text.parse::<i64>().ok().map(Value::from),
        "cognito:groups" => groups(flattening, &text),
        _ => None,
    };
    converted.unwrap_or(Value::String(text))
}

/// Seconds since the epoch, as digits or (REST APIs) as a Java date.
fn numeric_date(text: &str) -> Option<Value> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(Value::from(seconds));
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return Number::from_f64(seconds).map(Value::Number);
    }
    java_date::parse(text).map(Value::from)
}

/// `[a b]` (HTTP APIs, and REST-shaped events of HTTP APIs) or `a,b` (REST APIs) as an array.
/// Cognito group names cannot contain whitespace, so the bracketed form is unambiguous.
fn groups(flattening: Flattening, text: &str) -> Option<Value> {
    let names: Vec<Value> = match text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        Some(inner) => inner.split_whitespace().map(Value::from).collect(),
        None if flattening == Flattening::AuthorizerClaims => {
            text.split(',').map(str::trim).filter(|name| !name.is_empty()).map(Value::from).collect()
        }
        // An HTTP API always brackets the list: anything else is a format we do not know.
        None => return None,
    };
    Some(Value::Array(names))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn one(flattening: Flattening, name: &str, text: &str) -> Value {
        let claims = [(name.to_owned(), Value::from(text))];
        unflatten(flattening, claims, None).remove(name).unwrap()
    }

    #[test]
    fn rest_api_groups_are_comma_separated() {
        let rest = Flattening::AuthorizerClaims;
        assert_eq!(one(rest, "cognito:groups", "admin,staging-manager"), json!(["admin", "staging-manager"]));
        assert_eq!(one(rest, "cognito:groups", "team_manager"), json!(["team_manager"]));
        assert_eq!(one(rest, "cognito:groups", ""), json!([]));
    }

    #[test]
    fn http_api_groups_are_bracketed_and_space_separated() {
        let http = Flattening::JwtClaims;
        assert_eq!(one(http, "cognito:groups", "[admin users]"), json!(["admin", "users"]));
        assert_eq!(one(http, "cognito:groups", "[admin]"), json!(["admin"]));
        assert_eq!(one(http, "cognito:groups", "[]"), json!([]));
        // The same format where payload 1.0 puts the claims.
        assert_eq!(one(Flattening::AuthorizerClaims, "cognito:groups", "[a b]"), json!(["a", "b"]));
    }

    #[test]
    fn unbracketed_http_api_groups_stay_a_string_for_the_parser_to_refuse() {
        assert_eq!(one(Flattening::JwtClaims, "cognito:groups", "admin"), json!("admin"));
    }

    #[test]
    fn times_are_numbers_again_whichever_format() {
        assert_eq!(one(Flattening::JwtClaims, "exp", "1612061676"), json!(1_612_061_676));
        assert_eq!(
            one(Flattening::AuthorizerClaims, "exp", "Thu May 04 03:50:06 UTC 2023"),
            json!(1_683_172_206)
        );
        assert_eq!(one(Flattening::AuthorizerClaims, "auth_time", "1683085806"), json!(1_683_085_806));
        assert_eq!(one(Flattening::JwtClaims, "iat", "1612053076.5"), json!(1_612_053_076.5));
        assert_eq!(one(Flattening::JwtClaims, "exp", "tomorrow"), json!("tomorrow"));
        assert_eq!(one(Flattening::JwtClaims, "version", "2"), json!(2));
    }

    #[test]
    fn other_claims_keep_their_text() {
        assert_eq!(one(Flattening::JwtClaims, "scope", "openid profile"), json!("openid profile"));
        assert_eq!(one(Flattening::AuthorizerClaims, "email_verified", "true"), json!("true"));
        assert_eq!(one(Flattening::AuthorizerClaims, "custom:tier", "2"), json!("2"));
    }

    #[test]
    fn the_authorizer_scopes_stand_in_for_a_missing_scope_claim() {
        let scopes = Some(vec!["a/read".to_owned(), "a/write".to_owned()]);
        let payload = unflatten(Flattening::JwtClaims, Vec::new(), scopes.clone());
        assert_eq!(payload.get("scope"), Some(&json!("a/read a/write")));
        let claims = [("scope".to_owned(), json!("openid"))];
        let payload = unflatten(Flattening::JwtClaims, claims, scopes);
        assert_eq!(payload.get("scope"), Some(&json!("openid")));
    }
}
