/**
 * The connected account's confidential wallet: reads go to this tab's enclave, commands to the relayer (default) or
 * straight to the Ledger from the user's wallet. One wallet per account per page, so the read key is signed once.
 */
import { toHex, type PublicClient } from 'viem'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { usePublicClient, useWalletClient } from 'wagmi'
import { createNodeClient } from '../../host/relayer/createNodeClient'
import { indexedDbStore } from '../../host/storage/indexedDb'
import { createConfidentialWallet, type ConfidentialWallet } from '../../host/wallet/confidentialWallet'
import { createDirectPoster } from '../../host/wallet/directPoster'
import { blobSessionStore } from '../../host/wallet/sessionStore'
import { useAppContext } from '../app/AppContext'
import { currentPostingRoute, usePostingRoute } from './usePostingRoute'

type WalletClient = LedgerClients['walletClient']

const wallets = new Map<string, ConfidentialWallet>()
// The wallet outlives the component that created it: what it calls is the account's current wallet client.
const latestClients = new Map<string, WalletClient>()

export function useConfidentialWallet(): ConfidentialWallet | undefined {
  const { deployment, enclave } = useAppContext()
  const walletClient = useWalletClient().data
  const publicClient = usePublicClient() as PublicClient | undefined
  usePostingRoute()
  if (!walletClient || !publicClient) return undefined

  const account = walletClient.account.address
  const key = `${deployment.contracts.ledger}:${account}`
  latestClients.set(key, walletClient)
  const client = () => latestClients.get(key) ?? walletClient
  let wallet = wallets.get(key)
  if (!wallet) {
    const chainId = BigInt(deployment.chainId)
    const ledger = deployment.contracts.ledger
    const enclaveClient = async () => (await enclave).client
    // Same origin: the dev server forwards /v1/ to the node's API (anonify dev), so no CORS is involved.
    const relayer = createNodeClient(new URL('/', window.location.href).href)
    const poster = () =>
      currentPostingRoute() === 'relayer'
        ? relayer
        : createDirectPoster({
            clients: { walletClient: client(), publicClient },
            ledger,
            precheck: async (record, blockNumber) =>
              (await (await enclaveClient()).precheck({ record: toHex(record), blockNumber })).accepted,
          })
    wallet = createConfidentialWallet({
      chainId,
      ledger,
      account,
      signTypedData: (typedData) => client().signTypedData(typedData),
      publicClient,
      fromBlock: BigInt(deployment.deployBlock),
      finality: deployment.finality,
      readers: [
        {
          name: "this tab's replica",
          reader: { readAccount: async (params) => (await enclaveClient()).readAccount(params) },
        },
      ],
      poster: { postCommand: (record) => poster().postCommand(record) },
      sessions: blobSessionStore(
        indexedDbStore(`${deployment.chainId}:${ledger.toLowerCase()}:session:${account.toLowerCase()}`),
        "this browser's IndexedDB",
      ),
    })
    wallets.set(key, wallet)
  }
  return wallet
}
