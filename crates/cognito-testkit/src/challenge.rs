//! [`Challenge`]: a `WWW-Authenticate` challenge (RFC 7235 section 2.1) parsed into its scheme and
//! parameters, to assert on an RFC 6750 Bearer rejection parameter by parameter.

use reqwest::Response;

use crate::test_app::response_header;

/// One authentication challenge: `Bearer realm="api", error="invalid_token", ...`.
///
/// ```
/// use cognito_testkit::Challenge;
///
/// let challenge =
///     Challenge::parse(r#"Bearer error="insufficient_scope", scope="a/read a/write""#).unwrap();
/// assert_eq!(challenge.scheme(), "Bearer");
/// assert_eq!(challenge.error(), Some("insufficient_scope"));
/// assert_eq!(challenge.param("scope"), Some("a/read a/write"));
/// assert_eq!(challenge.realm(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl Challenge {
    /// The challenge in the `WWW-Authenticate` header of `response`.
    ///
    /// # Panics
    /// If the response has no such header or it does not parse (see [`parse`](Self::parse)):
    /// both are test failures.
    pub fn of(response: &Response) -> Challenge {
        let header = response_header(response, "www-authenticate");
        Challenge::parse(header)
            .unwrap_or_else(|| panic!("cognito-testkit: not a WWW-Authenticate challenge: {header:?}"))
    }

    /// Parses `scheme [name=value *(", " name=value)]`, values as tokens or quoted strings
    /// (with `\` escapes). `None` for anything else: no scheme, a parameter without `=`, an
    /// unterminated quote, text after the last parameter, one challenge after another.
    pub fn parse(header: &str) -> Option<Challenge> {
        let header = header.trim();
        let (scheme, mut rest) = header.split_once(' ').unwrap_or((header, ""));
        if scheme.is_empty() || !scheme.chars().all(is_token_char) {
            return None;
        }
        let mut params = Vec::new();
        rest = rest.trim_start();
        while !rest.is_empty() {
            let (name, after) = rest.split_once('=')?;
            let name = name.trim();
            if name.is_empty() || !name.chars().all(is_token_char) {
                return None;
            }
            let (value, after) = value(after.trim_start())?;
            params.push((name.to_ascii_lowercase(), value));
            rest = after.trim_start();
            if let Some(next) = rest.strip_prefix(',') {
                rest = next.trim_start();
                if rest.is_empty() {
                    return None;
                }
            } else if !rest.is_empty() {
                return None;
            }
        }
        Some(Challenge { scheme: scheme.to_owned(), params })
    }

    /// The scheme as written (`Bearer`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The value of the parameter `name` (case-insensitive), unquoted.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every parameter name in order, lowercased.
    pub fn param_names(&self) -> Vec<&str> {
        self.params.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// `realm`.
    pub fn realm(&self) -> Option<&str> {
        self.param("realm")
    }

    /// `error` (RFC 6750 section 3.1: `invalid_request`, `invalid_token`, `insufficient_scope`).
    pub fn error(&self) -> Option<&str> {
        self.param("error")
    }

    /// `error_description`.
    pub fn error_description(&self) -> Option<&str> {
        self.param("error_description")
    }
}

/// RFC 7230 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// A token or a quoted string at the start of `input`, and what follows it.
fn value(input: &str) -> Option<(String, &str)> {
    let Some(quoted) = input.strip_prefix('"') else {
        let end = input.find(|c: char| !is_token_char(c)).unwrap_or(input.len());
        let (token, rest) = input.split_at(end);
        return (!token.is_empty()).then(|| (token.to_owned(), rest));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &quoted[i + 1..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_scheme_has_no_parameters() {
        let challenge = Challenge::parse("Bearer").unwrap();
        assert_eq!((challenge.scheme(), challenge.param_names().len()), ("Bearer", 0));
    }

    #[test]
    fn quoted_values_are_unescaped() {
        let challenge = Challenge::parse(r#"Bearer realm="a \"b\"", error=invalid_token"#).unwrap();
        assert_eq!(challenge.realm(), Some(r#"a "b""#));
        assert_eq!(challenge.error(), Some("invalid_token"));
    }

    #[test]
    fn malformed_challenges_are_none() {
        for header in ["", r#"Bearer error="open"#, "Bearer error", r#"Bearer a="b" c"#, r#"Bearer a="b","#] {
            assert_eq!(Challenge::parse(header), None, "{header}");
        }
    }
}
