/** Reads the Ledger's inputs after a sequence number, in order, and checks there is no gap. */
import type { Address, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import type { LedgerInput } from '../../enclave-wasm/protocol'
import { InputGapError } from '../errors/ledger'

export type ReadInputsParameters = {
  ledger: Address
  /** Return inputs with seq > afterSeq. */
  afterSeq: bigint
  fromBlock: bigint
  /** Only blocks at least this many below the head count as final. */
  confirmations?: number | undefined
}

export type ReadInputsReturnType = {
  inputs: LedgerInput[]
  /** The last block read: once `inputs` are applied, the next read may start after it. */
  toBlock: bigint
}

/**
 * Inputs after `afterSeq` from `fromBlock` up to the last final block, strictly consecutive; throws `InputGapError`
 * on a hole.
 * @example
 * const { inputs, toBlock } = await readInputs(publicClient, { ledger, afterSeq: status.seq, fromBlock: cursor })
 */
export async function readInputs(publicClient: PublicClient, parameters: ReadInputsParameters): Promise<ReadInputsReturnType> {
  const { ledger, afterSeq, fromBlock, confirmations = 0 } = parameters
  // Uncached: viem reuses a block number for a polling interval, and a follower must never read a stale head.
  const head = await publicClient.getBlockNumber({ cacheTime: 0 })
  const toBlock = head - BigInt(confirmations)
  if (toBlock < fromBlock) return { inputs: [], toBlock: fromBlock - 1n }
  const logs = await publicClient.getContractEvents({ address: ledger, abi: ledgerAbi, eventName: 'InputAppended', fromBlock, toBlock, strict: true })
  const inputs: LedgerInput[] = []
  let expected = afterSeq + 1n
  for (const log of logs) {
    const { seq, kind, acc, payload } = log.args
    if (seq < expected) continue
    if (seq !== expected) throw new InputGapError({ expected, found: seq })
    inputs.push({ seq, kind, acc, payload })
    expected++
  }
  return { inputs, toBlock }
}
