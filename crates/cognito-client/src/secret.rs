//! The client secret, which never shows in `Debug`, `Display` or logs: the type shared with
//! `cognito-login` (`cognito_http::Secret`), and its rotation (`ClientSecrets`).

pub(crate) use cognito_http::{ClientSecrets, Secret};

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
