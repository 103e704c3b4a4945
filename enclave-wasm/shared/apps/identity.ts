// The identity app's op, query, attribute and failure codes (app id APP_IDENTITY = 3).

/** Ops: grantIssuer(issuer) (governance only: the enclave sends it as GOVERNANCE_CALLER_KEY for the Ledger's
 * grantIdentityIssuer input; it sets or replaces the KYC issuer), attest(subject, attributes u8, jurisdiction u16,
 * expiresBlock u64), revoke(subject). */
export const IDENTITY_GRANT_ISSUER = 1
export const IDENTITY_ATTEST = 2
export const IDENTITY_REVOKE = 3

/** Attribute bits; a jurisdiction is an ISO 3166-1 numeric code beside them (0 = none). */
export const ATTRIBUTE_KYC = 1
export const ATTRIBUTE_ACCREDITED = 2
export const KNOWN_ATTRIBUTES = 3

/** Attest's history lines carry the attestation in their amount field, so a wallet reads its attributes from its own
 * history: amount = attributes << 80 | jurisdiction << 64 | expiresBlock. */
export const ATTESTATION_ATTRIBUTES_SHIFT = 80
export const ATTESTATION_JURISDICTION_SHIFT = 64

/** Queries: attestation(subject) -> present u8 ‖ attributes u8 ‖ jurisdiction u16 ‖ expiresBlock u64;
 * issuer() -> granted u8 ‖ issuer (20). */
export const IDENTITY_QUERY_ATTESTATION = 1
export const IDENTITY_QUERY_ISSUER = 2

/** Failure codes: 0x03xx. */
export const FAIL_IDENTITY_NOT_ISSUER = 0x0301
export const FAIL_IDENTITY_NOT_GOVERNANCE = 0x0302
export const FAIL_IDENTITY_NO_ISSUER = 0x0303
export const FAIL_IDENTITY_UNKNOWN_ATTRIBUTE = 0x0304
export const FAIL_IDENTITY_ALREADY_EXPIRED = 0x0305
export const FAIL_IDENTITY_NOT_ATTESTED = 0x0306
