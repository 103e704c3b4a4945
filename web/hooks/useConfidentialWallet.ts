/**
 * The connected account's confidential wallet. Light mode: reads and commands go through the member node serving the
 * page (the relayer posts, so the user pays no gas); replica mode: reads go to this tab's enclave, and commands to the
 * relayer (default) or straight to the Ledger from the user's wallet. One wallet per account and mode per page, so the
 * read key is signed once.
 */
import { toHex, type PublicClient } from 'viem'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { usePublicClient, useWalletClient } from 'wagmi'
import type { AccountReadSource } from '../../host/envelopes/readAccount'
import { indexedDbStore } from '../../host/storage/indexedDb'
import { createConfidentialWallet, type ConfidentialWallet } from '../../host/wallet/confidentialWallet'
import { createDirectPoster } from '../../host/wallet/directPoster'
import { memberNodes } from '../../host/wallet/memberNodes'
import { blobSessionStore } from '../../host/wallet/sessionStore'
import { useAppContext } from '../app/AppContext'
import { currentPostingRoute, usePostingRoute } from './usePostingRoute'
import { pageNodeUrl, useReadMode } from './useReadMode'

type WalletClient = LedgerClients['walletClient']

/** What a reply from this tab's own enclave is named in the page. */
export const TAB_REPLICA = "this tab's replica"

const wallets = new Map<string, ConfidentialWallet>()
// The wallet outlives the component that created it: what it calls is the account's current wallet client.
const latestClients = new Map<string, WalletClient>()

export function useConfidentialWallet(): ConfidentialWallet | undefined {
  const { deployment, enclave } = useAppContext()
  const walletClient = useWalletClient().data
  const publicClient = usePublicClient() as PublicClient | undefined
  const mode = useReadMode()
  usePostingRoute()
  if (!walletClient || !publicClient) return undefined

  const account = walletClient.account.address
  const clientKey = `${deployment.contracts.ledger}:${account}`
  latestClients.set(clientKey, walletClient)
  const client = () => latestClients.get(clientKey) ?? walletClient
  const key = `${clientKey}:${mode}`
  let wallet = wallets.get(key)
  if (!wallet) {
    const chainId = BigInt(deployment.chainId)
    const ledger = deployment.contracts.ledger
    const enclaveClient = async () => (await enclave).client
    // First the page's own origin (the dev server forwards /v1/ to its node), then the member nodes the deployment
    // lists, which answer this page's origin if their operators allowed it (anonify node --allow-origin).
    const page = pageNodeUrl()
    const others = deployment.nodes.filter((url) => new URL(url).origin !== new URL(page).origin)
    const nodes = memberNodes([page, ...others])
    // Posting directly needs this tab's enclave to precheck the record: only a replica has the epoch keys for it.
    const poster = () =>
      mode === 'light' || currentPostingRoute() === 'relayer'
        ? nodes.poster
        : createDirectPoster({
            clients: { walletClient: client(), publicClient },
            ledger,
            precheck: async (record, blockNumber) =>
              (await (await enclaveClient()).precheck({ record: toHex(record), blockNumber })).accepted,
          })
    const tabReplica: AccountReadSource = { readAccount: async (params) => (await enclaveClient()).readAccount(params) }
    wallet = createConfidentialWallet({
      chainId,
      ledger,
      account,
      signTypedData: (typedData) => client().signTypedData(typedData),
      publicClient,
      fromBlock: BigInt(deployment.deployBlock),
      finality: deployment.finality,
      readers: mode === 'light' ? nodes.readers : [{ name: TAB_REPLICA, reader: tabReplica }],
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
