/** The registered enclaves and the current epoch, with the registry's verdict on each enclave. */
import type { Address, Hex, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'

export type NetworkEnclave = {
  signer: Address
  operator: Address
  measurement: Hex
  tcbStatus: number
  expiresAt: bigint
  /** Active, not expired, and its measurement is still allowed. */
  trusted: boolean
  measurementAllowed: boolean
}

export type Network = {
  epoch: bigint
  cmdPubKey: Hex
  seq: bigint
  enclaves: NetworkEnclave[]
  /** The input two checkpoints disagree on while a divergence pauses command intake; undefined otherwise. */
  pausedAt: bigint | undefined
}

/**
 * One multicall (deployless: any chain, no Multicall3 needed) and the head block, however many members there are.
 * @example
 * const { epoch, enclaves } = await readNetwork(publicClient, { ledger })
 */
export async function readNetwork(publicClient: PublicClient, { ledger }: { ledger: Address }): Promise<Network> {
  const read = { address: ledger, abi: ledgerAbi } as const
  const [[[signers, records, allowed], [epoch, cmdPubKey], seq, [paused, pausedAt]], block] = await Promise.all([
    publicClient.multicall({
      contracts: [
        { ...read, functionName: 'memberRecords' },
        { ...read, functionName: 'currentEpoch' },
        { ...read, functionName: 'seq' },
        { ...read, functionName: 'paused' },
      ],
      allowFailure: false,
      deployless: true,
    }),
    publicClient.getBlock(),
  ])
  const enclaves = signers.map((signer, i) => {
    const enclave = records[i]!
    const measurementAllowed = allowed[i]!
    return {
      signer,
      operator: enclave.operator,
      measurement: enclave.measurement,
      tcbStatus: enclave.tcbStatus,
      expiresAt: enclave.expiresAt,
      measurementAllowed,
      trusted: enclave.active && enclave.expiresAt > block.timestamp && measurementAllowed,
    }
  })
  return { epoch, cmdPubKey, seq, enclaves, pausedAt: paused ? pausedAt : undefined }
}
