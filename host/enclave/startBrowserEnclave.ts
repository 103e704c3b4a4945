/** Starts an enclave in a dedicated Web Worker and returns a client for it (browser only). */
import { launchBrowserEnclave } from '../../enclave-wasm/platform/launchBrowserEnclave'
import type { Hex } from '../../enclave-wasm/protocol'
import { EnclaveBootError } from '../errors/enclave'
import { createEnclaveClient, type EnclaveClient } from './createEnclaveClient'

export type BrowserEnclave = { client: EnclaveClient; measurement: Hex }

/**
 * Fetches, measures and boots the enclave image served under `baseUrl`.
 * @example
 * const { client } = await startBrowserEnclave('/enclave/')
 */
export async function startBrowserEnclave(baseUrl = '/enclave/'): Promise<BrowserEnclave> {
  try {
    const { transport, measurement } = await launchBrowserEnclave(baseUrl)
    return { client: createEnclaveClient({ transport }), measurement }
  } catch (cause) {
    throw new EnclaveBootError({ cause })
  }
}
