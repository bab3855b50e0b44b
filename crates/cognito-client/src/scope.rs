//! [`ScopeSet`]: the scopes of one token request, normalised so that equal sets share a cache.

use std::sync::Arc;

/// Sorted, deduplicated scopes joined by spaces: the `scope` form parameter and the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ScopeSet(Arc<str>);

impl ScopeSet {
    /// Normalises `scopes`; the first invalid one is returned as the error.
    pub(crate) fn parse<I, S>(scopes: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Vec::new();
        for scope in scopes {
            let scope = scope.as_ref();
            if !is_scope_token(scope) {
                return Err(scope.to_owned());
            }
            list.push(scope.to_owned());
        }
        list.sort_unstable();
        list.dedup();
        Ok(ScopeSet(list.join(" ").into()))
    }

    /// The `scope` parameter value; empty means "no scope parameter" (all allowed scopes).
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|s| !s.is_empty())
    }
}

/// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
fn is_scope_token(scope: &str) -> bool {
    !scope.is_empty() && scope.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sets_in_any_order_normalise_to_the_same_key() {
        let a = ScopeSet::parse(["b/write", "a/read", "b/write"]).unwrap();
        let b = ScopeSet::parse(vec!["a/read".to_owned(), "b/write".to_owned()]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "a/read b/write");
        assert_eq!(a.iter().collect::<Vec<_>>(), ["a/read", "b/write"]);
    }

    #[test]
    fn no_scopes_is_the_empty_set() {
        let none = ScopeSet::parse(Vec::<String>::new()).unwrap();
        assert!(none.is_empty());
        assert_eq!(none.iter().count(), 0);
    }

    #[test]
    fn scopes_with_spaces_quotes_or_control_characters_are_refused() {
        for bad in ["", "a b", "a\"b", "a\\b", "a\tb", "é"] {
            assert_eq!(ScopeSet::parse([bad]), Err(bad.to_owned()), "{bad:?}");
        }
    }
}
