/** Boots the dApp: loads the deployment, starts this tab's enclave Worker, then renders with wagmi and react-query. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { WagmiProvider } from 'wagmi'
import { createSimMachine } from '../enclave-wasm/platform/sim/createSimPlatform'
import { fetchDeployment } from '../host/deployment/fetchDeployment'
import { startBrowserEnclave } from '../host/enclave/startBrowserEnclave'
import { App } from './app/App'
import { AppContext } from './app/AppContext'
import { StartupError } from './app/StartupError'
import { createWagmiConfig } from './wagmi'
import './styles.css'

const root = createRoot(document.getElementById('root')!)
const queryClient = new QueryClient()

try {
  const deployment = await fetchDeployment()
  // This tab is one simulated machine running one enclave replica. Failures surface in the enclave panel.
  const enclave = createSimMachine().then((machine) => startBrowserEnclave({ baseUrl: '/enclave/', machine }))
  enclave.catch(() => {})
  root.render(
    <StrictMode>
      <WagmiProvider config={createWagmiConfig(deployment)} reconnectOnMount>
        <QueryClientProvider client={queryClient}>
          <AppContext.Provider value={{ deployment, enclave }}>
            <App />
          </AppContext.Provider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  )
} catch (error) {
  root.render(<StartupError error={error} />)
}
