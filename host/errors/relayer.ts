/** Errors of a node's relayer: its queue is full, a batch kept reverting, its queue file is unreadable. */
import type { Hash } from 'viem'
import { AnonifyError } from './base'

/** The relayer holds as many records as it may; the record was not queued. */
export class RelayerQueueFullError extends AnonifyError {
  override name = 'RelayerQueueFullError' as const
  constructor({ maxQueued }: { maxQueued: number }) {
    super(`The relayer's queue is full (${maxQueued} records waiting to be posted or to become final).`, {
      metaMessages: ['Send the command again in a few blocks, or through another node.'],
    })
  }
}

/** A batch reverted or could not be sent `attempts` times; its records were dropped, not posted. */
export class BatchDroppedError extends AnonifyError {
  override name = 'BatchDroppedError' as const
  constructor({
    records,
    attempts,
    hash,
    cause,
  }: { records: number; attempts: number; hash?: Hash | undefined; cause?: unknown }) {
    super(`A batch of ${records} record(s) failed ${attempts} time(s) and was dropped; it was not posted.`, {
      metaMessages: ["Its senders' wallets keep showing it pending until its deadline; they may send it again."],
      details: hash && `last transaction ${hash}`,
      cause,
    })
  }
}

/** The relayer's queue file is not one it wrote. */
export class InvalidRelayerQueueError extends AnonifyError {
  override name = 'InvalidRelayerQueueError' as const
  constructor({ problem }: { problem: string }) {
    super(`The relayer's queue file is invalid: ${problem}.`, {
      metaMessages: ['Move it aside to start with an empty queue; the records in it are ciphertext only.'],
    })
  }
}
