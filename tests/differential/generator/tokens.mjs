// Compact JWS assembly, with the encodings the corpus needs to vary: base64url (the standard),
// with `=` padding, the standard base64 alphabet, and non-canonical trailing bits.

const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url of `data` (a string is taken as UTF-8), optionally padded or in the standard alphabet. */
export function segment(data, { pad = false, alphabet = "url" } = {}) {
  const bytes = Buffer.from(data);
  if (alphabet === "std") {
    const s = bytes.toString("base64");
    return pad ? s : s.replace(/=+$/, "");
  }
  const s = bytes.toString("base64url");
  return pad ? s + "=".repeat((4 - (s.length % 4)) % 4) : s;
}

/**
 * The same bytes with the unused low bits of the last base64url character set: a second
 * spelling of one value, which a strict decoder refuses. `data` must not be a multiple of 3
 * bytes long (otherwise there are no unused bits).
 */
export function nonCanonicalSegment(data) {
  const canonical = segment(data);
  if (Buffer.from(data).length % 3 === 0) throw new Error("no unused bits in a multiple of 3 bytes");
  const last = URL_ALPHABET.indexOf(canonical.at(-1));
  return canonical.slice(0, -1) + URL_ALPHABET[last + 1];
}

/** Grow a JSON object with a filler member until its serialisation is not a multiple of 3 bytes. */
export function needingPadding(object) {
  const out = { ...object };
  while (Buffer.from(JSON.stringify(out)).length % 3 === 0) out.f = `${out.f ?? ""}x`;
  return out;
}

/**
 * A compact JWS. `header`/`payload` are serialised with JSON.stringify unless `headerJson` /
 * `payloadJson` give the exact text (or bytes). The signature is made by `key.sign(signAlg ??
 * header.alg, signingInput)`, or by `signature(signingInput)` when given.
 */
export function mint({
  header,
  payload,
  headerJson,
  payloadJson,
  key,
  signAlg,
  signature,
  pad = false,
  signaturePad = pad,
  alphabet = "url",
}) {
  const h = segment(headerJson ?? JSON.stringify(header), { pad, alphabet });
  const p = segment(payloadJson ?? JSON.stringify(payload), { pad, alphabet });
  const input = `${h}.${p}`;
  const sig = signature ? signature(input) : key.sign(signAlg ?? header.alg, input);
  return `${input}.${segment(sig, { pad: signaturePad, alphabet })}`;
}

/** The three segments of a compact token, and the signature decoded. */
export function split(token) {
  const [h, p, s] = token.split(".");
  return { h, p, s, signature: Buffer.from(s, "base64url") };
}

/** `token` with its signature replaced by `signature` (bytes, base64url-encoded here). */
export function withSignature(token, signature) {
  const { h, p } = split(token);
  return `${h}.${p}.${segment(signature)}`;
}
