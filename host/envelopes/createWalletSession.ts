/**
 * The wallet's side of a session (the fast path): a fresh 32-byte session key, the `startSession` command that
 * grants it (signed and sealed once, like any command), then 96-byte records with no signature prompt each.
 * The key is the user's own secret: keep it in memory, or persist it only where the wallet's key is kept.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
import { encodeCoreCommand, type CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { deriveSessionKeys, sealSessionRecord } from '../../enclave-wasm/envelopes/sessionEnvelope'

export type CreateWalletSessionParameters = {
  chainId: bigint
  ledger: Address
  /** The epoch the grant is sealed to; the session ends at the next rekey. */
  epoch: number
  account: Address
  /** Resume an existing session: its key and the next counter (from the enclave's read reply). */
  resume?: { sessionKey: Hex; next: bigint } | undefined
}

export type WalletSession = {
  readonly sessionKey: Hex
  /** The command that grants this session until `expiresBlock`; send it with `sealCommand`. */
  grant: (expiresBlock: bigint) => CoreCommand
  /** Seals one token command with the account's `nonce` as the next record of the session. */
  seal: (parameters: { nonce: bigint; deadlineBlock: bigint; command: CoreCommand }) => Uint8Array
  /** The counter the next record will use. */
  readonly next: bigint
}

/**
 * @example
 * const session = createWalletSession({ chainId, ledger, epoch, account })
 * await node.postCommand(await sealCommand({ ...group, account, nonce, deadlineBlock, command: session.grant(expires), signTypedData }))
 * await node.postCommand(session.seal({ nonce: nonce + 1n, deadlineBlock, command: { op: 'transfer', to, amount } }))
 */
export function createWalletSession({
  chainId,
  ledger,
  epoch,
  account,
  resume,
}: CreateWalletSessionParameters): WalletSession {
  const key = resume ? hexToBytes(resume.sessionKey) : randomBytes(32)
  const keys = deriveSessionKeys(key, chainId, ledger, epoch)
  let next = resume?.next ?? 0n
  return {
    sessionKey: bytesToHex(key),
    grant: (expiresBlock) => ({ op: 'startSession', sessionKey: bytesToHex(key), expiresBlock }),
    seal({ nonce, deadlineBlock, command }) {
      if (command.op === 'startSession' || command.op === 'endSession')
        throw new TypeError('a session carries token commands only')
      return sealSessionRecord({
        keys,
        counter: next++,
        deadlineBlock,
        command: encodeCoreCommand(account, nonce, command),
      })
    },
    get next() {
      return next
    },
  }
}
