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

/**
 * Clients for the accounts a local node holds unlocked (anvil's prefunded ones), by index: what tests, the bench and
 * the dev tools act as.
 * @example
 * const clientsOf = await unlockedAccountClients(anvil.rpcUrl, 31337)
 * const governor = clientsOf(0)
 */
export async function unlockedAccountClients(
  rpcUrl: string,
  chainId: number,
  pollingIntervalMs = 50,
): Promise<(index: number) => LedgerClients> {
  const accounts = await createWalletClient({ transport: http(rpcUrl) }).getAddresses()
  return (index) => {
    const account = accounts[index]
    if (!account) throw new Error(`the node holds no unlocked account #${index}`)
    return createLedgerClients({ rpcUrl, chainId, account, pollingIntervalMs })
  }
}
