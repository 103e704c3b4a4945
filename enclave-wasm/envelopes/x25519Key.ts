/**
 * Which X25519 public keys Anonify accepts from anyone else (reply keys, init keys, command keys): only canonical
 * encodings of points that are not of low order. Wallets and enclaves apply the same rule, so a key one side would
 * refuse never reaches the other's HPKE code, where it throws.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { bytesToNumberLE } from '@noble/curves/utils.js'
import { hexToBytes } from '@noble/hashes/utils.js'

/** 2^255 − 19: a canonical u-coordinate is below it. */
const FIELD_PRIME = 2n ** 255n - 19n

/** Any clamped scalar works: clamping makes it a multiple of the cofactor, so a low-order point yields zero. */
const PROBE_SCALAR = new Uint8Array(32).fill(0x5a)

/**
 * True if `key` is 32 bytes (or 0x-hex of them) encoding a u-coordinate below 2^255 − 19 with the high bit clear,
 * whose shared secret with a fixed scalar is not all-zero (RFC 7748 §6.1). Never throws.
 */
export function isValidX25519PublicKey(key: Uint8Array | string): boolean {
  const bytes = typeof key === 'string' ? (/^0x[0-9a-fA-F]{64}$/.test(key) ? hexToBytes(key.slice(2)) : undefined) : key
  if (bytes === undefined || bytes.byteLength !== 32) return false
  // RFC 7748 §5 masks bit 255 and reduces mod p, so these encodings alias others: refusing them keeps one key one string.
  if ((bytes[31]! & 0x80) !== 0 || bytesToNumberLE(bytes) >= FIELD_PRIME) return false
  try {
    // noble refuses the small-order u-coordinates before its ladder; the zero check covers anything it lets through.
    return x25519.getSharedSecret(PROBE_SCALAR, bytes).some((byte) => byte !== 0)
  } catch {
    return false
  }
}
