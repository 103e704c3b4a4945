/**
 * Refetches the account when new inputs were applied where the page reads from, instead of a signed read every
 * second: in light mode the node that last answered pushes its enclave's seq (GET /v1/events; after a failover, the
 * one that took over), and this tab's replica loop reports its own in replica mode. Mounted once per page.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useSyncExternalStore } from 'react'
import { subscribeApplied } from '../../host/relayer/subscribeApplied'
import { useAppContext } from '../app/AppContext'
import { ACCOUNT_STATE_KEY, useAccountState } from './useAccountState'
import { pageNodeUrl, useReadMode } from './useReadMode'

export function useAppliedPush(): void {
  const queryClient = useQueryClient()
  const mode = useReadMode()
  const { replica } = useAppContext()
  const replicaSeq = useSyncExternalStore(replica.subscribe, () => replica.getState().appliedSeq)
  const answering = useAccountState().data?.answeredBy.node
  const node = mode === 'light' && answering?.startsWith('http') ? answering : pageNodeUrl()

  useEffect(() => {
    if (mode === 'replica' && replicaSeq !== undefined)
      void queryClient.invalidateQueries({ queryKey: [ACCOUNT_STATE_KEY] })
  }, [mode, replicaSeq, queryClient])

  useEffect(() => {
    if (mode !== 'light') return
    const stop = new AbortController()
    void subscribeApplied(node, () => void queryClient.invalidateQueries({ queryKey: [ACCOUNT_STATE_KEY] }), {
      signal: stop.signal,
    })
    return () => stop.abort()
  }, [mode, node, queryClient])
}
