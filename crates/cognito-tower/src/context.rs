//! What the layer tells the handlers and guards behind it: [`AuthContext`].

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, Response};

use crate::authenticate::Authenticate;
use crate::error::AuthError;
use crate::on_rejection::OnRejection;
use crate::other_schemes::OtherSchemes;
use crate::response::{ensure_no_store, is_grpc};
use crate::scopes_and_groups::{Grants, GrantsView, ScopesAndGroups, view_through};

/// How the [`AuthLayer`](crate::AuthLayer) that handled a request answers auth failures, and
/// which claims type it produces.
///
/// The layer puts a clone in the extensions of every request it lets through, so that
/// extractors and guards further in (e.g. `cognito-axum`'s) answer with the same statuses,
/// headers and hook, and can tell "no layer ran" from "the layer ran in optional mode and found
/// no token".
///
/// A handler or middleware behind the layer reads it from the request extensions:
///
/// ```
/// use std::sync::Arc;
///
/// use axum::Extension;
/// use cognito_tower::AuthContext;
/// use cognito_verify::CognitoClaims;
///
/// async fn who(Extension(context): Extension<AuthContext>) -> String {
///     let mode = if context.is_optional() { "optional" } else { "required" };
///     assert!(context.provides::<CognitoClaims>());
///     format!("{mode} auth, realm {:?}", context.realm())
/// }
/// # let _ = who;
/// ```
#[derive(Clone)]
pub struct AuthContext {
    inner: Arc<ContextInner>,
}

#[derive(Clone)]
pub(crate) struct ContextInner {
    pub(crate) optional: bool,
    pub(crate) other_schemes: OtherSchemes,
    pub(crate) realm: Option<String>,
    /// The absolute URL of the RFC 9728 metadata, named in HTTP challenges.
    pub(crate) resource_metadata: Option<String>,
    pub(crate) hook: Option<Arc<dyn OnRejection>>,
    claims_type: TypeId,
    claims_type_name: &'static str,
    pub(crate) grants: GrantsView,
}

impl AuthContext {
    /// The default for a layer authenticating with `A`: required mode, no realm, no hook, and
    /// guards see the claims through `A`'s [`scopes_and_groups`](Authenticate::scopes_and_groups).
    pub(crate) fn new<A: Authenticate>() -> Self {
        fn view<A: Authenticate>(extensions: &Extensions) -> Grants<'_> {
            view_through::<A::Claims>(extensions, A::scopes_and_groups)
        }
        AuthContext {
            inner: Arc::new(ContextInner {
                optional: false,
                other_schemes: OtherSchemes::Refuse,
                realm: None,
                resource_metadata: None,
                hook: None,
                claims_type: TypeId::of::<A::Claims>(),
                claims_type_name: std::any::type_name::<A::Claims>(),
                grants: view::<A>,
            }),
        }
    }

    /// Guards see claims of type `T` directly as [`ScopesAndGroups`] (for authenticators that do
    /// not say how themselves, such as closures).
    pub(crate) fn grants_from_claims<T: ScopesAndGroups + 'static>(&self) -> Self {
        fn view<T: ScopesAndGroups + 'static>(extensions: &Extensions) -> Grants<'_> {
            match extensions.get::<Arc<T>>() {
                Some(claims) => Grants::Claims(&**claims),
                None => Grants::NoClaims,
            }
        }
        self.modified(|inner| inner.grants = view::<T>)
    }

    /// A copy with one setting changed (the layer's builder methods).
    pub(crate) fn modified(&self, change: impl FnOnce(&mut ContextInner)) -> Self {
        let mut inner = ContextInner::clone(&self.inner);
        change(&mut inner);
        AuthContext { inner: Arc::new(inner) }
    }

    /// The response for `error` on `request`: the hook's, or [`AuthError::to_response`] with
    /// this layer's realm (and over HTTP its [`resource_metadata`](Self::resource_metadata)). Also records the rejection as a `tracing` event.
    pub fn reject(&self, error: &AuthError, request: &Parts) -> Response<Bytes> {
        self.reject_with_kid(error, None, request)
    }

    pub(crate) fn reject_with_kid(
        &self,
        error: &AuthError,
        kid: Option<&str>,
        request: &Parts,
    ) -> Response<Bytes> {
        error.log(kid);
        match &self.inner.hook {
            Some(hook) => {
                let mut response = hook.on_rejection(error, request);
                ensure_no_store(&mut response);
                response
            }
            None if is_grpc(&request.method, &request.headers) => error.to_grpc_response(),
            None => error.http_response(self.realm(), self.resource_metadata()),
        }
    }

    /// Whether the layer lets requests without a token through (without claims).
    pub fn is_optional(&self) -> bool {
        self.inner.optional
    }

    /// What an optional layer does with an `Authorization` header without a Bearer token.
    pub fn other_schemes(&self) -> OtherSchemes {
        self.inner.other_schemes
    }

    /// The realm named in `WWW-Authenticate`, if configured.
    pub fn realm(&self) -> Option<&str> {
        self.inner.realm.as_deref()
    }

    /// The URL of the API's RFC 9728 metadata named in challenges, if configured
    /// ([`AuthLayer::resource_metadata`](crate::AuthLayer::resource_metadata)).
    pub fn resource_metadata(&self) -> Option<&str> {
        self.inner.resource_metadata.as_deref()
    }

    /// Whether the layer puts `Arc<T>` in the extensions of the requests it authenticates
    /// (an extractor asking for other claims is a misconfigured route).
    pub fn provides<T: 'static>(&self) -> bool {
        self.inner.claims_type == TypeId::of::<T>()
    }

    /// The name of the layer's claims type, for error messages and logs.
    pub fn claims_type_name(&self) -> &'static str {
        self.inner.claims_type_name
    }

    /// What the claims in `extensions` (a request this layer handled) grant, whatever the
    /// layer's claims type: what scope and group guards check.
    ///
    /// ```
    /// use cognito_tower::{AuthContext, Grants};
    /// use http::Request;
    ///
    /// fn is_admin<B>(request: &Request<B>) -> bool {
    ///     let Some(context) = request.extensions().get::<AuthContext>() else { return false };
    ///     match context.grants(request.extensions()) {
    ///         Grants::Claims(claims) => claims.in_group("admin"),
    ///         _ => false,
    ///     }
    /// }
    /// # let _ = is_admin::<()>;
    /// ```
    pub fn grants<'a>(&self, extensions: &'a Extensions) -> Grants<'a> {
        (self.inner.grants)(extensions)
    }
}

impl fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("optional", &self.inner.optional)
            .field("other_schemes", &self.inner.other_schemes)
            .field("realm", &self.inner.realm)
            .field("resource_metadata", &self.inner.resource_metadata)
            .field("custom_hook", &self.inner.hook.is_some())
            .field("claims_type", &self.inner.claims_type_name)
            .finish()
    }
}
