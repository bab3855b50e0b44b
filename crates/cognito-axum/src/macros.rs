//! The rejection types are generated, as axum-core generates its own: one macro for a single
//! way to fail ([`define_rejection!`]), one for the enum of them an extractor returns
//! ([`composite_rejection!`]).

/// A `#[non_exhaustive]` server-side rejection (a misconfigured route) with a fixed status, a
/// plain-text body for the client and a `Display` text for the log: `status()`, `body_text()`,
/// `Display`, `Error`, `IntoResponse`, and the bytes response the route guards answer with.
/// The `@impls` arm serves rejections with fields, whose `Display` is written by hand.
macro_rules! define_rejection {
    (
        #[status = $status:ident]
        #[body = $body:expr]
        #[log = $log:literal]
        $(#[$meta:meta])*
        pub struct $name:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        #[non_exhaustive]
        pub struct $name;

        define_rejection!(@impls $name, $status, $body, |_this, f| f.write_str($log));
    };
    (@impls $name:ident, $status:ident, $body:expr, |$this:ident, $f:ident| $display:expr) => {
        impl $name {
            /// The status of the response.
            pub fn status(&self) -> http::StatusCode {
                http::StatusCode::$status
            }

            /// The text of the response body. It names no type, module or crate: a client is
            /// told the server is misconfigured, the server's log (and `Display`) says how.
            pub fn body_text(&self) -> String {
                $body.to_owned()
            }

            /// The response, with a body of bytes (the route guards are generic over bodies).
            /// Logged at ERROR with the `Display` text: it means the router needs fixing.
            pub(crate) fn into_bytes_response(self) -> http::Response<bytes::Bytes> {
                crate::rejection::misconfigured_response(self.status(), self.body_text(), &self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, $f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let $this = self;
                $display
            }
        }

        impl std::error::Error for $name {}

        impl axum::response::IntoResponse for $name {
            fn into_response(self) -> axum::response::Response {
                self.into_bytes_response().map(axum::body::Body::from)
            }
        }
    };
}

/// The rejection enum of an extractor: one variant per rejection type, each answered as that
/// type answers. `Display` forwards to the variant, so `source()` is the variant's source.
macro_rules! composite_rejection {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_meta])* $variant($variant)),+
        }

        impl $name {
            /// The status of the response.
            pub fn status(&self) -> http::StatusCode {
                match self {
                    $(Self::$variant(inner) => inner.status()),+
                }
            }

            /// The text of the response body.
            pub fn body_text(&self) -> String {
                match self {
                    $(Self::$variant(inner) => inner.body_text()),+
                }
            }

            /// The response, with a body of bytes (the route guards are generic over bodies).
            pub(crate) fn into_bytes_response(self) -> http::Response<bytes::Bytes> {
                match self {
                    $(Self::$variant(inner) => inner.into_bytes_response()),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Self::$variant(inner) => std::fmt::Display::fmt(inner, f)),+
                }
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    $(Self::$variant(inner) => std::error::Error::source(inner)),+
                }
            }
        }

        impl axum::response::IntoResponse for $name {
            fn into_response(self) -> axum::response::Response {
                self.into_bytes_response().map(axum::body::Body::from)
            }
        }

        $(
            impl From<$variant> for $name {
                fn from(inner: $variant) -> Self {
                    Self::$variant(inner)
                }
            }
        )+
    };
}
