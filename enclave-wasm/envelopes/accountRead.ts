/**
 * Authenticated reads: a wallet proves it controls an account by signing `Read(account, replyKey)` (EIP-712), and
 * the enclave answers only to `replyKey` (a one-time X25519 key of the wallet), so the host relays ciphertext only.
 *
 *   reply = HPKE(replyKey, info = "anonify/v1 read" ‖ u256 chainId ‖ ledger ‖ account, plaintext = balance u128 ‖
 *           nonce u64 ‖ seq u64 ‖ has receipt u8 ‖ receipt nonce u64 ‖ receipt code u16 ‖ receipt seq u64)
 * The receipt is the outcome of the account's latest signed command, so its wallet learns why a command failed.
 */
import { encodePacked, hexToBytes, type Address } from 'viem'
import * as codes from '../shared/constants'

export const READ_TYPES = {
  Read: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
  ],
} as const

export const READ_REPLY_BYTES = 51

/** HPKE info of a reply: binds deployment and account. */
export function readInfo(chainId: bigint, ledger: Address, account: Address): Uint8Array {
  return hexToBytes(encodePacked(['string', 'uint256', 'address', 'address'], ['anonify/v1 read', chainId, ledger, account]))
}

/** The outcome of a command: its nonce, 0 or a failure code (shared/constants.ts), and the input that carried it. */
export type CommandReceipt = { nonce: bigint; code: number; seq: bigint }

export type AccountReply = { balance: bigint; nonce: bigint; seq: bigint; receipt: CommandReceipt | undefined }

export function encodeReadReply({ balance, nonce, seq, receipt }: AccountReply): Uint8Array {
  const bytes = new Uint8Array(READ_REPLY_BYTES)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, balance >> 64n)
  view.setBigUint64(8, balance & ((1n << 64n) - 1n))
  view.setBigUint64(16, nonce)
  view.setBigUint64(24, seq)
  if (receipt) {
    view.setUint8(32, 1)
    view.setBigUint64(33, receipt.nonce)
    view.setUint16(41, receipt.code)
    view.setBigUint64(43, receipt.seq)
  }
  return bytes
}

export function decodeReadReply(bytes: Uint8Array): AccountReply {
  if (bytes.byteLength !== READ_REPLY_BYTES) throw new Error('malformed read reply')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const receipt = view.getUint8(32) === 1 ? { nonce: view.getBigUint64(33), code: view.getUint16(41), seq: view.getBigUint64(43) } : undefined
  return { balance: (view.getBigUint64(0) << 64n) | view.getBigUint64(8), nonce: view.getBigUint64(16), seq: view.getBigUint64(24), receipt }
}

/** What each outcome code means to a person (core codes and the enclave's own). */
export const OUTCOME_NAMES: Record<number, string> = {
  [codes.OK]: 'applied',
  [codes.FAIL_MALFORMED]: 'malformed command',
  [codes.FAIL_UNKNOWN_APP]: 'unknown app',
  [codes.FAIL_UNKNOWN_OP]: 'unknown operation',
  [codes.FAIL_WRONG_NONCE]: 'wrong nonce',
  [codes.FAIL_NOT_ISSUER]: 'only the issuer may mint',
  [codes.FAIL_ALREADY_INITIALIZED]: 'the token is already initialised',
  [codes.FAIL_NOT_INITIALIZED]: 'the token is not initialised yet',
  [codes.FAIL_INSUFFICIENT_BALANCE]: 'insufficient balance',
  [codes.FAIL_INSUFFICIENT_ALLOWANCE]: 'insufficient allowance',
  [codes.FAIL_OVERFLOW]: 'amount overflow',
  [codes.FAIL_ZERO_AMOUNT]: 'zero amount',
  [codes.FAIL_SELF_TRANSFER]: 'sending to yourself',
  [codes.FAIL_EXPIRED]: 'expired: sequenced after its deadline block',
}
