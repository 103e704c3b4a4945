// A decoded command: caller ‖ nonce ‖ app ‖ op ‖ op arguments. The runtime has verified the caller's signature.
// Session commands (app 2) only consume a nonce here, so a grant is ordered and never replayed like any command.
import {
  APP_SESSION,
  APP_TOKEN,
  SESSION_END,
  SESSION_START,
  TOKEN_APPROVE,
  TOKEN_BURN,
  TOKEN_INIT,
  TOKEN_MINT,
  TOKEN_TRANSFER,
  TOKEN_TRANSFER_FROM,
} from '../shared/constants'
import { Reader } from './codec'
import { U128 } from './u128'

export class Command {
  caller: string = ''
  nonce: u64 = 0
  app: i32 = 0
  op: i32 = 0
  /** transferFrom's owner. */
  from: string = ''
  /** Recipient of mint/transfer/transferFrom, or approve's spender. */
  to: string = ''
  amount: U128 = U128.zero()
}

/** Decodes a whole command, or returns null if any byte is missing, extra, or names an unknown app or op. */
export function decodeCommand(reader: Reader): Command | null {
  const command = new Command()
  command.caller = reader.address()
  command.nonce = reader.u64()
  command.app = <i32>reader.u8()
  command.op = <i32>reader.u8()
  if (!reader.ok) return null
  if (command.app == APP_SESSION) return decodeSessionArguments(reader, command)
  if (command.app != APP_TOKEN) return null
  switch (command.op) {
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
    default:
      return null
  }
  return reader.done() ? command : null
}

// The session key and expiry stay with the runtime; the core only checks the encoding is exact.
function decodeSessionArguments(reader: Reader, command: Command): Command | null {
  if (command.op == SESSION_START) {
    reader.skip(32)
    reader.u64()
  } else if (command.op != SESSION_END) return null
  return reader.done() ? command : null
}
