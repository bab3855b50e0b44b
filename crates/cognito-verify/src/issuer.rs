//! A trusted issuer: its `iss` string, where its keys are, and the cache of those keys.

use std::sync::Arc;

use crate::error::ConfigError;
use crate::jwks::{JwksCache, JwksOptions};
use crate::keys::IssuerKind;

/// Which issuer formats of a user pool a verifier trusts (see "Issuers" in
/// `docs/configuration.md`).
///
/// ```
/// use cognito_verify::{CognitoVerifier, IssuerFormats, TokenUse};
///
/// let both = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .build()?;
/// assert_eq!(both.issuers().count(), 2);
///
/// let updated_only = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .issuer_formats(IssuerFormats::Updated)
///     .token_use(TokenUse::Access)
///     .any_client()
///     .build()?;
/// let issuers: Vec<&str> = updated_only.issuers().collect();
/// assert_eq!(issuers, ["https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"]);
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IssuerFormats {
    /// Both `https://cognito-idp.{region}.amazonaws.com/{pool}` and
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{pool}` (the default): a pool can switch
    /// format at any time.
    #[default]
    Both,
    /// Only the original format, `https://cognito-idp.{region}.amazonaws.com/{pool}` (and its
    /// replica regions).
    Original,
    /// Only the updated format, `https://issuer-cognito-idp.{region}.amazonaws.com/{pool}`.
    Updated,
}

/// The base URL of each issuer format, with a `{region}` placeholder; the issuer is
/// `{base}/{pool_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolEndpoints {
    pub(crate) original: String,
    pub(crate) updated: String,
}

impl Default for PoolEndpoints {
    fn default() -> Self {
        PoolEndpoints {
            original: "https://cognito-idp.{region}.amazonaws.com".to_owned(),
            updated: "https://issuer-cognito-idp.{region}.amazonaws.com".to_owned(),
        }
    }
}

/// How one user pool is trusted: its id, formats, replica regions and endpoints.
pub(crate) struct PoolTrust<'a> {
    pub(crate) formats: IssuerFormats,
    pub(crate) replica_regions: &'a [String],
    pub(crate) endpoints: &'a PoolEndpoints,
}

/// One trusted issuer and where its keys are, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuerConfig {
    /// The exact `iss` of its tokens.
    pub(crate) issuer: String,
    pub(crate) jwks_uri: String,
    /// The user pool this issuer was derived from; `None` for an explicit issuer. A derived
    /// issuer may be one the pool does not use (a format it has not opted into, a region it is
    /// not replicated to): its JWKS then answers 403/404, which is not an error by itself.
    pub(crate) pool: Option<String>,
}

impl IssuerConfig {
    /// The issuers of the Cognito user pool `pool_id`: per format trusted, `{base}/{pool_id}`
    /// with keys at `{issuer}/.well-known/jwks.json`; replica regions add original-format
    /// issuers (the updated format always names the primary region).
    pub(crate) fn user_pool(pool_id: &str, trust: &PoolTrust<'_>) -> Result<Vec<Self>, ConfigError> {
        let primary = user_pool_region(pool_id)?;
        let original = matches!(trust.formats, IssuerFormats::Both | IssuerFormats::Original);
        let updated = matches!(trust.formats, IssuerFormats::Both | IssuerFormats::Updated);
        if !original && !trust.replica_regions.is_empty() {
            return Err(ConfigError::OutOfRange {
                option: "replica_regions",
                reason: "replica regions issue original-format tokens; they need IssuerFormats::Both or Original",
            });
        }
        let derived = |base: &str, region: &str| {
            let issuer = format!("{}/{pool_id}", base.replace("{region}", region));
            let mut config = IssuerConfig::with_default_jwks(issuer);
            config.pool = Some(pool_id.to_owned());
            config
        };
        let mut configs = Vec::new();
        if original {
            configs.push(derived(&trust.endpoints.original, primary));
        }
        if updated {
            configs.push(derived(&trust.endpoints.updated, primary));
        }
        for region in trust.replica_regions {
            if !cognito_http::is_region(region) {
                return Err(ConfigError::InvalidRegion(region.clone()));
            }
            let replica = derived(&trust.endpoints.original, region);
            if !configs.iter().any(|c| c.issuer == replica.issuer) {
                configs.push(replica);
            }
        }
        Ok(configs)
    }

    /// `issuer`, with keys at `{issuer}/.well-known/jwks.json`.
    pub(crate) fn with_default_jwks(issuer: String) -> Self {
        let jwks_uri = format!("{issuer}/.well-known/jwks.json");
        IssuerConfig { issuer, jwks_uri, pool: None }
    }

    /// Whether this is a Cognito user pool's issuer: derived from a pool id, or an explicit URL
    /// of either Cognito issuer format. A Cognito JWK without `alg` is for RS256 only.
    pub(crate) fn kind(&self) -> IssuerKind {
        if self.pool.is_some() || is_cognito_issuer_url(&self.issuer) {
            IssuerKind::Cognito
        } else {
            IssuerKind::Other
        }
    }
}

/// Whether `issuer` is `https://cognito-idp.{region}.amazonaws.com/{pool_id}` or
/// `https://issuer-cognito-idp.{region}.amazonaws.com/{pool_id}` (or `.amazonaws.com.cn`).
fn is_cognito_issuer_url(issuer: &str) -> bool {
    let Some(rest) = issuer.strip_prefix("https://") else { return false };
    let Some((host, pool_id)) = rest.split_once('/') else { return false };
    let Some(region) =
        host.strip_prefix("cognito-idp.").or_else(|| host.strip_prefix("issuer-cognito-idp.")).and_then(
            |host| host.strip_suffix(".amazonaws.com").or_else(|| host.strip_suffix(".amazonaws.com.cn")),
        )
    else {
        return false;
    };
    cognito_http::is_region(region) && user_pool_region(pool_id).is_ok()
}

/// A trusted issuer with the cache of its keys: what a verifier holds per issuer.
pub(crate) struct Issuer {
    pub(crate) config: IssuerConfig,
    pub(crate) keys: Arc<JwksCache>,
}

impl Issuer {
    pub(crate) fn new(config: IssuerConfig, client: reqwest::Client, options: JwksOptions) -> Self {
        let keys =
            JwksCache::new(config.jwks_uri.clone(), client, options, config.pool.clone(), config.kind());
        Issuer { config, keys }
    }
}

/// The issuer URL of the user pool `pool_id`, after checking the id's shape.
pub(crate) fn user_pool_issuer(pool_id: &str) -> Result<String, ConfigError> {
    let region = user_pool_region(pool_id)?;
    Ok(format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"))
}

/// The region of a user pool id, after checking the id's shape: `{region}_{alphanumerics}`,
/// where the region is lowercase letters and digits in dash-separated parts ending in a number
/// (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`, and emulators' `local-1`).
pub(crate) fn user_pool_region(pool_id: &str) -> Result<&str, ConfigError> {
    let invalid = || ConfigError::InvalidUserPoolId(pool_id.to_owned());
    let (region, id) = pool_id.split_once('_').ok_or_else(invalid)?;
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if cognito_http::is_region(region) && id_ok { Ok(region) } else { Err(invalid()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pool_ids_of_every_region_shape_are_accepted() {
        for id in
            ["us-east-1_AbCdEf123", "us-gov-west-1_abc", "eusc-de-east-1_X1", "eu-west-1_AbCdEf123456789"]
        {
            assert!(user_pool_region(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn malformed_user_pool_ids_are_refused() {
        for id in [
            "",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "US-EAST-1_abc",
            "us-east-1_ab-c",
            "useast1_abc",
            "us-east-x_abc",
            "us-east-1_ab/c",
        ] {
            assert_eq!(user_pool_region(id), Err(ConfigError::InvalidUserPoolId(id.into())), "{id}");
        }
    }

    fn issuers(formats: IssuerFormats, replicas: &[&str]) -> Result<Vec<String>, ConfigError> {
        let replica_regions: Vec<String> = replicas.iter().map(|r| (*r).to_owned()).collect();
        let endpoints = PoolEndpoints::default();
        let trust = PoolTrust { formats, replica_regions: &replica_regions, endpoints: &endpoints };
        Ok(IssuerConfig::user_pool("eu-west-1_AbCdEf123", &trust)?.into_iter().map(|c| c.issuer).collect())
    }

    #[test]
    fn a_user_pool_gives_the_cognito_issuer_and_its_jwks() {
        let trust = PoolTrust {
            formats: IssuerFormats::Original,
            replica_regions: &[],
            endpoints: &PoolEndpoints::default(),
        };
        let configs = IssuerConfig::user_pool("eu-west-1_AbCdEf123", &trust).unwrap();
        let [config] = configs.as_slice() else { panic!("{configs:?}") };
        assert_eq!(config.issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
        assert_eq!(
            config.jwks_uri,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json"
        );
        assert_eq!(config.pool.as_deref(), Some("eu-west-1_AbCdEf123"));
    }

    #[test]
    fn a_user_pool_trusts_both_issuer_formats_by_default() {
        assert_eq!(
            issuers(IssuerFormats::default(), &[]).unwrap(),
            [
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
                "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            ]
        );
        assert_eq!(
            issuers(IssuerFormats::Updated, &[]).unwrap(),
            ["https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"]
        );
    }

    #[test]
    fn replica_regions_add_original_format_issuers_only() {
        assert_eq!(
            issuers(IssuerFormats::Both, &["us-west-2", "eu-west-1", "us-west-2"]).unwrap(),
            [
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
                "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
                "https://cognito-idp.us-west-2.amazonaws.com/eu-west-1_AbCdEf123",
            ]
        );
    }

    #[test]
    fn pool_issuers_and_cognito_shaped_urls_are_cognito_issuers() {
        let kind = |issuer: &str| IssuerConfig::with_default_jwks(issuer.to_owned()).kind();
        for cognito in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_X1",
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_X1",
        ] {
            assert_eq!(kind(cognito), IssuerKind::Cognito, "{cognito}");
        }
        for other in [
            "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://cognito-idp.eu-west-1.amazonaws.com.evil.example/eu-west-1_AbCdEf123",
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/extra",
            "https://login.example.com/eu-west-1_AbCdEf123",
            "http://127.0.0.1:8080/eu-west-1_AbCdEf123",
        ] {
            assert_eq!(kind(other), IssuerKind::Other, "{other}");
        }
        let trust = PoolTrust {
            formats: IssuerFormats::Original,
            replica_regions: &[],
            endpoints: &PoolEndpoints {
                original: "http://127.0.0.1:8080/{region}".to_owned(),
                updated: "http://127.0.0.1:8080/u/{region}".to_owned(),
            },
        };
        let configs = IssuerConfig::user_pool("eu-west-1_AbCdEf123", &trust).unwrap();
        assert!(configs.iter().all(|config| config.kind() == IssuerKind::Cognito));
    }

    #[test]
    fn replica_regions_must_be_regions_and_need_the_original_format() {
        assert_eq!(
            issuers(IssuerFormats::Both, &["evil.example/x"]),
            Err(ConfigError::InvalidRegion("evil.example/x".into()))
        );
        assert!(matches!(
            issuers(IssuerFormats::Updated, &["us-west-2"]),
            Err(ConfigError::OutOfRange { option: "replica_regions", .. })
        ));
    }
}
