/** Starts an enclave in a dedicated Web Worker on a simulated machine and returns a client for it (browser only). */
import { launchBrowserEnclave } from '../../enclave-wasm/platform/launchBrowserEnclave'
import { createSimPlatform, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import type { Hex } from '../../enclave-wasm/protocol'
import { EnclaveBootError } from '../errors/enclave'
import { createEnclaveClient, type EnclaveClient } from './createEnclaveClient'

export type BrowserEnclave = { client: EnclaveClient; measurement: Hex }

/**
 * Fetches, measures and boots the enclave image served under `baseUrl`.
 * @example
 * const { client } = await startBrowserEnclave({ baseUrl: '/enclave/', machine })
 */
export async function startBrowserEnclave({
  baseUrl = '/enclave/',
  machine,
}: {
  baseUrl?: string
  machine: SimMachine
}): Promise<BrowserEnclave> {
  try {
    const { transport, measurement } = await launchBrowserEnclave({ baseUrl, platform: createSimPlatform(machine) })
    return { client: createEnclaveClient({ transport }), measurement }
  } catch (cause) {
    throw new EnclaveBootError({ cause })
  }
}
