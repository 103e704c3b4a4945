/** What every page needs and is fixed for the page's life: the deployment record and this tab's enclave. */
import { createContext, useContext } from 'react'
import type { Deployment } from '../../host/deployment/parseDeployment'
import type { BrowserEnclave } from '../../host/enclave/startBrowserEnclave'

export type AppContextValue = { deployment: Deployment; enclave: Promise<BrowserEnclave> }

export const AppContext = createContext<AppContextValue | undefined>(undefined)

/** Reads the app context; throws if a component renders outside `AppContext.Provider`. */
export function useAppContext(): AppContextValue {
  const value = useContext(AppContext)
  if (!value) throw new Error('useAppContext must be used inside AppContext.Provider')
  return value
}
