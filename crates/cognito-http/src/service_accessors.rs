//! [`define_inner_service_accessors!`](crate::define_inner_service_accessors): the accessors
//! every middleware service of this workspace has.

/// Defines `get_ref`, `get_mut` and `into_inner` for a middleware service whose wrapped service
/// is the field `inner` of type `S`: use it inside `impl<S, ..> MyService<S, ..> { .. }`.
///
/// Exported for the cognito-rs crates' services (`cognito-tower`'s auth service,
/// `cognito-axum`'s guard service, `cognito-client`'s token service); not part of the public API.
#[doc(hidden)]
#[macro_export]
macro_rules! define_inner_service_accessors {
    () => {
        /// Gets a reference to the underlying service.
        pub fn get_ref(&self) -> &S {
            &self.inner
        }

        /// Gets a mutable reference to the underlying service.
        pub fn get_mut(&mut self) -> &mut S {
            &mut self.inner
        }

        /// Consumes `self`, returning the underlying service.
        pub fn into_inner(self) -> S {
            self.inner
        }
    };
}
