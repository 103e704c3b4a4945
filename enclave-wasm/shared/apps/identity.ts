// The identity app's op, query, attribute and failure codes (app id APP_IDENTITY = 3).

/** Ops: init (the caller becomes the KYC issuer), attest(subject, attributes u8, jurisdiction u16, expiresBlock
 * u64), revoke(subject). */
export const IDENTITY_INIT = 1
export const IDENTITY_ATTEST = 2
export const IDENTITY_REVOKE = 3

/** Attribute bits; a jurisdiction is an ISO 3166-1 numeric code beside them (0 = none). */
export const ATTRIBUTE_KYC = 1
export const ATTRIBUTE_ACCREDITED = 2
export const KNOWN_ATTRIBUTES = 3

/** Queries: attestation(subject) -> present u8 ‖ attributes u8 ‖ jurisdiction u16 ‖ expiresBlock u64;
 * issuer() -> initialised u8 ‖ issuer (20). */
export const IDENTITY_QUERY_ATTESTATION = 1
export const IDENTITY_QUERY_ISSUER = 2

/** Failure codes: 0x03xx. */
export const FAIL_IDENTITY_NOT_ISSUER = 0x0301
export const FAIL_IDENTITY_ALREADY_INITIALIZED = 0x0302
export const FAIL_IDENTITY_NOT_INITIALIZED = 0x0303
export const FAIL_IDENTITY_UNKNOWN_ATTRIBUTE = 0x0304
export const FAIL_IDENTITY_ALREADY_EXPIRED = 0x0305
export const FAIL_IDENTITY_NOT_ATTESTED = 0x0306
