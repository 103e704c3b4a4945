/** Submits a batch of encrypted command records to the Ledger (what a relayer does). */
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
import { RECORD_BYTES } from './constants'

export type SubmitBatchParameters = {
  ledger: Address
  /** Each exactly RECORD_BYTES long. */
  records: readonly Uint8Array[]
}
export type SubmitBatchReturnType = Hash
export type SubmitBatchErrorType = InvalidBatchError

/**
 * Checks the records against the Ledger's format, then sends `submit`. Resolves to the transaction hash.
 * @example
 * const hash = await submitBatch(walletClient, { ledger, records })
 */
export async function submitBatch(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  { ledger, records }: SubmitBatchParameters,
): Promise<SubmitBatchReturnType> {
  checkBatch(records, RECORD_BYTES)
  return walletClient.writeContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'submit',
    args: [concatHex(records.map((record) => toHex(record)))],
    chain: walletClient.chain ?? null,
  })
}
