//! A custom-claims type and a verifier that checks it, shared by the test files that need one.

use cognito_testkit::TestIssuer;
use cognito_verify::CognitoVerifier;

/// The `custom:tenant` attribute of an ID token.
#[derive(Debug, serde::Deserialize)]
pub struct Tenant {
    #[serde(rename = "custom:tenant")]
    pub tenant: String,
}

/// An ID-token verifier of `issuer` with [`Tenant`] claims that refuses every tenant but `acme`
/// (`Rejected { reason: "wrong tenant" }`).
pub fn acme_only(issuer: &TestIssuer) -> CognitoVerifier<Tenant> {
    issuer
        .id_verifier()
        .custom_claims::<Tenant>()
        .custom_check(
            |claims| if claims.custom.tenant == "acme" { Ok(()) } else { Err("wrong tenant".into()) },
        )
        .build()
        .unwrap()
}
