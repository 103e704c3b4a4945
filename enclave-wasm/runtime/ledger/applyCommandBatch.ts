/**
 * Applies one sealed command batch: opens each 312-byte record, applies what opens to the core, and digests
 * every outcome for the transition root. Replicas holding the same epoch keys reach the same outcomes.
 */
import { hexToBytes, type Address } from 'viem'
import { COMMAND_RECORD_BYTES } from '../../envelopes/commandEnvelope'
import { OK } from '../../shared/constants'
import { openCommand, type OpenedCommand } from '../envelopes/openCommand'
import type { SessionBook } from '../session/sessionBook'
import {
  appliedOutcome,
  digestOutcomes,
  noteOutcome,
  noteRefusal,
  REFUSED_OUTCOME,
  type CommandContext,
} from './commandOutcome'

export type CommandBatchContext = CommandContext & {
  chainId: bigint
  ledger: Address
  commandKeyOf: (epoch: number) => Uint8Array | undefined
  /** Session grants start and end sessions here once the core has accepted their nonce. */
  sessions: SessionBook
}

/**
 * Returns SHA-256 over (status, core code, SHA-256(command)) of every record, in order. Opening a record depends on
 * nothing the core does, so all records are opened at once (the HPKE work runs off this thread while signatures are
 * recovered on it) and then applied strictly in order; outcomes are the same as opening one by one.
 */
export async function applyCommandBatch(context: CommandBatchContext, payload: Uint8Array): Promise<Uint8Array> {
  const blockNumber = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0)
  const records: Uint8Array[] = []
  for (let at = 8; at + COMMAND_RECORD_BYTES <= payload.byteLength; at += COMMAND_RECORD_BYTES)
    records.push(payload.subarray(at, at + COMMAND_RECORD_BYTES))
  const { chainId, ledger, commandKeyOf } = context
  // At most MAX_RECORDS_PER_BATCH (256) records: the Ledger refuses larger batches.
  const opened = await Promise.all(
    records.map((record) => openCommand({ record, chainId, ledger, commandKeyOf, blockNumber })),
  )
  return digestOutcomes(opened.map((command) => applyOpened(context, command, blockNumber)))
}

/** Applies one opened record to the core and returns its outcome. */
function applyOpened(context: CommandBatchContext, opened: OpenedCommand, blockNumber: bigint): Uint8Array {
  if (!opened.ok) {
    if (opened.reason === 'expired') noteRefusal(context, opened.account, opened.nonce, opened.command)
    return REFUSED_OUTCOME
  }
  const { code, effects } = context.core.apply(opened.command, blockNumber)
  noteOutcome(context, opened.account, opened.nonce, code, effects)
  if (code === OK && opened.decoded.op === 'startSession')
    context.sessions.start(opened.account, hexToBytes(opened.decoded.sessionKey), opened.decoded.expiresBlock)
  if (code === OK && opened.decoded.op === 'endSession') context.sessions.end(opened.account)
  return appliedOutcome(code, opened.command)
}
