/** Starts an enclave in Node worker_threads and returns a client for it. */
import { launchNodeEnclave, ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import type { Hex } from '../../enclave-wasm/protocol'
import { EnclaveBootError } from '../errors/enclave'
import { createEnclaveClient, type EnclaveClient } from './createEnclaveClient'

export type NodeEnclave = { client: EnclaveClient; measurement: Hex }

/**
 * Launches the built enclave image headless.
 * @example
 * const { client } = await startNodeEnclave()
 * console.log((await client.getStatus()).measurement)
 * await client.close()
 */
export async function startNodeEnclave(buildDir: string = ENCLAVE_BUILD_DIR): Promise<NodeEnclave> {
  try {
    const { transport, measurement } = await launchNodeEnclave(buildDir)
    return { client: createEnclaveClient({ transport }), measurement }
  } catch (cause) {
    throw new EnclaveBootError({ cause })
  }
}
