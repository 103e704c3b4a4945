/**
 * The Ledger's input accumulator, exactly as InputStream.sol computes it: enclaves recompute it for every input they
 * apply, and the host's follower checks the session batches it rebuilds from calldata against it. Public, no keys.
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, hexToBytes, type Hex } from 'viem'

/** acc_0: the accumulator of the empty stream. */
export const GENESIS_ACCUMULATOR: Hex = `0x${'00'.repeat(32)}`

/**
 * acc_s = keccak256(acc_{s-1} ‖ uint64 s ‖ uint8 kind ‖ keccak256(payload)). Takes the payload as bytes where the
 * caller has them: hashing is the replay's largest cost, and noble's keccak on bytes is twice viem's on hex.
 */
export function nextAccumulator(previous: Hex, seq: bigint, kind: number, payload: Hex | Uint8Array): Hex {
  const packed = new Uint8Array(32 + 8 + 1 + 32)
  packed.set(hexToBytes(previous), 0)
  new DataView(packed.buffer).setBigUint64(32, seq)
  packed[40] = kind
  packed.set(keccak_256(typeof payload === 'string' ? hexToBytes(payload) : payload), 41)
  return bytesToHex(keccak_256(packed))
}
