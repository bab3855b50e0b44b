//! The response body of the layer: the inner service's body, or the bytes of a rejection.
//!
//! Wrapping keeps the layer generic over body types: it cannot build a `B` from bytes for every
//! `B` (tonic's body has no such constructor), but it can answer with its own variant. Both
//! axum (`Router::layer`, `route_layer`) and tonic (`Server::layer`) accept any body with
//! `Data = Bytes`.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

pin_project! {
    /// Response body of [`AuthService`](crate::AuthService): the inner service's body `B`,
    /// or a rejection's bytes.
    pub struct ResponseBody<B> {
        #[pin]
        inner: Inner<B>,
    }
}

pin_project! {
    #[project = InnerProj]
    enum Inner<B> {
        Service {
            #[pin]
            body: B,
        },
        Rejection {
            bytes: Option<Bytes>,
        },
    }
}

impl<B> ResponseBody<B> {
    /// The inner service's body, passed through untouched.
    pub fn new(body: B) -> Self {
        ResponseBody { inner: Inner::Service { body } }
    }

    /// A rejection's body (empty bytes for gRPC trailers-only responses).
    pub fn rejection(bytes: Bytes) -> Self {
        let bytes = (!bytes.is_empty()).then_some(bytes);
        ResponseBody { inner: Inner::Rejection { bytes } }
    }
}

impl<B: Default> Default for ResponseBody<B> {
    fn default() -> Self {
        ResponseBody::new(B::default())
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.project().inner.project() {
            InnerProj::Service { body } => body.poll_frame(cx),
            InnerProj::Rejection { bytes } => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Service { body } => body.is_end_stream(),
            Inner::Rejection { bytes } => bytes.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Service { body } => body.size_hint(),
            Inner::Rejection { bytes } => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
        }
    }
}

impl<B> std::fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Service { .. } => f.write_str("ResponseBody::Service"),
            Inner::Rejection { bytes } => f
                .debug_struct("ResponseBody::Rejection")
                .field("len", &bytes.as_ref().map_or(0, Bytes::len))
                .finish(),
        }
    }
}
