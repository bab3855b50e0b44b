//! The `tracing` events of token requests, retries and failures never carry the secret or the
//! token.

mod common;

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use cognito_client::ClientAuth;
use cognito_testkit::Fault;
use common::{SECRET, issuer, tokens};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const WRONG_SECRET: &str = "wrong-secret-keep-out-of-logs";

/// Records every event and span as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Recorder {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = span.metadata().name().to_owned();
        span.record(&mut Line(&mut line));
        self.push(line);
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::new();
        values.record(&mut Line(&mut line));
        self.push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = event.metadata().level().to_string();
        event.record(&mut Line(&mut line));
        self.push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn logs_of_requests_retries_and_failures_contain_neither_secret_nor_token() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let issuer = issuer().await;

    let mut seen = Vec::new();
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let provider = tokens(&issuer).auth_method(auth).build().unwrap();
        issuer.set_token_fault_for(Fault::Status(500), 1);
        seen.push(provider.access_token().await.unwrap());
        let wrong = tokens(&issuer).client_secret(WRONG_SECRET).auth_method(auth).build().unwrap();
        assert!(wrong.access_token().await.is_err());
    }

    let lines = recorder.lines();
    let text = lines.join("\n");
    assert!(text.contains("retrying"), "the retry was logged:\n{text}");
    assert!(text.contains("invalid_client"), "the failure was logged:\n{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains(WRONG_SECRET), "{text}");
    for token in &seen {
        assert!(!text.contains(token.as_str()), "{text}");
    }
}
