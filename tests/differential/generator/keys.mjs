// Key material for the differential corpus: generated afresh on every run with Node's crypto.
//
// Every key is a { kid, jwk, sign } triple: `jwk` is the public JWK as it is published in a
// JWKS (member order as Cognito writes it), `sign(alg, bytes)` signs with the private key.

import crypto from "node:crypto";

/** Big-endian unsigned bytes of a BigInt, as base64url (the JWK encoding of n, e, d, ...). */
export function bigToB64u(x) {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, "hex").toString("base64url");
}

function egcd(a, b) {
  let [x0, x1] = [1n, 0n];
  while (b) {
    const q = a / b;
    [a, b] = [b, a % b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  return [a, x0];
}

const gcd = (a, b) => egcd(a, b)[0];

function modInverse(a, m) {
  const [g, x] = egcd(((a % m) + m) % m, m);
  if (g !== 1n) throw new Error("no modular inverse");
  return ((x % m) + m) % m;
}

/** Sign `data` as the JWS algorithm `alg` with a Node private key (or HMAC secret). */
export function signAs(alg, privateKey, data) {
  const input = Buffer.from(data);
  switch (alg) {
    case "RS256":
      return crypto.sign("sha256", input, privateKey);
    case "RS384":
      return crypto.sign("sha384", input, privateKey);
    case "RS512":
      return crypto.sign("sha512", input, privateKey);
    case "PS256":
      return crypto.sign("sha256", input, {
        key: privateKey,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case "ES256":
      return crypto.sign("sha256", input, { key: privateKey, dsaEncoding: "ieee-p1363" });
    case "ES384":
      return crypto.sign("sha384", input, { key: privateKey, dsaEncoding: "ieee-p1363" });
    case "ES512":
      return crypto.sign("sha512", input, { key: privateKey, dsaEncoding: "ieee-p1363" });
    case "ES256-DER":
      return crypto.sign("sha256", input, { key: privateKey, dsaEncoding: "der" });
    case "EdDSA":
      return crypto.sign(null, input, privateKey);
    case "HS256":
      return crypto.createHmac("sha256", privateKey).update(input).digest();
    case "none":
      return Buffer.alloc(0);
    default:
      throw new Error(`cannot sign as ${alg}`);
  }
}

/** A public JWK with Cognito's member order: alg, e, kid, kty, n, use (absent ones left out). */
function ordered(jwk) {
  const order = ["alg", "crv", "e", "kid", "kty", "n", "use", "x", "y"];
  const out = {};
  for (const name of order) if (jwk[name] !== undefined) out[name] = jwk[name];
  for (const [name, value] of Object.entries(jwk)) if (!(name in out) && value !== undefined) out[name] = value;
  return out;
}

/** A key from a Node key pair: its public JWK with `extra` members, and a signer. */
function fromPair(kid, pair, extra) {
  const jwk = ordered({ ...pair.publicKey.export({ format: "jwk" }), kid, ...extra });
  return { kid, jwk, privateKey: pair.privateKey, sign: (alg, data) => signAs(alg, pair.privateKey, data) };
}

export function rsaKey(kid, bits, extra = { alg: "RS256", use: "sig" }, publicExponent = 65537) {
  return fromPair(kid, crypto.generateKeyPairSync("rsa", { modulusLength: bits, publicExponent }), extra);
}

export function ecKey(kid, curve, extra) {
  return fromPair(kid, crypto.generateKeyPairSync("ec", { namedCurve: curve }), extra);
}

export function okpKey(kid, type, extra) {
  return fromPair(kid, crypto.generateKeyPairSync(type), extra);
}

/**
 * An RSA-2048 key with a public exponent Node's generator refuses (above 2^32), built from two
 * primes, so that tokens signed with it carry a mathematically valid signature.
 */
export function rsaKeyWithExponent(kid, e, extra = { alg: "RS256", use: "sig" }) {
  let p;
  let q;
  do p = crypto.generatePrimeSync(1024, { bigint: true });
  while (gcd(e, p - 1n) !== 1n);
  do q = crypto.generatePrimeSync(1024, { bigint: true });
  while (q === p || gcd(e, q - 1n) !== 1n);
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(e, lambda);
  const privateKey = crypto.createPrivateKey({
    format: "jwk",
    key: {
      kty: "RSA",
      n: bigToB64u(n),
      e: bigToB64u(e),
      d: bigToB64u(d),
      p: bigToB64u(p),
      q: bigToB64u(q),
      dp: bigToB64u(d % (p - 1n)),
      dq: bigToB64u(d % (q - 1n)),
      qi: bigToB64u(modInverse(q, p)),
    },
  });
  const jwk = ordered({ kty: "RSA", n: bigToB64u(n), e: bigToB64u(e), kid, ...extra });
  return { kid, jwk, privateKey, sign: (alg, data) => signAs(alg, privateKey, data) };
}

/**
 * The PKCS #1 v1.5 encoded message for SHA-256 over `data` with a modulus of `k` bytes. With a
 * public exponent of 1 it is its own valid "signature": anyone can forge one.
 */
export function pkcs1Sha256EncodedMessage(data, k) {
  const digestInfo = Buffer.from("3031300d060960864801650304020105000420", "hex");
  const t = Buffer.concat([digestInfo, crypto.createHash("sha256").update(data).digest()]);
  return Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - t.length - 3, 0xff), Buffer.from([0]), t]);
}

/** The order of the curve, for high-S signatures. */
export const P256_ORDER = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
