//! Reading the caller's claims in a tonic service method: [`RequestClaims`] (feature `tonic`).

use std::any::type_name;
use std::sync::Arc;

use tonic::{Request, Status};

use crate::context::AuthContext;

/// The claims the auth layer put in the request, read from a tonic `Request` in a service
/// method. Behind the `tonic` feature.
///
/// tonic carries the HTTP request's extensions into the `tonic::Request` it hands the method,
/// so the `Arc<T>` the layer inserted is there: `request.claims::<CognitoClaims>()?` is the
/// caller, or a status to return as it is.
///
/// ```
/// use cognito_tower::RequestClaims;
/// use cognito_verify::CognitoClaims;
/// use tonic::{Request, Response, Status};
///
/// // In a service method (`impl MyService for ...`):
/// async fn whoami(request: Request<()>) -> Result<Response<String>, Status> {
///     let claims = request.claims::<CognitoClaims>()?;
///     Ok(Response::new(claims.sub().to_owned()))
/// }
/// ```
///
/// Errors, as statuses the method can return with `?`:
/// - `UNAUTHENTICATED`: an [optional](crate::AuthLayer::optional) layer let a call without a
///   token through;
/// - `INTERNAL` with the message `server misconfigured`: no auth layer in front of the service,
///   or a layer whose claims type is not `T` (e.g. `CognitoClaims` asked for behind a layer with
///   `custom_claims::<Tenant>()`). The status names no Rust type; an `ERROR` log line names both
///   types and the fix.
pub trait RequestClaims {
    /// The claims of type `T` (`CognitoClaims`, `CognitoClaims<MyClaims>`, `AlbClaims`...) the
    /// layer put in the request.
    fn claims<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, Status>;
}

impl<M> RequestClaims for Request<M> {
    fn claims<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, Status> {
        if let Some(claims) = self.extensions().get::<Arc<T>>() {
            return Ok(Arc::clone(claims));
        }
        match self.extensions().get::<AuthContext>() {
            Some(context) if context.provides::<T>() && context.is_optional() => {
                Err(Status::unauthenticated("no credentials"))
            }
            Some(context) => {
                tracing::error!(
                    target: "cognito_tower",
                    asked_for = type_name::<T>(),
                    layer_provides = context.claims_type_name(),
                    "a tonic method asked for claims the auth layer does not attach: ask for \
                     `request.claims::<{}>()`, or give the layer a verifier with those claims",
                    context.claims_type_name(),
                );
                Err(Status::internal("server misconfigured"))
            }
            None => {
                tracing::error!(
                    target: "cognito_tower",
                    asked_for = type_name::<T>(),
                    "a tonic method asked for claims but no auth layer ran in front of it: add \
                     `.layer(CognitoLayer::new(verifier))` to the tonic `Server` builder"
                );
                Err(Status::internal("server misconfigured"))
            }
        }
    }
}
