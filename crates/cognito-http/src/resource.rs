//! [`is_resource_indicator`]: what a `resource` parameter (RFC 8707) may be.

/// The most characters a resource indicator may have (Cognito's resource server identifiers:
/// 1 to 256).
const MAX_RESOURCE_CHARS: usize = 256;

/// Whether `resource` is a resource indicator Cognito accepts: 1 to 256 characters from `%x21 /
/// %x23-5B / %x5D-7E` (the pattern of a resource server identifier: no spaces, quotes,
/// backslashes or non-ASCII), and no fragment (RFC 8707 §2).
pub fn is_resource_indicator(resource: &str) -> bool {
    !resource.is_empty()
        && resource.len() <= MAX_RESOURCE_CHARS
        && !resource.contains('#')
        && resource.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_indicators_are_checked_like_cognito_identifiers() {
        assert!(is_resource_indicator("https://api.example.com/mcp"));
        assert!(is_resource_indicator("solar-system-data"));
        for bad in ["", "a b", "https://api.example.com/#frag", "a\"b", "é", &"a".repeat(257)] {
            assert!(!is_resource_indicator(bad), "{bad:?}");
        }
    }
}
