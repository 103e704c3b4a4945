/**
 * Dev wallet: one of anvil's well-known, unlocked accounts, signing through the local node itself.
 * Offered only when the deployment is a local chain (host/deployment/isLocalChain.ts); those keys are public.
 */
import { createConnector } from 'wagmi'
import { getAddress, http, numberToHex, type Address } from 'viem'

export type DevWalletParameters = {
  rpcUrl: string
  /** Which of the node's unlocked accounts this connector uses. */
  accountIndex: number
}

/** Storage key remembering a connection across reloads, per account index. */
const connectedKey = (index: number) => `devWallet.${index}.connected`

/** A wagmi connector for anvil account `accountIndex`. */
export function devWallet({ rpcUrl, accountIndex }: DevWalletParameters) {
  // The node itself holds these keys unlocked, so the provider is simply its JSON-RPC endpoint.
  const provider = http(rpcUrl)({ retryCount: 0 })
  const request = provider.request

  return createConnector<typeof provider>((config) => {
    const account = async (): Promise<Address> => {
      const accounts = (await request({ method: 'eth_accounts' })) as string[]
      const address = accounts[accountIndex]
      if (!address) throw new Error(`The local node has no unlocked account #${accountIndex}.`)
      return getAddress(address)
    }
    return {
      id: `devWallet.${accountIndex}`,
      name: `Dev wallet · account #${accountIndex}`,
      type: 'devWallet',
      async connect({ withCapabilities } = {}) {
        const address = await account()
        await config.storage?.setItem(connectedKey(accountIndex), true)
        const accounts = withCapabilities ? [{ address, capabilities: {} }] : [address]
        return { accounts: accounts as never, chainId: await this.getChainId() }
      },
      async disconnect() {
        await config.storage?.removeItem(connectedKey(accountIndex))
      },
      async getAccounts() {
        return [await account()]
      },
      async getChainId() {
        return Number(await request({ method: 'eth_chainId' }))
      },
      async getProvider() {
        return provider
      },
      async isAuthorized() {
        return Boolean(await config.storage?.getItem(connectedKey(accountIndex)))
      },
      async switchChain({ chainId }) {
        const chain = config.chains.find((c) => c.id === chainId)
        if (!chain || chainId !== (await this.getChainId()))
          throw new Error(`The dev wallet only serves the local chain, not chain ${numberToHex(chainId)}.`)
        return chain
      },
      onAccountsChanged() {},
      onChainChanged() {},
      onDisconnect() {
        config.emitter.emit('disconnect')
      },
    }
  })
}
