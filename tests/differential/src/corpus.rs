//! The corpus written by `generator/generate.mjs`: JWKS documents, and cases with
//! aws-jwt-verify's recorded verdicts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The whole corpus file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Corpus {
    /// The aws-jwt-verify version that recorded the verdicts.
    pub aws_jwt_verify: String,
    /// Clock-independent cases have the same verdict at every instant from their `now` to this
    /// one (seconds since the epoch).
    pub horizon: f64,
    /// JWKS documents by name; a pool's `jwks` names one.
    pub jwks: BTreeMap<String, Value>,
    /// The cases, in the generator's order.
    pub cases: Vec<Case>,
}

/// One token, one configuration, one recorded verdict.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// Unique snake_case name; the intended-differences table refers to it.
    pub name: String,
    /// What the case is about.
    pub description: String,
    /// Whether the verdict may change between `now` and the corpus horizon (a time claim lies in
    /// between): such a case needs the verifier's clock frozen at `now`.
    pub clock_dependent: bool,
    /// The frozen clock aws-jwt-verify ran with, in seconds since the epoch (may be fractional).
    pub now: f64,
    /// The user pools the verifier trusts, each with the JWKS its issuer serves.
    pub pools: Vec<Pool>,
    /// The verifier's configuration.
    pub config: Config,
    /// The token.
    pub token: String,
    /// aws-jwt-verify's verdict.
    pub aws: AwsVerdict,
}

/// A trusted user pool and the name of the JWKS document its issuer serves.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    /// E.g. `us-east-1_DiffPool1`.
    pub user_pool_id: String,
    /// Key into [`Corpus::jwks`].
    pub jwks: String,
}

impl Pool {
    /// The pool's issuers in both formats, `https://cognito-idp.{region}.amazonaws.com/{id}` and
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{id}`: the issuers
    /// `CognitoVerifier::builder().user_pool(id)` trusts.
    pub fn issuers(&self) -> [String; 2] {
        let region = self.user_pool_id.split('_').next().unwrap_or_default();
        [
            format!("https://cognito-idp.{region}.amazonaws.com/{}", self.user_pool_id),
            format!("https://issuer-cognito-idp.{region}.amazonaws.com/{}", self.user_pool_id),
        ]
    }
}

/// `CognitoJwtVerifier` properties, as recorded.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// `"access"`, `"id"`, or `null` for either.
    pub token_use: Option<String>,
    /// One client id, a list, or `null` for every client.
    pub client_id: ClientIds,
    /// Scopes of which the token must have one.
    pub scope: Option<Vec<String>>,
    /// Groups of which the token must have one.
    pub groups: Option<Vec<String>>,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    pub grace_seconds: Option<u64>,
}

/// aws-jwt-verify's `clientId` option.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ClientIds {
    /// `null`: every client.
    Any(()),
    /// One client.
    One(String),
    /// Any of these clients.
    List(Vec<String>),
}

/// What aws-jwt-verify decided.
#[derive(Debug, Deserialize)]
pub struct AwsVerdict {
    /// Whether `verify()` resolved.
    pub ok: bool,
    /// The class name of the error it threw (`JwtExpiredError`, ..., or a Node.js `Error`).
    pub error: Option<String>,
    /// The error's message.
    pub message: Option<String>,
    /// The Node.js error code, for errors thrown by Node's crypto rather than aws-jwt-verify.
    pub code: Option<String>,
}

impl AwsVerdict {
    /// `ok`, the error class, or `Class(CODE)` for Node.js errors.
    pub fn label(&self) -> String {
        match (self.ok, &self.error, &self.code) {
            (true, _, _) => "ok".to_owned(),
            (false, Some(error), Some(code)) => format!("{error}({code})"),
            (false, Some(error), None) => error.clone(),
            (false, None, _) => "unknown error".to_owned(),
        }
    }
}

/// Where the corpus lives: `tests/differential/corpus.json`.
pub fn corpus_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus.json")
}

/// Read and parse the corpus.
///
/// # Panics
/// When the file is missing or does not parse: the test cannot run without it.
pub fn load() -> Corpus {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!("cannot read {}: {err} (see tests/differential/README.md)", path.display())
    });
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} does not parse: {err}", path.display()))
}
