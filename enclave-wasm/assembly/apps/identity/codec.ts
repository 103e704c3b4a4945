// Identity commands after the app and op bytes: init (nothing), attest (subject ‖ attributes u8 ‖ jurisdiction u16 ‖
// expiresBlock u64), revoke (subject). envelopes/apps/identity.ts is the TS twin.
import { APP_IDENTITY } from '../../../shared/constants'
import { IDENTITY_ATTEST, IDENTITY_INIT, IDENTITY_REVOKE } from '../../../shared/apps/identity'
import { AppCommand } from '../../app'
import { Reader } from '../../codec'

export class IdentityCommand extends AppCommand {
  attributes: u8 = 0
  jurisdiction: u16 = 0
  expiresBlock: u64 = 0
}

/** Decodes an identity op's arguments, or null if malformed or unknown. The subject is the history's counterparty. */
export function decodeIdentity(caller: string, op: u8, reader: Reader): IdentityCommand | null {
  const command = new IdentityCommand(caller, <u8>APP_IDENTITY, op)
  switch (<i32>op) {
    case IDENTITY_INIT:
      break
    case IDENTITY_ATTEST:
      command.counterparty = reader.address()
      command.attributes = reader.u8()
      command.jurisdiction = reader.u16()
      command.expiresBlock = reader.u64()
      break
    case IDENTITY_REVOKE:
      command.counterparty = reader.address()
      break
    default:
      return null
  }
  return reader.done() ? command : null
}
