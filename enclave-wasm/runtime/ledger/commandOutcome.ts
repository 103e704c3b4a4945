/**
 * What a batch leaves behind for each command, shared by the sealed and the session path: the outcome digest that
 * enters the transition root, and the receipt and history lines its account's wallet may read. History comes from
 * the effects the core wrote, so nothing here knows any app's commands.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { zeroAddress, type Address } from 'viem'
import type { HistoryEntry } from '../../envelopes/readReply'
import { opNameOf } from '../../envelopes/coreCommands'
import type { Receipt } from '../effects/effectsStore'
import type { Core, Effect } from '../core/createCore'
import { FAIL_EXPIRED, FAIL_WRONG_NONCE, READ_HISTORY_ENTRIES } from '../../shared/constants'

export type CommandContext = {
  core: Core
  /** Where each command's outcome is kept for its account (EffectsStore.receipts). */
  receipts: Record<string, Receipt>
  /** Where each account's history is kept (EffectsStore.history). */
  history: Record<string, HistoryEntry[]>
  seq: bigint
}

/** The digest line of a record that applied nothing (precise reasons never leave the enclave). */
export const REFUSED_OUTCOME = Uint8Array.of(0xff)

/** The digest line of a command the core ran: status 0, code u16, SHA-256(command). */
export function appliedOutcome(code: number, command: Uint8Array): Uint8Array {
  const line = new Uint8Array(35)
  new DataView(line.buffer).setUint16(1, code)
  line.set(sha256(command), 3)
  return line
}

/** SHA-256 over every record's line, in order. */
export function digestOutcomes(lines: Uint8Array[]): Uint8Array {
  const hash = sha256.create()
  for (const line of lines) hash.update(line)
  return hash.digest()
}

/**
 * Notes a command's outcome for its account and the history lines of its effects. A command whose nonce the account
 * already spent is a copy of one that was applied (anyone can repost a record from the chain), so it leaves the
 * owner's receipt and history as they were: otherwise a stranger's copies would report "wrong nonce" for a transfer
 * that applied, and a batch of them would push the owner's real history out.
 */
export function noteOutcome(
  context: CommandContext,
  account: Address,
  nonce: bigint,
  code: number,
  effects: readonly Effect[],
): void {
  if ((code === FAIL_WRONG_NONCE || code === FAIL_EXPIRED) && nonce < context.core.nonce(account)) return
  context.receipts[account.toLowerCase()] = { nonce, code, seq: context.seq }
  for (const effect of effects) {
    const sent = effect.kind === 'sent'
    append(context.history, effect.owner, {
      seq: context.seq,
      direction: sent ? 'sent' : 'received',
      op: opOf(effect),
      counterparty: effect.counterparty,
      amount: effect.amount,
      code: sent ? code : 0,
      nonce: sent ? nonce : 0n,
    })
  }
}

/** Notes a command refused before the core saw it (expired): its account's receipt and a `sent` line. */
export function noteRefusal(context: CommandContext, account: Address, nonce: bigint, command: Uint8Array): void {
  const effect: Effect = {
    kind: 'sent',
    owner: account,
    app: command[28]!,
    op: command[29]!,
    counterparty: zeroAddress,
    amount: 0n,
  }
  noteOutcome(context, account, nonce, FAIL_EXPIRED, [effect])
}

// Every app the core routes to has a schema (envelopes/apps/registry.ts); an effect naming another is a broken build.
function opOf(effect: Effect): HistoryEntry['op'] {
  const op = opNameOf(effect.app, effect.op)
  if (op === undefined) throw new Error(`the core emitted an effect of unknown op ${effect.app}/${effect.op}`)
  return op
}

function append(history: Record<string, HistoryEntry[]>, account: Address, entry: HistoryEntry): void {
  const key = account.toLowerCase()
  const entries = history[key] ?? []
  history[key] = entries
  entries.push(entry)
  if (entries.length > READ_HISTORY_ENTRIES) entries.shift()
}
