// Token commands after the app and op bytes: mint/transfer/approve (to ‖ amount u128), transferFrom (from ‖ to ‖
// amount), burn (amount), requireAttributes (mask u8), init (nothing). envelopes/apps/token.ts is the TS twin.
import { APP_TOKEN } from '../../../shared/constants'
import {
  TOKEN_APPROVE,
  TOKEN_BURN,
  TOKEN_INIT,
  TOKEN_MINT,
  TOKEN_REQUIRE_ATTRIBUTES,
  TOKEN_TRANSFER,
  TOKEN_TRANSFER_FROM,
} from '../../../shared/apps/token'
import { AppCommand } from '../../app'
import { NO_ADDRESS, Reader } from '../../codec'

export class TokenCommand extends AppCommand {
  /** transferFrom's owner. */
  from: string = NO_ADDRESS
  /** Recipient of mint/transfer/transferFrom, or approve's spender. */
  to: string = NO_ADDRESS
  /** requireAttributes' mask. */
  attributes: u8 = 0
}

/** Decodes a token op's arguments, or null if malformed or unknown. */
export function decodeToken(caller: string, op: u8, reader: Reader): TokenCommand | null {
  const command = new TokenCommand(caller, <u8>APP_TOKEN, op)
  switch (<i32>op) {
    case TOKEN_INIT:
      break
    case TOKEN_MINT:
    case TOKEN_TRANSFER:
    case TOKEN_APPROVE:
      command.to = reader.address()
      command.amount = reader.u128()
      break
    case TOKEN_TRANSFER_FROM:
      command.from = reader.address()
      command.to = reader.address()
      command.amount = reader.u128()
      break
    case TOKEN_BURN:
      command.amount = reader.u128()
      break
    case TOKEN_REQUIRE_ATTRIBUTES:
      command.attributes = reader.u8()
      break
    default:
      return null
  }
  command.counterparty = op == TOKEN_TRANSFER_FROM ? command.from : command.to
  return reader.done() ? command : null
}
