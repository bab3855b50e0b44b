// Cases about the token as a JWS: valid tokens, algorithms, header members, encodings,
// signatures and size.

import crypto from "node:crypto";
import {
  ACCESS,
  CLIENT,
  CLIENT_2,
  EU_POOL,
  ID,
  NOW,
  OTHER_CLIENT,
  POOL,
  accessClaims,
  issuer,
} from "./context.mjs";
import { P256_ORDER } from "./keys.mjs";
import { mint, needingPadding, nonCanonicalSegment, segment, split, withSignature } from "./tokens.mjs";

const ALGS = [{ userPoolId: POOL, jwks: "algorithms" }];

export function validCases({ add, access, id, tok, K }) {
  add("valid_access_token", "A Cognito access token of a signed-in user.", { token: access() });
  add("valid_id_token", "A Cognito ID token.", { token: id(), config: ID });
  add("valid_access_token_any_token_use", "An access token; the verifier accepts access and ID tokens.", {
    token: access(),
    config: { tokenUse: null, clientId: CLIENT },
  });
  add("valid_id_token_any_token_use", "An ID token; the verifier accepts access and ID tokens.", {
    token: id(),
    config: { tokenUse: null, clientId: CLIENT },
  });
  add("valid_access_token_second_pool_key", "Signed with the second key of the pool's JWKS.", {
    token: access({}, { key: K.second }),
  });
  add("valid_access_token_any_client", "The verifier accepts every app client.", {
    token: access({ client_id: OTHER_CLIENT }),
    config: { tokenUse: "access", clientId: null },
  });
  add("valid_access_token_client_list", "The token's client is the second of two allowed clients.", {
    token: access({ client_id: CLIENT_2 }),
    config: { tokenUse: "access", clientId: [CLIENT, CLIENT_2] },
  });
  add("valid_id_token_client_list", "The ID token's aud is the second of two allowed clients.", {
    token: id({ aud: CLIENT_2 }),
    config: { tokenUse: "id", clientId: [CLIENT, CLIENT_2] },
  });
  add("valid_client_credentials_token", "A machine-to-machine token: sub = client_id, no username or groups.", {
    token: tok({
      sub: CLIENT,
      token_use: "access",
      scope: "transactions/post transactions/get",
      auth_time: NOW - 60,
      iss: issuer(POOL),
      exp: 4_200_000_000,
      iat: NOW - 60,
      version: 2,
      jti: "abcdefab-cdef-abcd-efab-cdefabcdefab",
      client_id: CLIENT,
    }),
  });
  add("valid_access_token_required_scope", "The verifier requires a scope the token has.", {
    token: access(),
    config: { ...ACCESS, scope: ["transactions/post"] },
  });
  add("valid_access_token_required_group", "The verifier requires a group the token has.", {
    token: access(),
    config: { ...ACCESS, groups: ["admin"] },
  });
  add("valid_id_token_required_group", "An ID token; the verifier requires a group it has.", {
    token: id(),
    config: { ...ID, groups: ["readers"] },
  });
  add("valid_access_token_one_hour_lifetime", "Cognito's default lifetime: iat = now, exp = now + 3600.", {
    token: access({ iat: NOW, auth_time: NOW, exp: NOW + 3600 }),
  });
  add("valid_id_token_one_hour_lifetime", "An ID token with iat = now, exp = now + 3600.", {
    token: id({ iat: NOW, auth_time: NOW, exp: NOW + 3600 }),
    config: ID,
  });
  add("valid_iss_written_with_json_escapes", "iss spelled with escaped slashes (\\/): the same string.", {
    token: tok(null, {
      header: { kid: K.main.kid, alg: "RS256" },
      payloadJson: JSON.stringify(accessClaims()).replaceAll("/", "\\/"),
    }),
  });
  add("valid_unknown_claims_ignored", "Claims nobody reads, of every JSON type, are ignored.", {
    token: access({ "custom:tenant": "acme", nested: { a: [1, 2, { b: null }] }, flag: true, n: 1.5 }),
  });
  add("valid_proto_member_ignored", "A __proto__ member in the payload (prototype pollution attempt).", {
    token: tok(null, {
      header: { kid: K.main.kid, alg: "RS256" },
      payloadJson: JSON.stringify(accessClaims()).replace(/}$/, ',"__proto__":{"admin":true}}'),
    }),
  });
  add("valid_payload_surrounded_by_whitespace", "The payload JSON has whitespace before and after the object.", {
    token: tok(null, { header: { kid: K.main.kid, alg: "RS256" }, payloadJson: ` \n${JSON.stringify(accessClaims())}\n ` }),
  });
  add("valid_exp_in_exponent_notation", "exp written as 4.2e9.", {
    token: tok(null, {
      header: { kid: K.main.kid, alg: "RS256" },
      payloadJson: JSON.stringify(accessClaims({ exp: 0 })).replace('"exp":0', '"exp":4.2e9'),
    }),
  });
  add("multi_pool_token_of_second_pool", "The verifier trusts two pools; the token is from the second.", {
    token: access({ iss: issuer(EU_POOL) }, { key: K.euPool }),
    pools: [
      { userPoolId: POOL, jwks: "cognito" },
      { userPoolId: EU_POOL, jwks: "eu-pool" },
    ],
  });
  add("multi_pool_untrusted_issuer", "The verifier trusts two pools; the token is from a third.", {
    token: access({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool9" }),
    pools: [
      { userPoolId: POOL, jwks: "cognito" },
      { userPoolId: EU_POOL, jwks: "eu-pool" },
    ],
  });
  add("multi_pool_iss_missing", "The verifier trusts two pools; the token has no iss.", {
    token: access({ iss: undefined }),
    pools: [
      { userPoolId: POOL, jwks: "cognito" },
      { userPoolId: EU_POOL, jwks: "eu-pool" },
    ],
  });
  add("multi_pool_kid_of_the_other_pool", "iss names the second pool, the kid is a key of the first pool.", {
    token: access({ iss: issuer(EU_POOL) }),
    pools: [
      { userPoolId: POOL, jwks: "cognito" },
      { userPoolId: EU_POOL, jwks: "eu-pool" },
    ],
  });
}

export function algorithmCases({ add, access, K }) {
  // The classic key-confusion attack: HMAC keyed with the verifier's RSA public key (PEM).
  const hmacWithPublicKey = (key) => ({
    signature: (input) => {
      const pem = crypto.createPublicKey({ key: key.jwk, format: "jwk" }).export({ type: "spki", format: "pem" });
      return crypto.createHmac("sha256", pem).update(input).digest();
    },
  });
  add("alg_none_empty_signature", 'alg "none" and an empty signature segment.', {
    token: access({}, { header: { kid: K.main.kid, alg: "none" } }),
  });
  add("alg_none_with_signature", 'alg "none", carrying a valid RS256 signature.', {
    token: access({}, { header: { kid: K.main.kid, alg: "none" }, signAlg: "RS256" }),
  });
  add("alg_hs256_public_key_as_secret", "HS256 keyed with the PEM of the RSA public key (key confusion).", {
    token: access({}, { header: { kid: K.main.kid, alg: "HS256" }, ...hmacWithPublicKey(K.main) }),
  });
  add("alg_hs256_jwk_without_alg", "HS256 keyed with the RSA public key PEM; the JWK has no alg.", {
    token: access({}, { key: K.rsaNoAlg, header: { kid: K.rsaNoAlg.kid, alg: "HS256" }, ...hmacWithPublicKey(K.rsaNoAlg) }),
    pools: ALGS,
  });
  add("alg_ps256", "PS256 (RSASSA-PSS) with the pool's RSA key, whose JWK says RS256.", {
    token: access({}, { header: { kid: K.main.kid, alg: "PS256" } }),
  });
  add("alg_ps256_jwk_without_alg", "PS256 with an RSA key whose JWK has no alg.", {
    token: access({}, { key: K.rsaNoAlg, header: { kid: K.rsaNoAlg.kid, alg: "PS256" } }),
    pools: ALGS,
  });
  add("alg_rs384_jwk_alg_rs256", "RS384 with a key whose JWK says RS256.", {
    token: access({}, { header: { kid: K.main.kid, alg: "RS384" } }),
  });
  add("alg_rs256_jwk_without_alg", "RS256 with an RSA key whose JWK has no alg.", {
    token: access({}, { key: K.rsaNoAlg }),
    pools: ALGS,
  });
  add("alg_rs384_jwk_without_alg", "RS384 with an RSA key whose JWK has no alg.", {
    token: access({}, { key: K.rsaNoAlg, header: { kid: K.rsaNoAlg.kid, alg: "RS384" } }),
    pools: ALGS,
  });
  add("alg_rs512_jwk_without_alg", "RS512 with an RSA key whose JWK has no alg.", {
    token: access({}, { key: K.rsaNoAlg, header: { kid: K.rsaNoAlg.kid, alg: "RS512" } }),
    pools: ALGS,
  });
  add("alg_rs384_jwk_alg_rs384", "RS384 with a key whose JWK says RS384.", {
    token: access({}, { key: K.rsaRs384, header: { kid: K.rsaRs384.kid, alg: "RS384" } }),
    pools: ALGS,
  });
  add("alg_rs512_jwk_alg_rs512", "RS512 with a key whose JWK says RS512.", {
    token: access({}, { key: K.rsaRs512, header: { kid: K.rsaRs512.kid, alg: "RS512" } }),
    pools: ALGS,
  });
  add("alg_rs256_rsa_4096", "RS256 with an RSA-4096 key.", {
    token: access({}, { key: K.rsa4096 }),
    pools: ALGS,
  });
  add("alg_es256", "ES256 with a P-256 key whose JWK says ES256.", {
    token: access({}, { key: K.ec256, header: { kid: K.ec256.kid, alg: "ES256" } }),
    pools: ALGS,
  });
  add("alg_es256_jwk_without_alg", "ES256 with a P-256 key whose JWK has no alg.", {
    token: access({}, { key: K.ec256NoAlg, header: { kid: K.ec256NoAlg.kid, alg: "ES256" } }),
    pools: ALGS,
  });
  add("alg_es384", "ES384 with a P-384 key whose JWK says ES384.", {
    token: access({}, { key: K.ec384, header: { kid: K.ec384.kid, alg: "ES384" } }),
    pools: ALGS,
  });
  add("alg_es512", "ES512 with a P-521 key whose JWK says ES512.", {
    token: access({}, { key: K.ec521, header: { kid: K.ec521.kid, alg: "ES512" } }),
    pools: ALGS,
  });
  add("alg_es512_jwk_without_alg", "ES512 with a P-521 key whose JWK has no alg.", {
    token: access({}, { key: K.ec521NoAlg, header: { kid: K.ec521NoAlg.kid, alg: "ES512" } }),
    pools: ALGS,
  });
  add("alg_eddsa", "EdDSA with an Ed25519 key whose JWK says EdDSA.", {
    token: access({}, { key: K.ed25519, header: { kid: K.ed25519.kid, alg: "EdDSA" } }),
    pools: ALGS,
  });
  add("alg_eddsa_jwk_without_alg", "EdDSA with an Ed25519 key whose JWK has no alg.", {
    token: access({}, { key: K.ed25519NoAlg, header: { kid: K.ed25519NoAlg.kid, alg: "EdDSA" } }),
    pools: ALGS,
  });
  add("alg_es256_header_on_rsa_key", "Header ES256, kid of an RSA key whose JWK says RS256, RS256 signature.", {
    token: access({}, { header: { kid: K.main.kid, alg: "ES256" }, signAlg: "RS256" }),
  });
  add("alg_es256_header_on_rsa_key_without_alg", "Header ES256, kid of an RSA key without alg, RS256 signature.", {
    token: access({}, { key: K.rsaNoAlg, header: { kid: K.rsaNoAlg.kid, alg: "ES256" }, signAlg: "RS256" }),
    pools: ALGS,
  });
  add("alg_rs256_header_on_ec_key", "Header RS256, kid of a P-256 key whose JWK says ES256, ES256 signature.", {
    token: access({}, { key: K.ec256, header: { kid: K.ec256.kid, alg: "RS256" }, signAlg: "ES256" }),
    pools: ALGS,
  });
  add("alg_rs256_header_on_ec_key_without_alg", "Header RS256, kid of a P-256 key without alg, ES256 signature.", {
    token: access({}, { key: K.ec256NoAlg, header: { kid: K.ec256NoAlg.kid, alg: "RS256" }, signAlg: "ES256" }),
    pools: ALGS,
  });
  add("alg_es384_header_on_p256_key_without_alg", "Header ES384, P-256 key without alg, ECDSA P-256 over SHA-384.", {
    token: access({}, {
      key: K.ec256NoAlg,
      header: { kid: K.ec256NoAlg.kid, alg: "ES384" },
      signature: (input) => crypto.sign("sha384", Buffer.from(input), { key: K.ec256NoAlg.privateKey, dsaEncoding: "ieee-p1363" }),
    }),
    pools: ALGS,
  });
  add("alg_eddsa_header_on_rsa_key_without_alg", "Header EdDSA, RSA key without alg, signed by Node's default for RSA.", {
    token: access({}, {
      key: K.rsaNoAlg,
      header: { kid: K.rsaNoAlg.kid, alg: "EdDSA" },
      signature: (input) => crypto.sign(null, Buffer.from(input), K.rsaNoAlg.privateKey),
    }),
    pools: ALGS,
  });
  add("alg_not_a_string", "alg is a number.", { token: access({}, { header: { kid: K.main.kid, alg: 256 }, signAlg: "RS256" }) });
  add("alg_missing", "The header has no alg.", { token: access({}, { header: { kid: K.main.kid }, signAlg: "RS256" }) });
  add("alg_lowercase", 'alg "rs256".', { token: access({}, { header: { kid: K.main.kid, alg: "rs256" }, signAlg: "RS256" }) });
}

export function headerCases({ add, access, tok, K }) {
  const rs = (header) => ({ header, signAlg: "RS256" });
  add("kid_missing", "The header has no kid.", { token: access({}, rs({ alg: "RS256" })) });
  add("kid_unknown", "The kid is in no JWKS.", { token: access({}, rs({ kid: "not-a-known-kid", alg: "RS256" })) });
  add("kid_empty_string", 'kid "".', { token: access({}, rs({ kid: "", alg: "RS256" })) });
  add("kid_not_a_string", "kid is a number.", { token: access({}, rs({ kid: 1, alg: "RS256" })) });
  add("kid_null", "kid is null.", { token: access({}, rs({ kid: null, alg: "RS256" })) });
  add("header_typ_jwt", 'typ "JWT".', { token: access({}, rs({ kid: K.main.kid, alg: "RS256", typ: "JWT" })) });
  add("header_typ_at_jwt", 'typ "at+jwt" (RFC 9068).', { token: access({}, rs({ kid: K.main.kid, alg: "RS256", typ: "at+jwt" })) });
  add("header_typ_unexpected", 'typ "JOSE+JSON".', { token: access({}, rs({ kid: K.main.kid, alg: "RS256", typ: "JOSE+JSON" })) });
  add("header_crit_unknown_extension", "crit names an extension no verifier understands (RFC 7515 §4.1.11).", {
    token: access({}, rs({ kid: K.main.kid, alg: "RS256", crit: ["urn:example:ext"], "urn:example:ext": true })),
  });
  add("header_crit_b64_false", 'crit ["b64"] with b64: false (RFC 7797 unencoded payload).', {
    token: access({}, rs({ kid: K.main.kid, alg: "RS256", b64: false, crit: ["b64"] })),
  });
  add("header_crit_empty_array", "crit is an empty array (RFC 7515 forbids it).", {
    token: access({}, rs({ kid: K.main.kid, alg: "RS256", crit: [] })),
  });
  add("header_jku_ignored", "jku points at another JWKS; keys come from the configured JWKS only.", {
    token: access({}, rs({ kid: K.main.kid, alg: "RS256", jku: "https://attacker.example/jwks.json" })),
  });
  add("header_embedded_jwk_of_signer", "The header embeds the signer's own public JWK (an attacker key).", {
    token: access({}, { key: K.other, header: { kid: K.main.kid, alg: "RS256", jwk: K.other.jwk } }),
  });
  add("header_duplicate_alg", 'The header has alg twice: "none", then "RS256".', {
    token: tok(accessClaims(), { headerJson: `{"kid":"${K.main.kid}","alg":"none","alg":"RS256"}`, signAlg: "RS256" }),
  });
  add("header_duplicate_kid", "The header has kid twice: unknown, then the pool's key.", {
    token: tok(accessClaims(), { headerJson: `{"kid":"unknown","alg":"RS256","kid":"${K.main.kid}"}`, signAlg: "RS256" }),
  });
  add("header_not_an_object", "The header is a JSON array.", { token: tok(accessClaims(), { headerJson: '["RS256"]', signAlg: "RS256" }) });
  add("header_not_json", "The header is not JSON.", { token: tok(accessClaims(), { headerJson: "RS256", signAlg: "RS256" }) });
  add("header_trailing_garbage", "The header object is followed by garbage.", {
    token: tok(accessClaims(), { headerJson: `{"kid":"${K.main.kid}","alg":"RS256"}x`, signAlg: "RS256" }),
  });
}

export function encodingCases({ add, access, tok, K }) {
  const valid = access();
  add("padding_on_every_segment", "Each segment carries = padding, and the signature covers the padded text.", {
    token: tok(needingPadding(accessClaims()), { header: needingPadding({ kid: K.main.kid, alg: "RS256" }), pad: true }),
  });
  add("padding_on_signature_only", "The signature segment carries = padding.", {
    token: access({}, { signaturePad: true }),
  });
  add("standard_alphabet_signature", "The signature segment is in the standard base64 alphabet (+ and /).", {
    token: (() => {
      for (;;) {
        const t = access({ jti: crypto.randomUUID() }, { signature: (input) => K.main.sign("RS256", input) });
        const s = split(t).signature.toString("base64").replace(/=+$/, "");
        if (/[+/]/.test(s)) return `${split(t).h}.${split(t).p}.${s}`;
      }
    })(),
  });
  add("standard_alphabet_payload", "Payload in the standard alphabet (+ and /), signed over that text.", {
    token: (() => {
      const t = tok(accessClaims({ note: "~~~???>>>" }), { alphabet: "std" });
      if (!/[+/]/.test(t.split(".")[1])) throw new Error("payload has no + or /");
      return t;
    })(),
  });
  add("signature_non_canonical_trailing_bits", "The signature's last character has unused bits set: same bytes, other text.", {
    token: (() => {
      const { h, p, signature } = split(valid);
      return `${h}.${p}.${nonCanonicalSegment(signature)}`;
    })(),
  });
  add("payload_non_canonical_trailing_bits", "The payload's last character has unused bits set, signed over that text.", {
    token: (() => {
      const header = segment(JSON.stringify({ kid: K.main.kid, alg: "RS256" }));
      const payload = nonCanonicalSegment(JSON.stringify(needingPadding(accessClaims())));
      const input = `${header}.${payload}`;
      return `${input}.${segment(K.main.sign("RS256", input))}`;
    })(),
  });
  add("four_segments", "A fourth segment after the signature.", { token: `${valid}.${segment("extra")}` });
  add("two_segments", "Header and payload only.", { token: valid.split(".").slice(0, 2).join(".") });
  add("empty_token", "The empty string.", { token: "" });
  add("empty_signature_segment", "header.payload. with RS256.", { token: `${split(valid).h}.${split(valid).p}.` });
  add("leading_space", "A space before the token.", { token: ` ${valid}` });
  add("bearer_prefix", 'The token still carries "Bearer ".', { token: `Bearer ${valid}` });
  add("trailing_newline", "A newline after the token.", { token: `${valid}\n` });
  add("invalid_character_in_payload", "A ! inside the payload segment.", {
    token: `${split(valid).h}.${split(valid).p.slice(0, 10)}!${split(valid).p.slice(11)}.${split(valid).s}`,
  });
}

export function signatureCases({ add, access, id, K }) {
  const valid = access();
  const { signature } = split(valid);
  const flipped = Buffer.from(signature);
  flipped[100] ^= 0x01;
  add("signature_one_bit_flipped", "One bit of the signature flipped.", { token: withSignature(valid, flipped) });
  add("signature_truncated", "The last four bytes of the signature removed.", { token: withSignature(valid, signature.subarray(0, -4)) });
  add("signature_with_extra_leading_zero", "A zero byte prepended to the RSA signature (257 bytes).", {
    token: withSignature(valid, Buffer.concat([Buffer.from([0]), signature])),
  });
  add("signature_all_zero_rsa", "An RSA signature of 256 zero bytes.", { token: withSignature(valid, Buffer.alloc(256)) });
  add("signature_by_another_key", "Signed by a key that is not in the JWKS, with the pool key's kid.", {
    token: access({}, { key: K.other, header: { kid: K.main.kid, alg: "RS256" } }),
  });
  add("signature_payload_tampered", "A claim changed after signing.", {
    token: (() => {
      const other = access({ username: "admin-user" });
      return `${split(valid).h}.${split(other).p}.${split(valid).s}`;
    })(),
  });
  add("signature_header_tampered", "typ added to the header after signing.", {
    token: `${segment(JSON.stringify({ kid: K.main.kid, alg: "RS256", typ: "JWT" }))}.${split(valid).p}.${split(valid).s}`,
  });
  add("signature_id_token_signature_on_access_payload", "The signature of another token of the same key.", {
    token: `${split(valid).h}.${split(valid).p}.${split(id()).s}`,
  });
  const es = access({}, { key: K.ec256, header: { kid: K.ec256.kid, alg: "ES256" } });
  const esSig = split(es).signature;
  add("signature_es256_der_encoded", "An ES256 signature in DER instead of the JWS r || s form.", {
    token: access({}, { key: K.ec256, header: { kid: K.ec256.kid, alg: "ES256" }, signAlg: "ES256-DER" }),
    pools: ALGS,
  });
  add("signature_es256_high_s", "An ES256 signature with s replaced by n - s (the other valid s).", {
    token: (() => {
      const s = BigInt(`0x${esSig.subarray(32).toString("hex")}`);
      const highS = Buffer.from((P256_ORDER - s).toString(16).padStart(64, "0"), "hex");
      return withSignature(es, Buffer.concat([esSig.subarray(0, 32), highS]));
    })(),
    pools: ALGS,
  });
  add("signature_es256_all_zero", "An ES256 signature r = s = 0 (CVE-2022-21449 shape).", {
    token: withSignature(es, Buffer.alloc(64)),
    pools: ALGS,
  });
  add("signature_eddsa_tampered", "An Ed25519 signature with one bit flipped.", {
    token: (() => {
      const ed = access({}, { key: K.ed25519, header: { kid: K.ed25519.kid, alg: "EdDSA" } });
      const sig = Buffer.from(split(ed).signature);
      sig[10] ^= 0x01;
      return withSignature(ed, sig);
    })(),
    pools: ALGS,
  });
  add("signature_invalid_and_exp_a_string", "exp is a string and the signature is invalid.", {
    token: (() => {
      const t = access({ exp: "4200000000" });
      const sig = Buffer.from(split(t).signature);
      sig[0] ^= 0x01;
      return withSignature(t, sig);
    })(),
  });
}

export function sizeCases({ add, K }) {
  // A token of exactly `length` characters: a filler claim sets the payload length to the byte,
  // and the header gets a space or two when the payload segment alone cannot hit the length
  // (base64url never has a length of 1 modulo 4).
  const sized = (length) => {
    const header = JSON.stringify({ kid: K.main.kid, alg: "RS256" });
    for (const headerJson of [header, header.replace("{", "{ "), header.replace("{", "{  ")]) {
      const make = (n) =>
        mint({ headerJson, payload: accessClaims({ "custom:blob": "a".repeat(n) }), key: K.main, signAlg: "RS256" });
      const base = make(0).length;
      for (let n = Math.max(0, Math.floor(((length - base) * 3) / 4) - 8); ; n++) {
        const token = make(n);
        if (token.length === length) return token;
        if (token.length > length) break;
      }
    }
    throw new Error(`cannot mint a token of exactly ${length} characters`);
  };
  add("size_token_of_16_kib", "A token of exactly 16384 characters (a large custom claim).", { token: sized(16384) });
  add("size_token_over_16_kib", "A token of 16385 characters (a large custom claim).", { token: sized(16385) });
}
