/**
 * Applies one session batch: each 96-byte record's tag names a live session and a counter; the record opens under
 * that session's key, its command runs with the session's account as caller. Deterministic on every replica.
 */
import { bytesToHex } from 'viem'
import { readU64 } from '../../envelopes/bigEndian'
import { COMMAND_HEADER_BYTES } from '../../envelopes/coreCommands'
import { SESSION_RECORD_BYTES } from '../../envelopes/sessionEnvelope'
import { openSessionRecord } from '../envelopes/sessionRecords'
import { APP_TOKEN, FAIL_MALFORMED } from '../../shared/constants'
import type { SessionBook } from '../session/sessionBook'
import {
  appliedOutcome,
  digestOutcomes,
  noteOutcome,
  noteRefusal,
  REFUSED_OUTCOME,
  type CommandContext,
} from './commandOutcome'

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
  const command = opened.command
  // A session carries token commands only (the fast path stays token-shaped); granting or ending sessions, and every
  // other app, need the wallet's own signature. The core decodes and checks the rest.
  if (command.byteLength < COMMAND_HEADER_BYTES || command[28] !== APP_TOKEN) return REFUSED_OUTCOME
  const caller = bytesToHex(command.subarray(0, 20))
  const nonce = readU64(command, 20)
  if (blockNumber > opened.deadlineBlock) {
    noteRefusal(context, caller, nonce, command)
    return REFUSED_OUTCOME
  }
  const { code, effects } = context.core.apply(command, blockNumber)
  // Refused like a record that does not open: the core changed nothing and the sender learns nothing new.
  if (code === FAIL_MALFORMED) return REFUSED_OUTCOME
  noteOutcome(context, caller, nonce, code, effects)
  return appliedOutcome(code, command)
}
