/** Picks a chain's finality policy at deploy time, from its chain id and what its node serves. */
import type { EIP1193RequestFn, PublicClient } from 'viem'
import type { FinalityPolicy } from '../ledger/readFinalBlock'
import { DEV_CONFIRMATIONS } from './parseDeployment'
import { LOCAL_CHAIN_IDS } from './isLocalChain'

/** Confirmations on a chain whose node has no `finalized` tag: deep enough for the reorgs such chains have. */
export const FALLBACK_CONFIRMATIONS = 64

/** anvil's interval-mining getter: seconds between blocks, 0 or null when it mines only on transactions. */
type AnvilIntervalSchema = [{ Method: 'anvil_getIntervalMining'; Parameters?: undefined; ReturnType: number | null }]

/**
 * A dev chain (anvil, hardhat) that mines on an interval (`anonify dev`'s anvil) gets `DEV_CONFIRMATIONS`: its
 * `finalized` tag trails the head by 64 blocks, minutes at 1 s. One that mines only on transactions gets 0: it makes
 * no block unless sent one, so the last command would wait for confirmations forever, and only an explicit
 * `anvil_reorg` or `evm_revert` ever takes its blocks back. Another chain gets the `finalized` tag when its node
 * answers for it, else `FALLBACK_CONFIRMATIONS`.
 * @example
 * const finality = await chooseFinality(publicClient, chainId) // { confirmations: 2 } on `anonify dev`'s anvil
 */
export async function chooseFinality(publicClient: PublicClient, chainId: number): Promise<FinalityPolicy> {
  if (LOCAL_CHAIN_IDS.includes(chainId)) {
    const request = publicClient.request as EIP1193RequestFn<AnvilIntervalSchema>
    // hardhat has no getter for its interval, so it counts as mining on transactions.
    const intervalSeconds = await request({ method: 'anvil_getIntervalMining' }).catch(() => null)
    return { confirmations: intervalSeconds ? DEV_CONFIRMATIONS : 0 }
  }
  const served = await publicClient.getBlock({ blockTag: 'finalized' }).then(
    () => true,
    () => false,
  )
  return served ? { blockTag: 'finalized' } : { confirmations: FALLBACK_CONFIRMATIONS }
}
