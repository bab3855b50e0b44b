// The keys of the corpus, the JWKS documents that publish them, and the cases about keys.

import crypto from "node:crypto";
import { POOL } from "./context.mjs";
import {
  ecKey,
  okpKey,
  pkcs1Sha256EncodedMessage,
  rsaKey,
  rsaKeyWithExponent,
} from "./keys.mjs";

const SIG_RS256 = { alg: "RS256", use: "sig" };

/** A Cognito-looking kid: 44 characters of base64 that contain +, / and =. */
function cognitoKid() {
  for (;;) {
    const kid = crypto.randomBytes(32).toString("base64");
    if (kid.includes("+") && kid.includes("/")) return kid;
  }
}

/** Generate every key. RSA-8704 takes a while (tens of seconds). */
export function makeKeys() {
  const K = {
    main: rsaKey(cognitoKid(), 2048),
    second: rsaKey(cognitoKid(), 2048),
    other: rsaKey("key-published-nowhere", 2048),
    euPool: rsaKey(cognitoKid(), 2048),
    otherPool: rsaKey(cognitoKid(), 2048),
    // Algorithms.
    rsaNoAlg: rsaKey("rsa-without-alg", 2048, { use: "sig" }),
    rsaRs384: rsaKey("rsa-rs384", 2048, { alg: "RS384", use: "sig" }),
    rsaRs512: rsaKey("rsa-rs512", 2048, { alg: "RS512", use: "sig" }),
    rsa4096: rsaKey("rsa-4096", 4096),
    ec256: ecKey("ec-p256", "P-256", { alg: "ES256", use: "sig" }),
    ec256NoAlg: ecKey("ec-p256-without-alg", "P-256", { use: "sig" }),
    ec384: ecKey("ec-p384", "P-384", { alg: "ES384", use: "sig" }),
    ec521: ecKey("ec-p521", "P-521", { alg: "ES512", use: "sig" }),
    ec521NoAlg: ecKey("ec-p521-without-alg", "P-521", { use: "sig" }),
    ed25519: okpKey("ed25519", "ed25519", { alg: "EdDSA", use: "sig" }),
    ed25519NoAlg: okpKey("ed25519-without-alg", "ed25519", { use: "sig" }),
    // Key variants.
    rsa1024: rsaKey("rsa-1024", 1024),
    rsa1024Only: rsaKey("rsa-1024-only", 1024),
    rsaE3: rsaKey("rsa-e3", 2048, SIG_RS256, 3),
    rsaE2pow32Minus1: rsaKey("rsa-e-2pow32-minus-1", 2048, SIG_RS256, 0xffffffff),
    rsaBigE: rsaKeyWithExponent("rsa-e-above-2pow32", 2n ** 32n + 15n),
    rsa8704: rsaKey("rsa-8704", 8704),
    rsaEnc: rsaKey("rsa-use-enc", 2048, { alg: "RS256", use: "enc" }),
    rsaEncOnly: rsaKey("rsa-use-enc-only", 2048, { alg: "RS256", use: "enc" }),
    rsaNoUse: rsaKey("rsa-without-use", 2048, { alg: "RS256" }),
    rsaAlgUnknown: rsaKey("rsa-alg-rs257", 2048, { alg: "RS257", use: "sig" }),
    rsaForVariants: rsaKey("rsa-for-variants", 2048),
    ecAlgRs256: ecKey("ec-p256-alg-rs256", "P-256", { alg: "RS256", use: "sig" }),
    p384AlgEs256: ecKey("ec-p384-alg-es256", "P-384", { alg: "ES256", use: "sig" }),
    x25519: okpKey("okp-x25519", "x25519", { alg: "EdDSA", use: "sig" }),
    dupFirstValid: rsaKey("duplicated-kid-first-valid", 2048),
    dupSecondValid: rsaKey("duplicated-kid-second-valid", 2048),
  };
  return K;
}

/** A coordinate with its lowest bit flipped: the point leaves the curve. */
function offCurve(coordinate) {
  const bytes = Buffer.from(coordinate, "base64url");
  bytes[bytes.length - 1] ^= 1;
  return bytes.toString("base64url");
}

/** The JWKS documents, by name. The Rust replay serves each at /jwks/{name}. */
export function makeJwks(K) {
  const v = K.rsaForVariants;
  const ec = K.ec256;
  const decoy = (kid) => ({ ...K.other.jwk, kid });
  const n = Buffer.from(v.jwk.n, "base64url");
  return {
    cognito: { keys: [K.main.jwk, K.second.jwk] },
    "eu-pool": { keys: [K.euPool.jwk] },
    "other-pool": { keys: [K.otherPool.jwk] },
    algorithms: {
      keys: [
        K.main.jwk,
        K.rsaNoAlg.jwk,
        K.rsaRs384.jwk,
        K.rsaRs512.jwk,
        K.rsa4096.jwk,
        K.ec256.jwk,
        K.ec256NoAlg.jwk,
        K.ec384.jwk,
        K.ec521.jwk,
        K.ec521NoAlg.jwk,
        K.ed25519.jwk,
        K.ed25519NoAlg.jwk,
      ],
    },
    "key-variants": {
      keys: [
        K.main.jwk,
        K.rsa1024.jwk,
        K.rsaE3.jwk,
        K.rsaE2pow32Minus1.jwk,
        K.rsaBigE.jwk,
        K.rsa8704.jwk,
        K.rsaEnc.jwk,
        K.rsaNoUse.jwk,
        K.rsaAlgUnknown.jwk,
        { ...v.jwk, kid: "rsa-e1", e: "AQ" },
        { ...v.jwk, kid: "rsa-even-exponent", e: "AQAA" },
        { ...v.jwk, kid: "rsa-n-standard-alphabet", n: n.toString("base64").replace(/=+$/, "") },
        { ...v.jwk, kid: "rsa-n-leading-zero", n: Buffer.concat([Buffer.from([0]), n]).toString("base64url") },
        { alg: "RS256", e: v.jwk.e, kid: "rsa-missing-n", kty: "RSA", use: "sig" },
        { ...v.jwk, kid: "rsa-labelled-kty-ec", kty: "EC" },
        { kid: "oct-hmac", kty: "oct", k: Buffer.from("a shared secret").toString("base64url"), alg: "HS256", use: "sig" },
        { ...ec.jwk, kid: "ec-point-not-on-curve", y: offCurve(ec.jwk.y) },
        { ...ec.jwk, kid: "ec-x-with-leading-zero", x: Buffer.concat([Buffer.from([0]), Buffer.from(ec.jwk.x, "base64url")]).toString("base64url") },
        K.ecAlgRs256.jwk,
        K.p384AlgEs256.jwk,
        K.x25519.jwk,
        K.dupFirstValid.jwk,
        decoy(K.dupFirstValid.kid),
        decoy(K.dupSecondValid.kid),
        K.dupSecondValid.jwk,
      ],
    },
    "member-not-a-string": { keys: [K.main.jwk, { ...K.second.jwk, kid: "e-is-a-number", e: 65537 }] },
    "only-small-rsa": { keys: [K.rsa1024Only.jwk] },
    "only-use-enc": { keys: [K.rsaEncOnly.jwk] },
  };
}

export function keyCases({ add, access, K }) {
  const VARIANTS = [{ userPoolId: POOL, jwks: "key-variants" }];
  const signedBy = (key, description, name, options = {}) =>
    add(name, description, { token: access({}, { key, ...options }), pools: VARIANTS });
  // A token whose kid names a variant of `K.rsaForVariants`, signed by that key (RS256).
  const variantOf = (kid) => access({}, { key: K.rsaForVariants, header: { kid, alg: "RS256" } });

  signedBy(K.main, "The pool key, from a JWKS that also holds every odd key below.", "key_variants_pool_key_still_works");
  signedBy(K.rsa1024, "An RSA-1024 key.", "key_rsa_1024");
  signedBy(K.rsaE3, "An RSA key with public exponent 3.", "key_rsa_exponent_3");
  signedBy(K.rsaE2pow32Minus1, "An RSA key with public exponent 2^32 - 1.", "key_rsa_exponent_2_pow_32_minus_1");
  signedBy(K.rsaBigE, "An RSA key with public exponent 2^32 + 15.", "key_rsa_exponent_above_2_pow_32");
  signedBy(K.rsa8704, "An RSA-8704 key.", "key_rsa_8704");
  signedBy(K.rsaEnc, 'A JWK with use "enc".', "key_use_enc");
  signedBy(K.rsaNoUse, "A JWK without use.", "key_use_missing");
  signedBy(K.rsaAlgUnknown, 'A JWK whose alg is "RS257".', "key_alg_unknown");
  add("key_rsa_exponent_1_forged", "A JWK with e = 1; the signature is the PKCS #1 encoded message itself: forged.", {
    token: access({}, {
      header: { kid: "rsa-e1", alg: "RS256" },
      signature: (input) => pkcs1Sha256EncodedMessage(input, 256),
    }),
    pools: VARIANTS,
  });
  add("key_rsa_even_exponent", "A JWK with e = 65536 (even), token signed by the key with e = 65537.", {
    token: variantOf("rsa-even-exponent"),
    pools: VARIANTS,
  });
  add("key_rsa_n_standard_alphabet", "A JWK whose n is in the standard base64 alphabet.", {
    token: variantOf("rsa-n-standard-alphabet"),
    pools: VARIANTS,
  });
  add("key_rsa_n_leading_zero", "A JWK whose n has a leading zero byte.", { token: variantOf("rsa-n-leading-zero"), pools: VARIANTS });
  add("key_rsa_missing_n", "An RSA JWK without n.", { token: variantOf("rsa-missing-n"), pools: VARIANTS });
  add("key_rsa_labelled_kty_ec", 'An RSA JWK (n, e) whose kty says "EC".', { token: variantOf("rsa-labelled-kty-ec"), pools: VARIANTS });
  add("key_kty_oct_rs256_header", "A symmetric (oct) JWK; the token says RS256.", { token: variantOf("oct-hmac"), pools: VARIANTS });
  add("key_kty_oct_hs256_header", "A symmetric (oct) JWK; the token is HS256 with its secret.", {
    token: access({}, {
      header: { kid: "oct-hmac", alg: "HS256" },
      signature: (input) => crypto.createHmac("sha256", "a shared secret").update(input).digest(),
    }),
    pools: VARIANTS,
  });
  add("key_ec_point_not_on_curve", "A P-256 JWK whose point is not on the curve.", {
    token: access({}, { key: K.ec256, header: { kid: "ec-point-not-on-curve", alg: "ES256" } }),
    pools: VARIANTS,
  });
  add("key_ec_x_with_leading_zero", "A P-256 JWK whose x has 33 bytes (a leading zero).", {
    token: access({}, { key: K.ec256, header: { kid: "ec-x-with-leading-zero", alg: "ES256" } }),
    pools: VARIANTS,
  });
  add("key_ec_jwk_alg_rs256", 'A P-256 JWK whose alg says RS256; header RS256, ECDSA P-256 SHA-256 signature.', {
    token: access({}, { key: K.ecAlgRs256, header: { kid: K.ecAlgRs256.kid, alg: "RS256" }, signAlg: "ES256" }),
    pools: VARIANTS,
  });
  add("key_p384_jwk_alg_es256", "A P-384 JWK whose alg says ES256; ECDSA P-384 over SHA-256.", {
    token: access({}, { key: K.p384AlgEs256, header: { kid: K.p384AlgEs256.kid, alg: "ES256" } }),
    pools: VARIANTS,
  });
  add("key_okp_x25519", "An X25519 (key agreement) OKP key; header EdDSA.", {
    token: access({}, { key: K.ed25519, header: { kid: K.x25519.kid, alg: "EdDSA" } }),
    pools: VARIANTS,
  });
  signedBy(K.dupFirstValid, "Two JWKs share the kid; the first is the signer's.", "key_duplicate_kid_first_is_signer");
  signedBy(K.dupSecondValid, "Two JWKs share the kid; the second is the signer's.", "key_duplicate_kid_second_is_signer");
  add("key_other_member_not_a_string", "The JWKS also holds a JWK whose e is a JSON number; the token uses a good key.", {
    token: access(),
    pools: [{ userPoolId: POOL, jwks: "member-not-a-string" }],
  });
  add("key_jwks_only_small_rsa", "The JWKS holds only an RSA-1024 key, which signed the token.", {
    token: access({}, { key: K.rsa1024Only }),
    pools: [{ userPoolId: POOL, jwks: "only-small-rsa" }],
  });
  add("key_jwks_only_use_enc", 'The JWKS holds only a use "enc" key, which signed the token.', {
    token: access({}, { key: K.rsaEncOnly }),
    pools: [{ userPoolId: POOL, jwks: "only-use-enc" }],
  });
}

