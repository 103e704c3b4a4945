/**
 * Where members leave the checkpoints their enclaves signed and the snapshots they commit to, and where a joiner
 * finds the one it restores from. It holds only signed, encrypted material: whoever runs it can withhold, never
 * forge (the enclave checks every signature, the hash and the root itself). Checkpoints are kept by their hash, so
 * two different ones at one position (a divergence) stay apart instead of mixing their signatures.
 */
import type { Hex } from 'viem'
import type { CheckpointSignature, SignedCheckpoint } from '../../enclave-wasm/protocol'
import { checkpointHash, type Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'

/** A checkpoint with every signature gathered over it so far. */
export type GatheredCheckpoint = { checkpoint: Checkpoint; signatures: CheckpointSignature[] }

export type CheckpointExchange = {
  /** Leaves a checkpoint this member's enclave signed, with its snapshot. */
  publish: (signed: SignedCheckpoint) => Promise<void>
  /**
   * Adds another member's signature to a checkpoint the exchange already holds (its snapshot is the same bytes);
   * false for one it does not hold, which may be a divergence and is never stored on a stranger's word.
   */
  cosign: (checkpoint: Checkpoint, signature: CheckpointSignature) => Promise<boolean>
  /** The checkpoint at `seq` that most members signed, if any did. */
  find: (seq: bigint) => Promise<GatheredCheckpoint | undefined>
  snapshot: (snapshotHash: Hex) => Promise<Uint8Array | undefined>
}

/** An exchange in this process: the node's own (served by its API), or one shared by the replicas of a test. */
export function createMemoryExchange(): CheckpointExchange {
  const bySeq = new Map<bigint, Map<Hex, GatheredCheckpoint>>()
  const snapshots = new Map<Hex, Uint8Array>()
  return {
    async publish({ checkpoint, signer, signature, snapshot }) {
      const atSeq = bySeq.get(checkpoint.seq) ?? new Map<Hex, GatheredCheckpoint>()
      bySeq.set(checkpoint.seq, atSeq)
      const hash = checkpointHash(checkpoint)
      const gathered = atSeq.get(hash) ?? { checkpoint, signatures: [] }
      atSeq.set(hash, gathered)
      if (!gathered.signatures.some((s) => s.signer.toLowerCase() === signer.toLowerCase()))
        gathered.signatures.push({ signer, signature })
      snapshots.set(checkpoint.snapshotHash.toLowerCase() as Hex, snapshot)
    },
    async cosign(checkpoint, { signer, signature }) {
      const gathered = bySeq.get(checkpoint.seq)?.get(checkpointHash(checkpoint))
      if (!gathered) return false
      if (!gathered.signatures.some((s) => s.signer.toLowerCase() === signer.toLowerCase()))
        gathered.signatures.push({ signer, signature })
      return true
    },
    async find(seq) {
      const candidates = [...(bySeq.get(seq)?.values() ?? [])]
      return candidates.sort((a, b) => b.signatures.length - a.signatures.length)[0]
    },
    async snapshot(snapshotHash) {
      return snapshots.get(snapshotHash.toLowerCase() as Hex)
    },
  }
}
