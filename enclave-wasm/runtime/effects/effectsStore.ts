/**
 * What the apps' effects leave for each account's own wallet, kept apart from the group state: the receipt of its
 * latest signed command, its history lines and its live session. App-neutral (the runtime records effects without
 * decoding the commands that made them), replicated by replay and sealed beside the group state.
 */
import type { HistoryEntry } from '../../envelopes/readReply'

/** What happened to an account's command: its nonce, the outcome code (0 = applied) and the input that carried it. */
export type Receipt = { nonce: bigint; code: number; seq: bigint }

/** A live session of an account (the fast path). Ends at `expiresBlock`, at the account's `endSession` or at a rekey. */
export type Session = {
  /** The 32-byte session key the wallet granted; deriveSessionKeys turns it into the tag and encryption keys. */
  key: Uint8Array
  /** The epoch it was granted in (part of its key derivation); a session of an earlier epoch is over. */
  epoch: bigint
  expiresBlock: bigint
  /** The next counter the session's wallet will use; lower counters never open again. */
  next: bigint
}

/** Keyed by lowercase account. */
export type EffectsStore = {
  /** The outcome of each account's latest signed command (core code or FAIL_EXPIRED). */
  receipts: Record<string, Receipt>
  /** Each account's latest commands and incoming transfers (at most READ_HISTORY_ENTRIES). */
  history: Record<string, HistoryEntry[]>
  sessions: Record<string, Session>
}

export const emptyEffects = (): EffectsStore => ({ receipts: {}, history: {}, sessions: {} })
