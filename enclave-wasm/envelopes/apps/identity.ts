/** The identity app's schema (assembly/apps/identity/). */
import { APP_IDENTITY } from '../../shared/constants'
import * as identity from '../../shared/apps/identity'
import { defineAppSchema } from './appSchema'
import { presentAt, ReadReplyError, type ReadSection } from './readSection'

/** The account's attestation in a read reply (all zero when `present` is false); expiry is the reader's to compare. */
export type IdentityReadSection = { present: boolean; attributes: number; jurisdiction: number; expiresBlock: bigint }

/** present u8 ‖ attributes u8 ‖ jurisdiction u16 ‖ expiresBlock u64 (assembly/apps/identity/query.ts). */
const readSection: ReadSection<IdentityReadSection> = {
  bytes: 12,
  heldBy: 'core',
  encode: ({ present, attributes, jurisdiction, expiresBlock }, view, at) => {
    view.setUint8(at, present ? 1 : 0)
    view.setUint8(at + 1, attributes)
    view.setUint16(at + 2, jurisdiction)
    view.setBigUint64(at + 4, expiresBlock)
  },
  decode: (view, at) => {
    const present = presentAt(view, at, 11, 'identity attestation')
    const attributes = view.getUint8(at + 1)
    if (attributes & ~identity.KNOWN_ATTRIBUTES)
      throw new ReadReplyError(`read reply: unknown identity attributes 0x${attributes.toString(16)}`)
    return { present, attributes, jurisdiction: view.getUint16(at + 2), expiresBlock: view.getBigUint64(at + 4) }
  },
}

/** The names of the attribute bits in `mask`, for people (unknown bits are refused before they get here). */
export function attributeNames(mask: number): string[] {
  return [
    ...(mask & identity.ATTRIBUTE_KYC ? ['kyc'] : []),
    ...(mask & identity.ATTRIBUTE_ACCREDITED ? ['accredited'] : []),
  ]
}

const subject = { name: 'subject', type: 'address' } as const

export const identitySchema = defineAppSchema({
  app: APP_IDENTITY,
  name: 'identity',
  ops: {
    /** Sent only by the enclave, as the governance caller, for the Ledger's grantIdentityIssuer input. */
    grantIssuer: {
      code: identity.IDENTITY_GRANT_ISSUER,
      primaryType: 'IdentityGrantIssuer',
      fields: [{ name: 'issuer', type: 'address' }],
    },
    attest: {
      code: identity.IDENTITY_ATTEST,
      primaryType: 'IdentityAttest',
      fields: [
        subject,
        { name: 'attributes', type: 'uint8' },
        { name: 'jurisdiction', type: 'uint16' },
        { name: 'expiresBlock', type: 'uint64' },
      ],
    },
    revoke: { code: identity.IDENTITY_REVOKE, primaryType: 'IdentityRevoke', fields: [subject] },
  },
  failures: {
    [identity.FAIL_IDENTITY_NOT_ISSUER]: 'only the KYC issuer may attest or revoke',
    [identity.FAIL_IDENTITY_NOT_GOVERNANCE]:
      "only governance (the Ledger's grantIdentityIssuer) may grant the KYC issuer role",
    [identity.FAIL_IDENTITY_NO_ISSUER]: 'governance has not granted the KYC issuer role yet',
    [identity.FAIL_IDENTITY_UNKNOWN_ATTRIBUTE]: 'no or unknown identity attributes',
    [identity.FAIL_IDENTITY_ALREADY_EXPIRED]: 'the attestation would already have expired',
    [identity.FAIL_IDENTITY_NOT_ATTESTED]: 'the account holds no attestation',
  },
  readSection,
})
