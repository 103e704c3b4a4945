/** The identity app's schema (assembly/apps/identity/). */
import { APP_IDENTITY } from '../../shared/constants'
import * as identity from '../../shared/apps/identity'
import { defineAppSchema } from './appSchema'

const subject = { name: 'subject', type: 'address' } as const

export const identitySchema = defineAppSchema({
  app: APP_IDENTITY,
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
})
