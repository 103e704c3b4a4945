/** viem clients for one chain and one account, as every Ledger action takes them. */
import { createPublicClient, createWalletClient, defineChain, http, type Account, type Address, type Chain } from 'viem'
import type { LedgerClients } from '../ledger/confirmTransaction'

/** A viem chain for `chainId` served at `rpcUrl` (any EVM JSON-RPC node; no chain is hard-coded). */
export function chainOf(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
}

export type CreateLedgerClientsParameters = {
  rpcUrl: string
  chainId: number
  /** A local account (private key) or the address of an account the node holds unlocked. */
  account: Account | Address
  /** How often to poll for receipts and blocks; local chains mine within a second. */
  pollingIntervalMs?: number | undefined
}

/**
 * @example
 * const clients = createLedgerClients({ rpcUrl, chainId: 31337, account: privateKeyToAccount(key) })
 */
export function createLedgerClients(parameters: CreateLedgerClientsParameters): LedgerClients {
  const { rpcUrl, chainId, account, pollingIntervalMs = 250 } = parameters
  const chain = chainOf(chainId, rpcUrl)
  const transport = http(rpcUrl, { retryCount: 1 })
  return {
    walletClient: createWalletClient({ account, chain, transport, pollingInterval: pollingIntervalMs }),
    publicClient: createPublicClient({ chain, transport, pollingInterval: pollingIntervalMs }),
  }
}
