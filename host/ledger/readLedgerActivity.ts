/**
 * What a chain observer sees of the Ledger: each input's sequence number, kind, block, transaction, the address that
 * posted it and its bytes. For command batches that is ciphertext only; the explorer sets it beside what the
 * user's own enclave lets the user see.
 */
import { decodeFunctionData, size, type Address, type Hash, type Hex, type PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { COMMAND_RECORD_BYTES, INPUT_KIND, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import { mapConcurrently } from './mapConcurrently'

export type LedgerActivity = {
  seq: bigint
  kind: number
  blockNumber: bigint
  transactionHash: Hash
  /** The transaction's sender: a relayer, or the user who posted directly. */
  poster: Address
  /** Bytes the chain holds for this input (event payload, or the calldata records of a session batch). */
  sizeBytes: number
  /** Command records it carries (0 for group inputs). */
  records: number
  /** The bytes themselves, as the chain has them. */
  data: Hex
}

export type ReadLedgerActivityParameters = {
  ledger: Address
  fromBlock: bigint
  /** The newest inputs only. */
  limit?: number | undefined
  /** Rows read before: an input never changes once logged, so its transaction is not fetched again. */
  known?: readonly LedgerActivity[] | undefined
}

const TRANSACTION_FETCH_CONCURRENCY = 8
/** A batch payload starts with the uint64 block number it was sequenced in. */
const BLOCK_PREFIX_BYTES = 8

/**
 * @example
 * const rows = await readLedgerActivity(publicClient, { ledger, fromBlock: BigInt(deployment.deployBlock), limit: 50 })
 */
export async function readLedgerActivity(
  publicClient: PublicClient,
  { ledger, fromBlock, limit = 50, known = [] }: ReadLedgerActivityParameters,
): Promise<LedgerActivity[]> {
  const logs = await publicClient.getContractEvents({
    address: ledger,
    abi: ledgerAbi,
    eventName: 'InputAppended',
    fromBlock,
    strict: true,
  })
  const newest = logs.slice(-limit).reverse()
  const seen = new Map(known.map((row) => [row.transactionHash + row.seq, row]))
  return mapConcurrently(newest, TRANSACTION_FETCH_CONCURRENCY, async (log): Promise<LedgerActivity> => {
    const { seq, kind, payload } = log.args
    const row = seen.get(log.transactionHash + seq)
    if (row) return row
    const transaction = await publicClient.getTransaction({ hash: log.transactionHash })
    let data = payload
    if (kind === INPUT_KIND.sessionBatch) {
      const call = decodeFunctionData({ abi: ledgerAbi, data: transaction.input })
      if (call.functionName === 'submitSessions') data = call.args[0]
    }
    const recordBytes =
      kind === INPUT_KIND.commandBatch
        ? COMMAND_RECORD_BYTES
        : kind === INPUT_KIND.sessionBatch
          ? SESSION_RECORD_BYTES
          : 0
    const body = kind === INPUT_KIND.commandBatch ? size(data) - BLOCK_PREFIX_BYTES : size(data)
    return {
      seq,
      kind,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      poster: transaction.from,
      sizeBytes: size(data),
      records: recordBytes ? Math.floor(body / recordBytes) : 0,
      data,
    }
  })
}
