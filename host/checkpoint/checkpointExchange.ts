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

/** Positions an exchange keeps: a joiner needs the one at its admission, an auditor the latest; older ones go. */
export const KEPT_POSITIONS = 8

/** What an exchange holds, for a store to keep across restarts. */
export type ExchangeContents = { gathered: GatheredCheckpoint[]; snapshots: Map<Hex, Uint8Array> }

/**
 * An exchange in this process: the node's own (served by its API; `onChange` persists it), or one shared by the
 * replicas of a test. It keeps the latest KEPT_POSITIONS positions only, so a node that runs for months stays bounded.
 */
export function createMemoryExchange(
  initial: ExchangeContents = { gathered: [], snapshots: new Map() },
  onChange?: (contents: ExchangeContents) => Promise<void>,
): CheckpointExchange {
  const bySeq = new Map<bigint, Map<Hex, GatheredCheckpoint>>()
  const snapshots = new Map(initial.snapshots)
  const gatheredAt = (checkpoint: Checkpoint) => {
    const atSeq = bySeq.get(checkpoint.seq) ?? new Map<Hex, GatheredCheckpoint>()
    bySeq.set(checkpoint.seq, atSeq)
    const hash = checkpointHash(checkpoint)
    const gathered = atSeq.get(hash) ?? { checkpoint, signatures: [] }
    atSeq.set(hash, gathered)
    return gathered
  }
  const addSignature = (gathered: GatheredCheckpoint, { signer, signature }: CheckpointSignature) => {
    if (!gathered.signatures.some((s) => s.signer.toLowerCase() === signer.toLowerCase()))
      gathered.signatures.push({ signer, signature })
  }
  for (const { checkpoint, signatures } of initial.gathered)
    for (const signature of signatures) addSignature(gatheredAt(checkpoint), signature)
  const changed = async () => {
    const kept = [...bySeq.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, KEPT_POSITIONS)
    for (const seq of bySeq.keys()) if (!kept.includes(seq)) bySeq.delete(seq)
    const gathered = [...bySeq.values()].flatMap((atSeq) => [...atSeq.values()])
    const live = new Set(gathered.map((g) => g.checkpoint.snapshotHash.toLowerCase()))
    for (const hash of snapshots.keys()) if (!live.has(hash)) snapshots.delete(hash)
    await onChange?.({ gathered, snapshots })
  }
  return {
    async publish({ checkpoint, signer, signature, snapshot }) {
      addSignature(gatheredAt(checkpoint), { signer, signature })
      snapshots.set(checkpoint.snapshotHash.toLowerCase() as Hex, snapshot)
      await changed()
    },
    async cosign(checkpoint, signature) {
      const gathered = bySeq.get(checkpoint.seq)?.get(checkpointHash(checkpoint))
      if (!gathered) return false
      addSignature(gathered, signature)
      await changed()
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
