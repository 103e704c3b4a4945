/**
 * Validation of X25519 public keys that cross into an enclave or a wallet (DESIGN §6): non-canonical encodings and
 * low-order points are refused, so nothing is ever sealed to a key whose shared secret is predictable.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { hexToBytes, type Hex } from 'viem'

const P = 2n ** 255n - 19n
/** Any clamped scalar: it is a multiple of the cofactor, so a low-order point multiplies to zero and noble throws. */
const PROBE_SCALAR = new Uint8Array(32).fill(0x42)

/** Whether `key` (32 bytes, RFC 7748 little-endian u) is a canonical u-coordinate of a point of large order. */
export function isValidX25519PublicKey(key: Hex | Uint8Array): boolean {
  const bytes = typeof key === 'string' ? (key.length === 66 ? hexToBytes(key) : undefined) : key
  if (bytes?.byteLength !== 32) return false
  let u = 0n
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(bytes[i]!)
  // RFC 7748 §5 masks the top bit and reduces; a key that relies on either is not the canonical encoding.
  if (u >= P) return false
  try {
    x25519.scalarMult(PROBE_SCALAR, bytes)
    return true
  } catch {
    return false
  }
}
