/** Submits a batch of encrypted command records to the Ledger (what a relayer does). */
import { concatHex, toHex, type Account, type Address, type Chain, type Hash, type Transport, type WalletClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { InvalidBatchError } from '../errors/ledger'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES } from './constants'

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
  if (records.length === 0) throw new InvalidBatchError({ problem: 'it is empty' })
  if (records.length > MAX_RECORDS_PER_BATCH) throw new InvalidBatchError({ problem: `it has ${records.length} records` })
  const wrong = records.findIndex((record) => record.byteLength !== RECORD_BYTES)
  if (wrong !== -1) throw new InvalidBatchError({ problem: `record ${wrong} is ${records[wrong]!.byteLength} bytes` })
  return walletClient.writeContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'submit',
    args: [concatHex(records.map((record) => toHex(record)))],
    chain: walletClient.chain ?? null,
  })
}
