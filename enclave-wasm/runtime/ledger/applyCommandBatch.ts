/**
 * Applies one sealed command batch: opens each 312-byte record, applies what opens to the token core, and digests
 * every outcome for the transition root. Replicas holding the same epoch keys reach the same outcomes.
 */
import { hexToBytes, type Address } from 'viem'
import { COMMAND_RECORD_BYTES } from '../../envelopes/commandEnvelope'
import { FAIL_EXPIRED, OK } from '../../shared/constants'
import { openCommand } from '../envelopes/openCommand'
import type { SessionBook } from '../session/sessionBook'
import { appliedOutcome, digestOutcomes, noteOutcome, REFUSED_OUTCOME, type CommandContext } from './commandOutcome'

export type CommandBatchContext = CommandContext & {
  chainId: bigint
  ledger: Address
  commandKeyOf: (epoch: number) => Uint8Array | undefined
  /** Session grants start and end sessions here once the core has accepted their nonce. */
  sessions: SessionBook
}

/** Returns SHA-256 over (status, core code, SHA-256(command)) of every record, in order. */
export async function applyCommandBatch(context: CommandBatchContext, payload: Uint8Array): Promise<Uint8Array> {
  const blockNumber = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0)
  const outcomes: Uint8Array[] = []
  for (let at = 8; at + COMMAND_RECORD_BYTES <= payload.byteLength; at += COMMAND_RECORD_BYTES) {
    const opened = await openCommand({
      record: payload.subarray(at, at + COMMAND_RECORD_BYTES),
      chainId: context.chainId,
      ledger: context.ledger,
      commandKeyOf: context.commandKeyOf,
      blockNumber,
    })
    if (!opened.ok) {
      if (opened.reason === 'expired') noteOutcome(context, opened.account, opened.nonce, opened.decoded, FAIL_EXPIRED)
      outcomes.push(REFUSED_OUTCOME)
      continue
    }
    const code = context.token.apply(opened.command)
    noteOutcome(context, opened.account, opened.nonce, opened.decoded, code)
    if (code === OK && opened.decoded.op === 'startSession')
      context.sessions.start(opened.account, hexToBytes(opened.decoded.sessionKey), opened.decoded.expiresBlock)
    if (code === OK && opened.decoded.op === 'endSession') context.sessions.end(opened.account)
    outcomes.push(appliedOutcome(code, opened.command))
  }
  return digestOutcomes(outcomes)
}

