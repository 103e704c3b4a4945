/** The registered enclaves and current epoch as the chain records them, refreshed every block poll. */
import { queryOptions, useQuery } from '@tanstack/react-query'
import type { Address, PublicClient } from 'viem'
import { usePublicClient } from 'wagmi'
import { readNetwork } from '../../host/ledger/readNetwork'
import { useAppContext } from '../app/AppContext'

/** Query options for `readNetwork`, keyed by chain and Ledger. */
export function networkQueryOptions(publicClient: PublicClient | undefined, chainId: number, ledger: Address) {
  return queryOptions({
    queryKey: ['network', chainId, ledger] as const,
    queryFn: () => readNetwork(publicClient!, { ledger }),
    enabled: publicClient !== undefined,
    refetchInterval: 1_000,
  })
}

export function useNetwork() {
  const { deployment } = useAppContext()
  const publicClient = usePublicClient()
  return useQuery(
    networkQueryOptions(publicClient as PublicClient | undefined, deployment.chainId, deployment.contracts.ledger),
  )
}
