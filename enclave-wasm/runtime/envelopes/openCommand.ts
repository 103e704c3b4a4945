/**
 * Opens a sealed command record inside the enclave and checks who sent it. Returns the core's command bytes, or the
 * precise reason it was refused (for the enclave's own logs and tests; the outside sees one uniform rejection).
 */
import type { Address } from 'viem'
import {
  COMMAND_HEADER_BYTES,
  commandInfo,
  commandTypedData,
  decodeCommandPlaintext,
  readCommandEpoch,
} from '../../envelopes/commandEnvelope'
import { decodeCoreCommand, type CoreCommand } from '../../envelopes/coreCommands'
import { importRecipientKey, openWithRecipient } from '../group/hpke'
import { recoverCommandSigner } from './recoverCommandSigner'

export type OpenCommandParameters = {
  record: Uint8Array
  chainId: bigint
  ledger: Address
  /** The command private key of an epoch this enclave still holds, if any. */
  commandKeyOf: (epoch: number) => Uint8Array | undefined
  /** The block the command was sequenced in (from the Ledger input, covered by the accumulator). */
  blockNumber: bigint
}

export type OpenedCommand =
  | { ok: true; account: Address; nonce: bigint; command: Uint8Array; decoded: CoreCommand }
  | { ok: false; reason: 'malformed' | 'unknown epoch' | 'undecryptable' | 'bad signature' }
  /** Signed by its account but sequenced too late: the account learns it, nothing else changes. */
  | { ok: false; reason: 'expired'; account: Address; nonce: bigint; command: Uint8Array }

/**
 * Each epoch key imported once (keyed by the bytes `commandKeyOf` hands out, which the enclave keeps for the epoch and
 * never mutates); dropped with them.
 */
const recipientKeys = new WeakMap<Uint8Array, Promise<CryptoKeyPair>>()

function recipientKeyOf(privateKey: Uint8Array): Promise<CryptoKeyPair> {
  let recipientKey = recipientKeys.get(privateKey)
  if (!recipientKey) {
    recipientKey = importRecipientKey(privateKey)
    recipientKeys.set(privateKey, recipientKey)
  }
  return recipientKey
}

/** Opens `record`; never throws on hostile input. Records are independent: a batch may open them concurrently. */
export async function openCommand(parameters: OpenCommandParameters): Promise<OpenedCommand> {
  const { record, chainId, ledger, commandKeyOf, blockNumber } = parameters
  const epoch = readCommandEpoch(record)
  if (epoch === undefined) return { ok: false, reason: 'malformed' }
  const key = commandKeyOf(epoch)
  if (!key) return { ok: false, reason: 'unknown epoch' }
  let plaintext: Uint8Array
  try {
    // The header is the AAD: changing the epoch or version in transit makes this fail.
    plaintext = await openWithRecipient(
      await recipientKeyOf(key),
      commandInfo(chainId, ledger, epoch),
      record.subarray(0, COMMAND_HEADER_BYTES),
      record.subarray(COMMAND_HEADER_BYTES),
    )
  } catch {
    return { ok: false, reason: 'undecryptable' }
  }
  const parts = decodeCommandPlaintext(plaintext)
  const decoded = parts && decodeCoreCommand(parts.command)
  if (!parts || !decoded) return { ok: false, reason: 'malformed' }
  let signer: Address
  try {
    const typedData = commandTypedData({
      chainId,
      ledger,
      account: decoded.caller,
      nonce: decoded.nonce,
      deadlineBlock: parts.deadlineBlock,
      command: decoded.command,
    })
    signer = recoverCommandSigner(typedData, parts.signature)
  } catch {
    return { ok: false, reason: 'bad signature' }
  }
  // Both lowercase: decoded.caller (coreCommands.ts) and the recovered signer.
  if (signer !== decoded.caller) return { ok: false, reason: 'bad signature' }
  if (blockNumber > parts.deadlineBlock)
    return { ok: false, reason: 'expired', account: decoded.caller, nonce: decoded.nonce, command: parts.command }
  return { ok: true, account: decoded.caller, nonce: decoded.nonce, command: parts.command, decoded: decoded.command }
}
