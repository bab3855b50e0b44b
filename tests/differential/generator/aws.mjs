// Records aws-jwt-verify's verdict on one case, with its clock frozen.
//
// aws-jwt-verify 5.2.1 reads the time in exactly one place, `validateJwtFields` in
// dist/esm/jwt.js: `Date.now() / 1000`, compared with `exp`/`nbf` (+/- graceSeconds). Nothing
// else it does depends on the time, so replacing `Date.now` for the duration of one `verify()`
// freezes its clock, to the millisecond (fractional seconds included).
//
// Keys reach it the way they reach a deployed verifier: it fetches the JWKS URI of the token's
// issuer, through a `SimpleJwksCache` whose fetcher answers from the case's JWKS documents
// instead of the network (both issuer formats of a pool serve that pool's JWKS, as for a pool
// that opted into the updated format). A kid missing from the set therefore goes through the
// same refetch path as in production, and ends in KidNotFoundInJwksError.

import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";

/** Both issuer formats of a user pool, as CognitoJwtVerifier derives them. */
export function issuersOf(userPoolId) {
  const region = userPoolId.split("_")[0];
  return [
    `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`,
  ];
}

/** CognitoJwtVerifier properties for a case's configuration. */
function verifierProperties(userPoolId, config) {
  const properties = { userPoolId, tokenUse: config.tokenUse, clientId: config.clientId };
  for (const option of ["scope", "groups", "graceSeconds"]) {
    if (config[option] !== undefined) properties[option] = config[option];
  }
  return properties;
}

/** What an error thrown by verify() is recorded as. */
function describe(err) {
  const verdict = { ok: false, error: err?.constructor?.name ?? typeof err, message: String(err?.message ?? err) };
  if (err?.code) verdict.code = err.code;
  return verdict;
}

/**
 * aws-jwt-verify's verdict on `testCase` (its pools, config and token) with the clock frozen at
 * `atSeconds`: `{ ok: true }` or `{ ok: false, error: <class name>, message, code? }`.
 */
export async function awsVerdict(testCase, jwksDocuments, atSeconds) {
  const bodies = new Map();
  for (const pool of testCase.pools) {
    const body = new TextEncoder().encode(JSON.stringify(jwksDocuments[pool.jwks]));
    for (const issuer of issuersOf(pool.userPoolId)) bodies.set(`${issuer}/.well-known/jwks.json`, body);
  }
  const fetcher = {
    fetch: async (uri) => {
      const body = bodies.get(uri);
      if (!body) throw new Error(`the generator serves no JWKS at ${uri}`);
      return body.slice().buffer;
    },
  };
  const properties = testCase.pools.map((pool) => verifierProperties(pool.userPoolId, testCase.config));
  const verifier = CognitoJwtVerifier.create(properties.length === 1 ? properties[0] : properties, {
    jwksCache: new SimpleJwksCache({ fetcher }),
  });
  const realNow = Date.now;
  Date.now = () => atSeconds * 1000;
  try {
    await verifier.verify(testCase.token);
    return { ok: true };
  } catch (err) {
    const verdict = describe(err);
    const aboutIssuer = /^issuer (not configured|must be provided)/.test(verdict.message);
    if (verdict.error === "ParameterValidationError" && !aboutIssuer) {
      throw new Error(`case ${testCase.name}: aws-jwt-verify refused its configuration: ${verdict.message}`);
    }
    return verdict;
  } finally {
    Date.now = realNow;
  }
}

/** Whether two verdicts are the same (message aside: it may quote the clock). */
export function sameVerdict(a, b) {
  return a.ok === b.ok && a.error === b.error;
}
