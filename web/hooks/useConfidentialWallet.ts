/**
 * The connected account's confidential wallet: reads go to this tab's enclave, commands to the relayer (default) or
 * straight to the Ledger from the user's wallet. One wallet per account per page, so the read key is signed once.
 */
import { useRef } from 'react'
import { toHex, type PublicClient } from 'viem'
import { usePublicClient, useWalletClient } from 'wagmi'
import { createNodeClient } from '../../host/relayer/createNodeClient'
import { indexedDbSessionStore } from '../../host/storage/indexedDb'
import { createConfidentialWallet, type ConfidentialWallet } from '../../host/wallet/confidentialWallet'
import { createDirectPoster } from '../../host/wallet/directPoster'
import { useAppContext } from '../app/AppContext'
import { usePostingRoute, type PostingRoute } from './usePostingRoute'

const wallets = new Map<string, ConfidentialWallet>()

export function useConfidentialWallet(): ConfidentialWallet | undefined {
  const { deployment, enclave } = useAppContext()
  const walletClient = useWalletClient().data
  const publicClient = usePublicClient() as PublicClient | undefined
  const [route] = usePostingRoute()
  // The wallet outlives renders; what it calls must be the current client and choice.
  const latest = useRef({ walletClient, route })
  latest.current = { walletClient, route }
  if (!walletClient || !publicClient) return undefined

  const account = walletClient.account.address
  const key = `${deployment.contracts.ledger}:${account}`
  let wallet = wallets.get(key)
  if (!wallet) {
    const chainId = BigInt(deployment.chainId)
    const ledger = deployment.contracts.ledger
    const enclaveClient = async () => (await enclave).client
    // Same origin: the dev server forwards /v1/ to the node's API (anonify dev), so no CORS is involved.
    const relayer = createNodeClient(new URL('/', window.location.href).href)
    const posterFor = (route: PostingRoute, current = latest.current.walletClient ?? walletClient) =>
      route === 'relayer'
        ? relayer
        : createDirectPoster({
            clients: { walletClient: current, publicClient },
            ledger,
            precheck: async (record) => (await (await enclaveClient()).precheck({ record: toHex(record) })).accepted,
          })
    wallet = createConfidentialWallet({
      chainId,
      ledger,
      account,
      signTypedData: (typedData) => (latest.current.walletClient ?? walletClient).signTypedData(typedData),
      publicClient,
      reader: { readAccount: async (params) => (await enclaveClient()).readAccount(params) },
      poster: { postCommand: (record) => posterFor(latest.current.route).postCommand(record) },
      sessions: indexedDbSessionStore(`${deployment.chainId}:${ledger.toLowerCase()}:session:${account.toLowerCase()}`),
    })
    wallets.set(key, wallet)
  }
  return wallet
}
