/** The newest Ledger inputs as a chain observer sees them, refreshed every few seconds. */
import { queryOptions, useQuery } from '@tanstack/react-query'
import type { Address, PublicClient } from 'viem'
import { usePublicClient } from 'wagmi'
import { readLedgerActivity } from '../../host/ledger/readLedgerActivity'
import { useAppContext } from '../app/AppContext'

export function ledgerActivityQueryOptions(publicClient: PublicClient | undefined, ledger: Address, fromBlock: bigint) {
  return queryOptions({
    queryKey: ['ledgerActivity', ledger] as const,
    queryFn: () => readLedgerActivity(publicClient!, { ledger, fromBlock, limit: 50 }),
    enabled: publicClient !== undefined,
    refetchInterval: 2_000,
  })
}

export function useLedgerActivity() {
  const { deployment } = useAppContext()
  const publicClient = usePublicClient() as PublicClient | undefined
  return useQuery(ledgerActivityQueryOptions(publicClient, deployment.contracts.ledger, BigInt(deployment.deployBlock)))
}
