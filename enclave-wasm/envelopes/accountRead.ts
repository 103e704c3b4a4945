/**
 * Authenticated reads: a wallet proves it controls an account by signing `Read(account, replyKey)` (EIP-712), and
 * the enclave answers only to `replyKey` (a one-time X25519 key of the wallet), so the host relays ciphertext only.
 *
 *   reply = HPKE(replyKey, info = "anonify/v1 read" ‖ u256 chainId ‖ ledger ‖ account, plaintext = balance u128 ‖
 *           nonce u64 ‖ seq u64)
 */
import { encodePacked, hexToBytes, type Address } from 'viem'

export const READ_TYPES = {
  Read: [
    { name: 'account', type: 'address' },
    { name: 'replyKey', type: 'bytes32' },
  ],
} as const

export const READ_REPLY_BYTES = 32

/** HPKE info of a reply: binds deployment and account. */
export function readInfo(chainId: bigint, ledger: Address, account: Address): Uint8Array {
  return hexToBytes(encodePacked(['string', 'uint256', 'address', 'address'], ['anonify/v1 read', chainId, ledger, account]))
}

export type AccountReply = { balance: bigint; nonce: bigint; seq: bigint }

export function encodeReadReply({ balance, nonce, seq }: AccountReply): Uint8Array {
  const bytes = new Uint8Array(READ_REPLY_BYTES)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, balance >> 64n)
  view.setBigUint64(8, balance & ((1n << 64n) - 1n))
  view.setBigUint64(16, nonce)
  view.setBigUint64(24, seq)
  return bytes
}

export function decodeReadReply(bytes: Uint8Array): AccountReply {
  if (bytes.byteLength !== READ_REPLY_BYTES) throw new Error('malformed read reply')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { balance: (view.getBigUint64(0) << 64n) | view.getBigUint64(8), nonce: view.getBigUint64(16), seq: view.getBigUint64(24) }
}
