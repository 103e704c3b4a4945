/**
 * Keeps a browser's simulated machine in IndexedDB, so a reloaded tab is the same machine and can unseal what its
 * enclave sealed. A real platform secret never leaves the CPU; here it sits in IndexedDB: no hardware protection.
 */
import type { Address } from 'viem'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { parseSimMachine } from '../../enclave-wasm/platform/sim/parseSimMachine'
import { indexedDbStore } from './indexedDb'
import type { SealedStateStore } from './sealedStateStore'

/**
 * Per deployment rather than per origin: a local chain restarted with a new deployment starts from a clean machine
 * and state, and nothing sealed for one deployment is ever offered to another.
 */
export function browserStores({ chainId, contracts }: { chainId: number; contracts: { ledger: Address } }): { machine: SealedStateStore; sealed: SealedStateStore } {
  const prefix = `${chainId}:${contracts.ledger.toLowerCase()}`
  return { machine: indexedDbStore(`${prefix}:machine`), sealed: indexedDbStore(`${prefix}:sealed`) }
}

/** The machine stored in `store`, or a new one provisioned and stored there. */
export async function loadOrCreateBrowserMachine(store: SealedStateStore): Promise<SimMachine> {
  const stored = await store.load()
  if (stored) return parseSimMachine(JSON.parse(new TextDecoder().decode(stored)), "this browser's IndexedDB")
  const machine = await createSimMachine()
  await store.save(new TextEncoder().encode(JSON.stringify(machine)))
  return machine
}
