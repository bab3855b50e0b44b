//! [`Secret`]: the client secret, which never shows in `Debug`, `Display` or logs.

use std::fmt;

/// A string that is only readable through [`expose`](Self::expose): its `Debug` prints
/// `<redacted>` and it has no `Display`, so it cannot end up in a log line or error message by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(secret: String) -> Self {
        Secret(secret)
    }

    /// The secret itself, for building the token request and nothing else.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_secret_does_not_show_it() {
        let secret = Secret::new("hunter2-very-secret".to_owned());
        let shown = format!("{secret:?} {secret:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }
}
