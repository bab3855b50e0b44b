//! [`Error`]: why the demo could not run at all (a step that misbehaves is not an error: it is
//! a failed [`Step`](crate::Step)).

/// The demo could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The issuer or a server could not start.
    #[error("cannot start the demo: {0}")]
    Setup(String),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}
