//! The table of intended differences: every case where our verdict is allowed to differ from
//! aws-jwt-verify's, with the reason. docs/differential.md holds the same table for readers; a
//! test keeps the two in step.

/// Why a difference is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// We decide differently on purpose.
    Intended,
    /// We are wrong (or our verdict will change); the named work changes it, and must then
    /// remove the entry or update it.
    ToBeFixed(&'static str),
}

/// One allowed difference.
#[derive(Debug)]
pub struct Difference {
    /// The corpus case.
    pub case: &'static str,
    /// Our verdict, as [`our_label`](crate::class::our_label) names it.
    pub ours: &'static str,
    /// Intended, or a known bug.
    pub status: Status,
    /// Why.
    pub reason: &'static str,
}

/// Every allowed difference.
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        case: "alg_none_empty_signature",
        ours: "DisallowedAlgorithm",
        status: Status::Intended,
        reason: "Both refuse. We check the header's alg against the allow-list before looking at the signature segment; aws-jwt-verify's token regex refuses the empty segment first.",
    },
    Difference {
        case: "alg_rs384_jwk_without_alg",
        ours: "KeyAlgorithmMismatch",
        status: Status::Intended,
        reason: "Cognito signs with RS256 only and labels its JWKs alg RS256: a JWK without alg from a Cognito issuer is used for RS256 only, so an RS384 header on it is a key mismatch (RFC 8725 §3.1: the key, not the token, decides the algorithm). aws-jwt-verify lets an alg-less JWK verify whatever its key type can. Other issuers' JWKs without alg are used for every algorithm of their key type.",
    },
    Difference {
        case: "alg_rs512_jwk_without_alg",
        ours: "KeyAlgorithmMismatch",
        status: Status::Intended,
        reason: "As alg_rs384_jwk_without_alg, for RS512.",
    },
    Difference {
        case: "alg_es256_jwk_without_alg",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "A JWK without alg from a Cognito issuer is for RS256 only (see alg_rs384_jwk_without_alg), which an EC key cannot be: it is unusable when the set is parsed. aws-jwt-verify uses it for ES256.",
    },
    Difference {
        case: "alg_es512_jwk_without_alg",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "As alg_es256_jwk_without_alg, for a P-521 key. ES512 itself is supported: alg_es512, whose JWK says ES512, agrees.",
    },
    Difference {
        case: "alg_eddsa_jwk_without_alg",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "As alg_es256_jwk_without_alg, for an Ed25519 key.",
    },
    Difference {
        case: "alg_es256_header_on_rsa_key_without_alg",
        ours: "KeyAlgorithmMismatch",
        status: Status::Intended,
        reason: "The header says ES256, the key is RSA, the signature RSASSA-PKCS1-v1_5. aws-jwt-verify maps ES256 to Node's digest name \"RSA-SHA256\" and lets the key's type choose the algorithm, so with an alg-less JWK the header's alg does not matter. The alg names the algorithm (RFC 7515 §4.1.1) and ES256 is ECDSA on P-256 (RFC 7518 §3.4): we tie the key type and curve to it.",
    },
    Difference {
        case: "alg_rs256_header_on_ec_key_without_alg",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "The header says RS256, the key is P-256, the signature ECDSA: accepted by aws-jwt-verify for the same reason as alg_es256_header_on_rsa_key_without_alg. A Cognito issuer's EC JWK without alg is unusable (see alg_es256_jwk_without_alg); another issuer's would give KeyAlgorithmMismatch, since RS256 is RSA only (RFC 7518 §3.3).",
    },
    Difference {
        case: "alg_es384_header_on_p256_key_without_alg",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "aws-jwt-verify verifies ECDSA P-256 with SHA-384 because the key, not the alg, chooses the curve. A Cognito issuer's EC JWK without alg is unusable (see alg_es256_jwk_without_alg); another issuer's would give KeyAlgorithmMismatch, since ES384 is ECDSA on P-384 (RFC 7518 §3.4).",
    },
    Difference {
        case: "alg_eddsa_header_on_rsa_key_without_alg",
        ours: "KeyAlgorithmMismatch",
        status: Status::Intended,
        reason: "EdDSA with an RSA key: aws-jwt-verify passes no digest to Node, which verifies an RSA signature with its default digest. EdDSA needs an OKP key (RFC 8037 §3.1).",
    },
    Difference {
        case: "header_crit_unknown_extension",
        ours: "MalformedHeader",
        status: Status::Intended,
        reason: "RFC 7515 §4.1.11: a recipient that does not understand an extension listed in crit must refuse the JWS; we understand none, so a crit header is refused. aws-jwt-verify ignores crit.",
    },
    Difference {
        case: "header_crit_b64_false",
        ours: "MalformedHeader",
        status: Status::Intended,
        reason: "As header_crit_unknown_extension, for the RFC 7797 b64 extension, which we do not implement.",
    },
    Difference {
        case: "header_crit_empty_array",
        ours: "MalformedHeader",
        status: Status::Intended,
        reason: "As header_crit_unknown_extension; an empty crit is invalid anyway (RFC 7515 §4.1.11).",
    },
    Difference {
        case: "header_duplicate_alg",
        ours: "MalformedHeader",
        status: Status::Intended,
        reason: "RFC 7515 §5.2 allows refusing duplicate header members or taking the last; we refuse: a duplicated alg lets two parsers see two algorithms. aws-jwt-verify's JSON.parse takes the last.",
    },
    Difference {
        case: "header_duplicate_kid",
        ours: "MalformedHeader",
        status: Status::Intended,
        reason: "As header_duplicate_alg, for kid.",
    },
    Difference {
        case: "padding_on_every_segment",
        ours: "Malformed",
        status: Status::Intended,
        reason: "JWS segments are base64url without padding (RFC 7515 §2); aws-jwt-verify's token regex allows up to two '=' per segment. Strict decoding keeps one spelling per token.",
    },
    Difference {
        case: "padding_on_signature_only",
        ours: "Malformed",
        status: Status::Intended,
        reason: "As padding_on_every_segment; with padding on the signature alone the signed text is unchanged, so aws-jwt-verify accepts a second spelling of a valid token.",
    },
    Difference {
        case: "signature_non_canonical_trailing_bits",
        ours: "Malformed",
        status: Status::Intended,
        reason: "Node's base64 decoder ignores the unused low bits of the last character, so aws-jwt-verify accepts several spellings of one signature (a malleable token). We decode canonically (RFC 4648 §3.5).",
    },
    Difference {
        case: "payload_non_canonical_trailing_bits",
        ours: "Malformed",
        status: Status::Intended,
        reason: "As signature_non_canonical_trailing_bits, for the payload (signed over the non-canonical text).",
    },
    Difference {
        case: "signature_invalid_and_exp_a_string",
        ours: "InvalidSignature",
        status: Status::Intended,
        reason: "Both refuse. We read no claim before the signature verified; aws-jwt-verify type-checks exp while parsing, before the signature.",
    },
    Difference {
        case: "size_token_over_16_kib",
        ours: "TokenTooLarge",
        status: Status::Intended,
        reason: "Tokens above max_token_bytes (16 KiB by default, configurable) are refused before any decoding, to bound the work an unauthenticated request causes. Cognito tokens are 1-4 KiB. aws-jwt-verify has no limit.",
    },
    Difference {
        case: "aud_null",
        ours: "MissingClaim(aud)",
        status: Status::Intended,
        reason: "Both refuse. An optional claim that is null reads as absent (OpenID Connect Core §5.3.2 omits a claim without a value rather than write null), so this ID token has no audience: MissingClaim(aud), a client refusal. aws-jwt-verify refuses the null as malformed.",
    },
    Difference {
        case: "aud_array_with_match",
        ours: "ok",
        status: Status::Intended,
        reason: "aud may be an array (RFC 7519 §4.1.3): an ID token matches when any member is an allowed client. aws-jwt-verify's CognitoJwtVerifier refuses every aud array.",
    },
    Difference {
        case: "aud_array_single_match",
        ours: "ok",
        status: Status::Intended,
        reason: "As aud_array_with_match, for a one-member array.",
    },
    Difference {
        case: "exp_equals_now",
        ours: "Expired",
        status: Status::Intended,
        reason: "RFC 7519 §4.1.4: the token must not be accepted on or after exp; aws-jwt-verify still accepts it at exp.",
    },
    Difference {
        case: "iat_one_second_ahead",
        ours: "IssuedInFuture",
        status: Status::Intended,
        reason: "We refuse tokens issued in the future (beyond the leeway): the issuer's clock or the token is wrong. aws-jwt-verify does not read iat.",
    },
    Difference {
        case: "grace_exp_at_boundary",
        ours: "Expired",
        status: Status::Intended,
        reason: "As exp_equals_now, with 60 s of leeway.",
    },
    Difference {
        case: "grace_iat_beyond",
        ours: "IssuedInFuture",
        status: Status::Intended,
        reason: "As iat_one_second_ahead, beyond 60 s of leeway.",
    },
    Difference {
        case: "iat_half_second_ahead",
        ours: "IssuedInFuture",
        status: Status::Intended,
        reason: "As iat_one_second_ahead: iat is compared with sub-second precision (RFC 7519 §2: NumericDates may be fractional), so half a second ahead is in the future.",
    },
    Difference {
        case: "exp_huge_finite",
        ours: "InvalidClaim(exp)",
        status: Status::Intended,
        reason: "exp = 1e300 is no date; NumericDates beyond about 285 million years (9e15 s) are refused rather than clamped. aws-jwt-verify accepts any finite number.",
    },
    Difference {
        case: "exp_beyond_i64",
        ours: "InvalidClaim(exp)",
        status: Status::Intended,
        reason: "As exp_huge_finite, for 1e20.",
    },
    Difference {
        case: "exp_missing",
        ours: "MissingClaim(exp)",
        status: Status::Intended,
        reason: "Cognito always sets exp, and a token without one would never expire: we require it. aws-jwt-verify checks exp only when present.",
    },
    Difference {
        case: "nbf_null",
        ours: "ok",
        status: Status::Intended,
        reason: "An optional claim that is null reads as absent, as for cognito:groups and event_id (where aws-jwt-verify agrees); a null nbf sets no bound. aws-jwt-verify type-checks nbf whenever it is not undefined.",
    },
    Difference {
        case: "iat_far_future",
        ours: "IssuedInFuture",
        status: Status::Intended,
        reason: "As iat_one_second_ahead, far from any clock.",
    },
    Difference { case: "iat_null", ours: "ok", status: Status::Intended, reason: "As nbf_null, for iat." },
    Difference {
        case: "auth_time_string",
        ours: "InvalidClaim(auth_time)",
        status: Status::Intended,
        reason: "We type-check every standard Cognito claim we expose (auth_time is a NumericDate); aws-jwt-verify type-checks only exp, nbf, iat, iss, sub, aud, scope and jti.",
    },
    Difference {
        case: "scope_null_no_requirement",
        ours: "ok",
        status: Status::Intended,
        reason: "As nbf_null, for scope: a null scope is no scopes, and none is required.",
    },
    Difference {
        case: "scope_null_with_requirement",
        ours: "InsufficientScope",
        status: Status::Intended,
        reason: "Both refuse: a null scope reads as no scopes, so the required scope is missing (InsufficientScope); aws-jwt-verify refuses the null as malformed.",
    },
    Difference {
        case: "groups_string_no_requirement",
        ours: "InvalidClaim(cognito:groups)",
        status: Status::Intended,
        reason: "Cognito writes cognito:groups as an array; we refuse another type instead of guessing. aws-jwt-verify does not read the claim unless groups are required.",
    },
    Difference {
        case: "groups_string_with_requirement",
        ours: "InvalidClaim(cognito:groups)",
        status: Status::Intended,
        reason: "As groups_string_no_requirement; aws-jwt-verify reads a string as a one-group list.",
    },
    Difference {
        case: "groups_mixed_types_match_first",
        ours: "InvalidClaim(cognito:groups)",
        status: Status::Intended,
        reason: "cognito:groups [\"admin\", 1] is not an array of strings. aws-jwt-verify stops at the first match and never sees the number (with [1, \"admin\"] it refuses).",
    },
    Difference {
        case: "sub_missing",
        ours: "MissingClaim(sub)",
        status: Status::Intended,
        reason: "Cognito sets sub on every token and our claims type exposes it as a string: we require it. aws-jwt-verify does not.",
    },
    Difference {
        case: "username_number",
        ours: "InvalidClaim(username)",
        status: Status::Intended,
        reason: "As auth_time_string, for username.",
    },
    Difference {
        case: "version_string",
        ours: "InvalidClaim(version)",
        status: Status::Intended,
        reason: "As auth_time_string, for version (an integer).",
    },
    Difference {
        case: "json_duplicate_token_use",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "RFC 7519 §4 allows refusing duplicate claim names or taking the last; we refuse, since two parsers taking different duplicates is a known bypass. aws-jwt-verify's JSON.parse takes the last.",
    },
    Difference {
        case: "json_duplicate_exp",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_duplicate_token_use, for exp.",
    },
    Difference {
        case: "json_duplicate_iss",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_duplicate_token_use, for iss.",
    },
    Difference {
        case: "json_duplicate_exp_via_escaped_key",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_duplicate_exp, with the second name spelled \\u0065xp.",
    },
    Difference {
        case: "json_duplicate_unknown_member",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_duplicate_token_use, for a member the standard claims do not include: refused whatever the custom-claims type, since a custom type (a map, say) or another parser reads one of the two.",
    },
    Difference {
        case: "json_duplicate_groups",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_duplicate_token_use, for cognito:groups.",
    },
    Difference {
        case: "json_invalid_utf8_in_unknown_claim",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "JSON text is UTF-8 (RFC 8259 §8.1, RFC 7519 §7.2): the whole payload is checked, also members nothing reads, as the header is. Node replaces the invalid byte with U+FFFD, so aws-jwt-verify's claims are not the ones signed; a custom-claims type or another parser could read the member.",
    },
    Difference {
        case: "json_invalid_utf8_in_username",
        ours: "MalformedPayload",
        status: Status::Intended,
        reason: "As json_invalid_utf8_in_unknown_claim: the payload is refused before any claim is read. Node replaces the invalid byte with U+FFFD, so aws-jwt-verify returns a username that is not the one signed.",
    },
    Difference {
        case: "json_lone_surrogate_in_username",
        ours: "InvalidClaim(username)",
        status: Status::Intended,
        reason: "\\ud800 alone is no Unicode character (RFC 8259 §8.2); aws-jwt-verify returns a string that is not valid Unicode.",
    },
    Difference {
        case: "key_rsa_1024",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "RSA keys below 2048 bits are refused when the set is parsed (NIST SP 800-131A; Cognito's keys are 2048 bits). aws-jwt-verify uses them.",
    },
    Difference {
        case: "key_rsa_exponent_above_2_pow_32",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "RSA public exponents above 2^32 are refused when the set is parsed: no standard key uses one, and the cost of a check grows with e. aws-jwt-verify uses the key.",
    },
    Difference {
        case: "key_rsa_8704",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "RSA keys above 8192 bits are refused when the set is parsed (a bound on the cost of a signature check). aws-jwt-verify uses them.",
    },
    Difference {
        case: "key_alg_unknown",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "Both refuse. We judge a JWK when the set is parsed: one whose alg we do not support (RS257) is unusable whatever the token says; aws-jwt-verify compares the JWK's alg with the header's.",
    },
    Difference {
        case: "key_rsa_exponent_1_forged",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "With e = 1, RSA verification is the identity: the forged token (its signature is the encoded message itself) verifies in aws-jwt-verify. A JWK with e = 1 is refused when the set is parsed.",
    },
    Difference {
        case: "key_rsa_even_exponent",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "Both refuse. An even exponent is no RSA key: we refuse the JWK when the set is parsed, aws-jwt-verify fails the signature.",
    },
    Difference {
        case: "key_rsa_n_standard_alphabet",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "JWK members are base64url (RFC 7518 §6.3.1.1, RFC 7515 §2); Node's JWK import also accepts the standard alphabet.",
    },
    Difference {
        case: "key_rsa_n_leading_zero",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "A Base64urlUInt uses the minimum number of octets (RFC 7518 §2); Node accepts a leading zero octet. Cognito's n has none.",
    },
    Difference {
        case: "key_kty_oct_hs256_header",
        ours: "DisallowedAlgorithm",
        status: Status::Intended,
        reason: "Both refuse. HMAC is refused from the header, before any key is looked up; aws-jwt-verify refuses the oct key.",
    },
    Difference {
        case: "key_ec_x_with_leading_zero",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "An EC coordinate is exactly the curve's size (RFC 7518 §6.2.1.2: 32 octets for P-256); Node accepts 33.",
    },
    Difference {
        case: "key_ec_jwk_alg_rs256",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "A JWK whose alg (RS256) does not fit its key type (EC) is unusable. aws-jwt-verify only compares the JWK's alg with the header's and then verifies ECDSA, since the key chooses the algorithm.",
    },
    Difference {
        case: "key_p384_jwk_alg_es256",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "ES256 is P-256 only (RFC 7518 §3.4): a P-384 key labelled ES256 is unusable; aws-jwt-verify verifies ECDSA P-384 with SHA-256.",
    },
    Difference {
        case: "key_duplicate_kid_first_is_signer",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "A kid listed twice in a JWKS is ambiguous; we use neither key. aws-jwt-verify takes the first, so the verdict depends on the order of the set (see key_duplicate_kid_second_is_signer).",
    },
    Difference {
        case: "key_duplicate_kid_second_is_signer",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "Both refuse: aws-jwt-verify tries the first key of that kid (InvalidSignature), we refuse the ambiguous kid.",
    },
    Difference {
        case: "key_other_member_not_a_string",
        ours: "ok",
        status: Status::Intended,
        reason: "A JWK that cannot be parsed is skipped, not the whole set (docs/architecture.md); aws-jwt-verify refuses the whole JWKS when one JWK has a member of the wrong type, and with it every token of the pool.",
    },
    Difference {
        case: "key_jwks_only_small_rsa",
        ours: "UnusableKey",
        status: Status::Intended,
        reason: "The only key is RSA-1024, unusable as in key_rsa_1024. A JWKS that parses is a successful fetch even when it holds no usable key, so the token gets UnusableKey (401), not the retryable KeysUnavailable (503). aws-jwt-verify uses the key.",
    },
];
