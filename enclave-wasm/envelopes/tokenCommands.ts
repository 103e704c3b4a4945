/** Canonical encoding of token commands for the core: caller ‖ nonce u64 ‖ app ‖ op ‖ arguments (big-endian). */
import { bytesToHex, getAddress, hexToBytes, type Address } from 'viem'
import {
  APP_TOKEN,
  TOKEN_APPROVE,
  TOKEN_BURN,
  TOKEN_INIT,
  TOKEN_MINT,
  TOKEN_TRANSFER,
  TOKEN_TRANSFER_FROM,
} from '../shared/constants'

export type TokenCommand =
  | { op: 'init' }
  | { op: 'mint'; to: Address; amount: bigint }
  | { op: 'transfer'; to: Address; amount: bigint }
  | { op: 'approve'; spender: Address; amount: bigint }
  | { op: 'transferFrom'; from: Address; to: Address; amount: bigint }
  | { op: 'burn'; amount: bigint }

const OP_CODES = {
  init: TOKEN_INIT,
  mint: TOKEN_MINT,
  transfer: TOKEN_TRANSFER,
  approve: TOKEN_APPROVE,
  transferFrom: TOKEN_TRANSFER_FROM,
  burn: TOKEN_BURN,
} as const

export const MAX_U128 = (1n << 128n) - 1n

/** Encodes `command` as sent by `caller` with `nonce`. Throws on an amount outside u128. */
export function encodeTokenCommand(caller: Address, nonce: bigint, command: TokenCommand): Uint8Array {
  const parts: Uint8Array[] = [hexToBytes(caller), u64(nonce), Uint8Array.of(APP_TOKEN, OP_CODES[command.op])]
  switch (command.op) {
    case 'init':
      break
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

export type DecodedTokenCommand = { caller: Address; nonce: bigint; command: TokenCommand }

const OPS_BY_CODE = Object.fromEntries(Object.entries(OP_CODES).map(([op, code]) => [code, op])) as Record<number, TokenCommand['op']>

/** Decodes what `encodeTokenCommand` wrote, or returns undefined if it is not exactly one well-formed command. */
export function decodeTokenCommand(bytes: Uint8Array): DecodedTokenCommand | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const address = (at: number) => getAddress(bytesToHex(bytes.subarray(at, at + 20)))
  const amount = (at: number) => (view.getBigUint64(at) << 64n) | view.getBigUint64(at + 8)
  if (bytes.byteLength < 30 || bytes[28] !== APP_TOKEN) return undefined
  const caller = address(0)
  const nonce = view.getBigUint64(20)
  const op = OPS_BY_CODE[bytes[29]!]
  const expectLength = (length: number) => bytes.byteLength === length
  switch (op) {
    case 'init':
      return expectLength(30) ? { caller, nonce, command: { op } } : undefined
    case 'mint':
    case 'transfer':
      return expectLength(66) ? { caller, nonce, command: { op, to: address(30), amount: amount(50) } } : undefined
    case 'approve':
      return expectLength(66) ? { caller, nonce, command: { op, spender: address(30), amount: amount(50) } } : undefined
    case 'transferFrom':
      return expectLength(86) ? { caller, nonce, command: { op, from: address(30), to: address(50), amount: amount(70) } } : undefined
    case 'burn':
      return expectLength(46) ? { caller, nonce, command: { op, amount: amount(30) } } : undefined
    default:
      return undefined
  }
}
