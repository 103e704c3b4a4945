/**
 * Where this page reads the account from. Light (the default): through the member node serving the page, with every
 * reply checked against the chain; nothing to register, no gas. Replica: through this tab's own enclave, once the
 * person chose to run one (operators), which then is the only source the page believes.
 */
import { useReplica } from './useReplica'

export type ReadMode = 'light' | 'replica'

export function useReadMode(): ReadMode {
  return useReplica().joined ? 'replica' : 'light'
}

/** The node the page is served with: its dev server or proxy forwards /v1/ to a member node's API. */
export const pageNodeUrl = () => new URL('/', window.location.href).href
