/** The identity app's schema (assembly/apps/identity/). */
import { APP_IDENTITY } from '../../shared/constants'
import * as identity from '../../shared/apps/identity'
import { defineAppSchema } from './appSchema'

const subject = { name: 'subject', type: 'address' } as const

export const identitySchema = defineAppSchema({
  app: APP_IDENTITY,
  ops: {
    initIdentity: { code: identity.IDENTITY_INIT, primaryType: 'IdentityInit', fields: [] },
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
    [identity.FAIL_IDENTITY_ALREADY_INITIALIZED]: 'the identity app is already initialised',
    [identity.FAIL_IDENTITY_NOT_INITIALIZED]: 'the identity app is not initialised yet',
    [identity.FAIL_IDENTITY_UNKNOWN_ATTRIBUTE]: 'no or unknown identity attributes',
    [identity.FAIL_IDENTITY_ALREADY_EXPIRED]: 'the attestation would already have expired',
    [identity.FAIL_IDENTITY_NOT_ATTESTED]: 'the account holds no attestation',
  },
})
