/** The app shell: header with the simulation warning, then the wallet, chain, enclave and network panels. */
import { ChainPanel } from '../features/chain/ChainPanel'
import { EnclavePanel } from '../features/enclave/EnclavePanel'
import { NetworkPanel } from '../features/network/NetworkPanel'
import { WalletPanel } from '../features/wallet/WalletPanel'

export function App() {
  return (
    <div className="page">
      <header className="header">
        <h1>Anonify</h1>
        <p className="tagline">Confidential, auditable state on a shared EVM chain.</p>
      </header>
      <p role="note" className="banner" data-testid="simulation-banner">
        Simulation mode: the enclave runs in a Web Worker with no hardware protection. Do not use real assets.
      </p>
      <main className="grid">
        <WalletPanel />
        <ChainPanel />
        <EnclavePanel />
        <NetworkPanel />
      </main>
    </div>
  )
}
