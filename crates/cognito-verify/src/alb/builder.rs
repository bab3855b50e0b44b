//! Configuration of an [`AlbVerifier`]: the builder and its validation. No network here.

use std::collections::HashSet;
use std::time::Duration;

use super::AlbVerifier;
use crate::config::{MAX_LEEWAY, check_url, is_region, key_client};
use crate::error::ConfigError;

/// Default largest `x-amzn-oidc-data` value accepted, in bytes. The load balancer limits user
/// claims to 11 KiB; base64 and the header bring the token to about 15 KiB at most.
pub const DEFAULT_ALB_MAX_TOKEN_BYTES: usize = 32 * 1024;
/// Default number of load balancer keys remembered (one per `kid`; a load balancer uses few).
pub const DEFAULT_ALB_KEY_CACHE_CAPACITY: usize = 64;
/// Longest `kid` accepted. Load balancer key ids are UUIDs (36 characters).
pub const MAX_KID_LEN: usize = 128;
/// Largest key document accepted from the key endpoint. A P-256 public key in PEM is under
/// 200 bytes.
pub(crate) const MAX_KEY_RESPONSE_BYTES: usize = 8 * 1024;

/// Where the load balancer's keys are.
#[derive(Debug, Clone)]
enum Endpoint {
    Region(String),
    Url(String),
}

/// The validated configuration of an [`AlbVerifier`].
#[derive(Debug)]
pub(crate) struct AlbConfig {
    /// Base URL, without a trailing `/`; keys are at `{key_endpoint}/{kid}`.
    pub(crate) key_endpoint: String,
    /// `None` means any signer (explicit opt-out).
    pub(crate) signers: Option<HashSet<String>>,
    pub(crate) client_ids: Option<HashSet<String>>,
    pub(crate) issuer: Option<String>,
    pub(crate) leeway_secs: i64,
    pub(crate) max_token_bytes: usize,
    pub(crate) key_cache_capacity: usize,
    pub(crate) min_refetch_interval: Duration,
}

/// Builds an [`AlbVerifier`]. Obtained from [`AlbVerifier::builder`].
///
/// Two choices are required: where the keys are ([`region`](Self::region) or
/// [`key_endpoint`](Self::key_endpoint)), and which load balancers may sign
/// ([`signer_arns`](Self::signer_arns), or the explicit [`any_signer`](Self::any_signer)).
/// [`build`](Self::build) validates everything and makes no network call.
///
/// ```
/// use std::time::Duration;
/// use cognito_verify::AlbVerifier;
///
/// let verifier = AlbVerifier::builder()
///     .region("eu-west-1")
///     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
///     .client_ids(["4a1bexampleclientid"])
///     .leeway(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(verifier.key_endpoint(), "https://public-keys.auth.elb.eu-west-1.amazonaws.com");
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlbVerifierBuilder {
    endpoint: Option<Endpoint>,
    allow_insecure_http: bool,
    signers: Option<Option<Vec<String>>>,
    client_ids: Option<Vec<String>>,
    issuer: Option<String>,
    leeway: Duration,
    max_token_bytes: usize,
    key_cache_capacity: usize,
    min_refetch_interval: Duration,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Default for AlbVerifierBuilder {
    fn default() -> Self {
        AlbVerifierBuilder {
            endpoint: None,
            allow_insecure_http: false,
            signers: None,
            client_ids: None,
            issuer: None,
            leeway: Duration::ZERO,
            max_token_bytes: DEFAULT_ALB_MAX_TOKEN_BYTES,
            key_cache_capacity: DEFAULT_ALB_KEY_CACHE_CAPACITY,
            min_refetch_interval: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
        }
    }
}

impl AlbVerifierBuilder {
    /// The region of the load balancer: keys are fetched from
    /// `https://public-keys.auth.elb.{region}.amazonaws.com/{kid}` (for `us-gov-west-1` and
    /// `us-gov-east-1`, from the S3 buckets AWS documents for GovCloud). Replaces any
    /// [`key_endpoint`](Self::key_endpoint).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.endpoint = Some(Endpoint::Region(region.into()));
        self
    }

    /// An explicit base URL for keys, fetched from `{url}/{kid}`: a test double (see
    /// `cognito-testkit`), a proxy, or a partition [`region`](Self::region) does not know.
    /// `https` only, except for loopback or with
    /// [`allow_insecure_http`](Self::allow_insecure_http). Replaces any region.
    pub fn key_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(Endpoint::Url(url.into()));
        self
    }

    /// Allow a plain-`http` key endpoint on a host other than loopback. Off by default: keys
    /// fetched over plain http can be replaced by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The load balancers (ARNs, as in the token header's `signer`) whose tokens are accepted.
    /// Required, unless [`any_signer`](Self::any_signer) is called.
    pub fn signer_arns<I, S>(mut self, arns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.signers = Some(Some(arns.into_iter().map(Into::into).collect()));
        self
    }

    /// Accept tokens signed by any load balancer. An explicit opt-out of the signer check: any
    /// AWS account's load balancer in the region can mint a token that then verifies.
    pub fn any_signer(mut self) -> Self {
        self.signers = Some(None);
        self
    }

    /// Accept only tokens whose header `client` is one of these app client ids. Optional.
    pub fn client_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.client_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Accept only tokens whose header `iss` is exactly this identity provider, e.g.
    /// `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`. Optional.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Tolerance for clock skew on `exp`. Default 0, at most [`MAX_LEEWAY`].
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Largest token accepted, in bytes (default [`DEFAULT_ALB_MAX_TOKEN_BYTES`]).
    pub fn max_token_bytes(mut self, max: usize) -> Self {
        self.max_token_bytes = max;
        self
    }

    /// How many keys to remember (default [`DEFAULT_ALB_KEY_CACHE_CAPACITY`], at least 1).
    pub fn key_cache_capacity(mut self, capacity: usize) -> Self {
        self.key_cache_capacity = capacity;
        self
    }

    /// After a failed fetch for a `kid` (unknown key, endpoint down, unusable key), the time
    /// before that `kid` is fetched again (default 10 s). Tokens with that `kid` fail fast
    /// meanwhile, with the same error.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// Connect timeout of a key fetch (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Total timeout of a key fetch, body included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Validate the configuration and build the verifier. No network call is made.
    pub fn build(self) -> Result<AlbVerifier, ConfigError> {
        let (connect_timeout, timeout) = (self.connect_timeout, self.timeout);
        let config = self.into_config()?;
        let client = key_client(connect_timeout, timeout)?;
        Ok(AlbVerifier::from_config(config, client))
    }

    fn into_config(self) -> Result<AlbConfig, ConfigError> {
        let key_endpoint = match self.endpoint.ok_or(ConfigError::NoKeyEndpoint)? {
            Endpoint::Region(region) => region_endpoint(&region)?,
            Endpoint::Url(url) => {
                check_url(&url, self.allow_insecure_http)?;
                url.trim_end_matches('/').to_owned()
            }
        };
        let signers = match self.signers.ok_or(ConfigError::SignersNotSet)? {
            None => None,
            Some(arns) => Some(non_empty_set(arns, "signer_arns")?),
        };
        let client_ids = self.client_ids.map(|ids| non_empty_set(ids, "client_ids")).transpose()?;
        if self.issuer.as_deref().is_some_and(str::is_empty) {
            return Err(ConfigError::EmptyList { option: "issuer" });
        }
        if self.leeway > MAX_LEEWAY {
            return Err(ConfigError::LeewayTooLarge { given: self.leeway, max: MAX_LEEWAY });
        }
        let range = |ok: bool, option, reason| {
            if ok { Ok(()) } else { Err(ConfigError::OutOfRange { option, reason }) }
        };
        range(self.max_token_bytes >= 64, "max_token_bytes", "must be at least 64")?;
        range(self.key_cache_capacity >= 1, "key_cache_capacity", "must be at least 1")?;
        range(!self.min_refetch_interval.is_zero(), "min_refetch_interval", "must be above zero")?;
        range(!self.timeout.is_zero() && !self.connect_timeout.is_zero(), "timeout", "must be above zero")?;
        Ok(AlbConfig {
            key_endpoint,
            signers,
            client_ids,
            issuer: self.issuer,
            leeway_secs: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
            max_token_bytes: self.max_token_bytes,
            key_cache_capacity: self.key_cache_capacity,
            min_refetch_interval: self.min_refetch_interval,
        })
    }
}

/// The key endpoint of a region, as AWS documents it.
fn region_endpoint(region: &str) -> Result<String, ConfigError> {
    if !is_region(region) {
        return Err(ConfigError::InvalidRegion(region.to_owned()));
    }
    Ok(match region {
        "us-gov-west-1" | "us-gov-east-1" => {
            format!("https://s3-{region}.amazonaws.com/aws-elb-public-keys-prod-{region}")
        }
        _ => format!("https://public-keys.auth.elb.{region}.amazonaws.com"),
    })
}

fn non_empty_set(values: Vec<String>, option: &'static str) -> Result<HashSet<String>, ConfigError> {
    if values.is_empty() || values.iter().any(String::is_empty) {
        return Err(ConfigError::EmptyList { option });
    }
    Ok(values.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> AlbVerifierBuilder {
        AlbVerifierBuilder::default().region("eu-west-1").any_signer()
    }

    #[test]
    fn region_gives_the_aws_key_endpoint() {
        let config = base().into_config().unwrap();
        assert_eq!(config.key_endpoint, "https://public-keys.auth.elb.eu-west-1.amazonaws.com");
        let config = base().region("us-gov-west-1").into_config().unwrap();
        assert_eq!(
            config.key_endpoint,
            "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1"
        );
    }

    #[test]
    fn regions_that_could_change_the_host_are_refused() {
        for region in ["", "eu-west-1.evil.com/x", "EU-WEST-1", "eu-west", "eu-west-1/"] {
            let err = base().region(region).into_config().unwrap_err();
            assert_eq!(err, ConfigError::InvalidRegion(region.into()), "{region:?}");
        }
    }

    #[test]
    fn key_endpoint_is_checked_like_jwks_urls() {
        let config = base().key_endpoint("http://127.0.0.1:8080/alb-keys/").into_config().unwrap();
        assert_eq!(config.key_endpoint, "http://127.0.0.1:8080/alb-keys");
        let err = base().key_endpoint("http://example.com/keys").into_config().unwrap_err();
        assert_eq!(err, ConfigError::InsecureUrl("http://example.com/keys".into()));
        assert!(
            base().key_endpoint("http://example.com/keys").allow_insecure_http(true).into_config().is_ok()
        );
        let err = base().key_endpoint("https://example.com/keys?x=1").into_config().unwrap_err();
        assert!(matches!(err, ConfigError::InvalidUrl { .. }));
    }

    #[test]
    fn endpoint_and_signers_are_required_choices() {
        assert_eq!(
            AlbVerifierBuilder::default().any_signer().into_config().unwrap_err(),
            ConfigError::NoKeyEndpoint
        );
        assert_eq!(
            AlbVerifierBuilder::default().region("eu-west-1").into_config().unwrap_err(),
            ConfigError::SignersNotSet
        );
        let empty: [&str; 0] = [];
        assert_eq!(
            base().signer_arns(empty).into_config().unwrap_err(),
            ConfigError::EmptyList { option: "signer_arns" }
        );
        assert_eq!(
            base().client_ids([""]).into_config().unwrap_err(),
            ConfigError::EmptyList { option: "client_ids" }
        );
    }

    #[test]
    fn leeway_is_bounded() {
        let err = base().leeway(MAX_LEEWAY + Duration::from_secs(1)).into_config().unwrap_err();
        assert!(matches!(err, ConfigError::LeewayTooLarge { .. }));
    }
}
