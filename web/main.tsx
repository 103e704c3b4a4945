/** Boots the dApp: loads the deployment, starts this tab's enclave Worker, then renders with wagmi and react-query. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { WagmiProvider } from 'wagmi'
import { fetchDeployment } from '../host/deployment/fetchDeployment'
import { startBrowserEnclave } from '../host/enclave/startBrowserEnclave'
import { browserStores } from '../host/storage/browserStores'
import { loadOrCreateSimMachine } from '../host/storage/simMachineStore'
import { App } from './app/App'
import { createReplicaStore } from './replica/replicaStore'
import { AppContext } from './app/AppContext'
import { StartupError } from './app/StartupError'
import { createWagmiConfig } from './wagmi'
import './styles.css'

const root = createRoot(document.getElementById('root')!)
const queryClient = new QueryClient()

try {
  const deployment = await fetchDeployment()
  // This browser is one simulated machine (kept in IndexedDB) running one enclave replica per tab. Failures surface
  // in the enclave panel.
  const stores = browserStores(deployment)
  const enclave = loadOrCreateSimMachine(stores.machine, "this browser's IndexedDB").then((machine) =>
    startBrowserEnclave({ baseUrl: '/enclave/', machine }),
  )
  enclave.catch(() => {})
  const replica = createReplicaStore({ deployment, enclave, sealedStore: stores.sealed })
  root.render(
    <StrictMode>
      <WagmiProvider config={createWagmiConfig(deployment)} reconnectOnMount>
        <QueryClientProvider client={queryClient}>
          <AppContext.Provider value={{ deployment, enclave, replica }}>
            <App />
          </AppContext.Provider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  )
} catch (error) {
  root.render(<StartupError error={error} />)
}
