/**
 * Canonical encoding of the core's commands: caller ‖ nonce u64 ‖ app ‖ op ‖ arguments (big-endian). Token ops, and
 * the session grant (its key and expiry are kept by the runtime; the core consumes the nonce).
 */
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
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
import { readU64 } from './bigEndian'

export type CoreCommand =
  | { op: 'init' }
  | { op: 'mint'; to: Address; amount: bigint }
  | { op: 'transfer'; to: Address; amount: bigint }
  | { op: 'approve'; spender: Address; amount: bigint }
  | { op: 'transferFrom'; from: Address; to: Address; amount: bigint }
  | { op: 'burn'; amount: bigint }
  /** Opens the account's fast path until `expiresBlock` or the next rekey; `sessionKey` is 32 secret bytes. */
  | { op: 'startSession'; sessionKey: Hex; expiresBlock: bigint }
  | { op: 'endSession' }

export type TokenOp = Exclude<CoreCommand['op'], 'startSession' | 'endSession'>

const TOKEN_OP_CODES: Record<TokenOp, number> = {
  init: TOKEN_INIT,
  mint: TOKEN_MINT,
  transfer: TOKEN_TRANSFER,
  approve: TOKEN_APPROVE,
  transferFrom: TOKEN_TRANSFER_FROM,
  burn: TOKEN_BURN,
}
const SESSION_OP_CODES = { startSession: SESSION_START, endSession: SESSION_END } as const

/** The app and op bytes of a command. */
function appAndOp(op: CoreCommand['op']): Uint8Array {
  return op === 'startSession' || op === 'endSession'
    ? Uint8Array.of(APP_SESSION, SESSION_OP_CODES[op])
    : Uint8Array.of(APP_TOKEN, TOKEN_OP_CODES[op])
}

export const SESSION_KEY_BYTES = 32

export const MAX_U128 = (1n << 128n) - 1n

/** Encodes `command` as sent by `caller` with `nonce`. Throws on an amount outside u128. */
export function encodeCoreCommand(caller: Address, nonce: bigint, command: CoreCommand): Uint8Array {
  const parts: Uint8Array[] = [hexToBytes(caller), u64(nonce), appAndOp(command.op)]
  switch (command.op) {
    case 'init':
    case 'endSession':
      break
    case 'startSession': {
      const key = hexToBytes(command.sessionKey)
      if (key.byteLength !== SESSION_KEY_BYTES) throw new RangeError('a session key is 32 bytes')
      parts.push(key, u64(command.expiresBlock))
      break
    }
    case 'mint':
    case 'transfer':
      parts.push(hexToBytes(command.to), u128(command.amount))
      break
    case 'approve':
      parts.push(hexToBytes(command.spender), u128(command.amount))
      break
    case 'transferFrom':
      parts.push(hexToBytes(command.from), hexToBytes(command.to), u128(command.amount))
      break
    case 'burn':
      parts.push(u128(command.amount))
      break
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

function u64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, value)
  return bytes
}

function u128(value: bigint): Uint8Array {
  if (value < 0n || value > MAX_U128) throw new RangeError('amount must fit in 128 bits')
  const bytes = new Uint8Array(16)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, value >> 64n)
  view.setBigUint64(8, value & ((1n << 64n) - 1n))
  return bytes
}

export type DecodedCoreCommand = { caller: Address; nonce: bigint; command: CoreCommand }

const invert = <op extends string>(codes: Record<op, number>) =>
  Object.fromEntries(Object.entries(codes).map(([op, code]) => [code, op])) as Record<number, op>
const TOKEN_OPS = invert(TOKEN_OP_CODES)
const SESSION_OPS = invert(SESSION_OP_CODES)

/**
 * Decodes what `encodeCoreCommand` wrote, or returns undefined if it is not exactly one well-formed command.
 * Addresses come back in lowercase: this runs once per command on the enclave's hot path, where checksums cost a hash.
 */
export function decodeCoreCommand(bytes: Uint8Array): DecodedCoreCommand | undefined {
  const address = (at: number) => bytesToHex(bytes.subarray(at, at + 20))
  const amount = (at: number) => (readU64(bytes, at) << 64n) | readU64(bytes, at + 8)
  if (bytes.byteLength < 30) return undefined
  const caller = address(0)
  const nonce = readU64(bytes, 20)
  const op =
    bytes[28] === APP_TOKEN ? TOKEN_OPS[bytes[29]!] : bytes[28] === APP_SESSION ? SESSION_OPS[bytes[29]!] : undefined
  const expectLength = (length: number) => bytes.byteLength === length
  switch (op) {
    case 'init':
    case 'endSession':
      return expectLength(30) ? { caller, nonce, command: { op } } : undefined
    case 'startSession':
      return expectLength(70)
        ? {
            caller,
            nonce,
            command: { op, sessionKey: bytesToHex(bytes.subarray(30, 62)), expiresBlock: readU64(bytes, 62) },
          }
        : undefined
    case 'mint':
    case 'transfer':
      return expectLength(66) ? { caller, nonce, command: { op, to: address(30), amount: amount(50) } } : undefined
    case 'approve':
      return expectLength(66) ? { caller, nonce, command: { op, spender: address(30), amount: amount(50) } } : undefined
    case 'transferFrom':
      return expectLength(86)
        ? { caller, nonce, command: { op, from: address(30), to: address(50), amount: amount(70) } }
        : undefined
    case 'burn':
      return expectLength(46) ? { caller, nonce, command: { op, amount: amount(30) } } : undefined
    default:
      return undefined
  }
}
