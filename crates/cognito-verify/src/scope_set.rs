//! [`ScopeSet`]: the OAuth scopes of a verified token.

/// A token's OAuth scopes, from the space-separated `scope` claim (RFC 6749 §3.3: split on the
/// space character only).
///
/// A view of the claim's string, searched in place: tokens carry a handful of scopes, and this
/// saves an allocation per scope on every verification.
///
/// ```no_run
/// # async fn run(verifier: cognito_verify::CognitoVerifier, token: &str) -> Result<(), cognito_verify::VerifyError> {
/// let claims = verifier.verify(token).await?;
/// if claims.scopes().contains_any(&["orders/read", "orders/admin"]) {
///     println!("scopes: {}", claims.scopes().as_str());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ScopeSet<'a>(&'a str);

impl<'a> ScopeSet<'a> {
    /// The scopes of a `scope` claim.
    pub(crate) fn from_claim(scope: &'a str) -> Self {
        ScopeSet(scope)
    }

    /// Whether the set contains `scope`.
    pub fn contains(&self, scope: &str) -> bool {
        self.iter().any(|s| s == scope)
    }

    /// Whether the set contains at least one of `scopes`.
    pub fn contains_any<S: AsRef<str>>(&self, scopes: &[S]) -> bool {
        scopes.iter().any(|s| self.contains(s.as_ref()))
    }

    /// Whether the set contains every one of `scopes`.
    pub fn contains_all<S: AsRef<str>>(&self, scopes: &[S]) -> bool {
        scopes.iter().all(|s| self.contains(s.as_ref()))
    }

    /// The scopes, in the token's order. Scopes are separated by spaces only (RFC 6749 §3.3):
    /// a tab or a newline is part of a scope, not a separator.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.0.split(' ').filter(|scope| !scope.is_empty())
    }

    /// The number of scopes.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no scopes.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The scopes as the token gave them: space separated.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Two sets are equal when they hold the same scopes, whatever their order.
impl PartialEq for ScopeSet<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().all(|scope| other.contains(scope)) && other.iter().all(|scope| self.contains(scope))
    }
}

impl Eq for ScopeSet<'_> {}
