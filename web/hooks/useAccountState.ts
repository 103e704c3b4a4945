/**
 * The connected account as a member enclave answered it (the page's node in light mode, this tab's replica in replica
 * mode): balance, nonce, latest receipt, history and session, with the member that answered.
 */
import { queryOptions, useQuery } from '@tanstack/react-query'
import type { EnclaveStatus } from '../../enclave-wasm/protocol'
import type { ConfidentialWallet } from '../../host/wallet/confidentialWallet'
import { useConfidentialWallet } from './useConfidentialWallet'
import { useEnclaveStatus } from './useEnclaveStatus'
import { type ReadMode, useReadMode } from './useReadMode'

export const ACCOUNT_STATE_KEY = 'accountState'
/** A refetch with no push: in case the push stream is down while its reconnection backs off. */
const FALLBACK_REFETCH_MS = 15_000

/**
 * Query options for one wallet's own account, read through its signed read key. Refetched when new inputs were
 * applied (useAppliedPush), and on a slow timer as a fallback.
 */
export function accountStateQueryOptions(wallet: ConfidentialWallet | undefined, mode: ReadMode, enabled: boolean) {
  return queryOptions({
    // By mode: a replica that has no state yet must not show what the node answered before it joined.
    queryKey: [ACCOUNT_STATE_KEY, wallet?.account, mode] as const,
    queryFn: () => wallet!.read(),
    enabled: enabled && wallet !== undefined,
    // Stops after a failure: a refused read-key signature must not be asked for again and again.
    refetchInterval: (query) => (query.state.status === 'error' ? false : FALLBACK_REFETCH_MS),
    retry: false,
  })
}

/**
 * Whether this tab's replica has state to read: it applied something (at input 0 its first sync may yet find it joined late,
 * and a 0 read then is one it cannot vouch for) and it is not restoring (it refuses reads, and a refusal stops the
 * polling above until the page reloads).
 */
const hasAccountState = (status: EnclaveStatus | undefined) =>
  status !== undefined && status.seq > 0n && !status.restoring

export function useAccountState() {
  const wallet = useConfidentialWallet()
  const mode = useReadMode()
  const enclave = useEnclaveStatus()
  return useQuery(accountStateQueryOptions(wallet, mode, mode === 'light' || hasAccountState(enclave.data)))
}
