//! Heap allocations per request on the layer's hot path: a token already in the verified-token
//! cache, keys cached, so `authenticate_now` answers and no future is created.
//!
//! Run with `cargo bench -p cognito-tower --bench allocations`. A counting global allocator
//! (dhat, in testing mode) counts every allocation between handing the request to the service
//! and getting the response, for the layer around a service that allocates nothing, and for the
//! same service alone; the difference is the layer's.

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use cognito_testkit::TestIssuer;
use cognito_tower::CognitoLayer;
use cognito_verify::TokenUse;
use http::{Request, Response, StatusCode};
use tower::{Layer, Service};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const CLIENT: &str = "4a1bexampleclientid0123456";
const REQUESTS: u64 = 1000;

/// Poll a future that completes without waiting.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the hot path had to wait"),
    }
}

fn request(header: &http::HeaderValue) -> Request<()> {
    let mut request = Request::new(());
    request.headers_mut().insert(http::header::AUTHORIZATION, header.clone());
    request
}

/// Allocations per call of `service` over `REQUESTS` requests built beforehand.
fn allocations_per_request<S, B>(service: &mut S, header: &http::HeaderValue) -> f64
where
    S: Service<Request<()>, Response = Response<B>, Error = Infallible>,
{
    let requests: Vec<_> = (0..REQUESTS).map(|_| request(header)).collect();
    let mut responses = Vec::with_capacity(requests.len());
    let before = dhat::HeapStats::get().total_blocks;
    for request in requests {
        let response = ready(service.call(request)).unwrap_or_else(|never| match never {});
        responses.push(response.status());
    }
    let after = dhat::HeapStats::get().total_blocks;
    assert!(responses.iter().all(|status| *status == StatusCode::OK));
    (after - before) as f64 / REQUESTS as f64
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let issuer = runtime.block_on(TestIssuer::start());
    let token = issuer
        .access_token()
        .client_id(CLIENT)
        .scopes(["aws.cognito.signin.user.admin", "openid", "transactions/get"])
        .groups(["admin", "finance"])
        .sign();
    let verifier = issuer
        .verifier()
        .clock(cognito_verify::SystemClock)
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .build()
        .unwrap();
    runtime.block_on(async {
        verifier.hydrate().await.unwrap();
        verifier.verify(&token).await.unwrap();
    });
    let header = http::HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    let hello = tower::service_fn(|_request: Request<()>| async { Ok::<_, Infallible>(Response::new(())) });

    let _profiler = dhat::Profiler::builder().testing().build();
    // The runtime's and the issuer's threads allocate too: count only while they are idle,
    // in rounds, and take the smallest count.
    let mut layered = CognitoLayer::new(verifier).layer(hello);
    let mut plain = hello;
    let rounds = 5;
    let layer = (0..rounds).map(|_| allocations_per_request(&mut layered, &header)).fold(f64::MAX, f64::min);
    let alone = (0..rounds).map(|_| allocations_per_request(&mut plain, &header)).fold(f64::MAX, f64::min);
    println!("heap allocations per request, cached token, keys cached (counting allocator):");
    println!("  service alone:                {alone:.2}");
    println!("  behind CognitoLayer:          {layer:.2}");
    println!("  the layer's:                  {:.2}", layer - alone);
}
