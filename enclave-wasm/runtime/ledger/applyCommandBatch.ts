/**
 * Applies one command-batch input: opens each 312-byte record, applies what opens to the token core, and digests
 * every outcome for the transition root. Replicas holding the same epoch keys reach the same outcomes.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, hexToBytes, type Address, type Hex } from 'viem'
import { COMMAND_RECORD_BYTES } from '../../envelopes/commandEnvelope'
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
      if (opened.reason === 'expired') context.receipts[opened.account.toLowerCase()] = { nonce: opened.nonce, code: FAIL_EXPIRED, seq: context.seq }
      outcomes.push(Uint8Array.of(REFUSED))
      continue
    }
    const code = context.token.apply(opened.command)
    context.receipts[opened.account.toLowerCase()] = { nonce: opened.nonce, code, seq: context.seq }
    outcomes.push(concatBytes([Uint8Array.of(0, code), sha256(opened.command)]))
  }
  return sha256(concatBytes(outcomes))
}
