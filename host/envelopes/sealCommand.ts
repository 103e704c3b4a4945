/** Seals a user's command to the group's epoch key (what a wallet does before handing it to a relayer). */
import type { Address, Hex } from 'viem'
import {
  COMMAND_TYPES,
  commandDomain,
  commandInfo,
  commandMessage,
  encodeCommandHeader,
  encodeCommandPlaintext,
} from '../../enclave-wasm/envelopes/commandEnvelope'
import { sealTo } from '../../enclave-wasm/envelopes/hpkeSuite'
import { encodeTokenCommand, type TokenCommand } from '../../enclave-wasm/envelopes/tokenCommands'

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
  command: TokenCommand
  /** The wallet's EIP-712 signer (viem's `walletClient.signTypedData` or an account's). */
  signTypedData: (typedData: {
    domain: ReturnType<typeof commandDomain>
    types: typeof COMMAND_TYPES
    primaryType: 'Command'
    message: ReturnType<typeof commandMessage>
  }) => Promise<Hex>
}

/**
 * Signs and seals one command into a fixed 312-byte record.
 * @example
 * const record = await sealCommand({ ...group, account, nonce, deadlineBlock, command, signTypedData: account.signTypedData })
 */
export async function sealCommand(parameters: SealCommandParameters): Promise<Uint8Array> {
  const { chainId, ledger, epoch, cmdPubKey, account, nonce, deadlineBlock, command, signTypedData } = parameters
  const signature = await signTypedData({
    domain: commandDomain(chainId, ledger),
    types: COMMAND_TYPES,
    primaryType: 'Command',
    message: commandMessage(account, nonce, deadlineBlock, epoch, command),
  })
  const plaintext = encodeCommandPlaintext(signature, deadlineBlock, encodeTokenCommand(account, nonce, command))
  const header = encodeCommandHeader(epoch)
  const sealed = await sealTo(cmdPubKey, commandInfo(chainId, ledger, epoch), header, plaintext)
  const record = new Uint8Array(header.byteLength + sealed.byteLength)
  record.set(header, 0)
  record.set(sealed, header.byteLength)
  return record
}
