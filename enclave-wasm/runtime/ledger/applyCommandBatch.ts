/**
 * Applies one command-batch input: opens each 312-byte record, applies what opens to the token core, and digests
 * every outcome for the transition root. Replicas holding the same epoch keys reach the same outcomes.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, hexToBytes, type Address, type Hex } from 'viem'
import { COMMAND_RECORD_BYTES } from '../../envelopes/commandEnvelope'
import type { TokenCore } from '../core/createTokenCore'
import { openCommand } from '../envelopes/openCommand'

/** Why a record applied nothing, as it enters the root (precise reasons never leave the enclave). */
const REFUSED = 0xff

export type CommandBatchContext = {
  token: TokenCore
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
      outcomes.push(Uint8Array.of(REFUSED))
      continue
    }
    const code = context.token.apply(opened.command)
    outcomes.push(concatBytes([Uint8Array.of(0, code), sha256(opened.command)]))
  }
  return sha256(concatBytes(outcomes))
}
