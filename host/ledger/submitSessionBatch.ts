/** Submits a batch of session command records to the Ledger: the cheap input kind whose records stay in calldata. */
import {
  concatHex,
  toHex,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Transport,
  type WalletClient,
} from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { InvalidBatchError } from '../errors/ledger'
import { checkBatch } from './checkBatch'
import { SESSION_RECORD_BYTES } from './constants'

export type SubmitSessionBatchParameters = {
  ledger: Address
  /** Each exactly SESSION_RECORD_BYTES long. */
  records: readonly Uint8Array[]
}
export type SubmitSessionBatchReturnType = Hash
export type SubmitSessionBatchErrorType = InvalidBatchError

/**
 * Checks the records against the Ledger's session format, then sends `submitSessions` straight to the Ledger.
 * Resolves to the transaction hash. NOTE: the wallet's account must have no code (no EIP-7702 delegation) and the
 * call must be the transaction itself, since followers read the records from its input; the Ledger reverts otherwise.
 * @example
 * const hash = await submitSessionBatch(walletClient, { ledger, records })
 */
export async function submitSessionBatch(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  { ledger, records }: SubmitSessionBatchParameters,
): Promise<SubmitSessionBatchReturnType> {
  checkBatch(records, SESSION_RECORD_BYTES)
  return walletClient.writeContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'submitSessions',
    args: [concatHex(records.map((record) => toHex(record)))],
    chain: walletClient.chain ?? null,
  })
}
