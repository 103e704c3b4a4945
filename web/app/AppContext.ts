/** What every page needs and is fixed for the page's life: the deployment record, this tab's enclave and its replica. */
import { createContext, useContext } from 'react'
import type { Deployment } from '../../host/deployment/parseDeployment'
import type { BrowserEnclave } from '../../host/enclave/startBrowserEnclave'
import type { ReplicaStore } from '../replica/replicaStore'

export type AppContextValue = {
  deployment: Deployment
  enclave: Promise<BrowserEnclave>
  /** The member loop of this tab's enclave; its sealed state lives in IndexedDB, per deployment. */
  replica: ReplicaStore
}

export const AppContext = createContext<AppContextValue | undefined>(undefined)

/** The app context; throws if a component renders outside the provider (a wiring bug, not a user error). */
export function useAppContext(): AppContextValue {
  const value = useContext(AppContext)
  if (!value) throw new Error('useAppContext must be used inside <AppContext.Provider>')
  return value
}
