//! Issue 12, item 5: a TLS certificate the client does not trust is a permanent failure, not
//! retried, and the error says so. The token endpoint is a loopback TLS server whose
//! self-signed certificate (`fixtures/untrusted-cert.pem`, for 127.0.0.1) no trust store holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cognito_client::{ClientCredentials, TokenError};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A TLS listener with the untrusted certificate; counts the connections it accepts.
async fn untrusted_tls_server() -> (String, Arc<AtomicUsize>) {
    let cert = CertificateDer::from_pem_slice(include_bytes!("fixtures/untrusted-cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("fixtures/untrusted-key.pem")).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/oauth2/token", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            // The handshake fails on the client's side; nothing more to serve.
            tokio::spawn(async move { drop(acceptor.accept(stream).await) });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_permanent_error_and_not_retried() {
    let (url, connections) = untrusted_tls_server().await;
    let tokens = ClientCredentials::builder()
        .token_endpoint(url)
        .client_id("m2m")
        .client_secret("m2m-secret")
        .max_attempts(3)
        .build()
        .unwrap();
    let error = tokens.access_token().await.unwrap_err();
    let TokenError::Certificate { reason } = &error else { panic!("expected Certificate, got {error:?}") };
    assert!(reason.contains("certificate"), "{reason}");
    assert!(error.to_string().contains("permanent, not retried"), "{error}");
    assert!(!error.is_transient());
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one attempt, no retry");
}
