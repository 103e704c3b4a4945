/**
 * What a batch leaves behind for each command, shared by the sealed and the session path: the outcome digest that
 * enters the transition root, and the receipt and history lines its account's wallet may read.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { Address } from 'viem'
import { HISTORY_ENTRIES, type HistoryEntry } from '../../envelopes/accountRead'
import { commandMessage } from '../../envelopes/commandEnvelope'
import type { CoreCommand } from '../../envelopes/coreCommands'
import type { Receipt } from '../group/groupState'
import type { TokenCore } from '../core/createTokenCore'
import { FAIL_EXPIRED, FAIL_WRONG_NONCE } from '../../shared/constants'

export type CommandContext = {
  token: TokenCore
  /** Where each command's outcome is kept for its account (GroupState.receipts). */
  receipts: Record<string, Receipt>
  /** Where each account's history is kept (GroupState.history). */
  history: Record<string, HistoryEntry[]>
  seq: bigint
}

/** The digest line of a record that applied nothing (precise reasons never leave the enclave). */
export const REFUSED_OUTCOME = Uint8Array.of(0xff)

/** The digest line of a command the core ran: status, code, SHA-256(command). */
export function appliedOutcome(code: number, command: Uint8Array): Uint8Array {
  const line = new Uint8Array(34)
  line[1] = code
  line.set(sha256(command), 2)
  return line
}

/** SHA-256 over every record's line, in order. */
export function digestOutcomes(lines: Uint8Array[]): Uint8Array {
  const hash = sha256.create()
  for (const line of lines) hash.update(line)
  return hash.digest()
}

/**
 * Notes a command's outcome for its account, and a credit for the account it paid. A command whose nonce the account
 * already spent is a copy of one that was applied (anyone can repost a record from the chain), so it leaves the
 * owner's receipt and history as they were: otherwise a stranger's copies would report "wrong nonce" for a transfer
 * that applied, and a batch of them would push the owner's real history out.
 */
export function noteOutcome(
  context: CommandContext,
  account: Address,
  nonce: bigint,
  command: CoreCommand,
  code: number,
): void {
  if ((code === FAIL_WRONG_NONCE || code === FAIL_EXPIRED) && nonce < context.token.account(account).nonce) return
  context.receipts[account.toLowerCase()] = { nonce, code, seq: context.seq }
  // The signed message's fields name the other party and the amount for every op (zero where unused).
  const { to, from, amount } = commandMessage(account, nonce, 0n, 0, command)
  const counterparty = command.op === 'transferFrom' ? from : to
  append(context.history, account, {
    seq: context.seq,
    direction: 'sent',
    op: command.op,
    counterparty,
    amount,
    code,
    nonce,
  })
  if (code === 0 && (command.op === 'transfer' || command.op === 'mint' || command.op === 'transferFrom'))
    append(context.history, to, {
      seq: context.seq,
      direction: 'received',
      op: command.op,
      counterparty: command.op === 'transferFrom' ? from : account,
      amount,
      code,
      nonce: 0n,
    })
}

function append(history: Record<string, HistoryEntry[]>, account: Address, entry: HistoryEntry): void {
  const key = account.toLowerCase()
  const entries = history[key] ?? []
  history[key] = entries
  entries.push(entry)
  if (entries.length > HISTORY_ENTRIES) entries.shift()
}
