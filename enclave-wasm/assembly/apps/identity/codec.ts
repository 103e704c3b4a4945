// Identity commands after the app and op bytes: grantIssuer (issuer), attest (subject ‖ attributes u8 ‖
// jurisdiction u16 ‖ expiresBlock u64), revoke (subject). envelopes/apps/identity.ts is the TS twin.
import { APP_IDENTITY } from '../../../shared/constants'
import {
  ATTESTATION_ATTRIBUTES_SHIFT,
  ATTESTATION_JURISDICTION_SHIFT,
  IDENTITY_ATTEST,
  IDENTITY_GRANT_ISSUER,
  IDENTITY_REVOKE,
} from '../../../shared/apps/identity'
import { AppCommand } from '../../app'
import { NO_ADDRESS, Reader } from '../../codec'
import { U128 } from '../../u128'

export class IdentityCommand extends AppCommand {
  attributes: u8 = 0
  jurisdiction: u16 = 0
  expiresBlock: u64 = 0
}

/**
 * Decodes an identity op's arguments, or null if malformed or unknown. The subject (or the granted issuer) is the
 * history's counterparty; an attestation travels in the history's amount (shared/apps/identity.ts). A zero issuer
 * would read as "none granted", so it is malformed (the Ledger refuses it too).
 */
export function decodeIdentity(caller: string, op: u8, reader: Reader): IdentityCommand | null {
  const command = new IdentityCommand(caller, <u8>APP_IDENTITY, op)
  switch (<i32>op) {
    case IDENTITY_GRANT_ISSUER:
      command.counterparty = reader.address()
      if (command.counterparty == NO_ADDRESS) return null
      break
    case IDENTITY_ATTEST:
      command.counterparty = reader.address()
      command.attributes = reader.u8()
      command.jurisdiction = reader.u16()
      command.expiresBlock = reader.u64()
      command.amount = new U128(
        ((<u64>command.attributes) << (ATTESTATION_ATTRIBUTES_SHIFT - 64)) |
          ((<u64>command.jurisdiction) << (ATTESTATION_JURISDICTION_SHIFT - 64)),
        command.expiresBlock,
      )
      break
    case IDENTITY_REVOKE:
      command.counterparty = reader.address()
      break
    default:
      return null
  }
  return reader.done() ? command : null
}
