/** The app's wagmi config, built at run time from the deployment record (addresses and chain are data). */
import { createConfig, http } from 'wagmi'
import { injected } from 'wagmi/connectors'
import { defineChain } from 'viem'
import { isLocalChain } from '../host/deployment/isLocalChain'
import type { Deployment } from '../host/deployment/parseDeployment'
import { devWallet } from './connectors/devWallet'

/** How many anvil dev accounts the dev wallet offers. */
export const DEV_WALLET_ACCOUNTS = 6

/** Creates the wagmi config for the deployment's chain: injected wallets always, the dev wallet on local chains. */
export function createWagmiConfig(deployment: Deployment) {
  const local = isLocalChain(deployment)
  const chain = defineChain({
    id: deployment.chainId,
    name: local ? 'Local chain (anvil)' : `Chain ${deployment.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [deployment.rpcUrl] } },
  })
  const devWallets = local
    ? Array.from({ length: DEV_WALLET_ACCOUNTS }, (_, accountIndex) =>
        devWallet({ rpcUrl: deployment.rpcUrl, accountIndex }),
      )
    : []
  return createConfig({
    chains: [chain],
    connectors: [injected(), ...devWallets],
    transports: { [chain.id]: http(deployment.rpcUrl) },
    pollingInterval: 1_000,
  })
}

declare module 'wagmi' {
  interface Register {
    config: ReturnType<typeof createWagmiConfig>
  }
}
