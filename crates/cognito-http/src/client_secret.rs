//! The app client secret of `cognito-client` and `cognito-login`, and its rotation: up to two
//! secrets (Cognito allows two per app client since 30 Jan 2026), or a [`SecretSource`] read
//! again at each token request (a file a secret manager rewrites, a closure), and the memory of
//! which one last worked.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The largest secret file read. Cognito secrets are 24 to 64 characters of `[\w+]`
/// (`AddUserPoolClientSecret`); a file larger than this is not a secret file.
const MAX_SECRET_FILE_BYTES: u64 = 4096;

/// A string that is only readable through [`expose`](Self::expose): its `Debug` prints
/// `<redacted>` and it has no `Display`, so it cannot end up in a log line or an error message
/// by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<Arc<str>>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself, for building a token request and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where an app client secret is read from when it can change while the process runs: a file
/// that a secret manager rewrites (a Kubernetes secret volume, the Secrets Store CSI driver,
/// an agent writing AWS Secrets Manager values to disk), or a closure of the application's.
///
/// The source is read again before each token request (about one per token lifetime), so a
/// rotated secret is picked up without a restart. A secret that worked is kept in use until the
/// token endpoint refuses it with `invalid_client`; then the other secret (the source's current
/// value, or the second configured secret) is tried once, and the one that works stays in use.
/// See `docs/secret-rotation.md` for the runbook.
///
/// ```
/// use cognito_http::SecretSource;
///
/// // A file: surrounding whitespace (a trailing newline) is ignored.
/// let from_file = SecretSource::file("/var/run/secrets/cognito/client-secret");
/// // A closure, e.g. over a value a background task refreshes from a secret manager. It must
/// // not block: it is called on the runtime's threads. `None`: keep the last value read.
/// let current = std::sync::Arc::new(std::sync::RwLock::new(String::from("s3cret-value")));
/// let from_memory = SecretSource::from_fn(move || current.read().ok().map(|s| s.clone()));
/// assert!(!format!("{from_file:?} {from_memory:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct SecretSource(Source);

#[derive(Clone)]
enum Source {
    Fixed(Secret),
    File(PathBuf),
    Fn(Arc<dyn Fn() -> Option<String> + Send + Sync>),
}

impl SecretSource {
    /// A secret that does not change.
    pub fn fixed(secret: impl Into<String>) -> Self {
        SecretSource(Source::Fixed(Secret::new(secret.into())))
    }

    /// The secret in this file, read again before each token request. Surrounding whitespace
    /// is ignored. The file must be readable, non-empty and at most 4 KiB when the client is
    /// built; if a later read fails (the file is being replaced), the last value read is used.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        SecretSource(Source::File(path.into()))
    }

    /// The secret this closure returns, called before each token request; `None` (or an
    /// empty string) means "unavailable right now": the last value it returned is used. It is
    /// called on the async runtime's threads: return a value held in memory, do not block.
    pub fn from_fn(read: impl Fn() -> Option<String> + Send + Sync + 'static) -> Self {
        SecretSource(Source::Fn(Arc::new(read)))
    }

    /// Whether this is a [`fixed`](Self::fixed) empty secret: no secret at all.
    pub fn is_empty(&self) -> bool {
        matches!(&self.0, Source::Fixed(secret) if secret.is_empty())
    }

    /// Reads the source now (blocking for a file: call from a blocking context).
    fn read_now(&self) -> Result<Secret, String> {
        match &self.0 {
            Source::Fixed(secret) => Ok(secret.clone()),
            Source::File(path) => read_secret_file(path),
            Source::Fn(read) => match read() {
                Some(secret) if !secret.is_empty() => Ok(Secret::new(secret)),
                _ => Err("the secret closure returned no secret".to_owned()),
            },
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Fixed(_) => f.write_str("<redacted>"),
            Source::File(path) => f.debug_tuple("SecretSource::file").field(path).finish(),
            Source::Fn(_) => f.write_str("SecretSource::from_fn(..)"),
        }
    }
}

/// The secret in `path`: at most [`MAX_SECRET_FILE_BYTES`], UTF-8, trimmed, not empty. The
/// errors name the file, never its content.
fn read_secret_file(path: &Path) -> Result<Secret, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|err| format!("cannot open {shown}: {err}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SECRET_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read {shown}: {err}"))?;
    if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
        return Err(format!("{shown} is larger than {MAX_SECRET_FILE_BYTES} bytes: not a secret file"));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8"))?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(format!("{shown} is empty"));
    }
    Ok(Secret::new(secret))
}

/// The secrets of one app client: a [`SecretSource`], an optional second secret, and the one
/// that last worked. Shared by the requests of one provider.
#[derive(Debug)]
pub struct ClientSecrets {
    source: SecretSource,
    second: Option<Secret>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The secret the token endpoint last accepted.
    in_use: Option<Secret>,
    /// The last value read from the source, used when a read fails.
    last_read: Option<Secret>,
}

impl ClientSecrets {
    /// Reads the source once (blocking, for a file) so that a missing or empty secret is a
    /// configuration error at build time, not at the first token request.
    pub fn new(source: SecretSource, second: Option<Secret>) -> Result<Self, String> {
        let first = source.read_now().and_then(|secret| {
            if secret.is_empty() { Err("the client secret is empty".to_owned()) } else { Ok(secret) }
        })?;
        let second = second.filter(|secret| !secret.is_empty());
        Ok(ClientSecrets {
            source,
            second,
            state: Mutex::new(State { in_use: None, last_read: Some(first) }),
        })
    }

    /// The secrets to try, in order, at most two and distinct: the one that last worked, then
    /// the source's current value and the second secret. Reads the source (a file on a blocking
    /// thread).
    pub async fn candidates(&self) -> Vec<Secret> {
        let read = match &self.source.0 {
            Source::File(_) => {
                let source = self.source.clone();
                tokio::task::spawn_blocking(move || source.read_now())
                    .await
                    .unwrap_or_else(|_| Err("the secret file read did not complete".to_owned()))
            }
            _ => self.source.read_now(),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let current = match read {
            Ok(secret) => {
                state.last_read = Some(secret.clone());
                Some(secret)
            }
            Err(reason) => {
                tracing::warn!(source = ?self.source, %reason, "cannot read the client secret; using the last value read");
                state.last_read.clone()
            }
        };
        let mut candidates: Vec<Secret> = Vec::with_capacity(2);
        for secret in [state.in_use.clone(), current, self.second.clone()].into_iter().flatten() {
            if candidates.len() < 2 && !candidates.contains(&secret) {
                candidates.push(secret);
            }
        }
        candidates
    }

    /// The token endpoint accepted `secret`: it is tried first from now on.
    pub fn worked(&self, secret: &Secret) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.in_use.as_ref() != Some(secret) {
            if state.in_use.is_some() {
                tracing::info!("the token endpoint accepted the other client secret: using it from now on");
            }
            state.in_use = Some(secret.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposed(secrets: &[Secret]) -> Vec<&str> {
        secrets.iter().map(Secret::expose).collect()
    }

    #[test]
    fn debug_shows_no_secret() {
        let shown =
            format!("{:?} {:?}", Secret::new("hunter2-secret"), SecretSource::fixed("hunter2-secret"));
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[tokio::test]
    async fn the_secret_that_worked_is_tried_first_and_at_most_two_are_tried() {
        let secrets = ClientSecrets::new(SecretSource::fixed("current"), Some(Secret::new("next"))).unwrap();
        assert_eq!(exposed(&secrets.candidates().await), ["current", "next"]);
        secrets.worked(&Secret::new("next"));
        assert_eq!(exposed(&secrets.candidates().await), ["next", "current"]);
    }

    #[tokio::test]
    async fn a_closure_that_returns_nothing_keeps_the_last_value() {
        let value = Arc::new(Mutex::new(Some("first".to_owned())));
        let shared = Arc::clone(&value);
        let secrets =
            ClientSecrets::new(SecretSource::from_fn(move || shared.lock().unwrap().clone()), None).unwrap();
        *value.lock().unwrap() = None;
        assert_eq!(exposed(&secrets.candidates().await), ["first"]);
    }

    #[test]
    fn an_empty_or_missing_source_is_refused_at_build() {
        assert!(ClientSecrets::new(SecretSource::from_fn(|| Some(String::new())), None).is_err());
        let err = ClientSecrets::new(SecretSource::file("/nonexistent/cognito-secret"), None).unwrap_err();
        assert!(err.contains("/nonexistent/cognito-secret"), "{err}");
    }
}
