//! Every rejection is a `tracing` event with the reason and the token's `kid`, and never the
//! token. (Its own test binary: it installs a thread-local subscriber.)

use std::convert::Infallible;
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use cognito_testkit::TestIssuer;
use cognito_tower::CognitoLayer;
use tower::{Layer, ServiceExt, service_fn};
use tracing::field::Field;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Records the layer's events as `LEVEL field=value ...` lines.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

impl Subscriber for Capture {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() != "cognito_tower" {
            return;
        }
        let mut line = event.metadata().level().to_string();
        event.record(&mut |field: &Field, value: &dyn fmt::Debug| {
            write!(line, " {}={value:?}", field.name()).unwrap();
        });
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn rejections_are_logged_with_reason_and_kid_but_never_the_token() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let service = CognitoLayer::new(verifier).layer(service_fn(|_: http::Request<String>| async {
        Ok::<_, Infallible>(http::Response::new(String::new()))
    }));
    let token = cognito_testkit::tamper_signature(&issuer.access_token().sign());
    let request = |authorization: Option<&str>| {
        let mut builder = http::Request::builder();
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        builder.body(String::new()).unwrap()
    };

    let invalid = service.clone().oneshot(request(Some(&format!("Bearer {token}")))).await.unwrap();
    assert_eq!(invalid.status(), 401);
    let missing = service.oneshot(request(None)).await.unwrap();
    assert_eq!(missing.status(), 401);

    let lines = capture.0.lock().unwrap().clone();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let kid = issuer.signing_kid();
    assert!(
        lines[0].starts_with("WARN message=request rejected status=401 error=\"invalid_token\""),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(&format!("kid=\"{kid}\"")), "{}", lines[0]);
    assert!(lines[0].contains("reason=invalid token: invalid signature"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("DEBUG message=request rejected status=401 error=\"missing_token\""),
        "{}",
        lines[1]
    );
    let signature = token.rsplit('.').next().unwrap();
    assert!(lines.iter().all(|line| !line.contains(signature)), "{lines:#?}");
}
