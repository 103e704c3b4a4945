/**
 * Where a browser keeps its simulated machine and its replica's sealed state: IndexedDB, per deployment rather than
 * per origin, so a local chain restarted with a new deployment starts from a clean machine and state, and nothing
 * sealed for one deployment is ever offered to another.
 */
import type { Address } from 'viem'
import { indexedDbStore } from './indexedDb'
import type { SealedStateStore } from './sealedStateStore'

export function browserStores({ chainId, contracts }: { chainId: number; contracts: { ledger: Address } }): {
  machine: SealedStateStore
  sealed: SealedStateStore
} {
  const prefix = `${chainId}:${contracts.ledger.toLowerCase()}`
  return { machine: indexedDbStore(`${prefix}:machine`), sealed: indexedDbStore(`${prefix}:sealed`) }
}
