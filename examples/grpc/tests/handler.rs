//! The example's tonic method reads the caller's claims: the `sub` it answers with is the one
//! of the token the client sent.

use cognito_testkit::TestIssuer;
use grpc::REQUIRED_SCOPE;

#[tokio::test]
async fn the_check_handler_reads_the_callers_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(grpc::serve(listener, verifier));

    for sub in ["caller-a", "caller-b"] {
        let token = issuer.access_token().sub(sub).scopes([REQUIRED_SCOPE]).sign();
        assert_eq!(grpc::caller(addr, &token).await.unwrap(), sub);
    }
}
