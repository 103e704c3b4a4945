/** Whether a deployment is a local development chain, where the anvil dev accounts may be offered. */
import type { Deployment } from './parseDeployment'

/** Chain ids of local dev nodes (anvil/hardhat 31337, ganache 1337). */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337]

/** True only when both the chain id is a dev id and the RPC is on loopback: a public chain never qualifies. */
export function isLocalChain(deployment: Pick<Deployment, 'chainId' | 'rpcUrl'>): boolean {
  const host = new URL(deployment.rpcUrl).hostname
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
  return LOCAL_CHAIN_IDS.includes(deployment.chainId) && loopback
}
