//! Where to send the user after signing in: only a path on this site, never another origin.

/// The longest return path kept; longer ones fall back to `/`.
const MAX_LEN: usize = 2048;

/// `candidate` if it is a same-origin relative reference (an absolute path, with an optional
/// query), `None` otherwise.
///
/// Refused: anything not starting with a single `/` (absolute URLs, `//evil.example`
/// scheme-relative URLs), backslashes (`/\evil.example`, which browsers read as `//`), control
/// characters and whitespace (header splitting, and browsers stripping tabs and newlines from
/// URLs), fragments, and paths over 2 KiB.
///
/// ```
/// # use cognito_login::safe_return_path;
/// assert_eq!(safe_return_path("/admin/users?page=2"), Some("/admin/users?page=2"));
/// assert_eq!(safe_return_path("https://evil.example/"), None);
/// assert_eq!(safe_return_path("//evil.example/"), None);
/// assert_eq!(safe_return_path("/\\evil.example/"), None);
/// ```
pub fn safe_return_path(candidate: &str) -> Option<&str> {
    let bytes = candidate.as_bytes();
    let single_slash = bytes.first() == Some(&b'/') && !matches!(bytes.get(1), Some(b'/' | b'\\'));
    let clean = candidate.bytes().all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'#');
    (single_slash && clean && candidate.len() <= MAX_LEN).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for path in ["/", "/admin", "/admin/users?page=2&sort=name", "/a/%2F%2Fb"] {
            assert_eq!(safe_return_path(path), Some(path));
        }
    }

    #[test]
    fn other_origins_and_tricks_are_refused() {
        for path in [
            "",
            "admin",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/ok\\..\\x",
            "/\t/evil.example",
            "/\n/evil.example",
            "/a b",
            "/a#frag",
            "javascript:alert(1)",
            "/é",
        ] {
            assert_eq!(safe_return_path(path), None, "{path:?}");
        }
        assert_eq!(safe_return_path(&format!("/{}", "a".repeat(MAX_LEN))), None);
    }
}
