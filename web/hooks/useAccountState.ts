/** The connected account as this tab's enclave knows it: balance, nonce, latest receipt, history and session. */
import { queryOptions, useQuery } from '@tanstack/react-query'
import type { ConfidentialWallet } from '../../host/wallet/confidentialWallet'
import { useConfidentialWallet } from './useConfidentialWallet'
import { useReplica } from './useReplica'

/** Query options for one wallet's own account, read through its signed read key and polled while the page is open. */
export function accountStateQueryOptions(wallet: ConfidentialWallet | undefined, enabled: boolean) {
  return queryOptions({
    queryKey: ['accountState', wallet?.account] as const,
    queryFn: () => wallet!.read(),
    enabled: enabled && wallet !== undefined,
    // Stops after a failure: a refused read-key signature must not be asked for again every second.
    refetchInterval: (query) => (query.state.status === 'error' ? false : 1_000),
    retry: false,
  })
}

export function useAccountState() {
  const wallet = useConfidentialWallet()
  const { joined } = useReplica()
  return useQuery(accountStateQueryOptions(wallet, joined))
}
