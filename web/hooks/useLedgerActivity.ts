/** The newest Ledger inputs as a chain observer sees them, refreshed every few seconds. */
import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { Address, PublicClient } from 'viem'
import { usePublicClient } from 'wagmi'
import { readLedgerActivity, type LedgerActivity } from '../../host/ledger/readLedgerActivity'
import { useAppContext } from '../app/AppContext'

export function ledgerActivityQueryOptions(
  queryClient: QueryClient,
  publicClient: PublicClient | undefined,
  ledger: Address,
  fromBlock: bigint,
) {
  const queryKey = ['ledgerActivity', ledger] as const
  return queryOptions({
    queryKey,
    // The previous rows are handed back: only inputs not seen yet cost a transaction fetch.
    queryFn: () =>
      readLedgerActivity(publicClient!, {
        ledger,
        fromBlock,
        limit: 50,
        known: queryClient.getQueryData<LedgerActivity[]>(queryKey),
      }),
    enabled: publicClient !== undefined,
    refetchInterval: 2_000,
  })
}

export function useLedgerActivity() {
  const { deployment } = useAppContext()
  const publicClient = usePublicClient() as PublicClient | undefined
  return useQuery(
    ledgerActivityQueryOptions(
      useQueryClient(),
      publicClient,
      deployment.contracts.ledger,
      BigInt(deployment.deployBlock),
    ),
  )
}
