//! [`read_capped`]: a response body, refused once it grows past a limit.

/// Why a body could not be read; see [`read_capped`].
///
/// ```
/// use cognito_http::BodyError;
///
/// fn label(err: &BodyError) -> &'static str {
///     match err {
///         BodyError::TooLarge => "too_large",
///         BodyError::Transport(_) => "transport",
///     }
/// }
/// assert_eq!(label(&BodyError::TooLarge), "too_large");
/// ```
#[derive(Debug)]
pub enum BodyError {
    /// The body is larger than the limit (by its `Content-Length`, or as it arrived).
    TooLarge,
    /// The connection failed while the body arrived.
    Transport(reqwest::Error),
}

/// The body of `response`, refused as soon as it is known to exceed `limit` bytes: before
/// reading when `Content-Length` says so, else at the chunk that crosses the limit. Never holds
/// more than `limit` bytes.
pub async fn read_capped(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
