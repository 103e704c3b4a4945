/**
 * Applies one session batch: each 96-byte record's tag names a live session and a counter; the record opens under
 * that session's key, its command runs with the session's account as caller. Deterministic on every replica.
 */
import { decodeCoreCommand } from '../../envelopes/coreCommands'
import { SESSION_RECORD_BYTES } from '../../envelopes/sessionEnvelope'
import { openSessionRecord } from '../envelopes/sessionRecords'
import { APP_TOKEN, FAIL_EXPIRED } from '../../shared/constants'
import type { SessionBook } from '../session/sessionBook'
import { appliedOutcome, digestOutcomes, noteOutcome, REFUSED_OUTCOME, type CommandContext } from './commandOutcome'

export type SessionBatchContext = CommandContext & { sessions: SessionBook }

/** Returns the outcome digest of the batch, as applyCommandBatch does for sealed records. */
export function applySessionBatch(context: SessionBatchContext, payload: Uint8Array): Uint8Array {
  const blockNumber = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0)
  const outcomes: Uint8Array[] = []
  for (let at = 8; at + SESSION_RECORD_BYTES <= payload.byteLength; at += SESSION_RECORD_BYTES) {
    outcomes.push(applyRecord(context, payload.subarray(at, at + SESSION_RECORD_BYTES), blockNumber))
  }
  return digestOutcomes(outcomes)
}

function applyRecord(context: SessionBatchContext, record: Uint8Array, blockNumber: bigint): Uint8Array {
  const match = context.sessions.find(record)
  if (!match) return REFUSED_OUTCOME
  if (blockNumber > match.session.expiresBlock) {
    context.sessions.end(match.account)
    return REFUSED_OUTCOME
  }
  const opened = openSessionRecord(match.encKey, match.counter, match.caller, record)
  // A record that does not open leaves its counter usable: whoever tampered with it cannot burn the wallet's slot.
  if (!opened) return REFUSED_OUTCOME
  context.sessions.consume(match)
  const decoded = decodeCoreCommand(opened.command)
  // A session carries token commands only; granting or ending sessions needs the wallet's own signature.
  if (!decoded || opened.command[28] !== APP_TOKEN) return REFUSED_OUTCOME
  if (blockNumber > opened.deadlineBlock) {
    noteOutcome(context, decoded.caller, decoded.nonce, decoded.command, FAIL_EXPIRED)
    return REFUSED_OUTCOME
  }
  const code = context.token.apply(opened.command)
  noteOutcome(context, decoded.caller, decoded.nonce, decoded.command, code)
  return appliedOutcome(code, opened.command)
}
