//! [`LogCapture`]: what an application logs, collected as text, for tests that assert on it.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use crate::lock::lock;

/// A writer that keeps everything written to it, for a test that checks what the application
/// logged (a rejection's reason, a misconfigured route's fix, the caller on a request span).
/// Clones share one buffer: hand a clone to the subscriber, read [`text`](Self::text) after.
///
/// With `tracing-subscriber`'s `fmt`, install it for the test's thread; a `#[tokio::test]`
/// runs the app's tasks on that thread:
///
/// ```ignore
/// let log = cognito_testkit::LogCapture::default();
/// let writer = log.clone();
/// let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
/// let _default = tracing::subscriber::set_default(subscriber);
/// // ... requests ...
/// assert!(log.text().contains("Claims type mismatch"));
/// ```
///
/// Keep such a test in its own test binary (its own file under `tests/`): `tracing` caches
/// whether a call site is enabled, and another test of the same binary running first without a
/// subscriber can leave the cache saying "never".
#[derive(Debug, Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.0)).into_owned()
    }

    /// The lines written so far that contain `needle`.
    pub fn lines_containing(&self, needle: &str) -> Vec<String> {
        self.text().lines().filter(|line| line.contains(needle)).map(str::to_owned).collect()
    }
}

impl Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        lock(&self.0).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_write_into_one_buffer_read_as_text_and_lines() {
        let log = LogCapture::default();
        let mut writer = log.clone();
        writer.write_all(b"INFO started\nERROR Claims type mismatch: fix it\n").unwrap();
        assert_eq!(log.text(), "INFO started\nERROR Claims type mismatch: fix it\n");
        assert_eq!(log.lines_containing("mismatch"), ["ERROR Claims type mismatch: fix it"]);
    }
}
