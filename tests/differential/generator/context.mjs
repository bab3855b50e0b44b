// What every case is built from: the frozen clock, the pools and clients, Cognito-shaped claims,
// and `add`, which records a case.

import { mint } from "./tokens.mjs";
import { issuersOf } from "./aws.mjs";

/** The frozen clock of most cases: 2026-09-21T13:46:40Z, seconds since the epoch. */
export const NOW = 1_790_000_000;
/**
 * 2100-01-01T00:00:00Z. A case whose verdict cannot change between its frozen `now` and this
 * instant is "clock-independent" and is replayed with the real clock (see README.md).
 */
export const HORIZON = 4_102_444_800;
/** An expiry beyond the horizon, for every token whose times are not what the case is about. */
export const FAR = 4_200_000_000;
/** `iat` / `auth_time` of ordinary tokens: a minute before the frozen clock. */
export const ISSUED = NOW - 60;

export const POOL = "us-east-1_DiffPool1";
export const EU_POOL = "eu-west-1_DiffPool2";
export const OTHER_POOL = "us-east-1_OtherPool9";
export const CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";
export const CLIENT_2 = "7r1g8f2qk3hbm0c6pta9e4ndl5";
export const OTHER_CLIENT = "1example23456789otherclnt0";
export const SUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

export const issuer = (pool) => issuersOf(pool)[0];
export const updatedIssuer = (pool) => issuersOf(pool)[1];

/** The configurations most cases use. */
export const ACCESS = { tokenUse: "access", clientId: CLIENT };
export const ID = { tokenUse: "id", clientId: CLIENT };

/** Claims of a Cognito access token of a signed-in user, in Cognito's order. */
export function accessClaims(overrides = {}) {
  return {
    sub: SUB,
    "cognito:groups": ["admin", "readers"],
    iss: issuer(POOL),
    version: 2,
    client_id: CLIENT,
    origin_jti: "11111111-2222-3333-4444-555555555555",
    event_id: "66666666-7777-8888-9999-000000000000",
    token_use: "access",
    scope: "aws.cognito.signin.user.admin openid transactions/post",
    auth_time: ISSUED,
    exp: FAR,
    iat: ISSUED,
    jti: "abcdefab-cdef-abcd-efab-cdefabcdefab",
    username: "diff-user",
    ...overrides,
  };
}

/** Claims of a Cognito ID token, in Cognito's order. */
export function idClaims(overrides = {}) {
  return {
    sub: SUB,
    "cognito:groups": ["admin", "readers"],
    email_verified: true,
    iss: issuer(POOL),
    "cognito:username": "diff-user",
    origin_jti: "11111111-2222-3333-4444-555555555555",
    aud: CLIENT,
    event_id: "66666666-7777-8888-9999-000000000000",
    token_use: "id",
    auth_time: ISSUED,
    exp: FAR,
    iat: ISSUED,
    jti: "abcdefab-cdef-abcd-efab-cdefabcdefab",
    email: "diff-user@example.com",
    ...overrides,
  };
}

/** Case recording and token helpers bound to the generated keys `K`. */
export function createContext(K) {
  const cases = [];
  const names = new Set();

  /**
   * Record a case. `pools` default to the main pool with its Cognito-like JWKS; `now` to the
   * frozen clock.
   */
  function add(name, description, { token, config = ACCESS, pools, now = NOW }) {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`case name ${name} is not snake_case`);
    if (names.has(name)) throw new Error(`duplicate case name ${name}`);
    if (typeof token !== "string") throw new Error(`case ${name} has no token`);
    names.add(name);
    cases.push({
      name,
      description,
      pools: pools ?? [{ userPoolId: POOL, jwks: "cognito" }],
      config,
      token,
      now,
    });
  }

  /** A token over `payload`, signed by `key` (default: the pool's main key) as RS256. */
  function tok(payload, { key = K.main, header, ...options } = {}) {
    return mint({ header: header ?? { kid: key.kid, alg: "RS256" }, payload, key, ...options });
  }

  const access = (overrides = {}, options = {}) => tok(accessClaims(overrides), options);
  const id = (overrides = {}, options = {}) => tok(idClaims(overrides), options);

  return { cases, add, tok, access, id, K };
}
