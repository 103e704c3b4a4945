/**
 * Recovers the address behind an enclave's ECDSA signature exactly as OpenZeppelin's `ECDSA.tryRecover` does on
 * chain (65 bytes r ‖ s ‖ v, v in {27, 28}, s in the lower half of the order), so an enclave or a wallet refuses
 * precisely the signatures the Ledger refuses. Public, no keys: enclaves, wallets and the host use it.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, getAddress, hexToBytes, type Address, type Hex } from 'viem'

const SIGNATURE_BYTES = 65
const HALF_ORDER = secp256k1.Point.CURVE().n >> 1n

/** The signer of `signature` over the 32-byte `hash`, or undefined where ECDSA.tryRecover would fail. */
export function recoverEnclaveSigner(hash: Hex, signature: Hex | Uint8Array): Address | undefined {
  const bytes = typeof signature === 'string' ? hexToBytes(signature) : signature
  if (bytes.byteLength !== SIGNATURE_BYTES) return undefined
  const v = bytes[64]!
  if (v !== 27 && v !== 28) return undefined
  try {
    const compact = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), 'compact')
    // OZ refuses the malleable twin of every signature; so does ecrecover's caller here.
    if (compact.s > HALF_ORDER) return undefined
    const publicKey = compact
      .addRecoveryBit(v - 27)
      .recoverPublicKey(hexToBytes(hash))
      .toBytes(false)
    return getAddress(bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12)))
  } catch {
    return undefined
  }
}
