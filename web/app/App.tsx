/** The app shell: header with the simulation warning and the page tabs, then the wallet, identity, explorer or network
 * page. */
import { ChainPanel } from '../features/chain/ChainPanel'
import { DivergenceBanner } from '../features/chain/DivergenceBanner'
import { BalancePanel } from '../features/account/BalancePanel'
import { HistoryPanel } from '../features/account/HistoryPanel'
import { IssuerPanel } from '../features/account/IssuerPanel'
import { SessionPanel } from '../features/account/SessionPanel'
import { TransferForm } from '../features/account/TransferForm'
import { EnclavePanel } from '../features/enclave/EnclavePanel'
import { ExplorerPage } from '../features/explorer/ExplorerPage'
import { IdentityPage } from '../features/identity/IdentityPage'
import { NetworkPanel } from '../features/network/NetworkPanel'
import { WalletPanel } from '../features/wallet/WalletPanel'
import { useAppliedPush } from '../hooks/useAppliedPush'
import { useHashRoute, type Page } from './useHashRoute'

const TITLES: Record<Page, string> = {
  wallet: 'Wallet',
  identity: 'Identity',
  explorer: 'Explorer',
  network: 'Network',
}

export function App() {
  const page = useHashRoute()
  useAppliedPush()
  return (
    <div className="page">
      <header className="header">
        <div>
          <h1>Anonify</h1>
          <p className="tagline">Confidential, auditable state on a shared EVM chain.</p>
        </div>
        <nav aria-label="Pages" className="tabs">
          {(Object.keys(TITLES) as Page[]).map((name) => (
            <a key={name} href={`#/${name}`} aria-current={page === name ? 'page' : undefined}>
              {TITLES[name]}
            </a>
          ))}
        </nav>
      </header>
      <p role="note" className="banner" data-testid="simulation-banner">
        Simulation mode: the enclave runs in a Web Worker with no hardware protection. Do not use real assets.
      </p>
      <DivergenceBanner />
      {/* The enclave panel stays mounted on every page: it owns the replica's join and its progress. */}
      <main className="grid">
        <WalletPanel />
        <EnclavePanel />
        {page === 'wallet' && (
          <>
            <BalancePanel />
            <TransferForm />
            <SessionPanel />
            <IssuerPanel />
            <HistoryPanel />
          </>
        )}
        {page === 'identity' && <IdentityPage />}
        {page === 'explorer' && <ExplorerPage />}
        {page === 'network' && (
          <>
            <ChainPanel />
            <NetworkPanel />
          </>
        )}
      </main>
    </div>
  )
}
