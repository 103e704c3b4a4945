/**
 * Encrypted snapshots: AES-256-GCM under a key derived from the epoch's snapshot key and the checkpoint's position,
 * with the nonce taken from an HMAC of the plaintext. Deterministic on purpose: every honest member encrypts the
 * same state to the same bytes, so all of them sign one snapshotHash and any of them can serve the snapshot; two
 * different states at one position (a divergence) get different nonces, so the key is never used twice on one nonce.
 */
import { expand } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, encodePacked, hexToBytes, keccak256, type Address, type Hex } from 'viem'

const VERSION = 1
const NONCE_BYTES = 12

/** Where a snapshot sits: bound into its key and its additional data, so it opens for that position only. */
export type SnapshotPosition = { chainId: bigint; ledger: Address; seq: bigint; acc: Hex }

/** The snapshot's content could not be opened: another epoch, another position, or altered. */
export class SnapshotOpenError extends Error {
  override name = 'SnapshotOpenError' as const
}

function positionBytes({ chainId, ledger, seq, acc }: SnapshotPosition): Uint8Array<ArrayBuffer> {
  return hexToBytes(
    encodePacked(
      ['string', 'uint256', 'address', 'uint64', 'bytes32'],
      ['anonify/v1 snapshot', chainId, ledger, seq, acc],
    ),
  ) as Uint8Array<ArrayBuffer>
}

async function aesKey(snapshotKey: Uint8Array, position: SnapshotPosition): Promise<CryptoKey> {
  const raw = expand(sha256, snapshotKey, positionBytes(position), 32) as Uint8Array<ArrayBuffer>
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

/** blob = version ‖ nonce (12) ‖ ciphertext+tag. */
export async function encryptSnapshot(
  snapshotKey: Uint8Array,
  position: SnapshotPosition,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const iv = hmac(sha256, snapshotKey, concatBytes([positionBytes(position), plaintext])).slice(0, NONCE_BYTES)
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: positionBytes(position) },
    await aesKey(snapshotKey, position),
    plaintext,
  )
  return concatBytes([Uint8Array.of(VERSION), iv, new Uint8Array(sealed)])
}

export async function decryptSnapshot(
  snapshotKey: Uint8Array,
  position: SnapshotPosition,
  blob: Uint8Array,
): Promise<Uint8Array> {
  if (blob[0] !== VERSION || blob.byteLength < 1 + NONCE_BYTES + 16)
    throw new SnapshotOpenError('not an Anonify snapshot of this version')
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: blob.slice(1, 1 + NONCE_BYTES), additionalData: positionBytes(position) },
      await aesKey(snapshotKey, position),
      blob.slice(1 + NONCE_BYTES),
    )
    return new Uint8Array(plaintext)
  } catch {
    throw new SnapshotOpenError(`the snapshot at input ${position.seq} does not open under this epoch's key`)
  }
}

/** The hash a checkpoint carries and snapshots are served by. */
export const snapshotHash = (blob: Uint8Array): Hex => keccak256(blob)
