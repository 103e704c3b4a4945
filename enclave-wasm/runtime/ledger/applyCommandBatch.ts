/**
 * Applies one command-batch input: opens each 312-byte record, applies what opens to the token core, and digests
 * every outcome for the transition root. Replicas holding the same epoch keys reach the same outcomes.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, hexToBytes, type Address, type Hex } from 'viem'
import { HISTORY_ENTRIES, type HistoryEntry } from '../../envelopes/accountRead'
import { COMMAND_RECORD_BYTES, commandMessage } from '../../envelopes/commandEnvelope'
import type { TokenCommand } from '../../envelopes/tokenCommands'
import type { TokenCore } from '../core/createTokenCore'
import { FAIL_EXPIRED } from '../../shared/constants'
import { openCommand } from '../envelopes/openCommand'
import type { Receipt } from '../group/groupState'

/** Why a record applied nothing, as it enters the root (precise reasons never leave the enclave). */
const REFUSED = 0xff

export type CommandBatchContext = {
  token: TokenCore
  /** Where each signed command's outcome is kept for its account (GroupState.receipts). */
  receipts: Record<string, Receipt>
  /** Where each account's history is kept (GroupState.history). */
  history: Record<string, HistoryEntry[]>
  seq: bigint
  chainId: bigint
  ledger: Address
  commandKeyOf: (epoch: number) => Uint8Array | undefined
}

/** Returns SHA-256 over (status, core code, SHA-256(command)) of every record, in order. */
export async function applyCommandBatch(context: CommandBatchContext, payload: Hex): Promise<Uint8Array> {
  const bytes = hexToBytes(payload)
  const blockNumber = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0)
  const outcomes: Uint8Array[] = []
  for (let at = 8; at + COMMAND_RECORD_BYTES <= bytes.byteLength; at += COMMAND_RECORD_BYTES) {
    const opened = await openCommand({
      record: bytes.subarray(at, at + COMMAND_RECORD_BYTES),
      chainId: context.chainId,
      ledger: context.ledger,
      commandKeyOf: context.commandKeyOf,
      blockNumber,
    })
    if (!opened.ok) {
      if (opened.reason === 'expired') record(context, opened.account, opened.nonce, opened.decoded, FAIL_EXPIRED)
      outcomes.push(Uint8Array.of(REFUSED))
      continue
    }
    const code = context.token.apply(opened.command)
    record(context, opened.account, opened.nonce, opened.decoded, code)
    outcomes.push(concatBytes([Uint8Array.of(0, code), sha256(opened.command)]))
  }
  return sha256(concatBytes(outcomes))
}

/** Notes a signed command's outcome for its account, and a credit for the account it paid. */
function record(context: CommandBatchContext, account: Address, nonce: bigint, command: TokenCommand, code: number): void {
  context.receipts[account.toLowerCase()] = { nonce, code, seq: context.seq }
  // The signed message's fields name the other party and the amount for every op (zero where unused).
  const { to, from, amount } = commandMessage(account, nonce, 0n, 0, command)
  const counterparty = command.op === 'transferFrom' ? from : to
  append(context.history, account, { seq: context.seq, direction: 'sent', op: command.op, counterparty, amount, code })
  if (code === 0 && (command.op === 'transfer' || command.op === 'mint' || command.op === 'transferFrom'))
    append(context.history, to, { seq: context.seq, direction: 'received', op: command.op, counterparty: command.op === 'transferFrom' ? from : account, amount, code })
}

function append(history: Record<string, HistoryEntry[]>, account: Address, entry: HistoryEntry): void {
  const key = account.toLowerCase()
  const entries = (history[key] ??= [])
  entries.push(entry)
  if (entries.length > HISTORY_ENTRIES) entries.shift()
}
