/**
 * The Ledger's input accumulator, exactly as InputStream.sol computes it: enclaves recompute it for every input they
 * apply, and the host's follower checks the session batches it rebuilds from calldata against it. Public, no keys.
 */
import { encodePacked, keccak256, type Hex } from 'viem'

/** acc_0: the accumulator of the empty stream. */
export const GENESIS_ACCUMULATOR: Hex = `0x${'00'.repeat(32)}`

/** acc_s = keccak256(acc_{s-1} ‖ uint64 s ‖ uint8 kind ‖ keccak256(payload)). */
export function nextAccumulator(previous: Hex, seq: bigint, kind: number, payload: Hex): Hex {
  return keccak256(encodePacked(['bytes32', 'uint64', 'uint8', 'bytes32'], [previous, seq, kind, keccak256(payload)]))
}
