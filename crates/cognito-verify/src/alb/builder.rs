//! [`AlbVerifierBuilder`]: the configuration of an [`AlbVerifier`], validated by
//! [`build`](AlbVerifierBuilder::build) without any network call.

use std::time::Duration;

use super::config::AlbConfig;
use super::options::AlbKeyOptions;
use super::verifier::AlbVerifier;
use crate::clock::{Clock, SharedClock};
use crate::error::ConfigError;
use crate::validation::{Allowed, TokenLimits, check_url, key_client};

/// Default largest `x-amzn-oidc-data` value accepted, in bytes. The load balancer limits user
/// claims to 11 KiB; base64 and the header bring the token to about 15 KiB at most.
pub const DEFAULT_ALB_MAX_TOKEN_BYTES: usize = 32 * 1024;

/// Where the load balancer's keys are.
#[derive(Debug, Clone)]
enum Endpoint {
    Region(String),
    Url(String),
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
    signers: Allowed,
    client_ids: Allowed,
    issuer: Option<String>,
    leeway: Duration,
    max_token_bytes: usize,
    keys: AlbKeyOptions,
    clock: SharedClock,
    http_client: Option<reqwest::Client>,
}

impl Default for AlbVerifierBuilder {
    fn default() -> Self {
        AlbVerifierBuilder {
            endpoint: None,
            allow_insecure_http: false,
            signers: Allowed::Unset,
            client_ids: Allowed::Any,
            issuer: None,
            leeway: Duration::ZERO,
            max_token_bytes: DEFAULT_ALB_MAX_TOKEN_BYTES,
            keys: AlbKeyOptions::default(),
            clock: SharedClock::default(),
            http_client: None,
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
    pub fn signer_arns(mut self, arns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.signers = Allowed::only(arns);
        self
    }

    /// Accept tokens signed by any load balancer. An explicit opt-out of the signer check: any
    /// AWS account's load balancer in the region can mint a token that then verifies.
    pub fn any_signer(mut self) -> Self {
        self.signers = Allowed::Any;
        self
    }

    /// Accept only tokens whose header `client` is one of these app client ids. Optional.
    pub fn client_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.client_ids = Allowed::only(ids);
        self
    }

    /// Accept only tokens whose header `iss` is exactly this identity provider, e.g.
    /// `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`. Optional.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Tolerance for clock skew on `exp`. Default 0, at most [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Where `exp` is compared to (default [`SystemClock`](crate::SystemClock)); see [`Clock`].
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use cognito_verify::AlbVerifier;
    ///
    /// let verifier = AlbVerifier::builder()
    ///     .region("eu-west-1")
    ///     .any_signer()
    ///     .clock(|| UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = SharedClock::new(clock);
        self
    }

    /// Largest token accepted, in bytes (default [`DEFAULT_ALB_MAX_TOKEN_BYTES`]).
    pub fn max_token_bytes(mut self, max: usize) -> Self {
        self.max_token_bytes = max;
        self
    }

    /// Options of the key cache: refetch interval after a failure, capacity, timeouts, size cap.
    pub fn key_options(mut self, options: AlbKeyOptions) -> Self {
        self.keys = options;
        self
    }

    /// Fetch keys with this client instead of one built from the
    /// [`key_options`](Self::key_options) (a proxy, custom CA roots, your own TLS stack: see
    /// "TLS and your own HTTP client" in the README).
    ///
    /// The library still enforces, on your client: the URL rules at [`build`](Self::build); the
    /// total [`timeout`](AlbKeyOptions::timeout) of each fetch, the
    /// [`max_response_bytes`](AlbKeyOptions::max_response_bytes) cap and the fetch budget of
    /// [`AlbKeyOptions`]; and that the answer comes from `{key_endpoint}/{kid}`: a fetch that
    /// your client redirected fails, and its key is not used. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`. Its own connect timeout, proxy settings
    /// and TLS roots apply instead of ours.
    ///
    /// ```
    /// use cognito_verify::AlbVerifier;
    ///
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let verifier = AlbVerifier::builder()
    ///     .region("eu-west-1")
    ///     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
    ///     .http_client(client)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Validate the configuration and build the verifier. No network call is made.
    pub fn build(mut self) -> Result<AlbVerifier, ConfigError> {
        let own = self.http_client.take();
        let (config, keys) = self.into_config()?;
        let client = key_client(own, &keys.limits, [config.key_endpoint.as_str()])?;
        Ok(AlbVerifier::new(config, &keys, client))
    }

    fn into_config(self) -> Result<(AlbConfig, AlbKeyOptions), ConfigError> {
        let key_endpoint = match self.endpoint.ok_or(ConfigError::NoKeyEndpoint)? {
            Endpoint::Region(region) => region_endpoint(&region)?,
            Endpoint::Url(url) => {
                check_url(&url, self.allow_insecure_http)?;
                url.trim_end_matches('/').to_owned()
            }
        };
        let signers = self
            .signers
            .required(ConfigError::SignersNotSet, ConfigError::EmptyList { option: "signer_arns" })?;
        let client_ids = self.client_ids.optional(ConfigError::EmptyList { option: "client_ids" })?;
        if self.issuer.as_deref().is_some_and(str::is_empty) {
            return Err(ConfigError::EmptyList { option: "issuer" });
        }
        let limits = TokenLimits::new(self.leeway, self.max_token_bytes)?;
        self.keys.validate()?;
        let config =
            AlbConfig { key_endpoint, signers, client_ids, issuer: self.issuer, limits, clock: self.clock };
        Ok((config, self.keys))
    }
}

impl AlbVerifier {
    /// Start configuring a verifier.
    pub fn builder() -> AlbVerifierBuilder {
        AlbVerifierBuilder::default()
    }
}

/// The key endpoint of a region, as AWS documents it.
fn region_endpoint(region: &str) -> Result<String, ConfigError> {
    if !cognito_http::is_region(region) {
        return Err(ConfigError::InvalidRegion(region.to_owned()));
    }
    Ok(match region {
        "us-gov-west-1" | "us-gov-east-1" => {
            format!("https://s3-{region}.amazonaws.com/aws-elb-public-keys-prod-{region}")
        }
        _ => format!("https://public-keys.auth.elb.{region}.amazonaws.com"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::MAX_LEEWAY;

    fn base() -> AlbVerifierBuilder {
        AlbVerifierBuilder::default().region("eu-west-1").any_signer()
    }

    #[test]
    fn region_gives_the_aws_key_endpoint() {
        let config = base().into_config().unwrap().0;
        assert_eq!(config.key_endpoint, "https://public-keys.auth.elb.eu-west-1.amazonaws.com");
        let config = base().region("us-gov-west-1").into_config().unwrap().0;
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
        let config = base().key_endpoint("http://127.0.0.1:8080/alb-keys/").into_config().unwrap().0;
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
