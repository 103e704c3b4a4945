/** This tab's enclave status, through react-query (query options + a thin hook, as wagmi does). */
import { queryOptions, useQuery } from '@tanstack/react-query'
import type { BrowserEnclave } from '../../host/enclave/startBrowserEnclave'
import { useAppContext } from '../app/AppContext'

/** Query options for the status of the enclave behind `enclave`, polled while the page is open. */
export function enclaveStatusQueryOptions(enclave: Promise<BrowserEnclave>) {
  return queryOptions({
    queryKey: ['enclave', 'status'] as const,
    queryFn: async () => (await enclave).client.getStatus(),
    retry: false,
    refetchInterval: 1_000,
  })
}

/** Status of this tab's enclave Worker (booted, measurement, group membership). */
export function useEnclaveStatus() {
  const { enclave } = useAppContext()
  return useQuery(enclaveStatusQueryOptions(enclave))
}
