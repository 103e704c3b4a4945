/** Reads the group as the chain records it: members, epoch, command key and the input sequence. */
import type { Address, Hex, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'

export type ChainGroup = { members: readonly Address[]; epoch: bigint; cmdPubKey: Hex; commit: Hex; seq: bigint }

/**
 * One multicall-free read of the Ledger's group state.
 * @example
 * const { epoch, members } = await readGroup(publicClient, { ledger })
 */
export async function readGroup(publicClient: PublicClient, { ledger }: { ledger: Address }): Promise<ChainGroup> {
  const read = { address: ledger, abi: ledgerAbi } as const
  const [members, [epoch, cmdPubKey, commit], seq] = await Promise.all([
    publicClient.readContract({ ...read, functionName: 'members' }),
    publicClient.readContract({ ...read, functionName: 'currentEpoch' }),
    publicClient.readContract({ ...read, functionName: 'seq' }),
  ])
  return { members, epoch, cmdPubKey, commit, seq }
}
