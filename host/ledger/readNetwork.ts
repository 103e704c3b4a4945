/** The registered enclaves and the current epoch, with the registry's verdict on each enclave. */
import type { Address, Hex, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { readLedgerPause } from './readLedgerPause'

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
 * @example
 * const { epoch, enclaves } = await readNetwork(publicClient, { ledger })
 */
export async function readNetwork(publicClient: PublicClient, { ledger }: { ledger: Address }): Promise<Network> {
  const read = { address: ledger, abi: ledgerAbi } as const
  const [members, [epoch, cmdPubKey], seq, block, pause] = await Promise.all([
    publicClient.readContract({ ...read, functionName: 'members' }),
    publicClient.readContract({ ...read, functionName: 'currentEpoch' }),
    publicClient.readContract({ ...read, functionName: 'seq' }),
    publicClient.getBlock(),
    readLedgerPause(publicClient, { ledger }),
  ])
  const enclaves = await Promise.all(
    members.map(async (signer) => {
      const enclave = await publicClient.readContract({ ...read, functionName: 'enclaveOf', args: [signer] })
      const measurementAllowed = await publicClient.readContract({
        ...read,
        functionName: 'isMeasurementAllowed',
        args: [enclave.measurement],
      })
      return {
        signer,
        operator: enclave.operator,
        measurement: enclave.measurement,
        tcbStatus: enclave.tcbStatus,
        expiresAt: enclave.expiresAt,
        measurementAllowed,
        trusted: enclave.active && enclave.expiresAt > block.timestamp && measurementAllowed,
      }
    }),
  )
  return { epoch, cmdPubKey, seq, enclaves, pausedAt: pause.paused ? pause.seq : undefined }
}
