/** Where the CLI wallet keeps a session: one 0600 file per deployment and account (host/wallet/sessionStore.ts). */
import { join } from 'node:path'
import type { Address } from 'viem'

export function sessionFilePath(dir: string, chainId: bigint, ledger: Address, account: Address): string {
  return join(dir, `${chainId}-${ledger.toLowerCase()}-${account.toLowerCase()}.json`)
}
