//! [`OutOfRange`]: an option whose value cannot be used.

use std::fmt;

/// An option is out of range. Each crate turns it into its own `ConfigError::OutOfRange`.
///
/// ```
/// use cognito_http::OutOfRange;
///
/// let err = OutOfRange::check(false, "leeway", "at most 300 s").unwrap_err();
/// assert_eq!(err.to_string(), "option leeway is out of range: at most 300 s");
/// assert!(OutOfRange::check(true, "leeway", "at most 300 s").is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The option's name, as the builder method is called.
    pub option: &'static str,
    /// The range it must be in.
    pub reason: &'static str,
}

impl OutOfRange {
    /// `Ok` when `ok`, else the error for `option`.
    pub fn check(ok: bool, option: &'static str, reason: &'static str) -> Result<(), OutOfRange> {
        if ok { Ok(()) } else { Err(OutOfRange { option, reason }) }
    }
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "option {} is out of range: {}", self.option, self.reason)
    }
}

impl std::error::Error for OutOfRange {}
