/**
 * This tab's replica (web/replica/replicaStore.ts) for React: its state, and joining. If this browser already sealed a
 * member's state for the deployment, joining resumes it (no new registration), by itself once a wallet is connected.
 */
import { useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useSyncExternalStore } from 'react'
import type { PublicClient } from 'viem'
import { usePublicClient, useWalletClient } from 'wagmi'
import { useAppContext } from '../app/AppContext'

export function useReplica() {
  const { deployment, replica } = useAppContext()
  const state = useSyncExternalStore(replica.subscribe, replica.getState)
  const walletClient = useWalletClient()
  const publicClient = usePublicClient()
  const sealed = useQuery({
    queryKey: ['sealedState', deployment.contracts.ledger],
    queryFn: replica.hasSealedState,
    staleTime: Infinity,
  })
  const join = useMutation({
    mutationKey: ['joinGroup'],
    mutationFn: async () => {
      if (!walletClient.data || !publicClient) throw new Error('Connect a wallet first: it pays for the registration.')
      await replica.join({ walletClient: walletClient.data, publicClient: publicClient as PublicClient })
    },
  })
  const { mutate, isIdle } = join
  const canJoin = walletClient.data !== undefined && publicClient !== undefined
  useEffect(() => {
    if (sealed.data && canJoin && isIdle && !state.joined) mutate()
  }, [sealed.data, canJoin, isIdle, state.joined, mutate])
  return { ...state, join, canJoin }
}
