/** The last block a chain's finality policy counts as final: what followers apply up to and relayers wait for. */
import type { PublicClient } from 'viem'

/**
 * How a chain decides finality: the node's `finalized` block tag (post-merge Ethereum and most L2s), or a number of
 * confirmations below the head where the node has no such tag or finalizes too slowly for its use (dev chains).
 */
export type FinalityPolicy = { blockTag: 'finalized' } | { confirmations: number }

/** The policy as one phrase, for logs and the README's wording: "2 confirmations", "the finalized block tag". */
export function describeFinality(finality: FinalityPolicy): string {
  return 'confirmations' in finality ? `${finality.confirmations} confirmations` : 'the finalized block tag'
}

/**
 * The number of the last final block under `finality`, read uncached (viem reuses a block number for a polling
 * interval, and a stale head would make a block look less final, a stale tag more). Never below 0.
 * @example
 * const finalBlock = await readFinalBlock(publicClient, deployment.finality)
 */
export async function readFinalBlock(publicClient: PublicClient, finality: FinalityPolicy): Promise<bigint> {
  if ('blockTag' in finality) return (await publicClient.getBlock({ blockTag: 'finalized' })).number
  const head = await publicClient.getBlockNumber({ cacheTime: 0 })
  const final = head - BigInt(finality.confirmations)
  return final > 0n ? final : 0n
}
