/** The token app's schema (assembly/apps/token/). */
import { APP_TOKEN } from '../../shared/constants'
import * as token from '../../shared/apps/token'
import { defineAppSchema } from './appSchema'
import { readU128, writeU128, type ReadSection } from './readSection'

/** The token's part of a read reply. */
export type TokenReadSection = { balance: bigint }

/** balance u128 (assembly/apps/token/index.ts). */
const readSection: ReadSection<TokenReadSection> = {
  bytes: 16,
  heldBy: 'core',
  encode: ({ balance }, view, at) => writeU128(view, at, balance),
  decode: (view, at) => ({ balance: readU128(view, at) }),
}

const to = { name: 'to', type: 'address' } as const
const amount = { name: 'amount', type: 'uint128' } as const

export const tokenSchema = defineAppSchema({
  app: APP_TOKEN,
  name: 'token',
  ops: {
    init: { code: token.TOKEN_INIT, primaryType: 'TokenInit', fields: [] },
    mint: { code: token.TOKEN_MINT, primaryType: 'TokenMint', fields: [to, amount] },
    transfer: { code: token.TOKEN_TRANSFER, primaryType: 'TokenTransfer', fields: [to, amount] },
    approve: {
      code: token.TOKEN_APPROVE,
      primaryType: 'TokenApprove',
      fields: [{ name: 'spender', type: 'address' }, amount],
    },
    transferFrom: {
      code: token.TOKEN_TRANSFER_FROM,
      primaryType: 'TokenTransferFrom',
      fields: [{ name: 'from', type: 'address' }, to, amount],
    },
    burn: { code: token.TOKEN_BURN, primaryType: 'TokenBurn', fields: [amount] },
    requireAttributes: {
      code: token.TOKEN_REQUIRE_ATTRIBUTES,
      primaryType: 'TokenRequireAttributes',
      fields: [{ name: 'attributes', type: 'uint8' }],
    },
  },
  failures: {
    [token.FAIL_NOT_ISSUER]: 'only the issuer may do this',
    [token.FAIL_ALREADY_INITIALIZED]: 'the token is already initialised',
    [token.FAIL_NOT_INITIALIZED]: 'the token is not initialised yet',
    [token.FAIL_INSUFFICIENT_BALANCE]: 'insufficient balance',
    [token.FAIL_INSUFFICIENT_ALLOWANCE]: 'insufficient allowance',
    [token.FAIL_OVERFLOW]: 'amount overflow',
    [token.FAIL_ZERO_AMOUNT]: 'zero amount',
    [token.FAIL_SELF_TRANSFER]: 'sending to yourself',
    [token.FAIL_RECIPIENT_NOT_ELIGIBLE]: 'the recipient lacks the identity attributes this token requires (e.g. KYC)',
    [token.FAIL_UNKNOWN_ATTRIBUTE]: 'unknown identity attribute',
  },
  readSection,
})
