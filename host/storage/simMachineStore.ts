/**
 * Keeps a simulated machine in a store (a file for a node, IndexedDB for a browser), so a restarted node or a
 * reloaded tab is "the same machine" and can unseal its state. A real platform secret never leaves the CPU; here it
 * is stored bytes: simulation gives no hardware protection.
 */
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { parseSimMachine } from '../../enclave-wasm/platform/sim/parseSimMachine'
import type { SealedStateStore } from './sealedStateStore'

/**
 * The machine in `store`, or a new one provisioned and stored there; `where` names the store in errors.
 * @example
 * const machine = await loadOrCreateSimMachine(fileStore('data/sim-machine.json'), 'data/sim-machine.json')
 */
export async function loadOrCreateSimMachine(store: SealedStateStore, where: string): Promise<SimMachine> {
  const stored = await store.load()
  if (stored) return parseSimMachine(JSON.parse(new TextDecoder().decode(stored)), where)
  const machine = await createSimMachine()
  await store.save(new TextEncoder().encode(JSON.stringify(machine, null, 2)))
  return machine
}
