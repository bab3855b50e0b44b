// Cases about the claims: iss, token_use, client_id/aud, exp/nbf/iat, scope, groups, types of
// other claims, and the payload's JSON itself.

import {
  ACCESS,
  CLIENT,
  CLIENT_2,
  FAR,
  ID,
  NOW,
  OTHER_CLIENT,
  OTHER_POOL,
  POOL,
  accessClaims,
  issuer,
  updatedIssuer,
} from "./context.mjs";

export function issuerCases({ add, access, K }) {
  add("iss_other_pool", "iss of another pool in the same region.", { token: access({ iss: issuer(OTHER_POOL) }) });
  add("iss_other_pool_signed_by_its_key", "A token of another pool, signed by that pool's key.", {
    token: access({ iss: issuer(OTHER_POOL) }, { key: K.otherPool }),
  });
  add("iss_updated_format", "iss in the updated format (issuer-cognito-idp.{region}.amazonaws.com/{pool}).", {
    token: access({ iss: updatedIssuer(POOL) }),
  });
  add("iss_replica_region", "iss of the pool as issued through another region (original format, us-west-2).", {
    token: access({ iss: `https://cognito-idp.us-west-2.amazonaws.com/${POOL}` }),
  });
  add("iss_trailing_slash", "iss with a trailing slash.", { token: access({ iss: `${issuer(POOL)}/` }) });
  add("iss_http_scheme", "iss with http instead of https.", { token: access({ iss: issuer(POOL).replace("https:", "http:") }) });
  add("iss_uppercase_host", "iss with the host in upper case.", { token: access({ iss: issuer(POOL).replace("cognito-idp", "COGNITO-IDP") }) });
  add("iss_empty_string", 'iss "".', { token: access({ iss: "" }) });
  add("iss_missing", "No iss.", { token: access({ iss: undefined }) });
  add("iss_null", "iss is null.", { token: access({ iss: null }) });
  add("iss_array", "iss is an array holding the right issuer.", { token: access({ iss: [issuer(POOL)] }) });
}

export function tokenUseCases({ add, access, id }) {
  add("token_use_id_for_access_verifier", "An ID token; the verifier wants access tokens.", { token: id() });
  add("token_use_access_for_id_verifier", "An access token; the verifier wants ID tokens.", { token: access({ aud: CLIENT }), config: ID });
  add("token_use_missing", "No token_use.", { token: access({ token_use: undefined }) });
  add("token_use_null", "token_use is null.", { token: access({ token_use: null }) });
  add("token_use_refresh_any_verifier", 'token_use "refresh"; the verifier accepts access and ID tokens.', {
    token: access({ token_use: "refresh" }),
    config: { tokenUse: null, clientId: CLIENT },
  });
  add("token_use_missing_any_verifier", "No token_use; the verifier accepts access and ID tokens.", {
    token: access({ token_use: undefined }),
    config: { tokenUse: null, clientId: CLIENT },
  });
  add("token_use_uppercase", 'token_use "ACCESS".', { token: access({ token_use: "ACCESS" }) });
  add("token_use_array", 'token_use ["access"].', { token: access({ token_use: ["access"] }) });
}

export function clientCases({ add, access, id }) {
  add("client_id_wrong", "client_id of another app client.", { token: access({ client_id: OTHER_CLIENT }) });
  add("client_id_missing", "No client_id.", { token: access({ client_id: undefined }) });
  add("client_id_null", "client_id is null.", { token: access({ client_id: null }) });
  add("client_id_empty_string", 'client_id "".', { token: access({ client_id: "" }) });
  add("client_id_array_with_match", "client_id is an array holding the allowed client.", { token: access({ client_id: [CLIENT] }) });
  add("client_id_case_differs", "client_id in upper case.", { token: access({ client_id: CLIENT.toUpperCase() }) });
  add("access_token_with_aud_instead_of_client_id", "An access token carrying aud = client, no client_id.", {
    token: access({ client_id: undefined, aud: CLIENT }),
  });
  add("access_token_with_aud_array", "An access token with the right client_id and an aud array.", {
    token: access({ aud: ["https://api.example.com", "other"] }),
  });
  add("aud_wrong", "An ID token for another app client.", { token: id({ aud: OTHER_CLIENT }), config: ID });
  add("aud_missing", "An ID token without aud.", { token: id({ aud: undefined }), config: ID });
  add("aud_null", "An ID token whose aud is null.", { token: id({ aud: null }), config: ID });
  add("aud_array_with_match", "An ID token whose aud is an array holding the allowed client (RFC 7519 §4.1.3).", {
    token: id({ aud: [OTHER_CLIENT, CLIENT] }),
    config: ID,
  });
  add("aud_array_single_match", "An ID token whose aud is a one-element array of the allowed client.", {
    token: id({ aud: [CLIENT] }),
    config: ID,
  });
  add("aud_array_without_match", "An ID token whose aud is an array of other clients.", {
    token: id({ aud: [OTHER_CLIENT, CLIENT_2] }),
    config: ID,
  });
  add("aud_array_with_non_string", "An ID token whose aud array holds a number.", { token: id({ aud: [CLIENT, 1] }), config: ID });
  add("aud_empty_array", "An ID token whose aud is [].", { token: id({ aud: [] }), config: ID });
  add("id_token_with_client_id_instead_of_aud", "An ID token carrying client_id, no aud.", {
    token: id({ aud: undefined, client_id: CLIENT }),
    config: ID,
  });
  add("aud_wrong_any_client", "An ID token for another client; the verifier accepts every client.", {
    token: id({ aud: OTHER_CLIENT }),
    config: { tokenUse: "id", clientId: null },
  });
}

/**
 * Time cases. Those built around the frozen clock (now ± a second or less) only replay where the
 * verifier's clock can be frozen; the far-past / far-future ones replay anywhere.
 */
export function timeCases({ add, access }) {
  const at = (exp, extra = {}) => access({ exp, ...extra });
  // exp around the frozen clock.
  add("exp_one_second_ago", "exp = now - 1.", { token: at(NOW - 1) });
  add("exp_equals_now", "exp = now (RFC 7519 §4.1.4: the token must not be accepted on or after exp).", { token: at(NOW) });
  add("exp_one_second_ahead", "exp = now + 1.", { token: at(NOW + 1) });
  add("exp_half_second_ago", "exp = now - 0.5.", { token: at(NOW - 0.5) });
  add("exp_half_second_ahead", "exp = now + 0.5 (fractional NumericDate, RFC 7519 §2).", { token: at(NOW + 0.5) });
  add("exp_fractional_clock_past_exp", "Clock now + 0.5, exp = now.", { token: at(NOW), now: NOW + 0.5 });
  add("exp_fractional_clock_before_exp", "Clock now + 0.25, exp = now + 0.5.", { token: at(NOW + 0.5), now: NOW + 0.25 });
  add("exp_fractional_clock_after_fractional_exp", "Clock now + 0.75, exp = now + 0.5.", { token: at(NOW + 0.5), now: NOW + 0.75 });
  add("exp_fractional_clock_one_second_before_exp", "Clock now + 0.5, exp = now + 1.", { token: at(NOW + 1), now: NOW + 0.5 });
  // nbf around the frozen clock.
  add("nbf_one_second_ahead", "nbf = now + 1.", { token: at(FAR, { nbf: NOW + 1 }) });
  add("nbf_equals_now", "nbf = now.", { token: at(FAR, { nbf: NOW }) });
  add("nbf_one_second_ago", "nbf = now - 1.", { token: at(FAR, { nbf: NOW - 1 }) });
  add("nbf_half_second_ahead", "nbf = now + 0.5.", { token: at(FAR, { nbf: NOW + 0.5 }) });
  add("nbf_fractional_clock_before_nbf", "Clock now + 0.5, nbf = now + 0.75.", { token: at(FAR, { nbf: NOW + 0.75 }), now: NOW + 0.5 });
  add("nbf_fractional_clock_after_nbf", "Clock now + 0.5, nbf = now + 0.25.", { token: at(FAR, { nbf: NOW + 0.25 }), now: NOW + 0.5 });
  // iat around the frozen clock.
  add("iat_one_second_ahead", "iat = now + 1 (issued in the future).", { token: at(FAR, { iat: NOW + 1 }) });
  add("iat_half_second_ahead", "iat = now + 0.5.", { token: at(FAR, { iat: NOW + 0.5 }) });
  add("iat_equals_now", "iat = now.", { token: at(FAR, { iat: NOW }) });
  // Clock skew allowance (graceSeconds / leeway) of 60 s.
  const grace = { ...ACCESS, graceSeconds: 60 };
  add("grace_exp_within", "exp = now - 30, grace 60 s.", { token: at(NOW - 30), config: grace });
  add("grace_exp_at_boundary", "exp = now - 60, grace 60 s.", { token: at(NOW - 60), config: grace });
  add("grace_exp_beyond", "exp = now - 61, grace 60 s.", { token: at(NOW - 61), config: grace });
  add("grace_nbf_within", "nbf = now + 30, grace 60 s.", { token: at(FAR, { nbf: NOW + 30 }), config: grace });
  add("grace_nbf_at_boundary", "nbf = now + 60, grace 60 s.", { token: at(FAR, { nbf: NOW + 60 }), config: grace });
  add("grace_nbf_beyond", "nbf = now + 61, grace 60 s.", { token: at(FAR, { nbf: NOW + 61 }), config: grace });
  add("grace_iat_beyond", "iat = now + 61, grace 60 s.", { token: at(FAR, { iat: NOW + 61 }), config: grace });
  add("grace_exp_far_past", "exp far in the past, grace 300 s.", { token: at(1_000_000_000), config: { ...ACCESS, graceSeconds: 300 } });
  // Far from any clock: the same verdict whenever the corpus is replayed (until 2100).
  add("exp_far_past", "exp = 1 (1970).", { token: at(1) });
  add("exp_far_past_fractional", "exp = 1000000000.5 (2001).", { token: at(1_000_000_000.5) });
  add("exp_zero", "exp = 0.", { token: at(0) });
  add("exp_negative", "exp = -1.", { token: at(-1) });
  add("exp_far_future_fractional", "exp = 4200000000.5.", { token: at(FAR + 0.5) });
  add("exp_in_milliseconds", "exp in milliseconds instead of seconds (now * 1000).", { token: at(NOW * 1000) });
  add("exp_2_pow_53_plus_1", "exp = 9007199254740993 (not exactly representable as a double).", {
    token: literalExp(access, "9007199254740993"),
  });
  add("exp_huge_finite", "exp = 1e300: finite, but beyond any date.", { token: literalExp(access, "1e300") });
  add("exp_beyond_i64", "exp = 99999999999999999999 (above 2^64).", { token: literalExp(access, "99999999999999999999") });
  add("exp_overflowing_double", "exp = 1e400 (overflows a double).", { token: literalExp(access, "1e400") });
  add("exp_missing", "No exp.", { token: at(undefined) });
  add("exp_string", 'exp "4200000000".', { token: at("4200000000") });
  add("exp_null", "exp is null.", { token: at(null) });
  add("exp_boolean", "exp is true.", { token: at(true) });
  add("nbf_far_future", "nbf = 4200000000.", { token: at(4_300_000_000, { nbf: FAR }) });
  add("nbf_far_future_fractional", "nbf = 4200000000.5.", { token: at(4_300_000_000, { nbf: FAR + 0.5 }) });
  add("nbf_far_past", "nbf = 1000000000.", { token: at(FAR, { nbf: 1_000_000_000 }) });
  add("nbf_string", 'nbf "1000000000".', { token: at(FAR, { nbf: "1000000000" }) });
  add("nbf_null", "nbf is null.", { token: at(FAR, { nbf: null }) });
  add("iat_far_future", "iat = 4200000000 (issued in the future), exp later still.", { token: at(4_300_000_000, { iat: FAR }) });
  add("iat_missing", "No iat.", { token: at(FAR, { iat: undefined }) });
  add("iat_string", 'iat "1789999940".', { token: at(FAR, { iat: String(NOW - 60) }) });
  add("iat_null", "iat is null.", { token: at(FAR, { iat: null }) });
  add("auth_time_string", 'auth_time "1789999940".', { token: at(FAR, { auth_time: String(NOW - 60) }) });
}

/** An access token whose exp is written as `literal` in the JSON text. */
function literalExp(access, literal) {
  return access({}, { payloadJson: JSON.stringify(accessClaims({ exp: 12345 })).replace('"exp":12345', `"exp":${literal}`) });
}

export function scopeCases({ add, access, id }) {
  const needs = (scope) => ({ ...ACCESS, scope });
  add("scope_required_not_granted", "The verifier requires a scope the token lacks.", { token: access(), config: needs(["transactions/delete"]) });
  add("scope_required_claim_missing", "The verifier requires a scope; the token has no scope claim.", {
    token: access({ scope: undefined }),
    config: needs(["transactions/post"]),
  });
  add("scope_required_any_of", "The verifier requires one of two scopes; the token has the second.", {
    token: access(),
    config: needs(["transactions/delete", "transactions/post"]),
  });
  add("scope_tab_separated", "Scopes separated by a tab (RFC 6749 §3.3 separates with spaces only).", {
    token: access({ scope: "openid\ttransactions/post" }),
    config: needs(["transactions/post"]),
  });
  add("scope_tab_separated_no_requirement", "Scopes separated by a tab; no scope required.", {
    token: access({ scope: "openid\ttransactions/post" }),
  });
  add("scope_newline_separated", "Scopes separated by a newline.", {
    token: access({ scope: "openid\ntransactions/post" }),
    config: needs(["transactions/post"]),
  });
  add("scope_multiple_spaces", "Scopes separated by three spaces.", {
    token: access({ scope: "openid   transactions/post" }),
    config: needs(["transactions/post"]),
  });
  add("scope_leading_and_trailing_spaces", "The scope string starts and ends with spaces.", {
    token: access({ scope: " transactions/post " }),
    config: needs(["transactions/post"]),
  });
  add("scope_empty_string", 'scope ""; a scope is required.', { token: access({ scope: "" }), config: needs(["transactions/post"]) });
  add("scope_case_differs", "The required scope in another case.", {
    token: access({ scope: "Transactions/Post" }),
    config: needs(["transactions/post"]),
  });
  add("scope_null_no_requirement", "scope is null; no scope required.", { token: access({ scope: null }) });
  add("scope_null_with_requirement", "scope is null; a scope is required.", { token: access({ scope: null }), config: needs(["transactions/post"]) });
  add("scope_array", 'scope ["transactions/post"]; a scope is required.', {
    token: access({ scope: ["transactions/post"] }),
    config: needs(["transactions/post"]),
  });
  add("scope_number", "scope is a number.", { token: access({ scope: 1 }) });
  add("scope_required_of_id_token", "An ID token (no scope claim); the verifier requires a scope.", {
    token: id(),
    config: { ...ID, scope: ["openid"] },
  });
}

export function groupCases({ add, access }) {
  const needs = (groups) => ({ ...ACCESS, groups });
  add("groups_required_not_member", "The verifier requires a group the token lacks.", { token: access(), config: needs(["auditors"]) });
  add("groups_required_claim_missing", "The verifier requires a group; the token has no cognito:groups.", {
    token: access({ "cognito:groups": undefined }),
    config: needs(["admin"]),
  });
  add("groups_required_any_of", "The verifier requires one of two groups; the token has the second.", {
    token: access(),
    config: needs(["auditors", "readers"]),
  });
  add("groups_case_differs", "The required group in another case.", { token: access({ "cognito:groups": ["Admin"] }), config: needs(["admin"]) });
  add("groups_empty_array_required", "cognito:groups is []; a group is required.", { token: access({ "cognito:groups": [] }), config: needs(["admin"]) });
  add("groups_null_no_requirement", "cognito:groups is null; no group required.", { token: access({ "cognito:groups": null }) });
  add("groups_null_with_requirement", "cognito:groups is null; a group is required.", {
    token: access({ "cognito:groups": null }),
    config: needs(["admin"]),
  });
  add("groups_string_no_requirement", 'cognito:groups is the string "admin"; no group required.', {
    token: access({ "cognito:groups": "admin" }),
  });
  add("groups_string_with_requirement", 'cognito:groups is the string "admin"; group admin required.', {
    token: access({ "cognito:groups": "admin" }),
    config: needs(["admin"]),
  });
  add("groups_mixed_types_match_first", 'cognito:groups ["admin", 1]; group admin required.', {
    token: access({ "cognito:groups": ["admin", 1] }),
    config: needs(["admin"]),
  });
  add("groups_mixed_types_number_first", 'cognito:groups [1, "admin"]; group admin required.', {
    token: access({ "cognito:groups": [1, "admin"] }),
    config: needs(["admin"]),
  });
  add("groups_name_with_space", 'cognito:groups ["team a"]; group "team a" required.', {
    token: access({ "cognito:groups": ["team a"] }),
    config: needs(["team a"]),
  });
}

export function otherClaimCases({ add, access }) {
  add("sub_missing", "No sub.", { token: access({ sub: undefined }) });
  add("sub_number", "sub is a number.", { token: access({ sub: 1 }) });
  add("jti_number", "jti is a number.", { token: access({ jti: 1 }) });
  add("username_number", "username is a number.", { token: access({ username: 1 }) });
  add("version_string", 'version "2".', { token: access({ version: "2" }) });
  add("event_id_null", "event_id is null.", { token: access({ event_id: null }) });
}

export function jsonCases({ add, access, tok, K }) {
  const base = JSON.stringify(accessClaims());
  const withJson = (payloadJson) => tok(null, { header: { kid: K.main.kid, alg: "RS256" }, payloadJson });
  const insert = (text) => base.replace(/}$/, `,${text}}`);
  add("json_duplicate_token_use", 'token_use twice: "id", then "access".', {
    token: withJson(base.replace('"token_use":"access"', '"token_use":"id","token_use":"access"')),
  });
  add("json_duplicate_exp", "exp twice: 1 (1970), then far in the future.", {
    token: withJson(base.replace(`"exp":${FAR}`, `"exp":1,"exp":${FAR}`)),
  });
  add("json_duplicate_iss", "iss twice: another pool's, then the right one.", {
    token: withJson(base.replace(`"iss":"${issuer(POOL)}"`, `"iss":"${issuer(OTHER_POOL)}","iss":"${issuer(POOL)}"`)),
  });
  add("json_duplicate_exp_via_escaped_key", 'exp twice, the second spelled "\\u0065xp".', {
    token: withJson(base.replace(`"exp":${FAR}`, `"exp":1,"\\u0065xp":${FAR}`)),
  });
  add("json_duplicate_unknown_member", "An unknown member twice.", { token: withJson(insert('"custom:x":1,"custom:x":2')) });
  add("json_duplicate_groups", "cognito:groups twice: [], then [\"admin\"]; group admin required.", {
    token: withJson(base.replace('"cognito:groups":["admin","readers"]', '"cognito:groups":[],"cognito:groups":["admin"]')),
    config: { ...ACCESS, groups: ["admin"] },
  });
  add("json_payload_array", "The payload is a JSON array.", { token: withJson("[1,2]") });
  add("json_payload_string", "The payload is a JSON string.", { token: withJson('"claims"') });
  add("json_payload_null", "The payload is null.", { token: withJson("null") });
  add("json_payload_trailing_comma", "A trailing comma in the payload object.", { token: withJson(base.replace(/}$/, ",}")) });
  add("json_payload_trailing_garbage", "Text after the payload object.", { token: withJson(`${base}x`) });
  add("json_payload_two_objects", "Two objects in the payload.", { token: withJson(`${base}{}`) });
  add("json_payload_bom", "A UTF-8 byte order mark before the payload object.", { token: withJson(`\uFEFF${base}`) });
  add("json_invalid_utf8_in_unknown_claim", "A byte 0xFF inside the string of an unknown claim.", {
    token: withJson(Buffer.concat([Buffer.from(insert('"custom:x":"a').slice(0, -1)), Buffer.from([0xff]), Buffer.from('"}')])),
  });
  add("json_invalid_utf8_in_username", "A byte 0xFF inside username.", {
    token: withJson(
      Buffer.concat([
        Buffer.from(base.slice(0, base.indexOf('"username":"') + 12)),
        Buffer.from([0xff]),
        Buffer.from(base.slice(base.indexOf('"username":"') + 12)),
      ]),
    ),
  });
  add("json_lone_surrogate_in_unknown_claim", "An unpaired UTF-16 surrogate escape (\\ud800) in an unknown claim.", {
    token: withJson(insert('"custom:x":"\\ud800"')),
  });
  add("json_lone_surrogate_in_username", "An unpaired UTF-16 surrogate escape (\\ud800) in username.", {
    token: withJson(base.replace('"username":"diff-user"', '"username":"\\ud800"')),
  });
  add("json_deeply_nested_unknown_claim", "An unknown claim nested 200 arrays deep.", {
    token: withJson(insert(`"custom:x":${"[".repeat(200)}${"]".repeat(200)}`)),
  });
  add("json_huge_number_in_unknown_claim", "An unknown claim of 1e400.", { token: withJson(insert('"custom:x":1e400')) });
  add("json_nul_in_username", "A NUL character (\\u0000) inside username.", {
    token: withJson(base.replace('"username":"diff-user"', '"username":"diff\\u0000user"')),
  });
  add("json_unicode_username", "A username with non-ASCII characters.", { token: access({ username: "Zoë 日本 🙂" }) });
}

