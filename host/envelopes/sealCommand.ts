/** Seals a user's command to the group's epoch key (what a wallet does before handing it to a relayer). */
import type { Address, Hex } from 'viem'
import {
  commandInfo,
  commandTypedData,
  encodeCommandHeader,
  encodeCommandPlaintext,
  type CommandTypedData,
} from '../../enclave-wasm/envelopes/commandEnvelope'
import { sealTo } from '../../enclave-wasm/envelopes/hpkeSuite'
import { encodeCoreCommand, type CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'

export type SealCommandParameters = {
  chainId: bigint
  ledger: Address
  /** The epoch and its command key, checked against the chain by the caller (readGroup), never taken on trust. */
  epoch: number
  cmdPubKey: Hex
  account: Address
  nonce: bigint
  /** The last block in which the command may be sequenced. */
  deadlineBlock: bigint
  command: CoreCommand
  /** The wallet's EIP-712 signer (viem's `walletClient.signTypedData` or an account's). */
  signTypedData: (typedData: CommandTypedData) => Promise<Hex>
}

/** A command signed by its account, ready to seal to any epoch's key (the signature does not name the epoch). */
export type SignedCommand = { plaintext: Uint8Array }

/** Signs `command`; the result seals to an epoch with `sealSignedCommand`. */
export async function signCommand(
  parameters: Omit<SealCommandParameters, 'epoch' | 'cmdPubKey'>,
): Promise<SignedCommand> {
  const { chainId, ledger, account, nonce, deadlineBlock, command, signTypedData } = parameters
  const signature = await signTypedData(commandTypedData({ chainId, ledger, account, nonce, deadlineBlock, command }))
  return { plaintext: encodeCommandPlaintext(signature, deadlineBlock, encodeCoreCommand(account, nonce, command)) }
}

/** Seals a signed command into a fixed 312-byte record for `epoch`'s command key. */
export async function sealSignedCommand(
  { plaintext }: SignedCommand,
  { chainId, ledger, epoch, cmdPubKey }: Pick<SealCommandParameters, 'chainId' | 'ledger' | 'epoch' | 'cmdPubKey'>,
): Promise<Uint8Array> {
  const header = encodeCommandHeader(epoch)
  const sealed = await sealTo(cmdPubKey, commandInfo(chainId, ledger, epoch), header, plaintext)
  const record = new Uint8Array(header.byteLength + sealed.byteLength)
  record.set(header, 0)
  record.set(sealed, header.byteLength)
  return record
}

/**
 * Signs and seals one command into a fixed 312-byte record.
 * @example
 * const record = await sealCommand({ ...group, account, nonce, deadlineBlock, command, signTypedData: account.signTypedData })
 */
export async function sealCommand(parameters: SealCommandParameters): Promise<Uint8Array> {
  return sealSignedCommand(await signCommand(parameters), parameters)
}
