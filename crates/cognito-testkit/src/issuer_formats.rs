//! The two issuer formats of a user pool and its replica regions, as a [`TestIssuer`] serves
//! them: `{base_url}/original/{region}/{pool_id}` stands for
//! `https://cognito-idp.{region}.amazonaws.com/{pool_id}` and
//! `{base_url}/updated/{region}/{pool_id}` for
//! `https://issuer-cognito-idp.{region}.amazonaws.com/{pool_id}`.

use crate::faults::Fault;
use crate::issuer::TestIssuer;
use crate::shared::Shared;
use crate::token::TokenBuilder;

/// One of the two `iss` formats of a Cognito user pool.
///
/// ```
/// use cognito_testkit::{IssuerFormat, TestIssuer};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let issuer = TestIssuer::builder().replica_regions(["eu-central-1"]).start().await;
/// let verifier = issuer
///     .pool_verifier()
///     .token_use(cognito_verify::TokenUse::Access)
///     .replica_regions(["eu-central-1"])
///     .client_ids([issuer.default_client_id()])
///     .build()
///     .unwrap();
///
/// let updated = issuer.access_token().issuer_format(IssuerFormat::Updated).sign();
/// let replica = issuer.access_token().replica_region("eu-central-1").sign();
/// assert!(verifier.verify(&updated).await.is_ok());
/// assert!(verifier.verify(&replica).await.is_ok());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerFormat {
    /// `https://cognito-idp.{region}.amazonaws.com/{pool_id}`, where `{region}` is the region
    /// that issued the token (a replica's, for tokens issued there).
    Original,
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{pool_id}`, always the primary region.
    Updated,
}

impl IssuerFormat {
    fn segment(self) -> &'static str {
        match self {
            IssuerFormat::Original => "original",
            IssuerFormat::Updated => "updated",
        }
    }
}

/// The issuer URL of `format` in `region`, on this issuer's server.
fn issuer_url(shared: &Shared, format: IssuerFormat, region: &str) -> String {
    format!("{}/{}/{region}/{}", shared.base_url, format.segment(), shared.pool_id)
}

fn primary_region(shared: &Shared) -> &str {
    shared.pool_id.split_once('_').map_or(shared.pool_id.as_str(), |(region, _)| region)
}

impl TestIssuer {
    /// The issuer URL of the pool in `format`, for tokens issued in `region` (the primary
    /// region, [`region`](Self::region), or a replica's): `{base_url}/original/{region}/{pool_id}`
    /// or `{base_url}/updated/{region}/{pool_id}`. Keys are served at
    /// `{that}/.well-known/jwks.json` for the primary region in both formats and for the
    /// [replica regions](crate::TestIssuerBuilder::replica_regions) in the original format.
    pub fn pool_issuer_url(&self, format: IssuerFormat, region: &str) -> String {
        issuer_url(self.shared(), format, region)
    }

    /// A verifier builder that trusts this pool as a Cognito user pool:
    /// [`user_pool`](cognito_verify::CognitoVerifierBuilder::user_pool) with the pool id, and
    /// [`user_pool_endpoints`](cognito_verify::CognitoVerifierBuilder::user_pool_endpoints)
    /// pointing at this server. Add `replica_regions(...)` to trust replica-region tokens.
    pub fn pool_verifier(&self) -> cognito_verify::CognitoVerifierBuilder {
        let base = &self.shared().base_url;
        cognito_verify::CognitoVerifier::builder()
            .user_pool(self.pool_id())
            .user_pool_endpoints(format!("{base}/original/{{region}}"), format!("{base}/updated/{{region}}"))
    }

    /// Applies `fault` to every updated-format JWKS request (before any
    /// [`set_jwks_fault`](Self::set_jwks_fault)) until cleared with `None`:
    /// `Some(Fault::Status(403))` is a pool that has not opted into the updated format.
    pub fn set_updated_format_jwks_fault(&self, fault: Option<Fault>) {
        self.shared().updated_format_jwks_fault.set(fault);
    }
}

impl TokenBuilder {
    /// Sets `iss` to the pool's issuer in `format`, in the primary region.
    pub fn issuer_format(self, format: IssuerFormat) -> Self {
        let iss = issuer_url(&self.shared, format, primary_region(&self.shared));
        self.issuer(iss)
    }

    /// Sets `iss` to the original-format issuer of `region`: a token issued by a replica of the
    /// pool in that region.
    pub fn replica_region(self, region: impl Into<String>) -> Self {
        let iss = issuer_url(&self.shared, IssuerFormat::Original, &region.into());
        self.issuer(iss)
    }
}

/// The format of `GET /{format}/{region}/{pool}/.well-known/jwks.json` when the pool issues
/// tokens under that format in that region (so its keys are served there); `None` for a 404.
pub(crate) fn served_format(shared: &Shared, format: &str, region: &str, pool: &str) -> Option<IssuerFormat> {
    let primary = region == primary_region(shared);
    let format = match format {
        "original" if primary || shared.replica_regions.iter().any(|r| r == region) => IssuerFormat::Original,
        "updated" if primary => IssuerFormat::Updated,
        _ => return None,
    };
    (pool == shared.pool_id).then_some(format)
}
