/** Where members checkpoint: positions every replica computes alike, so all of them sign the same `seq`. */
import { INPUT_KIND, type LedgerInput } from '../../protocol'
import type { GroupState } from '../group/groupState'

/** A checkpoint every this many inputs, besides one at every epoch change. */
export const CHECKPOINT_INTERVAL = 256n

/** Checkpoints an enclave keeps for a host that does not take them: the latest few. */
export const MAX_HELD_CHECKPOINTS = 8

/**
 * Every epoch change (so each joiner has a snapshot it can open), every registration (the checkpoint that lets the
 * holders seal the new member a share, group/vouching.ts), every CHECKPOINT_INTERVAL inputs, and on request.
 */
export function isCheckpointPosition(group: GroupState, input: LedgerInput, epochBefore: bigint): boolean {
  return (
    group.epoch !== epochBefore ||
    input.seq % CHECKPOINT_INTERVAL === 0n ||
    input.kind === INPUT_KIND.memberAdded ||
    input.kind === INPUT_KIND.checkpointRequested
  )
}
