/** Starts an enclave in Node worker_threads on a simulated machine and returns a client for it. */
import { launchNodeEnclave } from '../../enclave-wasm/platform/launchNodeEnclave'
import { createSimPlatform, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import type { Hex } from '../../enclave-wasm/protocol'
import { EnclaveBootError } from '../errors/enclave'
import { createEnclaveClient, type EnclaveClient } from './createEnclaveClient'

export type NodeEnclave = { client: EnclaveClient; measurement: Hex }

export type StartNodeEnclaveParameters = {
  /** The simulated machine it runs on (seal keys and quotes come from it). */
  machine: SimMachine
  /** Folder with the enclave image; the built one by default. */
  buildDir?: string | undefined
  /** Launch in debug mode (registries refuse it). */
  debug?: boolean | undefined
}

/**
 * Launches the built enclave image headless.
 * @example
 * const { client } = await startNodeEnclave({ machine: await createSimMachine() })
 * console.log((await client.getStatus()).measurement)
 * await client.close()
 */
export async function startNodeEnclave({ machine, buildDir, debug }: StartNodeEnclaveParameters): Promise<NodeEnclave> {
  try {
    const { transport, measurement } = await launchNodeEnclave({
      platform: createSimPlatform(machine),
      buildDir,
      debug,
    })
    return { client: createEnclaveClient({ transport }), measurement }
  } catch (cause) {
    throw new EnclaveBootError({ cause })
  }
}
